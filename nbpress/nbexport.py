"""What ``jupyter nbconvert --to markdown`` pasted into a post, told apart from what its author wrote.

An exported notebook post is a Markdown file in which each code cell is a
```` ```python ```` fence followed by what the cell printed: blocks indented by
four spaces (streams, ``text/plain`` results, tracebacks), image lines
``![png](<name>_files/<name>_5_0.png)`` (often moved later to ``/images/…``, with
a kramdown ``{: .class }`` line or a ``<figure>`` around them) and raw HTML
(a pandas ``<div><style scoped>`` table).  This module reads such a text and
returns it without those leftovers, with each cell's recorded outputs in order
and every line it removed, so that the importer can store them as the post's
run.  It changes nothing it does not recognise: HTML comments, other fences
and prose stay as written.  Pure text → data; the files are the importer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RUN_FENCES = ("python", "python3")  # the fences nbpress runs (readers/markdown.py)
EXPORT_ALTS = ("png", "svg", "jpeg", "jpg", "gif")  # the alt text nbconvert writes
# nbconvert names an output image <notebook>_<cell>_<output>.<ext>
EXPORT_NAME = re.compile(r"_\d+_\d+\.(png|svg|jpe?g|gif)$", re.I)
# The URL may hold Liquid with spaces: ![png]({{ site.baseurl }}/images/x_5_0.png)
_IMAGE_LINE = re.compile(r"^!\[([^\]]*)\]\(\s*<?((?:\{\{[^}]*\}\}|[^)\s>])+)>?"
                         r"(?:\s+\"[^\"]*\")?\s*\)\s*(\{:[^}]*\})?\s*$")
ATTRIBUTE_LINE = re.compile(r"^\{:[^}]*\}\s*$")  # kramdown's attribute list on its own line
_IMG_SRC = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.I)
_CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S | re.I)
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")


@dataclass(frozen=True)
class Output:
    """One recorded output: ``kind`` is "text", "image" or "html"; ``value`` the text
    or the image's URL as written; ``line`` its line in the file."""

    kind: str
    value: str
    line: int
    at: int = -1  # for an image kept in the text: its index in ``Export.lines``


@dataclass
class Cell:
    """A code fence of the export and the outputs written right after it."""

    code: str
    line: int
    outputs: list[Output] = field(default_factory=list)


@dataclass
class Export:
    """A post's text without the export's leftovers, its cells and what was found."""

    lines: list[str]
    cells: list[Cell]
    removed: list[tuple[int, str]]  # (line, what) taken out of the text
    strays: list[Output]  # export images not right after a cell (kept in the text)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what needs a look)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def is_export(self) -> bool:
        """Whether nbconvert wrote this post (some output or export image was found)."""
        return bool(self.strays) or any(c.outputs for c in self.cells)

    @property
    def no_input(self) -> bool:
        """An export without code (``--no-input``): only outputs, nothing to run."""
        return not self.cells and bool(self.strays)


def is_export_image(alt: str, url: str) -> bool:
    """An image line nbconvert writes: alt "png"/"svg"/… or a <name>_N_M.<ext> file."""
    name = url.split("?")[0].split("#")[0]
    return alt.strip().lower() in EXPORT_ALTS or bool(EXPORT_NAME.search(name))


def _image(line: str) -> str | None:
    """The URL of an export image line (``![png](…)`` with an optional ``{: …}``)."""
    match = _IMAGE_LINE.match(line)
    if match and is_export_image(match.group(1), match.group(2)):
        return match.group(2)
    return None


class _Scanner:
    """One pass over the lines; ``first`` is the file line of ``lines[0]``."""

    def __init__(self, lines: list[str], first: int) -> None:
        self.lines, self.first = lines, first
        self.kept: list[str] = []
        self.cells: list[Cell] = []
        self.removed: list[tuple[int, str]] = []
        self.strays: list[Output] = []
        self.notes: list[tuple[int, str]] = []

    def line_no(self, index: int) -> int:
        return self.first + index

    def run(self) -> Export:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            fence = _FENCE.match(line)
            if line.lstrip().startswith("<!--"):
                i = self._copy_comment(i)
            elif fence:
                i = self._fence(i, fence)
            else:
                url = _image(line)
                if url is not None:
                    self.strays.append(Output("image", url, self.line_no(i), len(self.kept)))
                self.kept.append(line)
                i += 1
        return Export(self.kept, self.cells, self.removed, self.strays, self.notes)

    def _copy_comment(self, i: int) -> int:
        """An HTML comment is the author's (a figure commented out stays commented out)."""
        while i < len(self.lines):
            self.kept.append(self.lines[i])
            i += 1
            if "-->" in self.lines[i - 1]:
                break
        return i

    def _fence(self, i: int, fence: re.Match) -> int:
        ticks = fence.group(1)
        start = i
        self.kept.append(self.lines[i])
        i += 1
        while i < len(self.lines) and not (self.lines[i].startswith(ticks[0] * len(ticks))
                                           and not self.lines[i].strip(ticks[0] + " ")):
            self.kept.append(self.lines[i])
            i += 1
        if i < len(self.lines):
            self.kept.append(self.lines[i])
            i += 1
        if fence.group(2) not in RUN_FENCES or ticks[0] != "`":
            return i
        cell = Cell("\n".join(self.lines[start + 1:i - 1]), self.line_no(start))
        self.cells.append(cell)
        return self._tail(i, cell)

    def _tail(self, i: int, cell: Cell) -> int:
        """Consume the outputs written after a cell's fence; blank lines stay."""
        while i < len(self.lines):
            line = self.lines[i]
            if not line.strip():
                self.kept.append(line)
                i += 1
            elif line.startswith(("    ", "\t")):
                i = self._indented(i, cell)
            elif _image(line) is not None:
                self._take(i, cell, Output("image", _image(line) or "", self.line_no(i)),
                           "image line")
                i += 1
                if i < len(self.lines) and ATTRIBUTE_LINE.match(self.lines[i]):
                    self.removed.append((self.line_no(i), "attribute line"))
                    i += 1
            elif line.lstrip().lower().startswith("<figure") or line.lower().startswith("<img"):
                end = self._html_end(i, "</figure>" if "<figure" in line.lower() else ">")
                block = "\n".join(self.lines[i:end])
                src = _IMG_SRC.search(block)
                if src is None or not is_export_image("", src.group(1)):
                    return i
                self._take(i, cell, Output("image", src.group(1), self.line_no(i)),
                           "<figure> block" if "<figure" in line.lower() else "<img> line")
                caption = _CAPTION.search(block)
                if caption and caption.group(1).strip():
                    self.notes.append((self.line_no(i), "the removed <figure>'s caption "
                                       f"'{caption.group(1).strip()}' is not on the page any "
                                       "more; write it as text after the cell if it matters"))
                i = end
            elif line.strip() == "<div>" and i + 1 < len(self.lines) and \
                    self.lines[i + 1].strip().startswith("<style scoped"):
                end = self._html_end(i, "</div>", column0=True)
                self._take(i, cell, Output("html", "\n".join(self.lines[i:end]),
                                           self.line_no(i)), "HTML table output")
                i = end
            else:
                return i
        return i

    def _take(self, i: int, cell: Cell, output: Output, what: str) -> None:
        cell.outputs.append(output)
        self.removed.append((self.line_no(i), what))

    def _indented(self, i: int, cell: Cell) -> int:
        start, end = i, i
        while i < len(self.lines) and (not self.lines[i].strip()
                                       or self.lines[i].startswith(("    ", "\t"))):
            if self.lines[i].strip():
                end = i + 1
            i += 1
        text = "\n".join(line[4:] if line.startswith("    ") else line.lstrip("\t")
                         for line in self.lines[start:end])
        self._take(start, cell, Output("text", text, self.line_no(start)),
                   "indented output block")
        self.kept.extend([""] * (i - end))  # blank lines after the block stay
        return i

    def _html_end(self, i: int, closing: str, column0: bool = False) -> int:
        """The index after the line that closes an HTML block started at ``i``."""
        for j in range(i, len(self.lines)):
            line = self.lines[j]
            if (line.startswith(closing) if column0 else closing in line.lower()):
                return j + 1
        return i + 1


def read_export(body: str, first_line: int) -> Export:
    """``body`` (the text after the front matter, starting at file line ``first_line``)
    without the export's leftovers, with each cell's outputs."""
    return _Scanner(body.split("\n"), first_line).run()


__all__ = ["Export", "Cell", "Output", "read_export", "is_export_image", "EXPORT_NAME"]
