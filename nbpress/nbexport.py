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
# Jekyll nbconvert templates: {% highlight python %} input, **In [3]:** / **Out [3]:** prompts,
# <div class="input_area" markdown="1"> around the input.
_HIGHLIGHT = re.compile(r"^\{%-?\s*highlight\s+(\w+)[^%]*-?%\}\s*$")
_ENDHIGHLIGHT = re.compile(r"^\{%-?\s*endhighlight\s*-?%\}\s*$")
_PROMPT = re.compile(r"^\*\*(In|Out|Input|Output)\s*(?:\[\s*\d*\s*\])?\s*:?\s*\*\*\s*:?\s*$")
_INPUT_WRAPPER = re.compile(r"^<div class=[\"']input_area[\"'][^>]*>\s*$")
HIGHLIGHT_RUN = ("python", "python3", "ipython", "ipython3")
TEXT_LEXERS = ("plaintext", "text", "none")
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
        self.wrapped = False  # inside <div class="input_area"> around an input
        self.prompted = False  # after an **Out [n]:** prompt: a bare fence is output text

    def line_no(self, index: int) -> int:
        return self.first + index

    def run(self) -> Export:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            fence, highlight = _FENCE.match(line), _HIGHLIGHT.match(line)
            prompt = _PROMPT.match(line)
            if line.lstrip().startswith("<!--"):
                i = self._copy_comment(i)
            elif fence:
                i = self._fence(i, fence)
            elif highlight:
                i = self._highlight(i, highlight.group(1))
            elif prompt and prompt.group(1) in ("In", "Input") or _INPUT_WRAPPER.match(line):
                self.wrapped = self.wrapped or not prompt
                self.removed.append((self.line_no(i), "prompt line" if prompt else "input <div>"))
                i += 1
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

    def _block_end(self, i: int, closing: re.Pattern) -> int:
        """The index of the line closing the block opened at ``i`` (or the end)."""
        j = i + 1
        while j < len(self.lines) and not closing.match(self.lines[j]):
            j += 1
        return j

    def _fence(self, i: int, fence: re.Match) -> int:
        ticks = fence.group(1)
        end = self._block_end(i, re.compile(re.escape(ticks[0]) + "{%d,}\\s*$" % len(ticks)))
        self.kept.extend(self.lines[i:end + 1])
        if fence.group(2) not in RUN_FENCES or ticks[0] != "`":
            return end + 1
        cell = Cell("\n".join(self.lines[i + 1:end]), self.line_no(i))
        self.cells.append(cell)
        return self._tail(end + 1, cell)

    def _highlight(self, i: int, lexer: str) -> int:
        """``{% highlight python %}`` input (Jekyll nbconvert templates): a ```python cell."""
        end = self._block_end(i, _ENDHIGHLIGHT)
        if lexer not in HIGHLIGHT_RUN:
            self.kept.extend(self.lines[i:end + 1])
            return end + 1
        self.kept.extend(["```python", *self.lines[i + 1:end], "```"])
        self.removed.append((self.line_no(i), f"{{% highlight {lexer} %}} input written as a "
                                              "```python cell"))
        cell = Cell("\n".join(self.lines[i + 1:end]), self.line_no(i))
        self.cells.append(cell)
        return self._tail(end + 1, cell)

    def _tail(self, i: int, cell: Cell) -> int:
        """Consume the outputs written after a cell's input; blank lines stay."""
        self.prompted = False
        while i < len(self.lines):
            if not self.lines[i].strip():
                self.kept.append(self.lines[i])
                i += 1
                continue
            after = self._output(i, cell)
            if after is None:
                return i
            i = after
        return i

    def _output(self, i: int, cell: Cell) -> int | None:
        """The index after the output starting at line ``i``; None when it is not one."""
        line = self.lines[i]
        prompt, highlight = _PROMPT.match(line), _HIGHLIGHT.match(line)
        if line.startswith(("    ", "\t")):
            return self._indented(i, cell)
        if _image(line) is not None:
            self._take(i, cell, Output("image", _image(line) or "", self.line_no(i)), "image line")
            if i + 1 < len(self.lines) and ATTRIBUTE_LINE.match(self.lines[i + 1]):
                self.removed.append((self.line_no(i + 1), "attribute line"))
                return i + 2
            return i + 1
        if line.lstrip().lower().startswith(("<figure", "<img")):
            return self._figure(i, cell)
        if line.strip() == "<div>" and i + 1 < len(self.lines) and \
                self.lines[i + 1].strip().startswith(("<style", "<table")):  # pandas, any age
            end = self._html_end(i, "</div>", column0=True)
            self._take(i, cell, Output("html", "\n".join(self.lines[i:end]), self.line_no(i)),
                       "HTML table output")
            return end
        if prompt and prompt.group(1) in ("Out", "Output") or \
                self.wrapped and line.strip() == "</div>":
            self.wrapped = self.wrapped and bool(prompt)
            self.prompted = self.prompted or bool(prompt)
            self.removed.append((self.line_no(i), "prompt line" if prompt else "input </div>"))
            return i + 1
        if highlight and highlight.group(1) in TEXT_LEXERS or \
                self.prompted and _FENCE.match(line) and not _FENCE.match(line).group(2):
            end = self._block_end(i, _ENDHIGHLIGHT if highlight else re.compile(r"^`{3,}\s*$"))
            self._take(i, cell, Output("text", "\n".join(self.lines[i + 1:end]),
                                       self.line_no(i)), "output block")
            return end + 1
        return None

    def _figure(self, i: int, cell: Cell) -> int | None:
        """A ``<figure>`` (or ``<img>``) around an export image: the image is an output."""
        line = self.lines[i].lower()
        end = self._html_end(i, "</figure>" if "<figure" in line else ">")
        block = "\n".join(self.lines[i:end])
        src = _IMG_SRC.search(block)
        if src is None or not is_export_image("", src.group(1)):
            return None
        self._take(i, cell, Output("image", src.group(1), self.line_no(i)),
                   "<figure> block" if "<figure" in line else "<img> line")
        caption = _CAPTION.search(block)
        if caption and caption.group(1).strip():
            self.notes.append((self.line_no(i), "the removed <figure>'s caption "
                               f"'{caption.group(1).strip()}' is not on the page any more; "
                               "write it as text after the cell if it matters"))
        return end

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
