"""Checks on the command line and the posts folder made before any post runs.

A mistake here (an ``--out`` that can never be written, a ``--refresh`` naming no post,
a post file that is a broken link) would otherwise surface only after every kernel had
run, or never: each is one message now, before the first kernel starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .errors import ConfigError, NbpressError, PostError
from .formats import POST_SUFFIXES
from .model import SITE_MARKER, PostSource, SiteConfig

_OUT_HINT = "Choose a new or empty folder for --out, or leave it out (ROOT/_site)."


def check_out(config: SiteConfig) -> None:
    """Raise ``NbpressError`` when ``config.out`` cannot become the site folder."""
    out, posts = config.out, (config.root / "posts").resolve()
    for folder in [out, *out.parents]:
        if folder.exists() or folder.is_symlink():
            break
    if not folder.is_dir():
        where = "is a file" if folder == out else f"is inside {folder}, which is a file"
        raise NbpressError(f"--out {out} {where}, not a folder.", hint=_OUT_HINT)
    if config.output_format == "jekyll":  # --out is a Jekyll site: posts go into it
        return
    if out == config.root.resolve() or out == posts or posts in out.parents:
        raise NbpressError(f"--out {out} is the site's own folder or inside posts/; building "
                           "there would replace the posts.", hint=_OUT_HINT)
    if folder == out and any(out.iterdir()) and not (out / SITE_MARKER).exists():
        raise NbpressError(f"refusing to replace '{out}': it exists and was not made by nbpress.",
                           hint="Choose an empty or new --out folder.")


def refresh_errors(config: SiteConfig, posts: Sequence[PostSource]) -> list[NbpressError]:
    """One error per ``--refresh`` value that names none of the posts being built."""
    if not config.refresh:
        return []
    known = {p.path.stem for p in posts} | {p.path.relative_to(config.root).as_posix()
                                           for p in posts}
    names = sorted(p.path.stem for p in posts)
    listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return [ConfigError(f"--refresh {value} names no post of this build (its posts: "
                        f"{listed or 'none'}).",
                        hint="Give a post's file name without its extension, or its path "
                             "from the site root (posts/NAME.md); drafts need --drafts.")
            for value in config.refresh if value not in known]


def broken_links(folder: Path) -> list[PostError]:
    """Post files in ``folder`` that are symbolic links to nothing (a loop, a missing target)."""
    return [PostError("this post is a symbolic link that leads to no file (a loop, or its "
                      "target is missing), so it cannot be read.", path=path,
                      hint="Point the link at the post's file, or replace it with the file.")
            for path in sorted(folder / e.name for e in _entries(folder) if e.is_symlink()
                               and os.path.splitext(e.name)[1] in POST_SUFFIXES
                               and not e.name.startswith((".", "_")))
            if not path.exists()]


def _entries(folder: Path) -> list[os.DirEntry]:
    """The folder's entries (none when it is missing); listing them costs no ``stat``."""
    try:
        with os.scandir(folder) as found:
            return list(found)
    except OSError:
        return []


__all__ = ["broken_links", "check_out", "refresh_errors"]
