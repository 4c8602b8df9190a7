"""A plain Markdown post (jupytext's ``md`` format) → notebook and one Markdown document.

jupytext's Markdown reader knows nothing of HTML comments or HTML blocks: a
```python fence inside a multi-line ``<!-- … -->`` becomes a cell that runs, a
```bash fence becomes a ``%%bash`` cell that runs shell commands on the build
machine, and a fence inside ``<details>`` splits that HTML block.  So
the cell boundaries are found here, by a scanner that knows CommonMark fences
and HTML comments, and jupytext is used for what it does well: parsing a
fence's options (``tags=[...]``, ``.noeval``) and a region marker's metadata.

Only backtick fences at column 0 in the kernel's language become code cells;
every other fence is shown, highlighted, never run.  jupytext's region markers
are honoured: ``<!-- #region -->``/``<!-- #md -->``/``<!-- #markdown -->`` …
``<!-- #end… -->`` hold Markdown (fences inside are shown, never run) and
``<!-- #raw -->`` … ``<!-- #endraw -->`` a raw cell.  The Markdown document
keeps the source's line numbers: each code cell is replaced by a placeholder
line plus blank lines, so a line in the document is a line in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import BuildWarning, PostError
from ..model import CodeCell, NotebookDoc, PostSource
from ..nbnode import cell as new_cell, new_notebook
from .doc import CELL_MARK, json_safe, set_metadata, shown_raw, stable_ids

RUN_LANGUAGES = {"python", "python3"}
# Fence languages that look like Python but are shown, not run (jupytext ignores them too).
_NEAR_MISSES = {"Python", "py", "ipython", "ipython3", "{python}", "Python3"}
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
# jupytext's own pattern (MarkdownCellReader.start_region_re): a whole line, at column 0.
_REGION = re.compile(r"^<!--\s*#(region|markdown|md|raw)(.*)-->\s*$")
_PLAIN_INFO = re.compile(r"[\w+#-][\w+#.-]*")


def fence_info(info: str) -> tuple[str, dict]:
    """(language, options) of a fence's info string, as jupytext reads it; a lone language
    name, by far the most common, without importing jupytext (a second a build)."""
    if not info:
        return "", {}
    if _PLAIN_INFO.fullmatch(info):
        return info, {}
    from jupytext.cell_metadata import text_to_metadata

    return text_to_metadata(info, allow_title=True)


@dataclass(frozen=True)
class _Cell:
    """A cell found by the scanner: a code fence, or a jupytext region."""

    line: int  # 0-based line of the opening fence (or region marker) in the body
    source: str
    metadata: dict
    kind: str = "code"  # "code", "raw" (a #raw region) or "markdown" (another region)
    end: int = -1  # a region's closing marker line


def run_languages(language: str) -> set[str]:
    """The fence languages that run for a kernel of ``language`` (python by default)."""
    language = language or "python"
    return RUN_LANGUAGES if language.lower() == "python" else {language, language.lower()}


def _closing(lines: list[str], start: int, stop: int, fence: str) -> int | None:
    """Index of the line closing the fence opened at ``start`` (before ``stop``), if any."""
    close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for i in range(start + 1, stop):
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


class _Scanner:
    """One pass over a post's body: Markdown lines out, cells found, warnings."""

    def __init__(self, lines: list[str], path: Path, line_offset: int, keep: str,
                 language: str) -> None:
        self.lines, self.path, self.line_offset, self.keep = lines, path, line_offset, keep
        self.run = run_languages(language)
        self.python = self.run == RUN_LANGUAGES
        self.doc: list[str] = []
        self.cells: list[_Cell] = []
        self.warnings: list[BuildWarning] = []

    def block(self, start: int, stop: int, in_region: bool = False) -> None:
        """Scan lines ``start`` to ``stop``; inside a region no fence runs."""
        in_comment, opened = False, 0
        i = start
        while i < stop:
            line = self.lines[i]
            fence = None if in_comment else _FENCE.match(line)
            region = None if in_comment or in_region else _REGION.match(line)
            if region and self.region(i, region):
                i = self.cells[-1].end + 1
            elif fence and fence.group(2)[0] == "`" and "`" in fence.group(3):
                # not a fence (CommonMark: no backtick in a backtick fence's info string)
                self.doc.append(line)
                i += 1
            elif fence:
                i = self.fence(i, stop, fence, in_region) + 1
            else:
                was = in_comment
                text, in_comment = _strip_comments(line, in_comment, self.keep)
                opened = i if in_comment and (not was or "-->" in line) else opened
                self.doc.append(text if text.strip() or not line.strip() else "")
                i += 1
        if in_comment:  # Markdown hides the rest too; said, so that it is not lost silently
            self.warnings.append(BuildWarning(
                "this HTML comment '<!--' is never closed: everything after it, to the end of "
                "the post (code cells too), is hidden; close it with '-->'.", self.path,
                self.line_offset + opened))

    def region(self, i: int, match: re.Match) -> bool:
        """A jupytext region opened at line ``i``; False when it is never closed."""
        name, options = match.groups()
        end_re = re.compile(rf"^<!--\s*#end{name}\s*-->\s*$")
        end = next((j for j in range(i + 1, len(self.lines)) if end_re.match(self.lines[j])), None)
        if end is None:  # jupytext would run it to the end of the post
            self.warnings.append(BuildWarning(
                f"'<!-- #{name} -->' opens a jupytext region that no '<!-- #end{name} -->' "
                "closes, so it is read as an HTML comment; close it, or reword the comment.",
                self.path, self.line_offset + i))
            return False
        # jupytext's reading of the marker's options: key=value pairs or JSON, a title.
        from jupytext.cell_metadata import text_to_metadata

        title, metadata = text_to_metadata(options, allow_title=True)
        if title:
            metadata["title"] = title
        if name in ("markdown", "md"):
            metadata["region_name"] = name
        if name == "raw":
            self.doc.extend([""] * (end - i + 1))  # the caller puts the cell's mark at line i
            source = "\n".join(self.lines[i + 1:end])
        else:
            self.doc.append("")
            self.block(i + 1, end, in_region=True)
            self.doc.append("")
            source = "\n".join(self.doc[i + 1:end]).strip("\n")
        self.cells.append(_Cell(i, source, metadata, "raw" if name == "raw" else "markdown", end))
        return True

    def fence(self, i: int, stop: int, match: re.Match, in_region: bool) -> int:
        """A fence opened at line ``i``: a code cell, or shown; returns its closing line."""
        indent, ticks, info = match.groups()
        end = _closing(self.lines, i, stop, ticks)
        if end is None:
            raise PostError(
                f"this {ticks} code fence is never closed, so it would swallow the rest of "
                "the post.",
                path=self.path, line=self.line_offset + i,
                hint=f"Close it with a line of {len(ticks)} {ticks[0]!r} characters.",
            )
        language, options = fence_info(info.strip())
        if language in _NEAR_MISSES and self.python and not in_region:
            self.warnings.append(BuildWarning(
                f"'{ticks}{language}' is shown but not run; write '{ticks}python' to run it "
                f"or '{ticks}python .noeval' to silence this warning.", self.path,
                self.line_offset + i))
        if ticks[0] == "`" and not indent and language in self.run \
                and ".noeval" not in options and not in_region:
            source = "\n".join(self.lines[i + 1:end])
            if source.strip():  # empty code cells are dropped
                self.cells.append(_Cell(i, source, options))
            self.doc.extend([""] * (end - i + 1))  # the caller puts the cell's mark at line i
        else:
            line = self.lines[i]
            if ".noeval" in options:  # shown as ordinary Python, without the option
                line = f"{indent}{ticks}{language}"
            self.doc.append(line)
            self.doc.extend(self.lines[i + 1:end + 1])
        return end


def split(body: str, *, path: Path, line_offset: int, keep_comment: str = "",
          language: str = "python") -> tuple[list[str], list[_Cell], list[BuildWarning]]:
    """Scan a post body into Markdown lines (cells replaced) and its cells, in order."""
    lines = body.split("\n")
    scanner = _Scanner(lines, path, line_offset, keep_comment, language)
    scanner.block(0, len(lines))
    return scanner.doc, scanner.cells, scanner.warnings


def read_markdown_post(post: PostSource, *, keep_comment: str = "",
                       kernelspec: Mapping[str, Any] | None = None
                       ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """A ``.md`` post → notebook (Markdown, code and raw cells) and its Markdown document.

    ``kernelspec`` is the header's ``jupyter.kernelspec``: the fences in its language
    (Python when it names none) run, and the notebook's metadata keeps it.
    """
    language = str((kernelspec or {}).get("language") or "python")
    doc_lines, cells, warnings = split(post.body, path=post.path, line_offset=post.body_line,
                                       keep_comment=keep_comment, language=language)
    nb = new_notebook()  # nbnode's: nbformat is imported only to run or convert it
    code_cells: list[CodeCell] = []

    def prose(lines: list[str]) -> None:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            nb.cells.append(new_cell("markdown", text, {}))

    start = 0
    for cell in cells:
        prose(doc_lines[start:cell.line])
        metadata = json_safe({k: v for k, v in cell.metadata.items() if not k.startswith(".")})
        nb.cells.append(new_cell(cell.kind, cell.source, metadata))
        start = cell.end + 1 if cell.kind == "markdown" else cell.line + 1
        if cell.kind == "code":
            code_cells.append(CodeCell(len(nb.cells) - 1, post.body_line + cell.line))
        if cell.kind == "code" or (cell.kind == "raw" and shown_raw(nb.cells[-1])):
            # The mark names the notebook cell index, so output files follow nbconvert's naming.
            doc_lines[cell.line] = CELL_MARK.format(len(nb.cells) - 1)
    prose(doc_lines[start:])
    stable_ids(nb)
    if kernelspec:
        nb.metadata["kernelspec"] = dict(kernelspec)
    set_metadata(nb, post)
    return NotebookDoc(post, nb, "\n".join(doc_lines), tuple(code_cells)), warnings
