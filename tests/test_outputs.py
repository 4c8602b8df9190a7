"""One executed code cell → HTML and image files (nbpress/outputs.py)."""

from __future__ import annotations

import re
import struct

import pytest
from nbformat.v4 import new_code_cell, new_output

from nbpress.markdown import highlight, make_markdown, math
from nbpress.model import OutputFile
from nbpress.outputs import CellContext, CellHTML, image_size, render_cell, render_outputs

from conftest import Page, b64, png_bytes as png


def jpeg(width: int, height: int) -> bytes:
    """Enough of a JPEG for its size to be read: SOI, an APP0 segment, SOF0."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


SVG = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="72pt" '
       'height="36pt" viewBox="0 0 72 36"><rect width="1" height="1"/></svg>')


def ctx(baseurl: str = "/blog", limit: int = 5000) -> CellContext:
    return CellContext(slug="post", files_dir="2024/01/02/post_files", baseurl=baseurl,
                       render_markdown=make_markdown().render, max_output_lines=limit)


def outputs_rendered(*outputs, source: str = "x", index: int = 3, **options) -> CellHTML:
    cell = new_code_cell(source, outputs=list(outputs))
    return render_outputs(cell, index, ctx(**options))


def outputs_html(*outputs, baseurl: str = "/blog", limit: int = 5000, index: int = 3):
    """(HTML, files) of outputs that give no warning."""
    html, files, notes = outputs_rendered(*outputs, index=index, baseurl=baseurl, limit=limit)
    assert notes == []
    return html, files


# --- MIME priority --------------------------------------------------------------------------

def test_svg_over_png_over_html_over_text() -> None:
    out = new_output("display_data", data={"image/svg+xml": SVG, "image/png": b64(png(2, 2)),
                                           "text/html": "<b>h</b>", "text/plain": "t"})
    html, files = outputs_html(out)
    assert [f.path for f in files] == ["2024/01/02/post_files/post_3_0.svg"]
    assert "<b>h</b>" not in html and ">t<" not in html


def test_latex_over_a_picture_of_it_unless_katex_cannot() -> None:
    # SymPy's results carry text/latex and a PNG of it: nbconvert and JupyterLab show LaTeX
    sympy = {"image/png": b64(png(20, 10)), "text/latex": "$\\displaystyle x^{2} + 1$",
             "text/plain": "x**2 + 1"}
    html, files = outputs_html(new_output("execute_result", data=sympy, execution_count=1))
    assert files == [] and 'class="output latex"' in html and "katex" in html
    broken = {**sympy, "text/latex": "$\\frac{x$"}
    html, files = outputs_html(new_output("execute_result", data=broken, execution_count=1))
    assert [f.path for f in files] == ["2024/01/02/post_files/post_3_0.png"]
    assert "latex" not in html


@pytest.mark.parametrize("data, expected", [
    ({"image/png": "PNG", "image/jpeg": "JPEG", "text/html": "<i>h</i>"}, "png"),
    ({"image/jpeg": "JPEG", "text/html": "<i>h</i>", "text/plain": "t"}, "jpg"),
    ({"text/html": "<i>h</i>", "text/markdown": "**m**", "text/plain": "t"}, "html"),
    ({"text/markdown": "**m**", "text/latex": "$x$", "text/plain": "t"}, "markdown"),
    ({"text/latex": "$x^2$", "text/plain": "t"}, "latex"),
    ({"text/plain": "t"}, "text"),
])
def test_mime_priority(data: dict, expected: str) -> None:
    real = {"PNG": b64(png(1, 1)), "JPEG": b64(jpeg(1, 1))}
    data = {k: real.get(v, v) for k, v in data.items()}
    html, files = outputs_html(new_output("display_data", data=data))
    if expected in ("png", "jpg"):
        assert [f.path.rsplit(".", 1)[1] for f in files] == [expected]
        assert html.startswith('<div class="output image"><img ')
    else:
        assert files == []
        assert html == {
            "html": '<div class="output html"><i>h</i></div>',
            "markdown": '<div class="output markdown"><p><strong>m</strong></p>\n</div>',
            "latex": '<div class="output latex">' + math("x^2", True) + "</div>",
            "text": '<pre class="output text">t</pre>',
        }[expected]


def test_execute_result_plain_text_is_escaped() -> None:
    out = new_output("execute_result", data={"text/plain": "<Tensor & co>"}, execution_count=1)
    assert outputs_html(out)[0] == '<pre class="output text">&lt;Tensor &amp; co&gt;</pre>'


def test_output_with_no_known_mime_renders_nothing_and_says_so() -> None:
    out = new_output("display_data", data={"application/vnd.custom+json": {"a": 1}})
    assert outputs_rendered(out) == ("", [], [
        "an output of type application/vnd.custom+json is not shown; nothing is shown in its "
        "place."])


# --- images ---------------------------------------------------------------------------------

def test_png_file_name_src_and_size() -> None:
    data = png(640, 480)
    outputs = [new_output("stream", name="stdout", text="training\n"),
               new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
               new_output("display_data", data={"image/png": b64(data),
                                                "text/plain": "<Figure size 640x480 with 1 Axes>"})]
    html, files = outputs_html(*outputs)
    # nbconvert's naming: <slug>_<cell index>_<output index>.<ext>, in the post's files folder.
    assert files == [OutputFile("2024/01/02/post_files/post_3_2.png", data)]
    (img,) = Page(html).imgs
    assert img == {"src": "/blog/2024/01/02/post_files/post_3_2.png",
                   "alt": "Figure produced by code cell 3", "width": "640", "height": "480",
                   "loading": "lazy"}


def test_base64_wrapped_in_lines_is_an_image() -> None:
    # Colab and older Jupyter wrap an image's base64 at 76 characters
    data = png(64, 48)
    text = b64(data)
    wrapped = "\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\n"
    html, files = outputs_html(new_output("display_data", data={"image/png": wrapped}))
    assert files == [OutputFile("2024/01/02/post_files/post_3_0.png", data)]
    assert Page(html).imgs[0]["width"] == "64"


def test_image_src_without_baseurl() -> None:
    html, _ = outputs_html(new_output("display_data", data={"image/png": b64(png(1, 1))}),
                           baseurl="")
    (img,) = Page(html).imgs
    assert img["src"] == "/2024/01/02/post_files/post_3_0.png"


def test_several_images_in_one_cell() -> None:
    html, files = outputs_html(*[new_output("display_data", data={"image/png": b64(png(n, n))})
                                 for n in (1, 2, 3)], index=7)
    assert [f.path for f in files] == [f"2024/01/02/post_files/post_7_{n}.png" for n in range(3)]
    assert [a["width"] for a in Page(html).imgs] == ["1", "2", "3"]


@pytest.mark.parametrize("meta, size", [
    ({"width": 100}, ("100", "75")),  # Image(width=100): the height kept in proportion
    ({"height": 240}, ("320", "240")),
    ({"width": 320, "height": 100}, ("320", "100")),  # both given: as given (Jupyter's)
    ({"width": "50%"}, ("640", "480")),  # not a number: the image's own size
    ({}, ("640", "480")),
])
def test_a_size_in_the_output_s_metadata_is_the_image_s(meta: dict, size: tuple) -> None:
    html, _ = outputs_html(new_output("display_data", data={"image/png": b64(png(640, 480))},
                                      metadata={"image/png": meta}))
    (img,) = Page(html).imgs
    assert (img["width"], img["height"]) == size


def test_svg_is_a_file_with_size_from_pt() -> None:
    html, files = outputs_html(new_output("display_data", data={"image/svg+xml": SVG}))
    assert files == [OutputFile("2024/01/02/post_files/post_3_0.svg", SVG.encode())]
    (img,) = Page(html).imgs
    assert (img["src"], img["width"], img["height"]) == (
        "/blog/2024/01/02/post_files/post_3_0.svg", "96", "48")
    assert "<svg" not in html


def test_svg_as_list_of_lines() -> None:
    lines = SVG.splitlines(keepends=True)
    html, files = outputs_html({"output_type": "display_data", "metadata": {},
                                "data": {"image/svg+xml": lines}})
    assert files[0].data == SVG.encode()


@pytest.mark.parametrize("svg, size", [
    ('<svg width="72pt" height="36pt">', (96, 48)),
    ('<svg width="300" height="200">', (300, 200)),
    ('<svg height="20px" width="10px" >', (10, 20)),
    ('<svg viewBox="0 0 10 10">', None),
])
def test_svg_size(svg: str, size) -> None:
    assert image_size("image/svg+xml", (svg + "</svg>").encode()) == size


def test_png_and_jpeg_size_from_header() -> None:
    assert image_size("image/png", png(37, 11)) == (37, 11)
    assert image_size("image/jpeg", jpeg(800, 600)) == (800, 600)
    assert image_size("image/png", b"not a png at all, no header") is None


def test_jpeg_output() -> None:
    data = jpeg(120, 90)
    html, files = outputs_html(new_output("display_data", data={"image/jpeg": b64(data)}))
    assert files == [OutputFile("2024/01/02/post_files/post_3_0.jpg", data)]
    (img,) = Page(html).imgs
    assert (img["width"], img["height"]) == ("120", "90")


def test_size_from_output_metadata_wins() -> None:
    out = new_output("display_data", data={"image/png": b64(png(200, 100))},
                     metadata={"image/png": {"width": 100, "height": 50}})
    (img,) = Page(outputs_html(out)[0]).imgs
    assert (img["width"], img["height"]) == ("100", "50")


def test_alt_text_from_cell_metadata_and_plain_text() -> None:
    out = new_output("display_data", data={"image/png": b64(png(1, 1)),
                                           "text/plain": 'A "chart"'})
    cell = new_code_cell("x", outputs=[out])
    (img,) = Page(render_outputs(cell, 0, ctx())[0]).imgs
    assert img["alt"] == 'A "chart"'
    cell.metadata["alt"] = "Loss curve"
    (img,) = Page(render_outputs(cell, 0, ctx())[0]).imgs
    assert img["alt"] == "Loss curve"


# --- streams --------------------------------------------------------------------------------

def stream(text: str, name: str = "stdout") -> dict:
    return new_output("stream", name=name, text=text)


def test_adjacent_streams_are_coalesced() -> None:
    html, _ = outputs_html(stream("a\n"), stream("b\n"), stream("c"))
    assert html == '<pre class="output stdout">a\nb\nc</pre>'


def test_stderr_class_and_order() -> None:
    html, _ = outputs_html(stream("out 1\n"), stream("careful\n", "stderr"), stream("out 2\n"))
    assert html == ('<pre class="output stdout">out 1</pre>'
                    '<pre class="output stderr">careful</pre>'
                    '<pre class="output stdout">out 2</pre>')


def test_streams_keep_their_place_among_rich_outputs() -> None:
    html, _ = outputs_html(stream("before\n"), new_output("execute_result",
                           data={"text/plain": "42"}, execution_count=1), stream("after\n"))
    assert html == ('<pre class="output stdout">before</pre><pre class="output text">42</pre>'
                    '<pre class="output stdout">after</pre>')


def test_carriage_return_progress_bar() -> None:
    html, _ = outputs_html(stream("progress 10%\r"), stream("progress 50%\r"),
                           stream("progress 100%\n"), stream("done\n"))
    assert html == '<pre class="output stdout">progress 100%\ndone</pre>'


def test_crlf_is_a_newline() -> None:
    assert outputs_html(stream("a\r\nb\r\n"))[0] == '<pre class="output stdout">a\nb</pre>'


@pytest.mark.parametrize("text, shown", [
    ("50%\r", "50%"),                  # nothing overwrote it: a terminal still shows it
    ("abcdef\rxy\n", "xycdef"),        # a shorter line overwrites only its own columns
])
def test_carriage_return_as_a_terminal_shows_it(text: str, shown: str) -> None:
    assert outputs_html(stream(text))[0] == f'<pre class="output stdout">{shown}</pre>'


def test_stream_text_is_escaped() -> None:
    assert outputs_html(stream("<script>alert(1)</script> & co\n"))[0] == \
        '<pre class="output stdout">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</pre>'


def test_ansi_colours_become_html() -> None:
    assert outputs_html(stream("\x1b[31mred\x1b[0m plain\n"))[0] == \
        '<pre class="output stdout"><span class="ansi-red-fg">red</span> plain</pre>'


def test_long_output_is_truncated_with_a_note() -> None:
    text = "".join(f"line {i}\n" for i in range(10))
    html, _ = outputs_html(stream(text), limit=4)
    assert html == ('<pre class="output stdout">line 0\nline 1\nline 2\nline 3</pre>'
                    '<p class="output-truncated">… 6 more lines not shown '
                    "(output_lines limit: 4).</p>")


def test_output_at_the_limit_is_not_truncated() -> None:
    html, _ = outputs_html(stream("1\n2\n3\n4\n"), limit=4)
    assert "output-truncated" not in html


# --- errors ---------------------------------------------------------------------------------

def test_error_output_for_raises_exception() -> None:
    cell = new_code_cell("1/0", metadata={"tags": ["raises-exception"]}, outputs=[
        stream("about to fail\n"),
        new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                   traceback=["\x1b[0;31m---------\x1b[0m",
                              "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"])])
    html, files, notes = render_cell(cell, 2, ctx())
    assert files == notes == []
    assert html.endswith(
        '<div class="outputs"><pre class="output stdout">about to fail</pre>'
        '<pre class="output error"><span class="ansi-red-fg">---------</span>\n'
        '<span class="ansi-red-fg">ZeroDivisionError</span>: division by zero</pre></div></div>')


def test_error_without_traceback() -> None:
    out = new_output("error", ename="ValueError", evalue="bad <value>", traceback=[])
    assert outputs_html(out)[0] == '<pre class="output error">ValueError: bad &lt;value&gt;</pre>'


# --- tags -----------------------------------------------------------------------------------

def tagged(*tag_names: str):
    cell = new_code_cell("x = 1", metadata={"tags": list(tag_names)},
                         outputs=[stream("shown\n")])
    return render_cell(cell, 4, ctx())


INPUT = highlight("x = 1", "python")  # Pygments' exact spans vary between its versions
OUTPUT = '<pre class="output stdout">shown</pre>'


def test_untagged_cell() -> None:
    assert INPUT.startswith('<pre class="highlight"><code class="language-python"><span class="n">x')
    assert tagged() == (f'<div class="cell" id="cell-4"><div class="input">{INPUT}</div>'
                        f'<div class="outputs">{OUTPUT}</div></div>', [], [])


def test_remove_cell() -> None:
    cell = new_code_cell("x", metadata={"tags": ["remove-cell"]},
                         outputs=[new_output("display_data", data={"image/png": b64(png(1, 1))})])
    assert render_cell(cell, 4, ctx()) == ("", [], [])


def test_remove_input() -> None:
    assert tagged("remove-input")[0] == \
        f'<div class="cell" id="cell-4"><div class="outputs">{OUTPUT}</div></div>'


def test_remove_output() -> None:
    assert tagged("remove-output")[0] == \
        f'<div class="cell" id="cell-4"><div class="input">{INPUT}</div></div>'


def test_remove_output_writes_no_image_files() -> None:
    cell = new_code_cell("x", metadata={"tags": ["remove-output"]},
                         outputs=[new_output("display_data", data={"image/png": b64(png(1, 1))})])
    assert render_cell(cell, 4, ctx())[1] == []


def test_hide_input_is_collapsed_details() -> None:
    assert tagged("hide-input")[0] == (
        '<div class="cell" id="cell-4"><div class="input"><details class="hidden-input">'
        f'<summary>Show code</summary>{INPUT}</details></div>'
        f'<div class="outputs">{OUTPUT}</div></div>')


def test_hide_output_is_collapsed_details() -> None:
    assert tagged("hide-output")[0] == (
        f'<div class="cell" id="cell-4"><div class="input">{INPUT}</div>'
        '<div class="outputs"><details class="hidden-output"><summary>Show output</summary>'
        f'{OUTPUT}</details></div></div>')


def test_remove_input_and_output_leave_nothing() -> None:
    assert tagged("remove-input", "remove-output") == ("", [], [])


def test_cell_without_outputs() -> None:
    cell = new_code_cell("x = 1")
    assert render_cell(cell, 0, ctx())[0] == \
        f'<div class="cell" id="cell-0"><div class="input">{INPUT}</div></div>'


# --- the MIME registry: every type is shown or named in a note ----------------------------------

GIF = b"GIF89a" + struct.pack("<HH", 32, 16) + b"\x00\x00\x00;"
TQDM = {"application/vnd.jupyter.widget-view+json": {
    "model_id": "9a4e1c0b7d2f4e5a8b3c6d1e2f3a4b5c", "version_major": 2, "version_minor": 0},
    "text/plain": "  0%|          | 0/938 [00:00<?, ?it/s]"}


def test_gif_and_webp_are_image_files() -> None:
    html, files = outputs_html(new_output("display_data", data={"image/gif": b64(GIF)}),
                               new_output("display_data", data={"image/webp": b64(b"RIFF")}))
    assert [f.path for f in files] == ["2024/01/02/post_files/post_3_0.gif",
                                       "2024/01/02/post_files/post_3_1.webp"]
    assert [(a.get("width"), a.get("height")) for a in Page(html).imgs] == [
        ("32", "16"), (None, None)]


def test_application_json_is_pretty_printed() -> None:
    out = new_output("display_data", data={"application/json": {"lr": 0.001, "tags": ["<a>"]},
                                           "text/plain": "<IPython.core.display.JSON object>"})
    assert outputs_html(out)[0] == ('<pre class="output json">{\n  "lr": 0.001,\n  "tags": [\n'
                                    '    "&lt;a&gt;"\n  ]\n}</pre>')


@pytest.mark.parametrize("data, shown, note", [
    (TQDM, '<pre class="output text">  0%|',
     "an output of type application/vnd.jupyter.widget-view+json is not shown (the notebook "
     "saved no state for this widget, and a static page has no kernel); the page shows its "
     "text/plain form instead."),
    ({"application/pdf": "JVBERi0xLjQK", "image/png": "PNG", "text/plain": "<Figure size 640x480>"},
     '<div class="output image"><img ',
     "an output of type application/pdf is not shown (a web page cannot show PDF output "
     "inline); the page shows its image/png form instead."),
    ({"application/javascript": "element.append('hi')"}, "",
     "an output of type application/javascript is not shown (JavaScript outputs are not run "
     "on the page); nothing is shown in its place."),
])
def test_types_nbpress_cannot_show_are_noted(data: dict, shown: str, note: str) -> None:
    data = {k: b64(png(2, 2)) if v == "PNG" else v for k, v in data.items()}
    html, _, notes = outputs_rendered(new_output("display_data", data=data))
    assert html.startswith(shown)
    assert notes == [note]


def test_one_note_per_cell_and_type() -> None:
    bars = [new_output("display_data", data=TQDM) for _ in range(5)]
    pdf = {"application/pdf": "JVBERi0xLjQK", "text/plain": "<PDF>"}
    _, _, notes = outputs_rendered(*bars, *[new_output("display_data", data=pdf)] * 2)
    assert [n.split(" is not shown")[0] for n in notes] == [
        "an output of type application/vnd.jupyter.widget-view+json",
        "an output of type application/pdf"]


def test_image_that_is_not_base64_is_noted_not_a_crash() -> None:
    out = new_output("display_data", data={"image/png": "not base64 at all!"})
    assert outputs_rendered(out) == ("", [], [
        "an image/png output is not valid base64 data, so it is not shown; the notebook may "
        "be damaged."])


def test_unknown_output_kind_is_noted() -> None:
    out = {"output_type": "update_display_data", "data": {"text/plain": "1"}, "metadata": {}}
    cell = {"cell_type": "code", "source": "h.update(1)", "metadata": {}, "outputs": [out]}
    assert render_outputs(cell, 1, ctx()).notes == [
        "an output of kind 'update_display_data' is not shown."]


@pytest.mark.parametrize("latex", [r"$\displaystyle x^{2}$", r"$$x^{2}$$", r"\[x^{2}\]", "x^{2}"])
def test_latex_output_forms(latex: str) -> None:  # SymPy, IPython.display.Math, Latex
    html = outputs_html(new_output("execute_result", data={"text/latex": latex,
                                                           "text/plain": "x**2"}))[0]
    assert html.startswith('<div class="output latex"><span class="katex-display">')
    assert re.search(r"<msup><mi>x</mi>(<mrow>)?<mn>2</mn>", html)
    assert "$" not in html and "\\[" not in html


def test_latex_output_that_cannot_convert_is_its_source_with_a_note() -> None:
    out = new_output("execute_result", data={"text/latex": r"$\frac{1}{2$", "text/plain": "y"})
    assert outputs_rendered(out) == (r'<pre class="output latex">$\frac{1}{2$</pre>', [], [
        "a text/latex output is shown as LaTeX source: its braces { } do not pair up."])


def test_markdown_output_with_broken_math_is_noted() -> None:
    out = new_output("display_data", data={"text/markdown": "Loss: $$ $$", "text/plain": "md"})
    html, _, notes = outputs_rendered(out)
    assert html == '<div class="output markdown"><p>Loss: $$ $$</p>\n</div>'
    assert notes == ["in a text/markdown output, the math '$$ $$' is shown as written: it is "
                     "empty. Fix the TeX, or write \\$ for a dollar sign that is not math."]


@pytest.mark.parametrize("tag, kept", [("remove-stderr", "stdout"), ("remove-stdout", "stderr")])
def test_remove_stdout_and_stderr(tag: str, kept: str) -> None:
    cell = new_code_cell("fit()", metadata={"tags": [tag]}, outputs=[
        stream("epoch 1\n"), stream("UserWarning: lr is high\n", "stderr")])
    html = render_outputs(cell, 1, ctx()).html
    assert [e["class"] for e in Page(html).all("pre")] == [f"output {kept}"]


# --- other tools' tags and options, as rendered ---------------------------------------------

def figure_cell(source: str, *images: bytes, outputs: list | None = None):
    outs = outputs or [new_output("display_data", data={"image/png": b64(data),
                                                        "text/plain": "<Figure size 640x480>"})
                       for data in images]
    return new_code_cell(source, outputs=outs)


def test_quarto_caption_and_label_make_a_figure() -> None:
    cell = figure_cell("#| label: fig-loss\n#| fig-cap: The *training* loss, $L$\n"
                       "#| echo: false\nplt.plot(losses)", png(4, 3))
    html, files, notes = render_cell(cell, 5, ctx())
    assert notes == [] and len(files) == 1
    assert html.startswith('<div class="cell" id="cell-5"><div class="outputs">'
                           '<figure class="output image" id="fig-loss"><img ')
    (figure,) = Page(html).all("figure")
    tags = [e.tag for e in figure.node.iterdescendants()]
    assert tags[:4] == ["img", "figcaption", "em", "span"] and "math" in tags
    assert Page(html).errors == []
    assert "<figcaption>The <em>training</em> loss, " in html and "</figcaption></figure>" in html
    (img,) = Page(html).imgs
    assert img["alt"] == "The *training* loss, $L$"  # the caption's text, until fig-alt says


def test_several_captions_alts_and_labels() -> None:
    cell = figure_cell("#| label: fig-curves\n#| fig-cap: [Loss, Accuracy]\n"
                       "#| fig-alt: [Loss falls, Accuracy rises]\nplot_both()", png(1, 1), png(2, 2))
    html = render_cell(cell, 2, ctx()).html
    page = Page(html)
    assert [a.get("id") for a in page.all("figure")] == ["fig-curves", "fig-curves-2"]
    assert [a["alt"] for a in page.imgs] == ["Loss falls", "Accuracy rises"]


def test_label_without_a_figure_names_the_cell() -> None:
    cell = new_code_cell("#| label: tbl-summary\ndf.describe()",
                         outputs=[new_output("execute_result", execution_count=1,
                                             data={"text/html": "<table></table>"})])
    assert render_cell(cell, 7, ctx()).html.startswith('<div class="cell" id="tbl-summary">')


def test_caption_without_an_image_is_noted() -> None:
    cell = new_code_cell("#| fig-cap: Accuracy\nprint(acc)", outputs=[stream("0.93\n")])
    assert render_cell(cell, 1, ctx()).notes == [
        "'fig-cap' gives 1 caption(s) but the cell shows 0 image(s); the extra captions are not "
        "shown."]


def test_shown_code_has_no_flag_or_option_lines() -> None:
    cell = new_code_cell("#collapse-show\n#| code-summary: The data loader\n"
                         "loader = DataLoader(ds, batch_size=64)", outputs=[])
    html = render_cell(cell, 1, ctx()).html
    code = highlight("loader = DataLoader(ds, batch_size=64)", "python")
    assert html == ('<div class="cell" id="cell-1"><div class="input"><details '
                    'class="hidden-input" open><summary>The data loader</summary>'
                    f'{code}</details></div></div>')


@pytest.mark.parametrize("source, tag_names", [
    ("#hide\nimport pandas as pd", []), ("import pandas as pd", ["remove_cell"]),
    ("#| include: false\nimport pandas as pd", []),
])
def test_removed_cell_in_any_spelling_without_normalising_first(source, tag_names) -> None:
    cell = new_code_cell(source, metadata={"tags": tag_names}, outputs=[stream("x\n")])
    assert render_cell(cell, 1, ctx()) == ("", [], [])


def test_fastpages_hide_input_shows_only_the_output() -> None:
    cell = new_code_cell("#hide_input\nprint('The comment was used to hide the code')",
                         outputs=[stream("The comment was used to hide the code\n")])
    assert render_cell(cell, 4, ctx()).html == (
        '<div class="cell" id="cell-4"><div class="outputs"><pre class="output stdout">'
        "The comment was used to hide the code</pre></div></div>")


# --- readable long outputs, tables and wide cells (issue: rich outputs on every screen) ---------

def test_whitespace_only_stream_renders_nothing() -> None:
    # tqdm closes its bar on stderr with "\r" + the bar, then a lone newline in a later message.
    html, _ = outputs_html(stream("\n"), stream("  \n", "stderr"), stream("done\n"))
    assert html == '<pre class="output stdout">done</pre>'


def test_long_output_folds_its_middle_and_keeps_its_end() -> None:
    text = "".join(f"epoch {i}\n" for i in range(100))
    html, _ = outputs_html(stream(text))
    page = Page(html)
    pres = [pre.text for pre in page.all("pre")]
    assert pres[0] == " ".join(f"epoch {i}" for i in range(8))  # .text collapses whitespace
    assert pres[-1] == " ".join(f"epoch {i}" for i in range(80, 100))
    assert [s.text for s in page.all("summary")] == ["Show 72 more lines"]
    assert "".join(pres[:2]).count("epoch") + pres[2].count("epoch") == 100


def test_truncated_traceback_keeps_its_last_lines() -> None:
    frames = [f"  File \"train.py\", line {i}, in step" for i in range(30)]
    out = new_output("error", ename="FloatingPointError", evalue="overflow in exp",
                     traceback=frames + ["FloatingPointError: overflow in exp"])
    html, _ = outputs_html(out, limit=10)
    assert html.endswith("FloatingPointError: overflow in exp</pre><p class=\"output-truncated\">"
                         "… 21 first lines not shown (output_lines limit: 10).</p>")


def test_dataframe_html_gets_its_own_sized_scroll_box() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"lr": [0.1, 0.01], "loss": [0.52, 0.31]}, index=["a", "b"])
    out = new_output("execute_result", execution_count=1, data={
        "text/html": frame._repr_html_(), "text/plain": repr(frame)})
    html, _ = outputs_html(out)
    assert html.startswith('<div class="output html table"><div>')
    assert '<table border="1" class="dataframe">' in html
    plain = new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"})
    assert outputs_html(plain)[0].startswith('<div class="output html">')


@pytest.mark.parametrize("source, tags", [
    ("#| column: page\nfig", []), ("#| column: screen-inset\nfig", []),
    ("fig", ["full-width"]), ("fig", ["column-page"])])
def test_wide_cells_are_marked_column_page(source: str, tags: list) -> None:
    cell = new_code_cell(source, metadata={"tags": tags},
                         outputs=[new_output("display_data", data={"image/png": b64(png(4, 2))})])
    html, _, notes = render_cell(cell, 2, ctx())
    assert notes == []
    assert html.startswith('<div class="cell column-page" id="cell-2">')


def test_body_column_is_the_default_and_not_a_wide_cell() -> None:
    cell = new_code_cell("#| column: body\nx", outputs=[stream("1\n")])
    html, _, notes = render_cell(cell, 2, ctx())
    assert html.startswith('<div class="cell" id="cell-2">') and notes == []


def test_a_huge_one_line_output_is_cut_in_bytes_with_a_note_and_a_warning() -> None:
    """``print("x" * 30_000_000)`` is one line: output_lines alone would let it through."""
    stream = new_output("stream", name="stdout", text="x" * 30_000_000 + "\n")
    result = new_output("execute_result", data={"text/plain": "é" * 3_000_000})
    html, files, notes = outputs_rendered(stream, result)
    assert len(html) < 4_100_000  # two outputs of at most 2,000,000 bytes each, and notes
    page = Page(html)
    assert [p.text for p in page.all("p", class_="output-truncated")] == [
        "… 28,000,000 more bytes not shown (output_bytes limit: 2,000,000).",
        "… 4,000,000 more bytes not shown (output_bytes limit: 2,000,000)."]
    assert page.all("pre")[0].text == "x" * 2_000_000
    assert page.all("pre")[1].text == "é" * 1_000_000
    assert notes == [
        "a text output of 30,000,000 bytes was cut to the output_bytes limit (2,000,000); print "
        "less, or raise output_bytes in [tool.nbpress].",
        "a text output of 6,000,000 bytes was cut to the output_bytes limit (2,000,000); print "
        "less, or raise output_bytes in [tool.nbpress]."]
