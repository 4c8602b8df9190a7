"""One executed code cell → HTML and the image files it produced.

Outputs come in notebook order; each rich output shows its best MIME type
(SVG, PNG, JPEG, HTML, Markdown, LaTeX, plain text).  Images are written as
files named as nbconvert's ExtractOutputPreprocessor names them
(``<slug>_<cell>_<n>.<ext>``) and linked with their width and height.
"""

from __future__ import annotations

import base64
import html
import itertools
import re
import struct
from dataclasses import dataclass
from typing import Any, Callable

from .markdown import highlight, math
from .model import OutputFile

MIME_ORDER = ("image/svg+xml", "image/png", "image/jpeg", "text/html", "text/markdown",
              "text/latex", "text/plain")
_EXTENSIONS = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}


@dataclass(frozen=True)
class CellContext:
    """What rendering a cell needs to know about its post."""

    slug: str
    files_dir: str  # folder of the post's files, relative to the site
    baseurl: str
    render_markdown: Callable[[str], str]
    max_output_lines: int
    language: str = "python"  # the kernel's language, for highlighting the cells' code


def image_size(mime: str, data: bytes) -> tuple[int, int] | None:
    """Pixel width and height read from the image's header, when it says."""
    if mime == "image/png" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if mime == "image/svg+xml":
        head = data[:4000].decode("utf-8", "replace")
        tag = re.search(r"<svg\b[^>]*>", head, re.S)
        if tag:
            size = [re.search(rf'\b{k}="([\d.]+)(px|pt)?"', tag.group()) for k in ("width", "height")]
            if all(size):
                scale = [4 / 3 if m.group(2) == "pt" else 1 for m in size]
                return tuple(round(float(m.group(1)) * s) for m, s in zip(size, scale))
    if mime == "image/jpeg":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + length
    return None


def _ansi_html(text: str) -> str:
    """Escaped text, with ANSI colour codes as nbconvert renders them."""
    if "\x1b" not in text:
        return html.escape(text, quote=False)  # the common case: no need to import nbconvert
    from nbconvert.filters.ansi import ansi2html

    return ansi2html(text)


def _text_block(text: str, cls: str, limit: int) -> str:
    lines = text.split("\n")
    note = ""
    if len(lines) > limit:
        note = (f'<p class="output-truncated">… {len(lines) - limit:,} more lines not shown '
                f"(output_lines limit: {limit:,}).</p>")
        lines = lines[:limit]
    return f'<pre class="output {cls}">{_ansi_html(chr(10).join(lines))}</pre>{note}'


def _alt_text(cell: Any, index: int, output: dict) -> str:
    meta = cell.get("metadata", {})
    plain = output.get("data", {}).get("text/plain", "")
    plain = "".join(plain) if isinstance(plain, list) else plain
    if meta.get("alt") or meta.get("caption"):
        return str(meta.get("alt") or meta.get("caption"))
    if plain and not re.match(r"<(Figure|graphviz|matplotlib|IPython)", plain):
        return plain[:200]
    return f"Figure produced by code cell {index}"


def _rich(output: dict, cell: Any, index: int, n: int, ctx: CellContext
          ) -> tuple[str, OutputFile | None]:
    data = output.get("data", {})
    for mime in MIME_ORDER:
        if mime not in data:
            continue
        value = data[mime]
        value = "".join(value) if isinstance(value, list) else value
        if mime in _EXTENSIONS:
            raw = value.encode() if mime == "image/svg+xml" else base64.b64decode(value)
            name = f"{ctx.slug}_{index}_{n}{_EXTENSIONS[mime]}"
            file = OutputFile(f"{ctx.files_dir}/{name}", raw)
            meta = output.get("metadata", {}).get(mime, {})
            size = (meta["width"], meta["height"]) if "width" in meta and "height" in meta \
                else image_size(mime, raw)
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            src = f"{ctx.baseurl}/{ctx.files_dir}/{name}"
            alt = html.escape(_alt_text(cell, index, output))
            return (f'<div class="output image"><img src="{html.escape(src)}" alt="{alt}"'
                    f'{dims} loading="lazy"></div>', file)
        if mime == "text/html":
            return f'<div class="output html">{value}</div>', None
        if mime == "text/markdown":
            return f'<div class="output markdown">{ctx.render_markdown(value)}</div>', None
        if mime == "text/latex":
            tex = value.strip().strip("$")
            return f'<div class="output latex">{math(tex, True)}</div>', None
        return _text_block(value, "text", ctx.max_output_lines), None
    return "", None


def _overwrite(line: str) -> str:
    """One line with its carriage returns applied: later text overwrites from column 0."""
    shown = ""
    for part in line.split("\r"):
        shown = part + shown[len(part):]
    return shown


def _stream_text(outputs: list) -> str:
    """Adjacent stream outputs as one text, with carriage returns applied as a terminal would."""
    text = "".join("".join(o["text"]) if isinstance(o["text"], list) else o["text"]
                   for o in outputs)
    return "\n".join(map(_overwrite, text.replace("\r\n", "\n").split("\n")))


def _stream_name(item: tuple[int, dict]) -> str | None:
    output = item[1]
    return output.get("name") if output.get("output_type") == "stream" else None


def render_outputs(cell: Any, index: int, ctx: CellContext) -> tuple[str, list[OutputFile]]:
    """A cell's outputs → HTML and files, in notebook order; adjacent streams of the same
    name are joined (as Jupyter shows them)."""
    parts, files = [], []
    for name, group in itertools.groupby(enumerate(cell.get("outputs", [])), key=_stream_name):
        if name is not None:
            text = _stream_text([output for _, output in group]).rstrip("\n")
            cls = "stderr" if name == "stderr" else "stdout"
            parts.append(_text_block(text, cls, ctx.max_output_lines))
            continue
        for n, output in group:  # n: the output's index, which nbconvert's file names use
            kind = output.get("output_type")
            if kind in ("execute_result", "display_data"):
                part, file = _rich(output, cell, index, n, ctx)
                parts.append(part)
                files += [file] if file else []
            elif kind == "error":
                trace = "\n".join(output.get("traceback", [])) or \
                    f"{output.get('ename')}: {output.get('evalue')}"
                parts.append(_text_block(trace, "error", ctx.max_output_lines))
    return "".join(parts), files


def render_cell(cell: Any, index: int, ctx: CellContext) -> tuple[str, list[OutputFile]]:
    """A code cell → ``<div class="cell">`` with its input and outputs, honouring tags."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if "remove-cell" in tags:
        return "", []
    source = highlight(cell.get("source", ""), ctx.language)
    outputs, files = ("", []) if "remove-output" in tags else render_outputs(cell, index, ctx)
    parts = []
    if "remove-input" not in tags:
        if "hide-input" in tags or "hide-cell" in tags:
            source = f'<details class="hidden-input"><summary>Show code</summary>{source}</details>'
        parts.append(f'<div class="input">{source}</div>')
    if outputs:
        if "hide-output" in tags or "hide-cell" in tags:
            outputs = f'<details class="hidden-output"><summary>Show output</summary>{outputs}</details>'
        parts.append(f'<div class="outputs">{outputs}</div>')
    if not parts:
        return "", files
    return f'<div class="cell" id="cell-{index}">{"".join(parts)}</div>', files
