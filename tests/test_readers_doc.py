"""What the readers share (nbpress/readers/doc.py): nbconvert's raw-cell rule and the one
Markdown document built from placed cells."""

from __future__ import annotations

import nbformat
import pytest
from nbconvert import HTMLExporter

from nbpress.model import CodeCell
from nbpress.readers.doc import CELL_MARK, assemble, closed_cells, join_cells, removed, shown_raw

MIMETYPES = [None, "", "text/html", "Text/HTML", "text/latex", "text/restructuredtext",
             "text/markdown", "text/x-python", "application/pdf"]


def raw(source: str, mime: str | None):
    return nbformat.v4.new_raw_cell(source, metadata={} if mime is None else {"raw_mimetype": mime})


@pytest.mark.parametrize("mime", MIMETYPES)
def test_raw_cells_follow_nbconvert_s_html_exporter(mime: str | None) -> None:
    nb = nbformat.v4.new_notebook(cells=[raw(f"RAW-CELL-{mime}", mime)])
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert shown_raw(nb.cells[0]) == (f"RAW-CELL-{mime}" in html)
    assert shown_raw(nb.cells[0]) == (mime in (None, "", "text/html", "Text/HTML"))


def test_assemble_puts_cells_on_their_lines() -> None:
    cells = [nbformat.v4.new_markdown_cell("# Title\n\nProse."),
             nbformat.v4.new_code_cell("x = 1\nprint(x)"),
             raw("<b>shown</b>", "text/html"),
             raw("\\LaTeX", "text/latex"),
             nbformat.v4.new_markdown_cell("End.")]
    markdown, code = assemble(cells, [1, 6, 10, 13, 16], body_line=5)
    lines = markdown.split("\n")
    assert lines[1:4] == ["# Title", "", "Prose."]
    assert lines[5] == CELL_MARK.format(1) and lines[6:8] == ["", ""]
    assert lines[9] == CELL_MARK.format(2)
    assert "LaTeX" not in markdown and CELL_MARK.format(3) not in markdown
    assert lines[16] == "End." and len(lines) == 17
    assert code == (CodeCell(1, 10),)  # file line 10 is the line before "x = 1"


def test_assemble_never_glues_paragraphs_or_overlaps() -> None:
    cells = [nbformat.v4.new_markdown_cell("One."), nbformat.v4.new_markdown_cell("Two."),
             nbformat.v4.new_code_cell("x = 1")]
    markdown, code = assemble(cells, [0, 0, 0], body_line=1)  # rows a locator could not tell
    assert markdown == f"One.\n\nTwo.\n{CELL_MARK.format(2)}\n"
    assert code == (CodeCell(2, 4),)


def test_join_cells_without_lines() -> None:
    cells = [nbformat.v4.new_markdown_cell("Intro."), raw("<i>x</i>", ""),
             nbformat.v4.new_code_cell("x = 1"), raw("x", "text/latex")]
    assert join_cells(cells) == (f"Intro.\n\n{CELL_MARK.format(1)}\n\n{CELL_MARK.format(2)}",
                                 (CodeCell(2, 0),))


def test_a_placeholder_written_in_a_markdown_cell_is_inert() -> None:
    """A Markdown cell of an .ipynb holding ``<!--nbpress:cell:7-->`` must not place a cell
    (issue 19, item 12): only the readers write placeholders."""
    cells = [nbformat.v4.new_markdown_cell("Forged <!--nbpress:cell:7--> and "
                                           "<!--nbpress:cell:1-->."),
             nbformat.v4.new_code_cell("x = 1")]
    joined, _ = join_cells(cells)
    assembled, _ = assemble(cells, [0, 2], body_line=1)
    for markdown in (joined, assembled):
        assert CELL_MARK.format(7) not in markdown
        assert markdown.count(CELL_MARK.format(1)) == 1
        assert "Forged <!--nbpress-cell-7--> and <!--nbpress-cell-1-->." in markdown


def test_a_forged_placeholder_builds_and_shows_the_cell_once(make_site, fake_executor) -> None:
    import io

    from conftest import Page
    from nbpress.config import load_config
    from nbpress.pipeline import build

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Before <!--nbpress:cell:7--> <!--nbpress:cell:1-->"),
        nbformat.v4.new_code_cell("print(1)")], metadata={"title": "Forged"})
    root = make_site({"posts/2024-01-01-f.ipynb": nbformat.writes(nb)})
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    page = Page.read(root / "_site/2024/01/01/f.html")
    assert len(page.all("div", class_="cell")) == 1
    assert "Before" in page.plain


def test_markdown_and_raw_cells_tagged_remove_cell_are_left_out() -> None:
    gone = {"tags": ["remove-cell"]}
    cells = [nbformat.v4.new_markdown_cell("# Latex Headers", metadata=gone),
             nbformat.v4.new_markdown_cell("Kept."),
             nbformat.v4.new_raw_cell("<b>notes</b>", metadata={"tags": ["remove_cell"]}),
             nbformat.v4.new_code_cell("x = 1", metadata=gone)]  # runs; the page drops it
    assert [removed(c) for c in cells] == [True, False, True, False]
    assert join_cells(cells) == (f"Kept.\n\n{CELL_MARK.format(3)}", (CodeCell(3, 0),))
    markdown, code = assemble(cells, [1, 4, 7, 10], body_line=1)
    lines = markdown.split("\n")
    assert (lines[4], lines[9], len(lines)) == ("Kept.", CELL_MARK.format(3), 11)
    assert "Latex" not in markdown and "notes" not in markdown and CELL_MARK.format(2) not in markdown
    assert code == (CodeCell(3, 10),)


@pytest.mark.parametrize("text, tail", [
    ("Example:\n\n```\nsome code", "\n```"),
    ("````python\nx = 1\n```\nstill code", "\n````"),
    ("~~~\nx", "\n~~~"),
    ("```\nclosed\n```\n\n```js `x`\nnot a fence (a backtick in its info)", ""),
    ("Text.\n\n<!-- a draft note\nnever closed", "\n-->"),
    ("<!-- closed --> then text", ""),
    ("<pre>\nunclosed pre", "\n</pre>"),
    ("<script>\nlet a = 1;", "\n</script>"),
    ("    ```\n    an indented block, not a fence", ""),
])
def test_what_a_cell_leaves_open_is_closed_at_its_end(text: str, tail: str) -> None:
    assert closed_cells([text, "## Next"]) == [text + tail, "## Next"]


def test_an_element_is_closed_at_its_cell_s_end_only_when_no_later_cell_closes_it() -> None:
    cells = ["<details><summary>Solution</summary>\n\nHidden.", "Shown.",
             '<div class="alert alert-info">\n\n<details>\n\nFold', "in the fold", "</details>",
             "<div>\n\n<section>\n</section>"]
    assert closed_cells(cells) == [
        "<details><summary>Solution</summary>\n\nHidden.\n</details>", "Shown.",
        '<div class="alert alert-info">\n\n<details>\n\nFold\n</div>', "in the fold",
        "</details>", "<div>\n\n<section>\n</section>\n</div>"]


def test_an_unclosed_fence_in_a_notebook_cell_swallows_no_later_cell() -> None:
    from markdown_it import MarkdownIt

    cells = [nbformat.v4.new_markdown_cell("# T\n\nExample:\n\n```\nsome code"),
             raw('<p id="after">after</p>', "text/html"),
             nbformat.v4.new_markdown_cell("## Next section\n\n<!-- note"),
             nbformat.v4.new_markdown_cell("Last.")]
    markdown, _ = join_cells(cells)
    tokens = MarkdownIt("commonmark").parse(markdown)
    assert [t.content for t in tokens if t.type == "fence"] == ["some code\n"]
    assert CELL_MARK.format(1) in [t.content.strip() for t in tokens if t.type == "html_block"]
    assert "Last." in [t.content for t in tokens if t.type == "inline"]


def test_a_close_after_a_raw_block_on_its_line_and_a_raw_cell_s_close_count() -> None:
    # "</pre></div>" closes the <div> too; a <div> a shown raw cell closes is not closed twice
    assert closed_cells(['<div class="alert">\n<pre>\nout\n</pre></div>\n\nAfter box.']) == [
        '<div class="alert">\n<pre>\nout\n</pre></div>\n\nAfter box.']
    cells = [nbformat.v4.new_markdown_cell('<div class="wrapper">\n\nInside.'),
             nbformat.v4.new_code_cell("x = 1"),
             raw("</div>", "text/html"),
             nbformat.v4.new_markdown_cell("After.")]
    markdown, _ = join_cells(cells)
    assert markdown.count("</div>") == 0 and markdown.count("<div") == 1  # the raw cell's place
    assert markdown == (f'<div class="wrapper">\n\nInside.\n\n{CELL_MARK.format(1)}\n\n'
                        f"{CELL_MARK.format(2)}\n\nAfter.")
