"""Where posts may go: the site's own files in one list, URL paths normalised before any
check, and posts whose pages or files would land on each other reported by both names.

A post's URL is decided by its front matter, which anyone with write access to the
repository controls; the site folder is written from these paths, so every check here
runs on the normalised path the writer will use (``/./index.html`` is ``/index.html``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import ConfigError, PostError
from .model import SITE_MARKER, PostSource, SiteConfig, page_file
from .permalink import check_pattern, expand

# The pages and folders the site writes itself (site.py), which no post may take or shadow.
SITE_PAGES = ("index.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
              "redirects.json")
SITE_FOLDERS = ("assets", "tags", "archive", "_pagefind")  # _pagefind: the search index
RESERVED = frozenset(SITE_PAGES + SITE_FOLDERS + (SITE_MARKER,))
# Characters that end or change a URL path where they stand (or that no link writes as is)
# when written as they are; placeholders' values are %-escaped (permalink.escape_path), so
# these come from a permalink's own text.
_BREAKS_URL = re.compile(r"[#?\\\s\x00-\x1f\x7f]")


def normalise(url: str) -> str | None:
    """``/./a//b/`` → ``/a/b/``; None when a segment is ``..`` (it would climb out)."""
    parts = url.split("/")
    if ".." in parts:
        return None
    kept = [p for p in parts if p not in ("", ".")]
    folder = url.endswith(("/", "/.")) and bool(kept)
    return "/" + "/".join(kept) + ("/" if folder else "")


def url_problem(url: str, paginate_path: str) -> str | None:
    """Why a post cannot live at ``url`` (normalised), or None when it can."""
    bad = _BREAKS_URL.search(url)
    if bad:
        return (f"contains {bad.group()!r}, which breaks every link to it" if bad.group().strip()
                else "contains a space or control character, which breaks links to it")
    path = page_file(url)  # the file the writer will write: %-escapes undone
    if ".." in path.split("/"):
        return "would be written outside the site folder"
    first = path.split("/")[0].casefold()  # casefold: macOS and Windows disks ignore case
    if first in {name.casefold() for name in RESERVED}:
        return "would replace one of the site's own pages or folders"
    pages = page_file(paginate_path).split("/")
    for depth in range(1, len(pages) + 1):  # the page-N file, or a folder on its way
        pattern = "/".join(re.escape(p).replace(":num", r"\d+") for p in pages[:depth])
        if re.fullmatch(pattern, path):
            return "would replace a page of the home page's list (paginate_path)"
    return None


def post_url(permalink: Any, config: SiteConfig, path: Path, line: int | None,
             **values: Any) -> str:
    """A post's URL path from its ``permalink:`` (or the site's), normalised and checked to
    stay inside the site and off its own files; ``values`` fill the placeholders."""
    if permalink is not None and not isinstance(permalink, str):
        kind = {"list": "a list", "dict": "a mapping", "bool": "true or false", "date": "a date",
                "datetime": "a date"}.get(type(permalink).__name__, "a number")
        raise PostError(f"'permalink:' must be text, not {kind}.", path=path, line=line,
                        hint="Write e.g. 'permalink: /:year/:title/' (quoted if it holds ': ').")
    pattern = permalink or config.permalink
    try:
        check_pattern(pattern)
    except ConfigError as exc:
        raise PostError(exc.message, path=path, line=line, hint=exc.hint) from None
    expanded = expand(pattern, **values)
    url = normalise(expanded)
    problem = "would be written outside the site folder" if url is None else \
        url_problem(url, config.paginate_path)
    if problem:
        raise PostError(f"this post's URL {expanded} {problem}.", path=path, line=line,
                        hint="Choose another 'permalink:' or 'slug:' (letters, digits, '-', "
                             "'/'; not under " + ", ".join(sorted(RESERVED)) + ").")
    return url


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


class Claims:
    """The files and folders the posts found so far will write, by post."""

    def __init__(self) -> None:
        self.files: dict[str, PostSource] = {}  # page files
        self.folders: dict[str, PostSource] = {}  # folders on the way to a page or files_dir
        self.own: dict[str, PostSource] = {}  # each post's files_dir, which only it writes

    def conflict(self, post: PostSource) -> PostSource | None:
        """The earlier post whose page or files ``post``'s would land on (or under)."""
        page, files_dir = post.output_path, post.files_dir
        for folder in [*_ancestors(page), page, files_dir, *_ancestors(files_dir)]:
            other = self.files.get(folder) or self.own.get(folder)
            if other is not None:
                return other
        return self.folders.get(page) or self.folders.get(files_dir)

    def add(self, post: PostSource) -> None:
        self.files[post.output_path] = post
        self.own[post.files_dir] = post
        for folder in _ancestors(post.output_path) + _ancestors(post.files_dir):
            self.folders.setdefault(folder, post)


def _name(post: PostSource, root: Path) -> str:
    try:
        return post.path.relative_to(root).as_posix()
    except ValueError:
        return post.path.as_posix()


def collision(post: PostSource, other: PostSource, root: Path) -> PostError:
    """The error for ``post`` landing on the earlier ``other``: both files and URLs named."""
    clash = f" has the same URL ({post.url}) as {_name(other, root)}" \
        if other.output_path == post.output_path else \
        f"'s URL ({post.url}) collides with {_name(other, root)} ({other.url}): one would " \
        "overwrite the other's page or files"
    return PostError(f"this post{clash}.", path=post.path, line=post.line_of("permalink"),
                     hint="Give one of them another 'permalink:' or 'slug:'.")


__all__ = ["RESERVED", "SITE_FOLDERS", "SITE_PAGES", "Claims", "collision", "normalise",
           "post_url", "url_problem"]
