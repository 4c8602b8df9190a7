"""Small, exact edits to rendered HTML: URLs in attributes, heading levels, headings, images.

The HTML of a post is edited in place: Python's ``html.parser`` finds each
start and end tag and where it is, and only the tags that change are
rewritten, so everything else (code, MathML, inline SVG, comments) stays
byte for byte as the renderer wrote it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urljoin

URL_ATTRIBUTES = ("href", "src", "poster")
_HEADING = re.compile(r"h([1-6])")
_END_TAG = re.compile(r"</\s*([a-zA-Z][a-zA-Z0-9]*)\s*>")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


class _Tags(HTMLParser):
    """Calls ``on_start(tag, attrs, start, end)`` and ``on_end(tag, start, end)`` with offsets."""

    def __init__(self, text: str, on_start=None, on_end=None, on_data=None) -> None:
        super().__init__(convert_charrefs=True)
        self._starts = [0]
        for line in text.split("\n"):
            self._starts.append(self._starts[-1] + len(line) + 1)
        self._text = text
        self._on_start, self._on_end, self._on_data = on_start, on_end, on_data
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self._on_start:
            start = self._offset()
            raw = self.get_starttag_text() or ""
            self._on_start(tag, attrs, start, start + len(raw), raw)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if self._on_end:
            start = self._offset()
            match = _END_TAG.match(self._text, start)
            if match:
                self._on_end(tag, start, match.end())

    def handle_data(self, data):
        if self._on_data:
            self._on_data(data)


def _start_tag(tag: str, attrs: list[tuple[str, str | None]], raw: str) -> str:
    parts = [tag] + [name if value is None else f'{name}="{html.escape(value)}"'
                     for name, value in attrs]
    return "<" + " ".join(parts) + (" />" if raw.rstrip().endswith("/>") else ">")


def rewrite(text: str, *, url: Callable[[str], str] | None = None, heading_shift: int = 0) -> str:
    """``text`` with every URL attribute passed through ``url`` and headings moved down.

    ``heading_shift`` adds to each heading's level (``h1`` → ``h2`` for 1),
    at most ``h6``; ``srcset`` URLs are rewritten one by one.
    """
    edits: list[tuple[int, int, str]] = []

    def level(tag: str) -> str | None:
        match = _HEADING.fullmatch(tag)
        if heading_shift and match:
            return f"h{min(6, int(match.group(1)) + heading_shift)}"
        return None

    def on_start(tag, attrs, start, end, raw):
        new_tag = level(tag) or tag
        new_attrs = []
        for name, value in attrs:
            if url and value is not None and name in URL_ATTRIBUTES:
                value = url(value)
            elif url and value is not None and name == "srcset":
                value = ", ".join(" ".join([url(part.split()[0]), *part.split()[1:]])
                                  for part in value.split(",") if part.strip())
            new_attrs.append((name, value))
        if new_tag != tag or new_attrs != attrs:
            edits.append((start, end, _start_tag(new_tag, new_attrs, raw)))

    def on_end(tag, start, end):
        new_tag = level(tag)
        if new_tag:
            edits.append((start, end, f"</{new_tag}>"))

    _Tags(text, on_start, on_end if heading_shift else None)
    out, last = [], 0
    for start, end, replacement in sorted(edits):
        out += [text[last:start], replacement]
        last = end
    return "".join(out + [text[last:]])


def resolve_url(value: str, page_url: str, site_url: str = "") -> str:
    """``value`` as written on the page at ``page_url`` (a path or an absolute URL).

    Relative URLs and ``#fragments`` are joined to ``page_url``; root-relative
    ones (``/blog/x.png``) get ``site_url`` in front.
    Absolute URLs (``https:``, ``mailto:``, ``data:``, ``//host``) are kept.
    """
    value = value.strip()
    if not value or _SCHEME.match(value):
        return value
    if value.startswith("/"):
        return site_url + value
    return urljoin(page_url, value)


@dataclass(frozen=True)
class Heading:
    """A heading with an id: its level, id and text (without the permalink sign)."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Outline:
    """What pages need from a post's HTML, found in one pass over it."""

    headings: tuple[Heading, ...]  # every h1–h6 with an id, in order
    images: tuple[dict[str, str], ...]  # the attributes of every <img>, in order
    text: str  # the text, whitespace collapsed, without permalink signs, scripts and styles


def outline(text: str) -> Outline:
    """The headings, images and plain text of some HTML (one parse)."""
    found: list[Heading] = []
    pictures: list[dict[str, str]] = []
    parts: list[str] = []
    skipping: list[str] = []  # open <script>, <style> and permalink <a>: no text
    state: dict = {"open": None}  # the heading being read: [level, id, parts]

    def on_start(tag, attrs, *_):
        if tag == "img":
            pictures.append({k: v or "" for k, v in attrs})
            return
        attrs = dict(attrs)
        match = _HEADING.fullmatch(tag)
        if match and attrs.get("id") and state["open"] is None:
            state["open"] = [int(match.group(1)), attrs["id"], []]
        elif tag in ("script", "style") or tag == "a" and \
                "header-anchor" in (attrs.get("class") or "").split():
            skipping.append(tag)

    def on_end(tag, *_):
        if skipping and skipping[-1] == tag:
            skipping.pop()
        elif state["open"] is not None and _HEADING.fullmatch(tag):
            level, ident, texts = state["open"]
            found.append(Heading(level, ident, " ".join("".join(texts).split())))
            state["open"] = None

    def on_data(data):
        if not skipping:
            parts.append(data)
            if state["open"] is not None:
                state["open"][2].append(data)

    _Tags(text, on_start, on_end, on_data)
    return Outline(tuple(found), tuple(pictures), " ".join("".join(parts).split()))


def headings(text: str) -> list[Heading]:
    """Every ``h1``–``h6`` that has an id, in document order."""
    return list(outline(text).headings)


def images(text: str) -> list[dict[str, str]]:
    """The attributes of every ``<img>``, in document order."""
    return list(outline(text).images)


def plain_text(text: str) -> str:
    """The text of some HTML, whitespace collapsed (for descriptions and word counts).

    Headings' permalink signs and the content of ``<script>``/``<style>`` are left out.
    """
    return outline(text).text


def drop_heading(text: str, ident: str) -> str:
    """``text`` without the heading whose id is ``ident`` (the first one)."""
    pattern = re.compile(rf'<h([1-6]) id="{re.escape(ident)}"[^>]*>.*?</h\1>\s*', re.S)
    return pattern.sub("", text, count=1)


def min_heading_level(text: str) -> int | None:
    """The smallest heading level used (1 for ``h1``), or None when there is none."""
    levels = [int(m.group(1)) for m in re.finditer(r"<h([1-6])\b", text, re.I)]
    return min(levels) if levels else None


__all__ = ["rewrite", "resolve_url", "headings", "images", "plain_text", "min_heading_level",
           "drop_heading", "outline", "Heading", "Outline"]
