"""``nbpress new DIR``: a working blog, written from the starter files inside the package.

The starter (``nbpress/starter/``, package data) holds the blog's ``pyproject.toml``, one
short example post, ``.gitignore``, the GitHub Pages workflow and a README.  Two names
change on the way: package data cannot start with a dot (setuptools' globs skip such
files), so ``gitignore`` and ``github/`` become ``.gitignore`` and ``.github/``; and the
example post takes the day it was created as its date.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterator

from .errors import NbpressError

# The pin written in the workflow and README when nbpress cannot tell where it came from.
PLACEHOLDER = "git+https://github.com/OWNER/nbpress@COMMIT"
_DOTTED = {"gitignore": ".gitignore", "github": ".github"}
_EXAMPLE = "posts/welcome.md"
_IGNORED = {".git"}  # a folder made by `git init` or `git clone` counts as empty


@dataclass(frozen=True)
class NewBlog:
    """What ``create`` did: files written, files left as they were, and the pin used."""

    root: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]
    pin: str  # PLACEHOLDER when the workflow still needs the user's pin


def _starter_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        name = prefix + item.name
        if item.is_dir():
            yield from _starter_files(item, name + "/")
        else:
            yield name, item


def _target(name: str, today: dt.date) -> str:
    if name == _EXAMPLE:
        return f"posts/{today:%Y-%m-%d}-welcome.md"
    first, _, rest = name.partition("/")
    first = _DOTTED.get(first, first)
    return f"{first}/{rest}" if rest else first


def installed_pin() -> str:
    """``git+URL@COMMIT`` when this nbpress was installed from git (PEP 610), else PLACEHOLDER."""
    try:
        raw = importlib.metadata.distribution("nbpress").read_text("direct_url.json")
        origin = json.loads(raw or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return PLACEHOLDER
    vcs = origin.get("vcs_info", {})
    if vcs.get("vcs") != "git" or not vcs.get("commit_id") or not origin.get("url"):
        return PLACEHOLDER
    return f"git+{origin['url']}@{vcs['commit_id']}"


def _check_folder(root: Path, force: bool) -> None:
    if root.exists() and not root.is_dir():
        raise NbpressError("cannot create a blog here: this is a file, not a folder.", path=root,
                           hint="Give the name of a new or empty folder.")
    present = sorted(p.name for p in root.iterdir() if p.name not in _IGNORED) \
        if root.is_dir() else []
    if present and not force:
        shown = ", ".join(present[:3]) + (", …" if len(present) > 3 else "")
        raise NbpressError(f"the folder is not empty ({shown}); nbpress new writes a blog into "
                           "a new or empty folder so that it never mixes with other files.",
                           path=root, hint="Give the name of a new folder, or add --force to "
                           "write the blog's files there anyway (files that already exist are "
                           "kept as they are, not overwritten).")


def create(root: Path, *, force: bool = False, today: dt.date | None = None,
           pin: str | None = None) -> NewBlog:
    """Write a new blog into ``root`` (created if needed); never overwrite an existing file."""
    _check_folder(root, force)
    pin = pin or installed_pin()
    today = today or dt.date.today()
    written, kept = [], []
    try:
        for name, source in _starter_files(files("nbpress") / "starter"):
            target = _target(name, today)
            path = root / target
            if path.exists():
                kept.append(target)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source.read_text(encoding="utf-8").replace(PLACEHOLDER, pin),
                            encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise NbpressError(f"could not write the new blog: {exc.strerror or exc}.",
                           path=exc.filename or root,
                           hint="Choose a folder you can write to.") from None
    return NewBlog(root, tuple(written), tuple(kept), pin)


def summary(blog: NewBlog) -> str:
    """What to tell the user: what was made and the next commands."""
    lines = [f"created a blog in {blog.root} ({len(blog.written)} files)."]
    if blog.kept:
        lines.append("kept as they were (already there): " + ", ".join(blog.kept))
    lines += ["", "next:", f"  cd {blog.root}", "  nbpress build     # run the example post, "
              "write the site into _site/", "  nbpress serve     # preview it on "
              "http://127.0.0.1:8000/"]
    if blog.pin == PLACEHOLDER:
        lines += ["", "before publishing: pin nbpress in .github/workflows/pages.yml (replace "
                      "OWNER and COMMIT; `pip freeze | grep nbpress` prints the line)."]
    return "\n".join(lines)


__all__ = ["create", "summary", "installed_pin", "NewBlog", "PLACEHOLDER"]
