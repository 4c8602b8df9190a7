"""The lint for posts that number their citations by hand.

Older posts write ``[[1](#ref-1)]`` and a References list of
``<a id="ref-1"></a>`` entries themselves.  ``check_manual_anchors`` warns,
with the source line, about a ``#ref-N`` link whose target no element has and
about empty links (``[]()``) left in such a list.  Posts that cite with
``[@key]`` get their anchors from ``citations.py`` and pass it clean.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from .errors import BuildWarning
from .markdown import fenced_lines


class _LinkScanner(HTMLParser):
    """Collects ids, and each link's href, text and the latest ``ref-*`` id before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None  # the <a href> we are inside
        self._entry = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):  # <a name> is a target too
            if attr.get(name):
                self.ids.add(attr[name])
                self._entry = attr[name] if attr[name].startswith("ref-") else self._entry
        if tag == "a":
            self._open = {"href": attr["href"].strip(), "text": "", "entry": self._entry} \
                if "href" in attr else None
            self.links += [self._open] if self._open else []
        elif tag == "img" and self._open:
            self._open["text"] += "[image]"

    def handle_endtag(self, tag: str) -> None:
        self._open = None if tag == "a" else self._open

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open["text"] += data


# Source forms of an empty link, to find its line: [](url), [text](), <a href="">.
_EMPTY_LINK_SRC = re.compile(r"\[[^\[\]]*\]\(\s*(?:<\s*>)?\s*\)|\[\s*\]\([^)]*\)"
                             r"|<a\s[^>]*href\s*=\s*(?:\"\"|'')|<a\s[^>]*href[^>]*>\s*</a>")


# Where a bad link could be (a superset): a #ref- or empty href, or a link whose first
# content is a tag or its end (no text before it); tried only where an ``href`` or ``<a``
# starts (a search trying it at every character took a tenth of rendering a plain post).
_MAYBE_BAD = re.compile(r"""href\s*=\s*(?:""|''|["']?#ref-)|(?<!\w)href\s*(?![\s=])|"""
                        r"<a\b[^>]*>\s*(?:<|$)", re.I)
_LINK_START = re.compile(r"href|<a", re.I)


def maybe_bad(html: str) -> bool:
    """Whether ``_MAYBE_BAD`` is found in ``html`` (``_MAYBE_BAD.search``, faster)."""
    return any(_MAYBE_BAD.match(html, m.start()) for m in _LINK_START.finditer(html))


def check_manual_anchors(html: str, markdown: str, *, path: Path,
                         line_offset: int = 0) -> list[BuildWarning]:
    """Warn about ``#ref-N`` links without an ``id="ref-N"`` and empty links (``[]()``).

    Ids and links come from ``html``; lines from ``markdown``, the k-th bad
    link being the k-th such link in the source outside code and comments.
    """
    if not maybe_bad(html):
        return []  # the parse below is the dearest part of rendering a long post
    scanner = _LinkScanner()
    scanner.feed(html)
    scanner.close()
    lines = markdown.splitlines()
    text = "\n".join("" if code else line for line, code in zip(lines, fenced_lines(lines)))
    # Comments render to nothing a link scanner sees; keep only their newlines.
    text = re.sub(r"<!--.*?(?:-->|\Z)", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    prose = list(enumerate(text.split("\n"), 1 + line_offset))

    def nth_line(pattern: re.Pattern, k: int) -> int | None:
        found = [number for number, line in prose for _ in pattern.finditer(line)]
        return found[k] if k < len(found) else None

    warnings, seen, empty = [], {}, 0
    for link in scanner.links:
        target = unquote(link["href"][1:])
        if link["href"].startswith("#ref-") and target not in scanner.ids:
            seen[target] = seen.get(target, -1) + 1
            line = nth_line(re.compile(re.escape("#" + target) + r"(?![\w-])"), seen[target])
            warnings.append(BuildWarning(
                f'link to "#{target}" has no target: nothing has id="{target}"; add '
                f'<a id="{target}"></a> to its entry under References', path, line))
        if not link["href"] or not link["text"].strip():
            what = f'reference "{link["entry"]}"' if link["entry"] else "a link"
            missing = " or ".join(x for x, ok in (("text", link["text"].strip()),
                                                   ("URL", link["href"])) if not ok)
            warnings.append(BuildWarning(
                f"{what} has an empty link like `[]()` (no {missing}); "
                "fill in the title and URL, or remove it", path,
                nth_line(_EMPTY_LINK_SRC, empty)))
            empty += 1
    return warnings
