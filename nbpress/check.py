"""Check a built site: internal links, anchors, images, and leftover Liquid.

``check_site(out, baseurl)`` reads every page of a built site once and returns
one line per problem (an empty list means the site is sound):

- every internal URL in ``<a>``/``<area>`` ``href``, ``<img>``/``<source>``
  ``src`` and ``srcset``, ``<link href>``, ``<script src>``, ``<video>``/
  ``<audio>``/``<iframe>`` ``src`` names a file of the site.  URLs are read
  as a browser on the deployed site reads them: an absolute path must start
  with ``baseurl`` ("/blog/x.html" is ``out/x.html``), a folder URL ("dir/" or
  "dir") means ``dir/index.html``, a relative one is relative to the page.
  URLs with a scheme (``https:``, ``mailto:``, ``data:``…), protocol-relative
  ones (``//host/…``) and a bare ``#`` are not checked;
- every ``#anchor``, on the same page or another HTML page, names an element
  with that ``id`` (or an ``<a name>``);  ``#top`` is always valid (HTML);
- no ``.html`` or ``.xml`` page holds unresolved Liquid, ``{{ … }}`` or
  ``{% … %}``, outside ``<pre>`` and ``<code>`` elements (where showing it is
  the point).  Feeds carry posts as escaped HTML: that HTML is checked too,
  with the same exception for its code.

Only the standard library's ``html.parser`` is used; each page is parsed once.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote

# Attributes that hold a URL the browser fetches or follows, per element.
_URL_ATTRS = {
    "a": ("href",), "area": ("href",), "link": ("href",), "script": ("src",),
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "iframe": ("src",), "track": ("src",),
}
_IMAGE_TAGS = {"img", "source", "video"}  # a missing target is a missing image
_CODE_TAGS = {"pre", "code"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Liquid as nbpress resolves it: an output starting with a name or a quoted
# string, or a tag starting with a word.  Narrow enough that "{{}}" in a
# script or a JSON literal is not taken for Liquid.
_LIQUID = re.compile(r"\{\{-?\s*[A-Za-z_'\"][^{}\n]*?-?\}\}|\{%-?\s*[A-Za-z_]\w*\b[^\n]*?-?%\}")
_PAGES = (".html", ".htm", ".xml")


@dataclass
class _Link:
    """A URL found in a page: the element, the attribute, the URL and its line."""

    tag: str
    attr: str
    url: str
    line: int


@dataclass
class _Page:
    """What one parse of a page found: ids, outgoing URLs, leftover Liquid."""

    ids: set[str] = field(default_factory=set)
    links: list[_Link] = field(default_factory=list)
    liquid: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, where)


class _Scanner(HTMLParser):
    """One pass over a page (HTML, or XML such as a feed) filling a ``_Page``.

    ``fragment_line`` is set for HTML carried inside another document (a
    feed's escaped ``<content>``): its lines are reported as that element's,
    and its links are not collected (they are the feed's absolute URLs).
    """

    def __init__(self, page: _Page, *, xml: bool, fragment_line: int | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.xml = xml
        self.collect_links = not xml and fragment_line is None
        self.fragment_line = fragment_line
        self.code_depth = 0  # open <pre>/<code> elements

    def _line(self) -> int:
        return self.fragment_line if self.fragment_line is not None else self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in _CODE_TAGS:
            self.code_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _CODE_TAGS and self.code_depth:
            self.code_depth -= 1

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            if name in _URL_ATTRS.get(tag, ()):
                urls = _srcset(value) if name == "srcset" else [value.strip()]
                if self.collect_links:
                    self.page.links.extend(_Link(tag, name, url, self._line()) for url in urls)
            self._find_liquid(unquote(value), f"the {name}= attribute of <{tag}>")

    def handle_data(self, data: str) -> None:
        if self.xml and "<" in data and _LIQUID.search(data):
            # Escaped HTML inside an XML element (a feed's <content type="html">):
            # check it as HTML, so its <pre>/<code> blocks may show Liquid.
            self._fragment(data)
            return
        if not self.code_depth:
            self._find_liquid(data, "the text")

    def unknown_decl(self, data: str) -> None:
        if self.xml and data.startswith("CDATA["):  # XML: <![CDATA[ …html… ]]>
            self._fragment(data[len("CDATA["):])

    def _fragment(self, html: str) -> None:
        inner = _Scanner(self.page, xml=False, fragment_line=self.getpos()[0])
        inner.feed(html)
        inner.close()

    def _find_liquid(self, text: str, where: str) -> None:
        if "{" not in text:
            return
        for match in _LIQUID.finditer(text):
            self.page.liquid.append((self._line(), match.group(0), where))


def _srcset(value: str) -> list[str]:
    """The URLs of a ``srcset`` ("a.png 1x, b.png 2x")."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def _scan(text: str, *, xml: bool) -> _Page:
    page = _Page()
    scanner = _Scanner(page, xml=xml)
    scanner.feed(text)
    scanner.close()
    return page


def _site_files(out: Path) -> tuple[set[str], set[str]]:
    """Every file and folder of the site, as paths relative to ``out`` ("" is the root)."""
    files: set[str] = set()
    dirs: set[str] = {""}
    for folder, subdirs, names in os.walk(out):
        rel = Path(folder).relative_to(out).as_posix()
        rel = "" if rel == "." else rel
        dirs.update(posixpath.join(rel, d) for d in subdirs)
        files.update(posixpath.join(rel, n) for n in names)
    return files, dirs


def _target(url_path: str, page: str, baseurl: str, files: set[str], dirs: set[str]
            ) -> tuple[str | None, str]:
    """The site file a URL path names, or (None, why not)."""
    path = unquote(url_path)
    if path.startswith("/"):
        if baseurl:
            if path != baseurl and not path.startswith(baseurl + "/"):
                return None, (f"it does not start with the baseurl '{baseurl}', so it breaks "
                              f"once the site is deployed; write {{{{ site.baseurl }}}}{path} "
                              "or use relative_url")
            path = path[len(baseurl):]
        joined = path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    folder = path.endswith("/") or path in ("", ".", "..") or path.endswith(("/.", "/.."))
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return None, "it points outside the site folder"
    normal = "" if normal == "." else normal
    if not folder and normal in files:
        return normal, ""
    if normal in dirs:  # "dir/" and "dir" both serve dir/index.html
        index = posixpath.join(normal, "index.html")
        if index in files:
            return index, ""
        return None, f"the folder {normal or '.'}/ has no index.html"
    return None, f"there is no file {normal or 'index.html'} in the site"


def check_site(out: Path, baseurl: str) -> list[str]:
    """Problems of the built site in ``out`` served under ``baseurl``; [] when it is sound.

    Each problem is one line, "PAGE:LINE: what is wrong", PAGE relative to ``out``.
    """
    out = Path(out)
    if not out.is_dir():
        return [f"{out}: there is no built site here; build it first."]
    baseurl = "/" + baseurl.strip("/") if baseurl.strip("/") else ""
    files, dirs = _site_files(out)
    pages: dict[str, _Page] = {}
    problems: list[tuple[str, int, str]] = []
    for name in sorted(files):
        if not name.endswith(_PAGES) or any(p.startswith(".") for p in name.split("/")):
            continue
        try:
            text = (out / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((name, 0, f"cannot be read as UTF-8 text: {exc}"))
            continue
        pages[name] = _scan(text, xml=name.endswith(".xml"))
    for name, page in pages.items():
        for line, text, where in page.liquid:
            problems.append((name, line, f"unresolved Liquid {text!r} in {where}: fix the "
                                         "variable or tag (in the post or the template), or, if "
                                         "the braces are meant to be read, put them in `code`."))
        for link in page.links:
            problem = _check_link(link, name, baseurl, files, dirs, pages)
            if problem:
                problems.append((name, link.line, problem))
    seen: set[tuple[str, str]] = set()
    lines = []
    for name, line, problem in sorted(problems, key=lambda p: (p[0], p[1])):
        if (name, problem) in seen:  # the same mistake twice on a page: say it once
            continue
        seen.add((name, problem))
        lines.append(f"{name}:{line}: {problem}" if line else f"{name}: {problem}")
    return lines


def _check_link(link: _Link, page: str, baseurl: str, files: set[str], dirs: set[str],
                pages: dict[str, _Page]) -> str:
    """What is wrong with one URL of ``page``, or ""."""
    url = link.url
    if not url or url == "#" or url.startswith("//") or _SCHEME.match(url):
        return ""
    path, _, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    what = "image" if link.tag in _IMAGE_TAGS else "link"
    if path:
        target, why = _target(path, page, baseurl, files, dirs)
        if target is None:
            return f"broken {what} '{url}' (<{link.tag} {link.attr}=…): {why}."
    else:
        target = page  # "#anchor" or "?query#anchor": this page
    if not fragment or fragment == "top" or fragment.startswith(":~:"):
        return ""
    ids = pages.get(target).ids if target in pages and target.endswith((".html", ".htm")) \
        else None
    if ids is None or fragment in ids or unquote(fragment) in ids:
        return ""  # a non-HTML target (notebook, feed, PDF…) has no ids to check
    where = "this page" if target == page else target
    return f"broken anchor '{url}': {where} has no element with id=\"{unquote(fragment)}\"."


def report(out: Path, baseurl: str, stream: TextIO) -> int:
    """Check the site, print the problems to ``stream``; the exit status (0 clean, 1 not)."""
    problems = check_site(out, baseurl)
    for problem in problems:
        print(problem, file=stream)
    if problems:
        print(f"{len(problems)} problem(s) in {out}.", file=stream)
        return 1
    print(f"{out}: every link, anchor and image resolves; no unresolved Liquid.", file=stream)
    return 0


__all__ = ["check_site", "report"]
