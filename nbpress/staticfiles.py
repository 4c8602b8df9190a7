"""Files published as they are: ``static = ["files", "favicon.ico", "CNAME"]``.

Jekyll copies every file of its source that is not a page, a post or in an
underscore folder into the site: a CV in ``files/``, ``favicon.ico``, ``CNAME``, a
search engine's verification file, an HTML demo shown in an ``<iframe>``.  An
nbpress root also holds what is not the site (README, data, ``pyproject.toml``,
notebooks' inputs), so only what ``static`` lists is published: each file, and
every file under each folder, at the same path.  Dotfiles and dot-folders are not;
a ``.md``/``.html`` file with front matter in a listed folder is a page (built,
not copied), and what ``exclude`` names is left out.  A static file replaces a page nbpress generates at its path (the
site's own ``robots.txt``); one where a post or a page is written is an error
naming both.  ``nbpress import`` lists a Jekyll site's static files here.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Iterable

from .errors import ConfigError, PostError
from .model import OutputFile, PostSource, SiteConfig
from .sourcefiles import PAGE_SUFFIXES, has_front_matter

# Folders of the root that are nbpress's own: never published as they are.
_OWN = ("posts", "templates", "_executed", ".nbpress-cache", "_site")


def static_problems(entries: Iterable[str]) -> list[str]:
    """What is wrong with ``static``'s entries as written (config.py's check)."""
    problems = []
    for entry in entries:
        parts = PurePosixPath(entry.strip("/")).parts
        if not parts or entry.startswith("/") or ".." in parts or parts[0] in _OWN \
                or any(part.startswith(".") for part in parts):
            problems.append(f"'tool.nbpress.static' entry {entry!r} must be a file or folder "
                            "under the site root (not posts/, templates/, _executed/, _site/, "
                            "nor a dotfile)")
    return problems


def _is_page(path: Path) -> bool:
    return path.suffix in PAGE_SUFFIXES and has_front_matter(path)


def static_sources(config: SiteConfig) -> dict[str, Path]:
    """Each static file by its path in the site (``/``-separated), in path order.  Raises
    a ``ConfigError`` naming an entry that is not there."""
    found: dict[str, Path] = {}
    out = config.out.resolve()
    excluded = tuple(f"{x.strip('/')}/" for x in config.exclude)  # Jekyll's: never published
    for entry in config.static:
        top = config.root / entry.strip("/")
        if top.is_file():
            if _is_page(top):  # it is built; its source must not be published too
                raise ConfigError(f"'static' lists {entry!r}, a page (it starts with front "
                                  "matter): it is built, not copied.",
                                  path=config.root / "pyproject.toml",
                                  hint="Remove it from static = […].")
            found[entry.strip("/")] = top
            continue
        if not top.is_dir():
            raise ConfigError(f"'static' lists {entry!r}, which is not in the site folder.",
                              path=config.root / "pyproject.toml",
                              hint="Remove it from static = […], or restore the file.")
        if top.resolve() == out or out in top.resolve().parents:
            raise ConfigError(f"'static' lists {entry!r}, which is the built site (--out).",
                              path=config.root / "pyproject.toml",
                              hint="Remove it from static = […].")
        for folder, subfolders, names in os.walk(top):
            here = Path(folder)
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                                   and (here / d).resolve() != out)
            for name in sorted(names):
                path = here / name
                rel = path.relative_to(config.root).as_posix()
                if not name.startswith(".") and path.is_file() and not _is_page(path) \
                        and not f"{rel}/".startswith(excluded):
                    found[rel] = path
    return dict(sorted(found.items()))


def static_clashes(config: SiteConfig, written: Iterable[PostSource]) -> list[PostError]:
    """A static file where a post or page is written: an error naming both."""
    try:
        static = static_sources(config)
    except ConfigError as exc:
        return [exc]  # type: ignore[list-item]  # (reported with the others)
    return [PostError(f"this {item.kind} is written where the static file {static[path]} "
                      f"goes ({path}).", path=item.path,
                      hint="Give it another 'permalink:', or move the file.")
            for item in written if (path := item.output_path) in static]


def static_outputs(config: SiteConfig) -> list[OutputFile]:
    """The static files, as files of the site (taken from where they are)."""
    return [OutputFile(path, source=source) for path, source in static_sources(config).items()]


__all__ = ["static_clashes", "static_outputs", "static_problems", "static_sources"]
