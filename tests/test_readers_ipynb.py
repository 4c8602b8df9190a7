"""``.ipynb`` posts (nbpress/readers/ipynb.py): raw cells, front matter from metadata, kernel."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
import pytest

from nbpress.config import load_config
from nbpress.discover import read_post
from nbpress.readers import CELL_MARK, CELL_MARK_RE, read_post_notebook

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
RAW = "2024-06-08-raw-cells.ipynb"


def read(root: Path, path: Path):
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    return read_post_notebook(post)


def test_front_matter_from_notebook_metadata(root: Path) -> None:
    path = shutil.copy(FIXTURES / RAW, root / "posts" / RAW)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert post.title == "A notebook of raw cells"
    assert post.tags == ("raw", "nbconvert")
    assert post.date.isoformat() == "2024-06-08T00:00:00+00:00"
    assert post.front_matter["author"] == "Grace Example, Alan Example"
    assert "kernelspec" not in post.front_matter


def test_nbpress_metadata_wins_over_the_notebook_s(root: Path) -> None:
    nb = nbformat.v4.new_notebook(metadata={"title": "Notebook title",
                                            "nbpress": {"title": "Blog title", "tags": ["a"]}})
    path = root / "posts" / "2024-01-02-nb.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert (post.title, post.tags) == ("Blog title", ("a",))


def test_raw_cells_shown_as_nbconvert_s_html_exporter_shows_them(root: Path) -> None:
    doc, warnings = read(root, shutil.copy(FIXTURES / RAW, root / "posts" / RAW))
    assert warnings == []
    marked = [doc.notebook.cells[int(i)] for i in CELL_MARK_RE.findall(doc.markdown)]
    assert [(c.cell_type, c.metadata.get("raw_mimetype")) for c in marked] == [
        ("raw", "text/html"), ("raw", None), ("raw", "Text/HTML"), ("code", None)]
    for left_out in ("e^{i", "RST-ONLY", "MARKDOWN-RAW-ONLY"):
        assert left_out not in doc.markdown
    # Every raw cell stays in the notebook (the download); only the page leaves some out.
    assert [c.cell_type for c in doc.notebook.cells].count("raw") == 6
    assert doc.format == "ipynb"
    assert doc.notebook.metadata["kernelspec"]["name"] == "python3"  # the file's own, kept


def test_front_matter_raw_cell_is_never_a_cell(root: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_raw_cell("---\ntitle: From a raw cell\ndate: 2024-01-02\n---"),
        nbformat.v4.new_raw_cell("<p>kept</p>")])
    path = root / "posts" / "nb.ipynb"
    nbformat.write(nb, path)
    doc, _ = read(root, path)
    assert doc.post.title == "From a raw cell"
    assert [c.source for c in doc.notebook.cells] == ["<p>kept</p>"]
    assert doc.markdown == CELL_MARK.format(0)


def test_notebook_without_kernelspec(root: Path) -> None:
    nb = nbformat.v4.new_notebook(metadata={"title": "T", "date": "2024-01-02"},
                                  cells=[nbformat.v4.new_markdown_cell("Only prose.")])
    path = root / "posts" / "nb.ipynb"
    nbformat.write(nb, path)
    doc, _ = read(root, path)
    assert "kernelspec" not in doc.notebook.metadata and doc.cells == ()


def test_an_nbformat_3_notebook_is_upgraded_and_builds(make_site, fake_executor) -> None:
    """IPython 1–2 wrote nbformat 3 (cells inside worksheets); nbformat upgrades it
    (issue 19, item 14)."""
    import io

    from conftest import Page
    from nbpress.pipeline import build

    old = nbformat.v3.new_notebook(name="old", metadata={"title": "An old notebook"})
    old.worksheets.append(nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_text_cell("markdown", source="Some *prose* from 2014."),
        nbformat.v3.new_code_cell(input="print(6 * 7)")]))
    root = make_site({"posts/2014-05-01-old.ipynb": nbformat.v3.writes_json(old)})
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    page = Page.read(root / "_site/2014/05/01/old.html")
    assert page.all("h1")[0].text == "An old notebook"
    assert "Some prose from 2014." in page.plain
    assert len(page.all("div", class_="cell")) == 1


def test_quarto_front_matter_in_a_first_markdown_cell(root: Path) -> None:
    # Quarto reads a first Markdown cell that opens with a --- YAML block as front matter
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("---\ntitle: Code annotation\ndate: 2023-01-03\n"
                                      "execute:\n  echo: false\n---\n\nIntro text."),
        nbformat.v4.new_markdown_cell("# A heading in the body"),
        nbformat.v4.new_code_cell("print(1)")])
    path = root / "posts" / "2024-01-01-quarto.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert (post.title, post.date.date().isoformat()) == ("Code annotation", "2023-01-03")
    doc, _ = read_post_notebook(post)
    assert [c.source for c in doc.notebook.cells] == [
        "Intro text.", "# A heading in the body", "print(1)"]
    assert "title:" not in doc.markdown and doc.markdown.startswith("Intro text.")


def test_a_first_markdown_cell_with_rules_around_text_is_not_front_matter(root: Path) -> None:
    text = "---\n\nJust a rule, then text.\n\n---\n\n# The title"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    path = root / "posts" / "2024-01-01-rules.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert post.title == "The title"
    assert [c.source for c in read_post_notebook(post)[0].notebook.cells] == [text]


def test_fastpages_front_matter_cell(root: Path) -> None:
    cell = ('# "Fastpages Post"\n> "A summary: quoted."\n\n- toc: true\n- badges: true\n'
            "- categories: [jupyter, fastai]\n- image: images/chart.png")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(cell),
                                         nbformat.v4.new_markdown_cell("Body.")])
    path = root / "posts" / "2020-02-20-fp.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert (post.title, post.description, post.toc, post.categories, post.image) == (
        "Fastpages Post", "A summary: quoted.", True, ("jupyter", "fastai"), "images/chart.png")
    assert [c.source for c in read_post_notebook(post)[0].notebook.cells] == ["Body."]


@pytest.mark.parametrize("cell", [
    "# A title\n> A quote.\n\n- first: a list of things\n- second: more",  # no fastpages key
    "# A title\n\nSome text.\n\n- toc: true",
    "# A title\n> A quote.",
    "# A title\n- author: Jane Doe\n- date: March 3, 2024\n- description: due Friday",
    # blank lines of spaces: the first reading backtracked for hours on this
    "# A title\n> A quote.\n" + " \n" * 40 + "- toc: true\n" + " \n" * 40 + "Text.",
])
def test_a_first_cell_that_only_looks_like_fastpages_is_content(root: Path, cell: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(cell)])
    path = root / "posts" / "2020-02-20-fp.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert post.title == "A title" and not post.description
    assert [c.source for c in read_post_notebook(post)[0].notebook.cells] == [cell]
