"""kramdown (Jekyll's Markdown) read as CommonMark: what ``nbpress import`` rewrites and what
it reports.

kramdown makes ``$$…$$`` display math only as a paragraph of its own; in a line of text it is
inline math, written ``$…$`` here (nbpress, as Jupyter, makes ``$$`` display math everywhere).
``{::comment}`` blocks become HTML comments.  Its other syntax (attribute lists, ``{:toc}``,
definition lists, abbreviations, ``markdown="1"``, ``{::options}``) and HTML blocks with a
blank line inside, which CommonMark ends at the blank line, are reported with their lines.
"""

from __future__ import annotations

import re

_DOUBLE_DOLLAR = re.compile(r"(?<![\\$])\$\$([^$\n]+?)\$\$(?!\$)")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def kramdown_inline_math(body: str) -> tuple[str, int]:
    """``body`` with kramdown's inline math, ``$$…$$`` in a line of text, written ``$…$``
    (kramdown makes ``$$…$$`` display math only as a paragraph of its own; nbpress, as
    Jupyter, everywhere); how many.  Fences and code spans are left alone."""
    lines, fence, count = body.split("\n"), "", 0
    for number, line in enumerate(lines):
        opening = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence or opening:
            fence = "" if fence and line.strip().startswith(fence) else fence or opening.group(1)
            continue
        alone = _DOUBLE_DOLLAR.fullmatch(line.strip()) is not None and all(
            not lines[i].strip() for i in (number - 1, number + 1) if 0 <= i < len(lines))
        if alone or "$$" not in line:
            continue
        spans = [m.span() for m in _CODE_SPAN.finditer(line)]

        def inline(match: re.Match) -> str:
            nonlocal count
            if any(a <= match.start() < b for a, b in spans) or not match.group(1).strip():
                return match.group(0)
            count += 1
            return f"${match.group(1).strip()}$"

        lines[number] = _DOUBLE_DOLLAR.sub(inline, line)
    return "\n".join(lines), count


KRAMDOWN_COMMENT = re.compile(r"\{::comment\}(.*?)\{:/comment\}", re.S)
_KRAMDOWN = [  # kramdown's own syntax, which CommonMark shows as text: (pattern, what it is)
    (re.compile(r"\{::options\b"), "kramdown's {::options …/}, shown as text: remove it"),
    (re.compile(r"\{::nomarkdown\}|\{:/nomarkdown\}"), "kramdown's {::nomarkdown}, shown as "
     "text: remove the markers (HTML passes through as it is)"),
    (re.compile(r"^\s*\{:\s*\.?toc\s*\}\s*$|^\s*[*-] TOC\s*$"), "kramdown's table of contents "
     "({:toc}): nbpress's post layout has its own (toc: true)"),
    (re.compile(r"\{:\s*[.#:\w][^}]*\}"), "a kramdown attribute list ({: .class}), shown as text"),
    (re.compile(r"^\*\[[^\]]+\]:"), "a kramdown abbreviation (*[HTML]: …), shown as text"),
    (re.compile(r"<\w[^>]*\smarkdown=[\"']?(1|block|span)"), "markdown=\"1\" inside HTML: "
     "the Markdown inside it is shown as written; close the HTML before the Markdown"),
]
_HTML_BLOCK = re.compile(r"^ {0,3}<(div|svg|table|figure|section|details|center|p|ul|ol|dl"
                         r"|blockquote|form|iframe)(?=[\s>/]|$)", re.I)


def kramdown_notes(body: str, first: int, export: bool = False) -> list[tuple[int, str]]:
    """(line, what) for what kramdown read and CommonMark does not: its own syntax, and an
    HTML block with a blank line inside, which kramdown keeps whole and CommonMark ends at
    the blank line (an <svg>'s later <text> elements then become paragraphs).  Lines in
    code fences are not looked at; an export's attribute lines (removed) neither."""
    notes, fence, block = [], "", None
    lines = body.split("\n")
    for number, line in enumerate(lines, first):
        opening = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence or opening:
            fence = "" if fence and line.strip().startswith(fence) else fence or opening.group(1)
            continue
        if block is not None:
            name, start, blank = block
            if re.search(rf"</{name}\s*>", line, re.I):
                if blank:
                    notes.append((start, f"an HTML <{name}> block with a blank line inside (to "
                                         f"line {number}): Markdown ends it at the blank line, "
                                         "kramdown did not; remove the blank lines inside it"))
                block = None
            elif not line.strip():
                block = (name, start, True)
            continue
        what = next((what for pattern, what in _KRAMDOWN if pattern.search(line)), None)
        if what and not (export and what.startswith("a kramdown attr")) \
                and not (notes and notes[-1] == (number - 1, what)):  # (* TOC, then {:toc})
            notes.append((number, what))
        if line.startswith(": ") and number > first and lines[number - first - 1].strip():
            notes.append((number, "a kramdown definition list (term, then ': definition'), "
                                  "shown as text"))
        found = _HTML_BLOCK.match(line)
        if found and not re.search(rf"</{found.group(1)}\s*>", line, re.I):
            block = (found.group(1).lower(), number, False)
    return notes


__all__ = ["KRAMDOWN_COMMENT", "kramdown_inline_math", "kramdown_notes"]
