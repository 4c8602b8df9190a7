"""A post's text → an unexecuted notebook and one Markdown document.

jupytext's Markdown reader runs code hidden in HTML comments, runs ```bash as
``%%bash`` and splits HTML blocks (see ../shared/design/jupytext-traps.md).  So
the cell boundaries are found here, by a scanner that knows CommonMark fences
and HTML comments, and jupytext is used for what it does well: parsing a
fence's options (``tags=[...]``, ``.noeval``) and reading ``.ipynb`` posts.

Only backtick fences at column 0 in the kernel's language become code cells;
every other fence is shown, highlighted, never run.  The Markdown document
keeps the source's line numbers: each code cell is replaced by a placeholder
line plus blank lines, so a line in the document is a line in the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupytext.cell_metadata import text_to_metadata

from ..errors import BuildWarning, PostError
from ..model import CodeCell, NotebookDoc, PostSource

RUN_LANGUAGES = {"python", "python3"}
# Fence languages that look like Python but are shown, not run (jupytext ignores them too).
_NEAR_MISSES = {"Python", "py", "ipython", "ipython3", "{python}", "Python3"}
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
CELL_MARK = "<!--nbpress:cell:{}-->"
CELL_MARK_RE = re.compile(r"<!--nbpress:cell:(\d+)-->")


@dataclass(frozen=True)
class _Cell:
    """A code cell found by the scanner."""

    line: int  # 0-based line of the opening fence in the body
    source: str
    metadata: dict


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    """Index of the line closing the fence opened at ``start``, if any."""
    close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for i in range(start + 1, len(lines)):
        if close.match(lines[i]):
            return i
    return None


def _strip_comments(line: str, in_comment: bool, keep: str) -> tuple[str, bool]:
    """Remove HTML comments from one line; return (line, still inside a comment)."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            end = line.find("-->", i)
            if end < 0:
                return "".join(out), True
            i, in_comment = end + 3, False
            continue
        tick = line.find("`", i)
        start = line.find("<!--", i)
        if start < 0:
            out.append(line[i:])
            break
        if 0 <= tick < start:  # an inline code span may show a literal "<!--"
            run = re.match(r"`+", line[tick:]).group()
            end = line.find(run, tick + len(run))
            stop = end + len(run) if end >= 0 else len(line)
            out.append(line[i:stop])
            i = stop
            continue
        if keep and line.startswith(keep, start):  # the excerpt separator is kept
            out.append(line[i:start + len(keep)])
            i = start + len(keep)
            continue
        out.append(line[i:start])
        i, in_comment = start + 4, True
    return "".join(out), in_comment


def split(body: str, *, path: Path, line_offset: int, keep_comment: str = ""
          ) -> tuple[list[str], list[_Cell], list[BuildWarning]]:
    """Scan a post body into Markdown lines (cells replaced) and its code cells."""
    lines = body.split("\n")
    doc: list[str] = []
    cells: list[_Cell] = []
    warnings: list[BuildWarning] = []
    in_comment = False
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = None if in_comment else _FENCE.match(line)
        if fence is None:
            text, in_comment = _strip_comments(line, in_comment, keep_comment)
            doc.append(text if text.strip() or not line.strip() else "")
            i += 1
            continue
        indent, ticks, info = fence.groups()
        if ticks[0] == "`" and "`" in info:
            doc.append(line)  # not a fence (CommonMark: no backtick in a backtick info string)
            i += 1
            continue
        end = _closing(lines, i, ticks)
        if end is None:
            raise PostError(
                f"this {ticks} code fence is never closed, so it would swallow the rest of the post.",
                path=path, line=line_offset + i,
                hint=f"Close it with a line of {len(ticks)} {ticks[0]!r} characters.",
            )
        language, options = text_to_metadata(info.strip(), allow_title=True) if info.strip() \
            else ("", {})
        if language in _NEAR_MISSES:
            warnings.append(BuildWarning(
                f"'{ticks}{language}' is shown but not run; write '{ticks}python' to run it "
                f"or '{ticks}python .noeval' to silence this warning.", path, line_offset + i))
        if ticks[0] == "`" and not indent and language in RUN_LANGUAGES \
                and ".noeval" not in options:
            source = "\n".join(lines[i + 1:end])
            if source.strip():  # empty code cells are dropped
                cells.append(_Cell(i, source, options))
            doc.extend([""] * (end - i + 1))  # the caller puts the cell's mark at line i
        else:
            if ".noeval" in options:  # shown as ordinary Python, without the option
                line = f"{indent}{ticks}{language}"
            doc.append(line)
            doc.extend(lines[i + 1:end + 1])
        i = end + 1
    return doc, cells, warnings


def read_markdown_post(post: PostSource, *, kernel: str, keep_comment: str = ""
                       ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """A ``.md`` post → notebook (Markdown and code cells) and its Markdown document."""
    doc_lines, cells, warnings = split(post.body, path=post.path, line_offset=post.body_line,
                                       keep_comment=keep_comment)
    nb = nbformat.v4.new_notebook()
    code_cells: list[CodeCell] = []

    def prose(lines: list[str]) -> None:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            nb.cells.append(nbformat.from_dict({"cell_type": "markdown", "metadata": {},
                                                "source": text}))

    start = 0
    for cell in cells:
        prose(doc_lines[start:cell.line])
        metadata = {k: v for k, v in cell.metadata.items() if not k.startswith(".")}
        # Built as plain nodes: nbformat's constructors validate each cell against the
        # schema, a tenth of a second per build that changes nothing here.
        nb.cells.append(nbformat.from_dict({"cell_type": "code", "execution_count": None,
                                            "metadata": metadata, "outputs": [],
                                            "source": cell.source}))
        code_cells.append(CodeCell(len(nb.cells) - 1, post.body_line + cell.line))
        # The mark names the notebook cell index, so output files follow nbconvert's naming.
        doc_lines[cell.line] = CELL_MARK.format(len(nb.cells) - 1)
        start = cell.line + 1
    prose(doc_lines[start:])
    for number, nb_cell in enumerate(nb.cells):  # stable ids: same post, same notebook bytes
        nb_cell.id = f"cell-{number}"
    _set_metadata(nb, post, kernel)
    return NotebookDoc(post, nb, "\n".join(doc_lines), tuple(code_cells)), warnings


def read_ipynb_post(post: PostSource, *, kernel: str) -> NotebookDoc:
    """An ``.ipynb`` post → the same shape; its Markdown cells joined into one document."""
    try:
        nb = nbformat.read(post.path, as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a damaged file
        raise PostError(f"this notebook cannot be read: {exc}.", path=post.path,
                        hint="Open and save it in Jupyter, or restore it from version control."
                        ) from None
    if nb.cells and nb.cells[0].cell_type == "raw" and nb.cells[0].source.lstrip().startswith("---"):
        nb.cells.pop(0)  # the front matter is metadata, never a cell
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.source.strip()]
    parts, code_cells = [], []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(CELL_MARK.format(index))
            code_cells.append(CodeCell(index, 0))
    _set_metadata(nb, post, kernel)
    return NotebookDoc(post, nb, "\n\n".join(parts), tuple(code_cells))


def _set_metadata(nb, post: PostSource, kernel: str) -> None:
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    # Front matter dates are not JSON; store it as JSON-safe text values.
    nb.metadata["nbpress"] = json.loads(json.dumps(dict(post.front_matter), default=str))


def read_post_notebook(post: PostSource, *, kernel: str, keep_comment: str = ""
                       ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """Read a post of either kind."""
    if post.path.suffix == ".ipynb":
        return read_ipynb_post(post, kernel=kernel), []
    return read_markdown_post(post, kernel=kernel, keep_comment=keep_comment)
