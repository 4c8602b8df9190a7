"""What every reader shares: the cell placeholder, nbconvert's rule for raw cells, the
notebook's metadata, and one Markdown document built from placed cells.

A post's Markdown is rendered as one document (so HTML that cells split stays
whole).  Each code cell, and each raw cell that the page shows, is a
placeholder line in it, which rendering replaces with the cell's HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, Sequence

from ..model import CodeCell, PostSource

CELL_MARK = "<!--nbpress:cell:{}-->"
CELL_MARK_RE = re.compile(r"<!--nbpress:cell:(\d+)-->")
# nbconvert's HTMLExporter.raw_mimetypes: its output type and "no type"; compared in
# lower case, as nbconvert's templates do.  text/latex, text/restructuredtext… are left out.
HTML_RAW_MIMETYPES = ("text/html", "")


def unmarked(text: str) -> str:
    """A Markdown cell's text with any placeholder written in it (an HTML comment, invisible
    on the page) made inert: only the readers place cells."""
    return CELL_MARK_RE.sub(r"<!--nbpress-cell-\1-->", text)


def shown_raw(cell: Mapping[str, Any]) -> bool:
    """Whether a raw cell goes into the page, by nbconvert's HTML exporter's rule."""
    mime = cell.get("metadata", {}).get("raw_mimetype", "")
    return str(mime).lower() in HTML_RAW_MIMETYPES


def json_safe(value: Any) -> Any:
    """``value`` as a notebook file can hold it: YAML gives dates, jupytext's option parser
    evaluates Python literals (``a=b'xy'``, ``a={1, 2}``, ``a={1: 2}``), which JSON has not;
    bytes become their text (as nbformat writes them), other such values their ``str``, keys
    text."""
    return json.loads(json.dumps(value, default=lambda v: v.decode("utf-8", "replace")
                                 if isinstance(v, bytes) else str(v)))


def set_metadata(nb: Any, post: PostSource) -> None:
    """The front matter, as JSON-safe values (dates as text), in the notebook's metadata.

    The notebook's own kernelspec is kept: the read stage chooses the kernel from it
    (kernels.py)."""
    nb.metadata["nbpress"] = json_safe(dict(post.front_matter))


def stable_ids(nb: Any) -> None:
    """Same post, same notebook bytes: cell ids by position."""
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"


# Jupyter Book's tag and nbconvert's TagRemovePreprocessor name (cellopts.TAG_ALIASES) that
# leave a whole cell out: a Markdown or raw cell is left out of the document here (a code
# cell still runs: the renderer leaves it out of the page).
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")


def removed(cell: Any) -> bool:
    """Whether a Markdown or raw cell is tagged to be left out of the page."""
    tags = cell.get("metadata", {}).get("tags") or ()
    return cell.cell_type != "code" and isinstance(tags, (list, tuple)) and any(
        tag in REMOVE_CELL_TAGS for tag in tags)


def _marked(cell: Any) -> bool:
    """Whether a cell is a placeholder in the document: code, and raw cells the page shows."""
    return cell.cell_type == "code" or (cell.cell_type == "raw" and shown_raw(cell)
                                        and not removed(cell))


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# What an HTML block opens at a line's start and the end CommonMark waits for: a comment, and
# the raw elements (its type 1), which run until their end tag whatever lies between
_RAW_START = re.compile(r"^ {0,3}<(!--|pre|script|style|textarea)(?=[\s>]|$)", re.I)
# Elements a cell may leave open that hold the rest of a joined post (a fold, an alert box)
_BLOCK_OPEN = re.compile(r"^ {0,3}<(details|div|section|aside|blockquote|figure)(?=[\s>]|$)",
                         re.I)
_BLOCK_CLOSE = re.compile(r"</(details|div|section|aside|blockquote|figure)\s*>", re.I)


def _scan(text: str) -> tuple[str, list[tuple[bool, str]]]:
    """What a Markdown cell leaves open at its end that CommonMark would let run over the
    cells after it — a code fence, an HTML comment or ``<pre>`` — as the text closing it;
    and the block elements it opens and closes at a line's start, in order (True: opened)."""
    fence, raw, events = "", "", []
    for line in text.split("\n"):
        found = _FENCE.match(line)
        if fence:
            if found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence) \
                    and not found.group(2).strip():
                fence = ""
            continue
        if raw:  # what follows its end on the line still counts (</pre></div>)
            at = line.lower().find(raw)
            line, raw = (line[at + len(raw):], "") if at >= 0 else ("", raw)
        elif found and not (found.group(1)[0] == "`" and "`" in found.group(2)):
            fence = found.group(1)
            continue
        elif _RAW_START.match(line):
            start = _RAW_START.match(line)
            name = start.group(1).lower()
            raw = "-->" if name == "!--" else f"</{name}>"
            at = line.lower().find(raw, start.end())
            line, raw = (line[at + len(raw):], "") if at >= 0 else ("", raw)
        block = _BLOCK_OPEN.match(line)
        if block:
            events.append((True, block.group(1).lower()))
        events += [(False, name.lower()) for name in _BLOCK_CLOSE.findall(line)]
    return "".join(f"\n{end}" for end in (fence, raw) if end), events


def closed_cells(texts: Sequence[str], raw: Sequence[bool] = ()) -> list[str]:
    """Markdown cells' texts as Jupyter shows each on its own: what one leaves open at its
    end (a fence, a comment, ``<pre>``) closed there — joined, it would swallow the cells
    after it — and an element it opens that no later cell closes (a ``<details>`` fold, an
    alert ``<div>``) closed at its end too; one a later cell closes (a shown raw cell too:
    ``raw[i]``, whose text is only read) stays open across the cells between, so HTML a
    post's cells split stays whole."""
    texts, still = list(texts), []
    for index, text in enumerate(texts):
        tail, events = _scan(text)
        if not (index < len(raw) and raw[index]):
            texts[index] = text + tail
        for opened, name in events:
            if opened:
                still.append((name, index))
            else:
                found = [i for i, (n, _) in enumerate(still) if n == name]
                if found:
                    del still[found[-1]]
    for name, index in reversed(still):  # innermost first
        texts[index] += f"\n</{name}>"
    return texts


def _parts(cells: Sequence[Any]) -> list[tuple[int, str]]:
    """(index, text) of each cell in a joined document: a Markdown cell's text (with what it
    leaves open closed: ``closed_cells``), a placeholder for a code cell or a shown raw cell."""
    shown = [(index, cell) for index, cell in enumerate(cells)
             if cell.cell_type == "markdown" and not removed(cell) or _marked(cell)]
    html = [(index, cell) for index, cell in shown if cell.cell_type != "code"]
    closed = dict(zip((index for index, _ in html), closed_cells(  # (a raw cell's HTML closes too)
        [c.source if c.cell_type == "raw" else unmarked(c.source) for _, c in html],
        [c.cell_type == "raw" for _, c in html])))
    return [(index, closed[index] if cell.cell_type == "markdown" else CELL_MARK.format(index))
            for index, cell in shown]


def join_cells(cells: Sequence[Any]) -> tuple[str, tuple[CodeCell, ...]]:
    """One Markdown document from cells that have no lines (an ``.ipynb``'s), a blank
    line apart; its code cells have no line either."""
    code = [CodeCell(index, 0) for index, cell in enumerate(cells) if cell.cell_type == "code"]
    return "\n\n".join(text for _, text in _parts(cells)), tuple(code)


def joined_cell_at(cells: Sequence[Any], line: int) -> int | None:
    """The index of the cell whose text ``join_cells`` put at the document's (0-based)
    ``line``, or None."""
    found, start = None, 0
    for index, text in _parts(cells):
        if start > line:
            break
        found, start = index, start + text.count("\n") + 2
    return found


def assemble(cells: Sequence[Any], rows: Sequence[int], body_line: int
             ) -> tuple[str, tuple[CodeCell, ...]]:
    """One Markdown document from a text notebook's cells, and where its code cells are.

    ``rows[i]`` is the document line (0-based; document line ``r`` is file line
    ``body_line + r``) where cell ``i``'s first source line stands in the file.
    Markdown cells are written there, and a placeholder on the line before a
    code cell or a shown raw cell, so a line of the document is a line of the
    file.
    """
    doc: list[str] = []
    code: list[CodeCell] = []
    for index, (cell, row) in enumerate(zip(cells, rows)):
        lines = (unmarked(cell.source) if cell.cell_type == "markdown" else cell.source).split("\n")
        if cell.cell_type == "markdown" and removed(cell):
            continue  # left out; the lines after keep their place
        if cell.cell_type == "markdown":
            # never glued to the text above: that would join two paragraphs
            start = max(row, len(doc) + 1 if doc and doc[-1].strip() else len(doc))
            doc.extend([""] * (start - len(doc)) + lines)
        elif _marked(cell):
            mark = max(row - 1, len(doc))
            doc.extend([""] * (mark - len(doc)) + [CELL_MARK.format(index)] + [""] * len(lines))
            if cell.cell_type == "code":
                code.append(CodeCell(index, body_line + mark))
    return "\n".join(doc), tuple(code)
