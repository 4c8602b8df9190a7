"""End-to-end: a site with a post in every format jupytext reads, built by the real command
line with real kernels, its pages parsed."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import Page

pytestmark = pytest.mark.kernel

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
PAGES = {"myst": "2024/05/04/darts.html", "percent": "2024/05/11/fibonacci.html",
         "rmd": "2024/05/18/spread.html", "regions": "2024/05/25/regions.html",
         "light": "2024/06/01/light.html", "ipynb": "2024/06/08/raw-cells.html"}


class PostPage(Page):
    """A post's page, with the text of each cell output (``<pre class="output …">``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.html = text
        self.outputs = [e.text for e in self.all("pre", class_="output")]

    def has(self, tag: str, cls: str) -> bool:
        return bool(self.all(tag, class_=cls))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("formats") / "site"
    shutil.copytree(FIXTURES, root / "posts")
    from conftest import run_build

    result = run_build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    return root, result.stderr


def page(site, name: str) -> PostPage:
    return PostPage((site[0] / "_site" / PAGES[name]).read_text())


def test_every_post_executed(site) -> None:
    root, log = site
    posts = sorted(p.name for p in FIXTURES.iterdir() if p.name != "fibhelp.py")
    assert len(posts) == 6
    for name in posts:
        assert f"executing posts/{name} (" in log
    assert "built 6 post(s)" in log
    assert "fibhelp" not in log  # the helper module is imported, never a post
    for name in PAGES:
        assert page(site, name).outputs, name


def test_myst_post(site) -> None:
    doc = page(site, "myst")
    assert doc.outputs == ["MYST-SEEDED", "MYST-ESTIMATE 3.1"]  # remove-output hides the 2nd
    assert "MYST-HIDDEN-OUTPUT" not in "".join(doc.outputs)
    assert doc.has("details", "hidden-input")  # :tags: [hide-input]
    for markup in ("{code-cell}", ":tags:", "+++", "slideshow", "jupytext", "raw-cell"):
        assert markup not in doc.html
    assert 'print("MYST-FENCE-NOT-RUN")' in doc.plain  # shown only
    assert doc.has("aside", "myst-raw") and "Only for LaTeX" not in doc.html
    assert doc.meta("description").startswith("We draw points uniformly")
    assert doc.meta("author") == "Ada Example"


def test_percent_script_post(site) -> None:
    doc = page(site, "percent")
    assert doc.outputs == ["PERCENT-RAN [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]", "PERCENT-AGREE"]
    assert doc.has("p", "percent-raw")
    assert "A Markdown cell written as a string" in doc.plain
    for markup in ("# %%", "[markdown]", '"""', "raw_mimetype", "title: Fibonacci"):
        assert markup not in doc.plain
    assert doc.all("h2")  # "# ## The recursive definition" is a heading, not a comment


def test_r_markdown_post(site) -> None:
    doc = page(site, "rmd")
    assert doc.outputs == ["RMD-RAN 2.0", "RMD-TAGGED"]
    assert doc.has("details", "hidden-output")
    assert 'echo "shown, never run"' in doc.plain
    assert "{python" not in doc.plain and "output: html_document" not in doc.plain


def test_regions_post(site) -> None:
    root, _ = site
    doc = page(site, "regions")
    assert doc.outputs == ["REGIONS-RAN"]
    assert not (root / "posts/REGION_RAN").exists() and not (root / "posts/MD_REGION_RAN").exists()
    assert 'open("REGION_RAN", "w")' in doc.plain  # shown as code
    assert doc.has("div", "regions-raw") and "Only for reStructuredText" not in doc.html
    assert "#region" not in doc.html and "#endraw" not in doc.html


def test_light_script_post(site) -> None:
    doc = page(site, "light")
    assert doc.outputs == ["LIGHT-RAN [('the', 3)]", "LIGHT-TAGGED"]
    assert "# +" not in doc.plain and "# -" not in doc.plain


def test_notebook_of_raw_cells(site) -> None:
    root, _ = site
    doc = page(site, "ipynb")
    assert doc.has("table", "raw-html") and doc.has("p", "raw-none") and doc.has("p", "raw-upper")
    for left_out in ("e^{i", "RST-ONLY", "MARKDOWN-RAW-ONLY"):
        assert left_out not in doc.html
    assert doc.outputs == ["IPYNB-RAN"]
    download = root / "_site/2024/06/08/raw-cells_files/raw-cells.ipynb"
    nb = nbformat.reads(download.read_text(), as_version=4)
    assert [c.cell_type for c in nb.cells].count("raw") == 6  # the download keeps them all


def test_editing_a_raw_cell_re_renders_without_executing(site, build) -> None:
    root, _ = site
    post = root / "posts/2024-05-25-regions.md"
    original = post.read_text()
    try:
        post.write_text(original.replace("Raw HTML from a raw region.", "Edited raw HTML."))
        result = build("build", "--root", str(root))
        assert result.returncode == 0, result.stderr
        assert "executing" not in result.stderr
        assert "Edited raw HTML." in page(site, "regions").html
    finally:
        post.write_text(original)


def test_failing_cell_in_a_script_names_its_line(make_site, build) -> None:
    root = make_site({"posts/2024-01-02-broken.py": """\
        # ---
        # title: Broken
        # ---

        # %% [markdown]
        # Text.

        # %%
        x = 1
        y = x / 0
        """})
    result = build("build", "--root", str(root))
    assert result.returncode == 1
    assert ("posts/2024-01-02-broken.py:10 (cell 1): the code raised ZeroDivisionError: "
            "division by zero.") in result.stderr
