"""Cell attachments → files and URLs (nbpress/attachments.py)."""

from __future__ import annotations

import base64

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nbpress.attachments import link_attachments
from nbpress.model import OutputFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def link(*cells):
    nb = new_notebook(cells=list(cells))
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return link_attachments(markdown, nb, slug="gan-notes", files_dir="2023/07/01/gan-notes_files",
                            baseurl="/blog")


def cell(source: str, attachments: dict | None = None) -> dict:
    found = new_markdown_cell(source)
    found["attachments"] = attachments or {}
    return found


def test_a_pasted_screenshot() -> None:
    markdown, files, notes = link(
        new_markdown_cell("# Results"),
        cell("The generator after 20 epochs:\n![image.png](attachment:image.png)",
             {"image.png": {"image/png": b64(PNG)}}))
    assert markdown == ("# Results\n\nThe generator after 20 epochs:\n"
                        "![image.png](/blog/2023/07/01/gan-notes_files/gan-notes_1_image.png)")
    assert files == [OutputFile("2023/07/01/gan-notes_files/gan-notes_1_image.png", PNG)]
    assert notes == []


def test_name_with_spaces_as_jupyter_encodes_it_and_svg_text() -> None:
    markdown, files, notes = link(
        cell("![Screen Shot](attachment:Screen%20Shot%202023-07-01.png) and "
             "<img src='attachment:diagram.svg'>",
             {"Screen Shot 2023-07-01.png": {"image/png": b64(PNG)},
              "diagram.svg": {"image/svg+xml": SVG}}))
    assert [f.path.rsplit("/", 1)[1] for f in files] == [
        "gan-notes_0_Screen-Shot-2023-07-01.png", "gan-notes_0_diagram.svg"]
    assert files[1].data == SVG.encode()
    assert "<img src='/blog/2023/07/01/gan-notes_files/gan-notes_0_diagram.svg'>" in markdown
    assert notes == []


def test_same_attachment_twice_is_one_file_and_a_name_without_extension_gets_one() -> None:
    markdown, files, _ = link(cell("![a](attachment:plot) then ![b](attachment:plot)",
                                   {"plot": {"image/jpeg": b64(b"\xff\xd8\xff\xd9")}}))
    assert [f.path for f in files] == ["2023/07/01/gan-notes_files/gan-notes_0_plot.jpg"]
    assert markdown.count("/blog/2023/07/01/gan-notes_files/gan-notes_0_plot.jpg") == 2


def test_missing_and_damaged_attachments_are_noted() -> None:
    markdown, files, notes = link(
        cell("![lost](attachment:image.png)"),  # attachments stripped by a tool
        cell("![bad](attachment:bad.png)", {"bad.png": {"image/png": "%%%not base64"}}))
    assert files == []
    assert markdown == "![lost](attachment:image.png)\n\n![bad](attachment:bad.png)"
    assert notes == [
        "the Markdown cell that begins '![lost](attachment:image.png)' refers to "
        "'attachment:image.png', which that cell does not have, so the image is broken; paste "
        "the image again in Jupyter, or save it as a file next to the post and link that.",
        "the Markdown cell that begins '![bad](attachment:bad.png)' refers to "
        "'attachment:bad.png', whose image/png data is not valid base64, so the image is "
        "broken."]


def test_attachment_word_in_prose_or_code_cells_is_left_alone() -> None:
    markdown, files, notes = link(
        cell("Jupyter writes `attachment:` URLs for pasted images."),
        new_code_cell("print('![x](attachment:x.png)')"))
    assert markdown == "Jupyter writes `attachment:` URLs for pasted images."
    assert (files, notes) == ([], [])
