"""Files a post shows from beside it (``![](images/x.png)``, ``<img src="/images/y.png">``).

Like Quarto's resources and Jekyll's static files: an image or media file a
post references and that exists in the site root is published where the
page's URL expects it — a relative reference next to the page, a root one
(``/images/y.png``, with or without the baseurl) at the same path in the
site.  Only regular files inside the root are taken, never the build's own
folders (``_site``, ``_executed``, dot-folders); anything else stays a
"not in the built site" warning.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath
from typing import Iterable
from urllib.parse import unquote

from .errors import BuildWarning
from .model import CACHE_DIR, OutputFile, PostSource

_GENERATED = {"_site", CACHE_DIR}


def _publishable(source: Path, root: Path) -> bool:
    try:
        relative = source.resolve().relative_to(root.resolve())
        return source.is_file() and not any(
            part.startswith(".") or part in _GENERATED for part in relative.parts)
    except (ValueError, OSError):
        return False


def post_resources(post: PostSource, urls: Iterable[str], root: Path, baseurl: str,
                   out: Path) -> list[OutputFile]:
    """The files behind ``urls`` (local references of the post) that exist in the root."""
    page_dir = PurePosixPath("/" + post.output_path).parent
    found: dict[str, OutputFile] = {}
    for url in urls:
        target = unquote(url.split("#")[0].split("?")[0])
        if baseurl and target.startswith(baseurl + "/"):
            target = target[len(baseurl):]
        if not target or target.endswith("/"):
            continue
        if target.startswith("/"):
            source, site_path = root / target.lstrip("/"), target
        else:
            source, site_path = post.path.parent / target, str(page_dir / target)
        site_path = posixpath.normpath(site_path).lstrip("/")
        if site_path.startswith("..") or not _publishable(source, root) or \
                _publishable(source, out) and source.resolve().is_relative_to(out.resolve()):
            continue
        found[site_path] = OutputFile(site_path, source=source)
    return list(found.values())


def missing_images(posts, paths: set[str], baseurl: str) -> list[BuildWarning]:
    """Warn about images in posts that point at files the site does not have."""
    warnings = []
    for item in posts:
        page_dir = PurePosixPath("/" + item.post.output_path).parent
        for url, line in item.local_links:
            # as a browser reads it: whitespace dropped (a URL broken over lines), %20 decoded
            target = unquote("".join(url.split()).split("#")[0].split("?")[0])
            if baseurl and target.startswith(baseurl + "/"):
                target = target[len(baseurl):]
            full = target if target.startswith("/") else str(page_dir / target)
            if posixpath.normpath(full).lstrip("/") not in paths:
                warnings.append(BuildWarning(
                    f"the image '{url}' is not in the built site; fix its path or remove it "
                    "(nbpress shows the cells' real outputs, so images exported by hand "
                    "are not needed).", item.post.path,
                    None if item.post.path.suffix == ".ipynb" else line))  # (no file line)
    return warnings
