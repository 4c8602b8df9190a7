"""What the search index reads of a page: whether it marks a body to index, a digest of
what Pagefind reads of it, and the page trimmed to that (``search.py`` keeps the digest
per page and gives Pagefind the trimmed page).

Pagefind reads a page's ``<html lang>``, its first ``<h1>`` (the result's title, even
outside the body) and the ``data-pagefind-body`` element — not the header, footer or
``<head>`` around them — unless Pagefind attributes (filters, meta, sort) sit outside the
body or no element marks one; this was established against Pagefind itself and is tested
that way (``tests/test_search.py``).  Tags are looked for in a lower-cased copy of the page
with comments, scripts, styles, text areas and CDATA blanked (the same offsets), quoted
attribute values skipped, with ``bytes.find`` (a regular expression over every page of a
site costs a tenth of a second more); a page that cannot be read surely counts whole.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

_ATTRIBUTE = b"data-pagefind-"
_NAME = re.compile(rb"[\w-]*")
_TAG = re.compile(rb"<([a-z][\w-]*)")
_HTML = re.compile(rb"<html\b[^>]*>")
_H1 = re.compile(rb"<h1\b.*?</h1\s*>", re.S)
_QUOTED = re.compile(rb"\"[^\"]*\"|'[^']*'")
_WHOLE_TAG = re.compile(rb"<[a-z][\w-]*(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>")
# What no tag is read in: comments, scripts, styles, text areas, CDATA (blanked before
# looking for tags, so that a "</div>" in a script does not end the body)
_OPAQUE = re.compile(rb"<(?:!--.*?-->|(script|style|textarea)\b.*?</\1\s*>|!\[cdata\[.*?\]\]>)",
                     re.S)
_OPENERS = (b"<!--", b"<script", b"<style", b"<textarea", b"<![cdata[")


def _element_end(data: bytes, name: bytes, start: int) -> int | None:
    """Where the element whose opening tag ends at ``start`` closes (after its end tag)."""
    depth = 1
    for tag in re.finditer(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", data[start:], re.I):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start + tag.end()
    return None


def read_page(data: bytes) -> tuple[bool, str]:
    """Whether the page marks a body to index, and the digest of what Pagefind reads of
    it: its language, first ``<h1>`` and body element; the whole file when it has no body,
    several, or Pagefind attributes outside it."""
    body, digest, _ = read_for_index(data)
    return body, digest


def _attributes(data: bytes, start: int = 0, end: int | None = None
                ) -> Iterable[tuple[bytes, int, int]]:
    """Each Pagefind attribute in a tag of ``data[start:end]`` (lower-cased, opaque parts
    blanked): its name (``body``, ``ignore``, ``meta``…), where its tag starts, and where
    the attribute is.  (Found with ``bytes.find``: a regular expression over every page of
    a site costs a tenth of a second more.)"""
    end = len(data) if end is None else end
    at = data.find(_ATTRIBUTE, start, end)
    while at != -1:
        opening = data.rfind(b"<", 0, at)
        tag = data[opening:at]
        # inside a tag: "<name" then attributes, any ">" only in quoted values
        if data[at - 1:at].isspace() and _TAG.match(tag) and b">" not in _QUOTED.sub(b"", tag):
            yield _NAME.match(data, at + len(_ATTRIBUTE)).group(0), opening, at
        at = data.find(_ATTRIBUTE, at + 1, end)


def read_for_index(data: bytes) -> tuple[bool, str, bytes]:
    """``read_page``'s answer, and the page as Pagefind needs it: only what it reads (its
    index is the same, checked in the tests, and it is a quarter faster), or all of it.
    Tags are looked for in a lower-cased copy with comments, scripts and styles blanked
    (the same offsets); a page where that cannot be done surely counts whole."""
    def whole(body: bool) -> tuple[bool, str, bytes]:
        return body, hashlib.blake2b(data, digest_size=16).hexdigest(), data

    plain = _OPAQUE.sub(lambda part: b" " * len(part.group(0)), data.lower())
    if any(opener in plain for opener in _OPENERS):  # one left open: no sure reading
        return whole(b"data-pagefind-body" in plain)
    body = next((found for found in _attributes(plain) if found[0] == b"body"), None)
    tag = body and _TAG.match(plain, body[1])
    if body is None or not tag:
        return whole(False)
    start = body[1]
    opening = _WHOLE_TAG.match(plain, start)
    end = _element_end(plain, tag.group(1), opening.end()) if opening else None
    if end is None or any(name not in (b"body", b"ignore") for name, _, _ in
                          _attributes(plain, 0, start)) \
            or any(name != b"ignore" for name, _, _ in _attributes(plain, end)):
        return whole(True)  # several bodies, or Pagefind attributes outside the body
    html, h1 = _HTML.search(plain), _H1.search(plain)
    digest = hashlib.blake2b(digest_size=16)
    for part in (html, h1):
        digest.update(data[part.start():part.end()] if part else b"-")
    digest.update(data[start:end])
    title = data[h1.start():h1.end()] if h1 and (h1.end() <= start or h1.start() >= end) \
        else b""
    before = title if title and h1.end() <= start else b""
    after = title if title and not before else b""
    trimmed = (data[html.start():html.end()] if html else b"<html>") + \
        b"<head><meta charset=\"utf-8\"></head><body>" + before + data[start:end] + after + \
        b"</body></html>"
    return True, digest.hexdigest(), trimmed


__all__ = ["read_for_index", "read_page"]
