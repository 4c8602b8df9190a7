"""Which Jupyter kernel runs a post: the notebook's own, never silently another.

The kernel comes from the post's ``kernelspec`` (front matter ``jupyter.kernelspec``
or the ``.ipynb`` metadata), else from ``[tool.nbpress.execute] kernel``.  A
kernel that is installed runs.  One that is not: when its language is Python
(``python2``, ``conda-env-x-py``, a fastpages environment name…) the default
Python kernel runs it with one warning naming both; otherwise the post fails
with the kernel's name, its language, the installed kernels and how to map it
(``[tool.nbpress.execute.kernels]``).  A mapping onto a kernel of another
language is refused: R code must never be handed to Python.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Callable, Mapping

from .errors import BuildWarning, ConfigError, PostError
from .model import Kernel, NotebookDoc, PostSource, SiteConfig
from .nbnode import node

# Kernel names that say Python even when the notebook names no language.
_PYTHONIC = re.compile(r"(^|[-_.])(i?python\d*(\.\d+)*|py\d*)($|[-_.])", re.I)


def spec_manager() -> Any:
    """Jupyter's ``KernelSpecManager`` looking where it looks by default: Jupyter's kernel
    folders, then IPython's.  Given them, it does not import IPython to find its folder
    (≈0.27 s of every build that lists or starts a kernel; the tests check the folders are
    the default ones)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_core.paths import jupyter_path

    return KernelSpecManager(kernel_dirs=[*jupyter_path("kernels"),
                                          os.path.join(_ipython_dir(), "kernels")])


def _ipython_dir() -> str:
    """IPython's folder as ``IPython.paths.get_ipython_dir`` finds it: ``$IPYTHONDIR`` (or
    the old ``$IPYTHON_DIR``), else ``~/.ipython`` in the real home folder, or, where only it
    exists, IPython 1's ``~/.config/ipython``.  (Where the folder cannot be written IPython
    makes a temporary one, which holds no kernel.)"""
    found = os.environ.get("IPYTHONDIR", os.environ.get("IPYTHON_DIR"))
    if found is None:
        home = os.path.realpath(os.path.expanduser("~"))
        found = os.path.join(home, ".ipython")
        legacy = os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"),
                              "ipython")
        if sys.platform.startswith("linux") and not os.path.exists(found) and \
                os.path.isdir(legacy) and not os.path.islink(legacy) and \
                os.access(legacy, os.W_OK):
            found = legacy
    return os.path.normpath(os.path.expanduser(found))


def installed_kernels() -> dict[str, Kernel]:
    """The kernels Jupyter finds here (``jupyter kernelspec list``), by name."""
    found = {}
    for name, entry in spec_manager().get_all_specs().items():
        spec = entry.get("spec", {})
        found[name] = Kernel(name, str(spec.get("language") or ""),
                             str(spec.get("display_name") or name))
    return found


# The usual kernel of a language jupytext finds a text notebook's chunks in (``{r}``)
_LANGUAGE_KERNELS = {"r": "ir", "julia": "julia", "scala": "scala", "bash": "bash"}


def requested(post: PostSource, metadata: Mapping[str, Any], has_code: bool = True
              ) -> Kernel | None:
    """The kernel the post asks for: front matter ``jupyter.kernelspec``, else the notebook's
    ``kernelspec``/``language_info``, else — a text notebook with code (``has_code``) and no
    kernelspec, such as RStudio's ``.Rmd`` with ``{r}`` chunks — one for the language
    jupytext read its code in (``main_language``); None when it names none."""
    jupyter = post.front_matter.get("jupyter")
    spec = jupyter.get("kernelspec") if isinstance(jupyter, Mapping) else None
    if not isinstance(spec, Mapping):
        spec = metadata.get("kernelspec")
    if not isinstance(spec, Mapping) or not spec.get("name"):
        found = metadata.get("jupytext")
        language = str(found.get("main_language") or "") if isinstance(found, Mapping) else ""
        if has_code and language and not Kernel(language=language).is_python:
            name = _LANGUAGE_KERNELS.get(language.lower(), language.lower())
            return Kernel(name, language, language)
        return None
    info = metadata.get("language_info")
    language = spec.get("language") or (info.get("name") if isinstance(info, Mapping) else "")
    name = str(spec["name"])
    if not language and _PYTHONIC.search(name):
        language = "python"
    return Kernel(name, str(language or ""), str(spec.get("display_name") or name))


def _listing(installed: Mapping[str, Kernel]) -> str:
    return ", ".join(f"{k.name} ({k.language or 'unknown language'})"
                     for k in sorted(installed.values(), key=lambda k: k.name)) or "none"


def choose(post: PostSource, wanted: Kernel | None, config: SiteConfig,
           find_installed: Callable[[], Mapping[str, Kernel]]) -> tuple[Kernel, list[BuildWarning]]:
    """The installed kernel that runs ``post``; ``PostError`` when none can.

    ``find_installed`` is called only for a post that asks for another kernel than
    the site's (listing kernelspecs costs a few file reads).
    """
    if wanted is None or wanted.name == config.execute.kernel and wanted.language in (
            "", "python"):
        return Kernel(config.execute.kernel, "python", config.execute.kernel), []
    installed = find_installed()
    default = installed.get(config.execute.kernel)
    if default is None:
        raise ConfigError(f"the kernel '{config.execute.kernel}' set in [tool.nbpress.execute] "
                          f"is not installed; installed kernels: {_listing(installed)}.",
                          path=config.root / "pyproject.toml",
                          hint="Install it (python -m ipykernel install --user for Python), or "
                               "set 'kernel' to one of the installed kernels.")
    if wanted is None:
        return default, []
    target = config.execute.kernels.get(wanted.name, wanted.name)
    line = post.line_of("jupyter")
    if target in installed:
        chosen = installed[target]
        if wanted.language and chosen.language and \
                Kernel(language=wanted.language).is_python != chosen.is_python:
            raise PostError(
                f"the notebook's kernel '{wanted.name}' runs {wanted.language}, but "
                f"[tool.nbpress.execute.kernels] maps it to '{target}', which runs "
                f"{chosen.language}.", path=post.path, line=line,
                hint=f"Map it to an installed {wanted.language} kernel, or install one.")
        return chosen, []
    if Kernel(language=wanted.language or "?").is_python:
        return default, [BuildWarning(
            f"the notebook's kernel '{wanted.name}' is not installed; its language is Python, "
            f"so it runs in '{default.name}'. Map it in [tool.nbpress.execute.kernels] "
            f"({wanted.name} = \"{default.name}\") to silence this.", post.path, line)]
    language = wanted.language or "an unknown language"
    raise PostError(
        f"the notebook's kernel '{wanted.name}' ({language}) is not installed here; installed "
        f"kernels: {_listing(installed)}.", path=post.path, line=line,
        hint=f"Install a {language} kernel (see `jupyter kernelspec list`), or map it to an "
             f"installed kernel of the same language in [tool.nbpress.execute.kernels], e.g. "
             f"{wanted.name} = \"<kernel name>\".")


def assign(doc: NotebookDoc, kernel: Kernel) -> NotebookDoc:
    """``doc`` to run in ``kernel``: its notebook's metadata says so too (the download).
    A new notebook: the one read stays as the post asked (a kept read, ``readcache.py``,
    must not come back saying which kernel an earlier build chose).  Only the top level is
    copied (``nbnode``)."""
    def change(notebook: Any) -> Any:
        metadata = node(notebook.metadata, {
            "kernelspec": {"name": kernel.name, "language": kernel.language,
                           "display_name": kernel.display_name},
            "language_info": {"name": kernel.language}})
        return node(notebook, {"metadata": metadata})

    return doc.changed(change, kernel=kernel)
