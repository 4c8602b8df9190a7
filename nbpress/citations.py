"""Self-numbering, Pandoc-style citations for posts: a markdown-it plugin.

A post cites ``[@paszke2019]``, ``[see @paszke2019, p. 3; @frostig2018]`` or a
bare ``@paszke2019``; references come from ``bibliography.load_references``.
Citations are numbered in order of first use and the list goes where the post
writes ``{% bibliography %}`` on a line (else at the end)::

    refs = load_references(bibs, front_matter.get("references"), origin=post)
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=post, line_offset=body_line)
    env: dict = {}
    html = md.render(mark_references(body), env)
    html = place_references(html, references_html(env))

Numbering lives in ``env["citations"]``, never in this module.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, MutableMapping
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from .bibliography import KEY_PATTERN, Reference
from .errors import PostError
from .markdown import fenced_lines

REFERENCES_MARKER = "{% bibliography %}"
# mark_references turns the marker into an HTML comment: markdown-it passes it
# through untouched as an HTML block, and no prose can look like it.
_MARKER_HTML = "<!--nbpress:references-->"
_MARKER_ESCAPED = "<p>&lt;!--nbpress:references--&gt;</p>"  # the same, with html=False
# jekyll-scholar options such as "--cited" are accepted: only cited works are listed anyway.
_MARKER_LINE = re.compile(r" {0,3}\{%-?\s*bibliography\b[^%]*%\}\s*")

_BARE = re.compile("@(" + KEY_PATTERN + ")")
_ITEM_KEY = re.compile(r"(?<!\S)-?@(" + KEY_PATTERN + ")")  # a key must start a word
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STATE = "citations"  # the env key


def citations_plugin(md: MarkdownIt, *, references: Mapping[str, Reference], path: Path,
                     line_offset: int = 0) -> None:
    """Register the citation syntax on ``md``; calling it again rebinds the references."""

    def check(state: StateCore) -> None:
        # Inline rules cannot see lines, so keys are checked here, where each
        # inline token's block map is known: block line + newlines before it.
        block_line = None
        for token in state.tokens:
            block_line = token.map[0] if token.map else block_line
            for child in token.children or ():
                if child.type == "image":  # alt text is plain text: keep the source
                    for alt in child.children or ():
                        alt.type = "text" if alt.type == "citation" else alt.type
                elif child.type == "citation" and block_line is not None:
                    newlines = token.content.count("\n", 0, child.meta["pos"])
                    child.meta["line"] = block_line + newlines + line_offset + 1
                    if child.content.startswith("@") and child.meta["items"][0][1] not in references:
                        child.type = "text"  # a bare @word no source defines: just text
                        continue
                    for _, key, _ in child.meta["items"]:
                        if key not in references:
                            raise _unknown_key(key, references, path, child.meta["line"])

    def render(renderer: Any, tokens: list, idx: int, options: Any, env: MutableMapping) -> str:
        items = tokens[idx].meta["items"]
        state = env.setdefault(_STATE, {"order": [], "refs": {}, "uses": {}})
        parts = []
        for prefix, key, locator in items:
            ref = references.get(key)
            if ref is None:  # a token the check never saw, e.g. made by another plugin
                raise _unknown_key(key, references, path, tokens[idx].meta.get("line"))
            if key not in state["refs"]:
                state["order"].append(key)
                state["refs"][key] = ref
            number = state["order"].index(key) + 1
            state["uses"][key] = use = state["uses"].get(key, 0) + 1
            anchor = (f'<a href="#ref-{number}" id="cite-{number}-{use}" class="citation" '
                      f'title="{escape(_hover(ref))}">{number}</a>')
            parts.append(escape(prefix + " " if prefix else "") + anchor
                         + escape(", " + locator if locator else ""))
        plain = not any(prefix or locator for prefix, _, locator in items)
        return "[" + (", " if plain else "; ").join(parts) + "]"

    for ruler, name, fn, anchor in ((md.inline.ruler, "citation", _citation_rule, "link"),
                                    (md.core.ruler, "citation_check", check, "inline")):
        try:
            ruler.at(name, fn)  # registered before: replace, so nothing runs twice
        except KeyError:
            (ruler.before if ruler is md.inline.ruler else ruler.after)(anchor, name, fn)
    md.add_render_rule("citation", render)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``[...@key...]`` and bare ``@key``.

    It declines in silent mode (markdown-it measuring a link label), so a label
    holding ``[@key]`` stays a link, and inside link text, so links never nest.
    """
    start, src = state.pos, state.src
    if silent or getattr(state, "linkLevel", 0) > 0:
        return False
    if src[start] == "[":
        items, end = _bracketed(src, start, state.posMax)
    elif src[start] == "@" and not (start and re.match(r"[\w/]", src[start - 1])):
        # The lookbehind keeps "a@b.com" and ".../@user/" out: a key starts a word.
        found = _BARE.match(src, start, state.posMax)
        items, end = ([("", found.group(1), "")], found.end()) if found else (None, 0)
    else:
        return False
    if items is None:
        return False
    token = state.push("citation", "", 0)
    token.content = src[start:end]
    token.meta = {"items": items, "pos": start, "line": None}
    state.pos = end
    return True


def _bracketed(src: str, start: int, stop: int) -> tuple[list | None, int]:
    """Parse ``[prefix @key, locator; ...]`` at ``start``; (None, 0) if it is not one."""
    pos, cuts = start + 1, [start + 1]
    while pos < stop and src[pos] != "]":
        if src[pos] in "[`":  # nested brackets or code spans: leave them to markdown-it
            return None, 0
        cuts += [pos + 1] if src[pos] == ";" else []
        pos += 2 if src[pos] == "\\" else 1
    if pos >= stop or src[pos + 1: pos + 2] == "(":  # unclosed, or a link [@x](url)
        return None, 0
    items = []
    for left, right in zip(cuts, [*cuts[1:], pos + 1]):
        item = src[left: right - 1]
        keys = list(_ITEM_KEY.finditer(item))
        if len(keys) != 1:  # Pandoc: one key per ;-separated part
            return None, 0
        prefix, locator = item[: keys[0].start()], item[keys[0].end():].lstrip()
        items.append((_clean(prefix), keys[0].group(1), _clean(locator.removeprefix(","))))
    return items, pos + 1


def _clean(text: str) -> str:
    """Prefix or locator text: backslash escapes undone, whitespace collapsed."""
    return " ".join(_UNESCAPE.sub(r"\1", text).split())


def _unknown_key(key: str, references: Mapping[str, Reference], path: Path,
                 line: int | None) -> PostError:
    close = difflib.get_close_matches(key, list(references), n=3)
    guess = f"; did you mean {' or '.join('@' + k for k in close)}?" if close else ""
    return PostError(
        f"unknown citation key @{key}{guess or '.'}", path=path, line=line,
        hint=f"Add an entry with key {key} to references.bib or to the front matter "
             f"`references:` list (- id: {key}); write \\@{key} if it is not a citation.")


def _hover(ref: Reference) -> str:
    """The tooltip: "Paszke et al. 2019. PyTorch: ..." (no JavaScript needed)."""
    names = [author.split(", ")[0].split(" ")[-1] for author in ref.authors]  # family names
    who = (" and ".join(names) if len(names) < 3 else f"{names[0]} et al.")
    head = " ".join(x for x in (who, ref.year or "") if x)
    return f"{_period(head)} {ref.title or ref.key}" if head else ref.title or ref.key


def _period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def references_html(env: MutableMapping) -> str:
    """The References section for what renders with ``env`` cited; "" if nothing."""
    state = env.get(_STATE) or {"order": []}
    items = []
    for number, key in enumerate(state["order"], 1):
        ref: Reference = state["refs"][key]
        href = ref.url if ref.url and not re.match(r"\s*(javascript|vbscript|data):", ref.url,
                                                   re.I) else None
        href = href or (ref.doi and "https://doi.org/" + quote(ref.doi, safe="/:;()._-"))
        title = escape(ref.title or ref.key)
        linked = f'<a href="{escape(href)}">{title}</a>' if href else title
        bits = [escape(_period(", ".join(ref.authors)))] if ref.authors else []
        bits.append(linked if _period(title) == title else linked + ".")
        tail = ", ".join(x for x in (ref.venue and f"<em>{escape(ref.venue)}</em>",
                                     ref.year and escape(ref.year)) if x)
        bits += [tail + "."] if tail else []
        bits += [f'<a href="#cite-{number}-{use}" class="citation-backlink" '
                 f'aria-label="Back to citation {use}">↩</a>'
                 for use in range(1, state["uses"].get(key, 0) + 1)]
        items.append(f'<li id="ref-{number}">{" ".join(bits)}</li>\n')
    if not items:
        return ""
    return ('<section class="references" id="bibliography">\n' + _HEADING + '<ol>\n'
            + "".join(items) + "</ol>\n</section>\n")


_HEADING = "<h2>References</h2>\n"  # only when nbpress places the list itself
REFERENCES_HEADING = _HEADING  # csl.py's styled list has the same heading


# --------------------------------------------------------------------------- placement


def mark_references(markdown: str) -> str:
    """Replace each ``{% bibliography %}`` line outside fenced code by an HTML comment."""
    lines = markdown.splitlines(keepends=True)
    return "".join(
        _MARKER_HTML + line[len(line.rstrip("\r\n")):]
        if not code and _MARKER_LINE.fullmatch(line.rstrip("\r\n")) else line
        for line, code in zip(lines, fenced_lines(lines)))


def place_references(html: str, refs_html: str) -> str:
    """Put ``refs_html`` at the first mark (dropping any others), else at the end."""
    for marker in (_MARKER_HTML, _MARKER_ESCAPED):
        if marker in html:  # the post wrote its own heading above the marker
            head, rest = html.split(marker, 1)
            return head + refs_html.replace(_HEADING, "", 1).rstrip("\n") + rest.replace(marker, "")
    return html + ("\n" if html and refs_html and not html.endswith("\n") else "") + refs_html
