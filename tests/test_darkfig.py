"""Dark-mode figures on the page (nbpress/darkfig.py): the ``<picture>`` of an output with a
dark rendering, its files, the feed's light image, the notebook readers download."""

from __future__ import annotations

import base64

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nbpress.darkfig import MIME, dark_file, kernel_setup, light_only, picture, without_dark
from nbpress.interactive import feed_html
from nbpress.markdown import make_markdown
from nbpress.outputs import CellContext, render_outputs

from conftest import Page, png_bytes

LIGHT, DARK = png_bytes(64, 32), png_bytes(32, 16)
PLAIN = "<Figure size 640x480 with 1 Axes>"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _figure_output(dark: str | None = _b64(DARK)):
    data = {"image/png": _b64(LIGHT), "text/plain": PLAIN}
    if dark is not None:
        data[MIME] = dark
    return new_output("display_data", data=data)


def _rendered(*outputs):
    ctx = CellContext(slug="plots", files_dir="2024/03/01/plots_files", baseurl="/blog",
                      render_markdown=make_markdown().render, max_output_lines=5000)
    return render_outputs(new_code_cell("plt.show()", outputs=list(outputs)), 2, ctx)


def test_a_figure_with_a_dark_rendering_is_a_picture_with_both_files() -> None:
    html, files, notes = _rendered(_figure_output())
    assert notes == []
    assert [(f.path, f.data) for f in files] == [
        ("2024/03/01/plots_files/plots_2_0.png", LIGHT),
        ("2024/03/01/plots_files/plots_2_0-dark.png", DARK)]
    page = Page(html)
    (element,) = page.all("picture", class_="figure-schemes")
    (source,) = page.all("source", inside="picture")
    (img,) = page.all("img", inside="picture")
    assert source["srcset"] == "/blog/2024/03/01/plots_files/plots_2_0-dark.png"
    assert source["media"] == "(prefers-color-scheme: dark)" and source["data-scheme"] == "dark"
    assert img["src"] == "/blog/2024/03/01/plots_files/plots_2_0.png"
    assert (img["width"], img["height"]) == ("64", "32")  # the light image's size
    assert element.ancestors[0] == "div" and page.errors == []
    assert source.ancestors[0] == img.ancestors[0] == "picture"  # siblings, in that order
    assert html.index("<source") < html.index("<img")


def test_a_figure_without_one_is_as_before() -> None:
    html, files, notes = _rendered(_figure_output(dark=None))
    assert notes == [] and [f.path for f in files] == ["2024/03/01/plots_files/plots_2_0.png"]
    assert html == ('<div class="output image"><img src="/blog/2024/03/01/plots_files/'
                    'plots_2_0.png" alt="Figure produced by code cell 2" width="64" '
                    'height="32" loading="lazy"></div>')


def test_a_damaged_dark_rendering_shows_the_light_image_with_a_warning() -> None:
    html, files, notes = _rendered(_figure_output(dark="not base64!"))
    assert "<picture" not in html and len(Page(html).imgs) == 1
    assert [f.path for f in files] == ["2024/03/01/plots_files/plots_2_0.png"]
    assert notes == [f"a figure's dark rendering ({MIME}) is not valid base64 data, so the "
                     "page shows only its light image; the notebook may be damaged."]


def test_dark_file_is_named_beside_the_light_one() -> None:
    output = _figure_output()
    assert dark_file(output, "a/b_files/b_1_0.png")[0].path == "a/b_files/b_1_0-dark.png"
    assert dark_file(_figure_output(dark=None), "a/b_1_0.png") == (None, "")
    split = {**output, "data": {**output["data"], MIME: [_b64(DARK)[:10], _b64(DARK)[10:]]}}
    assert dark_file(split, "b.svg")[0].data == DARK  # a value split in lines, as nbformat may


def test_the_feed_shows_the_light_image_alone() -> None:
    img = '<img src="/blog/p_files/p_1_0.png" alt="A plot">'
    figure = picture(img, "/blog/p_files/p_1_0-dark.png")
    content = f'<p>Text</p><div class="output image">{figure}</div>'
    assert light_only(content) == f'<p>Text</p><div class="output image">{img}</div>'
    assert feed_html(content) == light_only(content)
    assert light_only("<picture><source srcset='x.avif'><img src='x.png'></picture>") == \
        "<picture><source srcset='x.avif'><img src='x.png'></picture>"  # a user's own picture


def test_the_downloaded_notebook_has_no_dark_renderings() -> None:
    nb = new_notebook(cells=[new_code_cell("plt.show()", outputs=[_figure_output()])])
    plain = new_notebook(cells=[new_code_cell("x", outputs=[_figure_output(dark=None)])])
    assert without_dark(plain) is plain
    copy = without_dark(nb)
    assert set(copy.cells[0].outputs[0].data) == {"image/png", "text/plain"}
    assert MIME in nb.cells[0].outputs[0].data  # the cached run keeps both
    nbformat.validate(copy)


def test_kernel_setup_is_python_that_leaves_no_name_behind() -> None:
    code = kernel_setup()
    compile(code, "<setup>", "exec")
    assert code.endswith("del _nbpress_dark\n")
    assert "def install(shell)" in code  # darkfig_kernel's source travels with it
