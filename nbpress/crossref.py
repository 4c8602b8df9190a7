"""Numbered figures, tables and equations, and cross-references to them (Quarto's syntax).

Targets: a code cell's ``#| label: fig-loss`` (outputs.py makes the ``<figure id>``), a
Markdown image ``![Caption](path){#fig-x}``, an equation ``$$ … $$ {#eq-x}`` (or
dollarmath's ``$$ … $$ (eq-x)``), a MyST ``{math}`` directive with ``:label: eq-x``.
References: ``@fig-x``, ``@tbl-x``, ``@eq-x``, ``@sec-x`` in prose (taken before the
citation rule sees them) and MyST's ``{numref}`` role become "Figure 1" etc., linked.

The Markdown plugin only marks targets and references (with their lines, in ``env``);
``number_references`` numbers them on the finished page, once the cells' figures are in,
so figures from code and from Markdown share one sequence in page order.
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from .errors import PostError
from .markdown import fenced_lines

NAMES = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}
LABEL = r"(?:fig|tbl|eq|sec)-[A-Za-z0-9_](?:[A-Za-z0-9_:.-]*[A-Za-z0-9_])?"
_REFERENCE = re.compile("@(" + LABEL + ")")
_EQ_ATTR = re.compile(r"\$\$[ \t]*\{#(eq-[^}\s]+)\}[ \t]*$")
_IMAGE_ATTR = re.compile(r"^\{#(" + LABEL + r")\}")
REFERENCES = "nbpress_xrefs"  # env key: [(label, 0-based line)]
TARGETS = "nbpress_xref_targets"  # env key: [(label, 0-based line)]
_PLACEHOLDER = re.compile(r'<a class="xref" href="#([^"]+)" data-xref="([^"]*)">[^<]*</a>')
_NUMBER_SLOT = re.compile(r'<span class="xref-number" data-xref="([^"]+)"></span>')
# a code cell's figure (outputs.py): its caption gets the number too
_CELL_CAPTION = re.compile(r'(<figure class="output image" id="(fig-[^"]+)">(?:(?!</figure>).)*?'
                           r"<figcaption>)", re.S)
_TARGET = re.compile(r'<(figure|div|span|h[1-6]|table)\b[^>]*\bid="(' + LABEL + r')"')


def quarto_equation_labels(markdown: str) -> str:
    """``$$ {#eq-x}`` (Quarto) → ``$$ (eq-x)`` (dollarmath's label), outside code fences."""
    lines = markdown.splitlines(keepends=True)
    out = []
    for line, fenced in zip(lines, fenced_lines(lines)):
        text = line.rstrip("\r\n")
        out.append(line if fenced else _EQ_ATTR.sub(r"$$ (\1)", text) + line[len(text):])
    return "".join(out)


def _reference_rule(state, silent: bool) -> bool:
    """``@fig-x`` → an ``xref`` token; a word before the ``@`` (an e-mail address) is no reference."""
    if state.src[state.pos] != "@" or (state.pos and state.src[state.pos - 1].isalnum()):
        return False
    found = _REFERENCE.match(state.src, state.pos)
    if not found:
        return False
    if not silent:
        token = state.push("xref", "", 0)
        token.content = found.group(1)
    state.pos = found.end()
    return True


def _mark(state) -> None:
    """Core rule: record references and image targets with their lines."""
    for at, token in enumerate(state.tokens):
        line = token.map[0] if token.map else 0
        if token.type in ("math_block_label",) and re.fullmatch(LABEL, token.info):
            state.env.setdefault(TARGETS, []).append((token.info, line))
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "xref":
                offset = token.content.count("\n", 0, token.content.find("@" + child.content))
                state.env.setdefault(REFERENCES, []).append((child.content, line + offset))
            elif child.type == "image" and i + 1 < len(children) and \
                    children[i + 1].type == "text" and _IMAGE_ATTR.match(children[i + 1].content):
                label = _IMAGE_ATTR.match(children[i + 1].content).group(1)
                children[i + 1].content = children[i + 1].content[len(label) + 3:]
                child.meta["xref"] = label
                state.env.setdefault(TARGETS, []).append((label, line))
                if len(children) == 2 and not children[1].content.strip() and at:
                    # an image alone in its paragraph: a <figure> cannot be inside a <p>
                    state.tokens[at - 1].hidden = state.tokens[at + 1].hidden = True


_TABLE_CAPTION = re.compile(r"^:\s+(.*?)\s*\{#(tbl-[^}\s]+)\}\s*$", re.S)


def _table_captions(state) -> None:
    """Quarto's ``: Caption {#tbl-x}`` paragraph after a table → the table's ``<caption>``
    (moved in front of its rows) and ``id``."""
    tokens = state.tokens
    for at in range(len(tokens) - 3, 0, -1):
        if tokens[at - 1].type != "table_close" or tokens[at].type != "paragraph_open":
            continue
        found = _TABLE_CAPTION.match(tokens[at + 1].content)
        if not found:
            continue
        label = found.group(2)
        start = next(i for i in range(at - 1, -1, -1) if tokens[i].type == "table_open")
        tokens[start].attrSet("id", label)
        caption = state.md.parseInline(found.group(1), state.env)[0]
        caption.children.insert(0, _slot_token(label))
        opening, closing = tokens[at], tokens[at + 2]
        opening.type, opening.tag = "caption_open", "caption"
        closing.type, closing.tag = "caption_close", "caption"
        del tokens[at:at + 3]
        tokens[start + 1:start + 1] = [opening, caption, closing]
        state.env.setdefault(TARGETS, []).append((label, opening.map[0] if opening.map else 0))


_HEADING_ATTR = re.compile(r"\s*\{#(" + LABEL + r")\}\s*$")


def _heading_labels(state) -> None:
    """Quarto's ``## Results {#sec-results}``: the label becomes the heading's id (before the
    anchors rule, which keeps an id it finds) and leaves its text."""
    for at, token in enumerate(state.tokens[:-1]):
        inline = state.tokens[at + 1]
        last = (inline.children or [None])[-1]
        found = _HEADING_ATTR.search(last.content) if token.type == "heading_open" and \
            last is not None and last.type == "text" else None
        if found:
            last.content = last.content[:found.start()]
            inline.content = _HEADING_ATTR.sub("", inline.content)
            token.attrSet("id", found.group(1))
            state.env.setdefault(TARGETS, []).append(
                (found.group(1), token.map[0] if token.map else 0))


def _slot_token(label: str):
    from markdown_it.token import Token

    token = Token("html_inline", "", 0)
    token.content = f'<span class="xref-number" data-xref="{html.escape(label)}"></span>'
    return token


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    label = token.meta.get("xref")
    img = self.image(tokens, idx, options, env)
    if not label:
        return img
    caption = self.renderInline(token.children or [], options, env)
    return (f'<figure id="{html.escape(label)}">{img}<figcaption>'
            f'<span class="xref-number" data-xref="{html.escape(label)}"></span>{caption}'
            "</figcaption></figure>\n")


def _render_equation(self, tokens, idx, options, env) -> str:
    from .markdown import MATH_MACROS, math

    token = tokens[idx]
    label = html.escape(token.info)
    body = math(token.content, True, options.get(MATH_MACROS, ()))
    return (f'<div id="{label}" class="math display equation">{body}'
            f'<span class="xref-number" data-xref="{label}"></span></div>\n')


def crossref_plugin(md: MarkdownIt) -> None:
    """Register the reference syntax (before citations, which would take ``@fig-x``)."""
    names = [rule.name for rule in md.inline.ruler.__rules__]
    anchor = "citation" if "citation" in names else "link"
    md.inline.ruler.before(anchor, "xref", _reference_rule)
    md.core.ruler.push("xref_mark", _mark)
    md.core.ruler.push("xref_tables", _table_captions)
    md.core.ruler.before("anchor", "xref_headings", _heading_labels)
    md.add_render_rule("xref", lambda self, tokens, idx, options, env: (
        f'<a class="xref" href="#{html.escape(tokens[idx].content)}" '
        f'data-xref="">@{html.escape(tokens[idx].content)}</a>'))
    md.add_render_rule("image", _render_image)
    md.add_render_rule("math_block_label", _render_equation)


def _closest(label: str, known: list[str]) -> str:
    close = difflib.get_close_matches(label, known, n=3, cutoff=0.5)
    return ("Closest labels: " + ", ".join(close) + ".") if close else \
        ("Labels in this post: " + ", ".join(known[:8]) + "." if known else
         "This post labels nothing yet.")


def number_references(body: str, targets: list[tuple[str, int]],
                      references: list[tuple[str, int]], *, path: Path, line_offset: int) -> str:
    """Number the page's targets in page order per kind, fill their number slots and turn each
    reference into "Figure N" linked to its target.  ``targets``/``references``: (label,
    0-based line) as found; lines are made file lines with ``line_offset``."""
    seen: dict[str, int] = {}
    for label, line in targets:
        if label in seen:
            raise PostError(f"the label '{label}' is used twice: on line "
                            f"{seen[label] + line_offset} and on line {line + line_offset}.",
                            path=path, line=line + line_offset,
                            hint="Give each figure, table and equation its own label.")
        seen[label] = line
    numbers: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _, label in _TARGET.findall(body):
        kind = label.split("-", 1)[0]
        if label not in numbers:
            counts[kind] = counts.get(kind, 0) + 1
            numbers[label] = f"{NAMES[kind]} {counts[kind]}"
    for label, line in references:
        if label not in numbers:
            raise PostError(f"the cross-reference '@{label}' names no figure, table or equation "
                            f"of this post. {_closest(label, sorted(numbers))}",
                            path=path, line=line + line_offset,
                            hint="Label the target: '#| label: fig-x' in a code cell, "
                                 "![Caption](image.png){#fig-x}, or $$ … $$ {#eq-x}.")
    body = _NUMBER_SLOT.sub(lambda m: _slot(numbers.get(m.group(1), "")), body)
    body = _CELL_CAPTION.sub(lambda m: m.group(1) + _slot(numbers.get(m.group(2), "")), body)
    return _PLACEHOLDER.sub(lambda m: (f'<a class="xref" href="#{m.group(1)}">'
                                       f'{_text(numbers.get(m.group(1), m.group(1)), m.group(2))}</a>'), body)


def _text(number: str, template: str) -> str:
    """"Figure 2", or a MyST numref template's text with %s as the number ("Fig. %s")."""
    return html.escape(template.replace("%s", number.split()[-1]) if template else number)


def _slot(number: str) -> str:
    if number.startswith("Equation"):
        return f'<span class="eq-number">({number.split()[-1]})</span>'
    return f'<span class="xref-number">{number}:</span> ' if number else ""
