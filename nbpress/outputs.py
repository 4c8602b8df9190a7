"""One executed code cell → HTML, the image files it produced, and notes for warnings.

Outputs come in notebook order.  ``RENDERERS`` maps each MIME type nbpress can
show to its renderer, in order of preference; a rich output shows its first
type found there.  Every other type in an output gives one note per cell (a
build warning naming post, cell and type): nothing is dropped silently.
Images are written as files named as nbconvert's ExtractOutputPreprocessor
names them (``<slug>_<cell>_<n>.<ext>``) and linked with their width and
height; a ``fig-cap``/``label`` option (cellopts) makes them a ``<figure>``.
"""

from __future__ import annotations

import binascii
import html
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from . import darkfig, interactive
from .cellopts import CellOptions, cell_options, cell_tags
from .media import base64_bytes, image_size, size_attributes
from .markdown import MATH_PROBLEMS, highlight, mathml
from .model import CUT_MARK, OutputFile

IMAGE_TYPES = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg",
               "image/gif": ".gif", "image/webp": ".webp"}
# Why some types are not shown, for their warning; other types get a generic one.
_NOT_SHOWN = {
    "application/pdf": "a web page cannot show PDF output inline",
    "application/javascript": "JavaScript outputs are not run on the page",
}


@dataclass(frozen=True)
class CellContext:
    """What rendering a cell needs to know about its post."""

    slug: str
    files_dir: str  # folder of the post's files, relative to the site
    baseurl: str
    render_markdown: Callable[..., str]  # (text, env) → HTML, e.g. MarkdownIt.render
    max_output_lines: int
    max_output_bytes: int = 2_000_000  # text outputs are cut here too: one line can be 30 MB
    language: str = "python"  # the kernel's language, for highlighting the cells' code
    math_macros: tuple[tuple[str, str], ...] = ()  # [tool.nbpress] math_macros, for text/latex
    widgets: Any = None  # the notebook's saved widget state (interactive.saved_widgets)


class CellHTML(NamedTuple):
    """A rendered cell (or its outputs): HTML, the files it links, and problems to warn of."""

    html: str
    files: list[OutputFile]
    notes: list[str]


@dataclass(frozen=True)
class _Rich:
    """One rich output being rendered, with where it is and its image's alt text."""

    output: dict
    index: int  # the cell's index in the notebook
    n: int  # the output's index in the cell (nbconvert's file names use it)
    alt: str


class Shown(NamedTuple):
    """What a renderer made of one output."""

    html: str
    file: OutputFile | None = None
    notes: tuple[str, ...] = ()
    figure: bool = False  # an image, which a caption may go with
    extra: tuple[OutputFile, ...] = ()  # more files it links (a figure's dark rendering)


def _ansi_html(text: str) -> str:
    """Escaped text, with ANSI colour codes as nbconvert renders them."""
    if "\x1b" not in text:
        return html.escape(text, quote=False)  # the common case: no need to import nbconvert
    from nbconvert.filters.ansi import ansi2html

    return ansi2html(text)


_CUT = re.compile(re.escape(CUT_MARK).replace(r"\{:,\}", "([0-9,]+)"))
FOLD = (8, 20)  # a text output longer than these lines plus 8 shows its first and last lines


def _pre(lines: list[str], cls: str) -> str:
    return f'<pre class="output {cls}">{_ansi_html(chr(10).join(lines))}</pre>'


def _cut_bytes(lines: list[str], dropped: int, most: int) -> tuple[list[str], str, tuple]:
    """Lines cut to ``most`` bytes (and what the run already dropped): (lines, note, warnings)."""
    shown = "\n".join(lines)
    if not dropped and not (len(shown) > most // 4 and len(shown.encode()) > most):
        return lines, "", ()  # len(): a cheap bound before encoding
    data = shown.encode()
    total = len(data) + dropped
    note = (f'<p class="output-truncated">… {total - min(len(data), most):,} more bytes not '
            f"shown (output_bytes limit: {most:,}).</p>")
    warning = (f"a text output of {total:,} bytes was cut to the output_bytes limit "
               f"({most:,}); print less, or raise output_bytes in [tool.nbpress].")
    return data[:most].decode(errors="ignore").split("\n"), note, (warning,)


def _text_block(text: str, cls: str, ctx: CellContext) -> Shown:
    """A text output, cut at ``output_lines`` lines (a traceback keeps its end, the line
    readers need) and ``output_bytes`` bytes with a note (and a warning for the bytes: a page
    that large is a mistake); past the fold its middle is folded under a "Show …" control."""
    # Cut already while the post ran (client.capped): the marks say by how much.
    dropped = sum(int(m.group(1).replace(",", "")) for m in _CUT.finditer(text))
    lines, limit = (_CUT.sub("", text) if dropped else text).split("\n"), ctx.max_output_lines
    note = ""
    if len(lines) > limit:
        where = "first" if cls == "error" else "more"
        note = (f'<p class="output-truncated">… {len(lines) - limit:,} {where} lines not shown '
                f"(output_lines limit: {limit:,}).</p>")
        lines = lines[-limit:] if cls == "error" else lines[:limit]
    lines, bytes_note, warnings = _cut_bytes(lines, dropped, ctx.max_output_bytes)
    note += bytes_note
    head, tail = FOLD
    if len(lines) <= head + tail + 8:
        return Shown(_pre(lines, cls) + note, notes=warnings)
    middle = lines[head:-tail]
    return Shown(f'<div class="output-folded">{_pre(lines[:head], cls)}<details '
                 f'class="output-middle"><summary>Show {len(middle):,} more lines</summary>'
                 f"{_pre(middle, cls)}</details>{_pre(lines[-tail:], cls)}</div>{note}",
                 notes=warnings)


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _image(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    text = _joined(value)
    try:
        raw = text.encode() if mime == "image/svg+xml" else base64_bytes(text)
    except (binascii.Error, ValueError):
        return Shown("", notes=(f"an {mime} output is not valid base64 data, so it is not "
                                "shown; the notebook may be damaged.",))
    name = f"{ctx.slug}_{item.index}_{item.n}{IMAGE_TYPES[mime]}"
    meta = item.output.get("metadata", {}).get(mime, {})
    dims = size_attributes(meta if isinstance(meta, dict) else {}, image_size(mime, raw))
    src = f"{ctx.baseurl}/{ctx.files_dir}/{name}"
    img = f'<img src="{html.escape(src)}" alt="{html.escape(item.alt)}"{dims} loading="lazy">'
    dark, note = darkfig.dark_file(item.output, f"{ctx.files_dir}/{name}")
    return Shown(darkfig.picture(img, f"{ctx.baseurl}/{dark.path}") if dark else img,
                 OutputFile(f"{ctx.files_dir}/{name}", raw), notes=(note,) if note else (),
                 figure=True, extra=(dark,) if dark else ())


def _html(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    if interactive.is_library_loader(_joined(value)):
        return Shown("")
    figure = interactive.plotly_html(_joined(value))
    if figure:  # its HTML inlines or fetches plotly.js: draw it with the site's copy
        return _interactive("application/vnd.plotly.v1+json", figure, item, ctx)
    chart = interactive.altair_spec(_joined(value))
    if chart:  # Altair's HTML loads Vega from a CDN: draw its chart with the site's copy
        spec, mode = chart
        return _interactive(f"application/vnd.{mode.replace('-', '')}.v5+json", spec, item, ctx)
    text = _joined(value)
    # pandas' DataFrame HTML: a table sized to its content in a scroll box of its own.
    kind = "html table" if re.search(r'<table[^>]*class="[^"]*\bdataframe\b', text) else "html"
    return Shown(f'<div class="output {kind}">{text}</div>')


def _interactive(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    name = f"{ctx.slug}_{item.index}_{item.n}"
    shown, file, notes = interactive.render(mime, value, item.output, name, ctx, item.alt)
    return Shown(shown, file, notes)


def _markdown(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    env: dict = {}
    rendered = ctx.render_markdown(_joined(value), env)
    notes = tuple(f"in a text/markdown output, {message}" for _, _, message in
                  env.get(MATH_PROBLEMS, []))
    return Shown(f'<div class="output markdown">{rendered}</div>', notes=notes)


def _latex(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    text = _joined(value).strip()
    # IPython's Math and SymPy wrap the TeX in $…$, $$…$$ or \[…\].
    tex = re.sub(r"^(\$\$|\$|\\\[)(.*?)(\$\$|\$|\\\])$", r"\2", text, flags=re.S)
    converted, problem = mathml(tex, True, ctx.math_macros)
    if converted:
        return Shown(f'<div class="output latex">{converted}</div>')
    block = _text_block(text, "latex", ctx)
    return block._replace(notes=(f"a text/latex output is shown as LaTeX source: {problem}.",)
                          + block.notes)


def _json(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    text = json.dumps(value, indent=2, ensure_ascii=False) if not isinstance(value, str) else value
    return _text_block(text, "json", ctx)


def _plain(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    return _text_block(_joined(value), "text", ctx)


def _widget(mime: str, value: Any, item: _Rich, ctx: CellContext) -> Shown:
    shown, why = interactive.widget_view(value, item.output, ctx.widgets or {})
    if shown is not None:
        return Shown(shown)
    plain = item.output.get("data", {}).get("text/plain")
    note = _not_shown(mime, "text/plain" if plain else None).replace(" is not shown;",
                                                                     f" is not shown ({why});")
    return Shown(_plain("text/plain", plain, item, ctx).html if plain else "", notes=(note,))


Renderer = Callable[[str, Any, _Rich, CellContext], Shown]
# Every MIME type nbpress shows, best first: an output shows the first one it has.
RENDERERS: dict[str, Renderer] = {
    **{mime: _interactive for mime in interactive.MIME_TYPES},
    interactive.WIDGET_VIEW: _widget,
    **{mime: _image for mime in IMAGE_TYPES},
    "text/html": _html, "text/markdown": _markdown, "text/latex": _latex,
    "application/json": _json, "text/plain": _plain,
}


def _not_shown(mime: str, chosen: str | None) -> str:
    why = f" ({_NOT_SHOWN[mime]})" if mime in _NOT_SHOWN else ""
    instead = f"the page shows its {chosen} form instead" if chosen else \
        "nothing is shown in its place"
    return f"an output of type {mime} is not shown{why}; {instead}."


def _rich(item: _Rich, ctx: CellContext, notes: dict[str, str]) -> Shown:
    """The output's best representation; each type it has that nbpress cannot show is noted."""
    data = item.output.get("data", {})
    chosen = next((mime for mime in RENDERERS if mime in data), None)
    picture = chosen if chosen in IMAGE_TYPES else None
    if picture and "text/latex" in data:  # LaTeX before a picture of it (SymPy gives both),
        chosen = "text/latex"  # as nbconvert and JupyterLab choose
    used = interactive.USES.get(chosen or "", ())
    dropped = item.output.get("metadata", {}).get("nbpress_dropped", {})  # client.DROPPED
    for mime, why in dropped.items() if isinstance(dropped, dict) else ():
        notes.setdefault(f"dropped {mime}", f"an output's {mime} data is not shown: {why} "
                                            "(the notebook format holds only text there).")
    for mime in data:
        if mime not in RENDERERS and mime not in used and mime != darkfig.MIME:
            notes.setdefault(mime, _not_shown(mime, chosen))
    if chosen is None:
        return Shown("")
    shown = RENDERERS[chosen](chosen, data[chosen], item, ctx)
    if picture and chosen == "text/latex" and shown.notes:  # KaTeX cannot: the picture of it
        shown = RENDERERS[picture](picture, data[picture], item, ctx)
    for note in shown.notes:
        notes.setdefault(note, note)
    return shown


def _alt_text(cell: Any, output: dict, options: CellOptions, figure: int, index: int) -> str:
    meta = cell.get("metadata", {})
    plain = _joined(output.get("data", {}).get("text/plain", ""))
    for choice in (options.alts, options.captions):
        if figure < len(choice):
            return choice[figure]
    if meta.get("alt") or meta.get("caption"):
        return str(meta.get("alt") or meta.get("caption"))
    if plain and not re.match(r"<(Figure|graphviz|matplotlib|IPython)|alt\.\w*Chart\(", plain):
        return plain[:200]
    return f"Figure produced by code cell {index}"


def _inline_markdown(text: str, ctx: CellContext) -> str:
    """A caption's Markdown (emphasis, math, links) as inline HTML."""
    rendered = ctx.render_markdown(text, {}).strip()
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S)
    return match.group(1) if match else rendered


def _figure(img: str, options: CellOptions, figure: int, ctx: CellContext) -> str:
    """An image output: a plain block, or a ``<figure>`` with the cell's caption and label."""
    caption = options.captions[figure] if figure < len(options.captions) else ""
    if not caption and not options.label:
        return f'<div class="output image">{img}</div>'
    label = options.label if figure == 0 else f"{options.label}-{figure + 1}"
    ident = f' id="{html.escape(label)}"' if options.label else ""
    caption = f"<figcaption>{_inline_markdown(caption, ctx)}</figcaption>" if caption else ""
    return f'<figure class="output image"{ident}>{img}{caption}</figure>'


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


def _outputs(cell: Any, index: int, ctx: CellContext, options: CellOptions
             ) -> tuple[CellHTML, int]:
    """A cell's outputs in notebook order, and how many of them are figures."""
    tags = set(cell_tags(cell))
    parts, files, notes = [], [], {}
    figures = 0
    for name, group in itertools.groupby(enumerate(cell.get("outputs", [])), key=_stream_name):
        if name is not None:
            if f"remove-{name}" not in tags:  # MyST-NB's remove-stdout / remove-stderr
                text = _stream_text([output for _, output in group]).rstrip("\n")
                cls = "stderr" if name == "stderr" else "stdout"
                if text.strip():  # tqdm's closing newline alone must not draw an empty box
                    block = _text_block(text, cls, ctx)
                    parts.append(block.html)
                    notes.update((n, n) for n in block.notes)
            continue
        for n, output in group:  # n: the output's index, which nbconvert's file names use
            kind = output.get("output_type")
            if kind in ("execute_result", "display_data"):
                alt = _alt_text(cell, output, options, figures, index)
                shown = _rich(_Rich(output, index, n, alt), ctx, notes)
                parts.append(_figure(shown.html, options, figures, ctx) if shown.figure
                             else shown.html)
                figures += shown.figure
                files += ([shown.file] if shown.file else []) + list(shown.extra)
            elif kind == "error":
                trace = "\n".join(output.get("traceback", [])) or \
                    f"{output.get('ename')}: {output.get('evalue')}"
                parts.append(_text_block(trace, "error", ctx).html)
            else:
                notes.setdefault(str(kind), f"an output of kind {kind!r} is not shown.")
    if len(options.captions) > figures:
        notes["fig-cap"] = (f"'fig-cap' gives {len(options.captions)} caption(s) but the cell "
                            f"shows {figures} image(s); the extra captions are not shown.")
    return CellHTML("".join(parts), files, list(notes.values())), figures


def render_outputs(cell: Any, index: int, ctx: CellContext) -> CellHTML:
    """A cell's outputs → HTML, files and notes, in notebook order; adjacent streams of the
    same name are joined (as Jupyter shows them)."""
    return _outputs(cell, index, ctx, cell_options(cell.get("source", "")))[0]


def _table_caption(options: CellOptions, ctx: CellContext) -> str:
    """Quarto's ``#| tbl-cap:`` above the cell's outputs, with a slot crossref.py fills with
    "Table N:" when the cell's label is ``tbl-…``."""
    if not options.table_caption:
        return ""
    slot = f'<span class="xref-number" data-xref="{html.escape(options.label)}"></span>' \
        if options.label.startswith("tbl-") else ""
    return f'<p class="table-caption">{slot}{_inline_markdown(options.table_caption, ctx)}</p>'


def render_cell(cell: Any, index: int, ctx: CellContext) -> CellHTML:
    """A code cell → ``<div class="cell">`` with its input and outputs, honouring tags; the
    input is shown without the flag and option lines other tools read (cellopts)."""
    tags = set(cell_tags(cell))
    if "remove-cell" in tags:
        return CellHTML("", [], [])
    options = cell_options(cell.get("source", ""))
    source = highlight(options.source, ctx.language)
    outputs, figures = (CellHTML("", [], []), 0) if "remove-output" in tags \
        else _outputs(cell, index, ctx, options)
    parts = []
    if "remove-input" not in tags:
        if "hide-input" in tags or "hide-cell" in tags:
            shown = " open" if options.fold_open else ""
            summary = html.escape(options.summary or "Show code")
            source = (f'<details class="hidden-input"{shown}><summary>{summary}</summary>'
                      f"{source}</details>")
        parts.append(f'<div class="input">{source}</div>')
    if outputs.html:
        body = _table_caption(options, ctx) + outputs.html
        if "hide-output" in tags or "hide-cell" in tags:
            body = f'<details class="hidden-output"><summary>Show output</summary>{body}</details>'
        parts.append(f'<div class="outputs">{body}</div>')
    if not parts:
        return CellHTML("", outputs.files, outputs.notes)
    # A label with no figure to carry it names the cell itself.
    ident = options.label if options.label and not figures else f"cell-{index}"
    wide = " column-page" if "column-page" in tags else ""  # cellopts: full-width, column: page
    return CellHTML(f'<div class="cell{wide}" id="{html.escape(ident)}">{"".join(parts)}</div>',
                    outputs.files, outputs.notes)
