"""jupytext's text formats read by jupytext (nbpress/readers/text.py), compared with
jupytext's own reading cell by cell."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import jupytext
import nbformat
import pytest

from nbpress.config import load_config
from nbpress.discover import read_post
from nbpress.errors import PostError
from nbpress.model import PostSource
from nbpress.readers import CELL_MARK, CELL_MARK_RE, read_post_notebook
from nbpress.readers.text import locate

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
TEXT_POSTS = ["2024-05-04-darts.md", "2024-05-11-fibonacci.py", "2024-06-01-light.py",
              "2024-05-18-spread.Rmd"]


def read(root: Path, name: str, text: str | None = None):
    path = root / "posts" / name
    if text is None:
        shutil.copy(FIXTURES / name, path)
    else:
        path.write_text(text, encoding="utf-8")
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    doc, warnings = read_post_notebook(post)
    return doc, [str(w) for w in warnings]


def cells(nb) -> list[tuple[str, str, dict]]:
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


@pytest.mark.parametrize("name", TEXT_POSTS)
def test_cells_and_metadata_are_jupytext_s(root: Path, name: str) -> None:
    doc, warnings = read(root, name)
    theirs = jupytext.read(FIXTURES / name)
    if name.endswith((".py", ".Rmd")):  # the YAML header's raw cell is the front matter
        header = theirs.cells.pop(0)
        assert header.cell_type == "raw" and header.source.startswith("---\ntitle: ")
    assert cells(doc.notebook) == cells(theirs)
    assert warnings == []


@pytest.mark.parametrize("name", TEXT_POSTS)
def test_no_jupytext_markup_reaches_the_page(root: Path, name: str) -> None:
    doc, _ = read(root, name)
    for markup in ("{code-cell}", ":tags:", "+++", "# %%", "```{python", "# +", "# -",
                   "jupytext", "kernelspec", "format_name", "slideshow", "raw-cell"):
        assert markup not in doc.markdown
    assert "title:" not in doc.markdown


@pytest.mark.parametrize("name", TEXT_POSTS)
def test_markdown_document_keeps_the_file_s_lines(root: Path, name: str) -> None:
    doc, _ = read(root, name)
    lines = (FIXTURES / name).read_text().split("\n")
    shown = [(row, text) for row, text in enumerate(doc.markdown.split("\n"), doc.post.body_line)
             if text.strip() and not CELL_MARK_RE.fullmatch(text)]
    assert len(shown) >= 2
    for number, text in shown:  # verbatim, or behind the script's comment sign
        assert lines[number - 1] in (text, f"# {text}"), (number, text)


@pytest.mark.parametrize("name", TEXT_POSTS)
def test_code_cells_know_their_lines(root: Path, name: str) -> None:
    doc, _ = read(root, name)
    lines = (FIXTURES / name).read_text().split("\n")
    assert len(doc.cells) >= 2
    for cell in doc.cells:
        code = doc.notebook.cells[cell.index].source.split("\n")
        # As for a fence: line + n is the file line of the cell's n-th line (for tracebacks).
        for n, text in enumerate(code, 1):
            assert lines[cell.line + n - 1] in (text, f"# {text}"), (cell, n)
        row = cell.line - doc.post.body_line
        assert doc.markdown.split("\n")[row] == CELL_MARK.format(cell.index)


def test_myst_post(root: Path) -> None:
    doc, _ = read(root, "2024-05-04-darts.md")
    assert (doc.format, doc.notebook.metadata["kernelspec"]["name"]) == ("myst", "python3")
    assert doc.post.title == "Estimating π by throwing darts"
    assert doc.post.tags == ("numpy", "probability")
    assert doc.post.front_matter["author"] == "Ada Example"
    assert "jupytext" not in doc.post.front_matter and "kernelspec" not in doc.post.front_matter
    kinds = [doc.notebook.cells[int(i)].cell_type for i in CELL_MARK_RE.findall(doc.markdown)]
    assert kinds == ["code", "code", "code", "raw"]  # the text/latex raw cell is left out
    assert "Only for LaTeX" not in doc.markdown
    assert '```python\nprint("MYST-FENCE-NOT-RUN")\n```' in doc.markdown
    # The header's date is notebook metadata in MyST; the notebook stays valid JSON.
    assert doc.notebook.metadata["date"] == "2024-05-04"
    nbformat.validate(doc.notebook)
    nbformat.writes(doc.notebook)


def test_percent_script(root: Path) -> None:
    doc, _ = read(root, "2024-05-11-fibonacci.py")
    assert (doc.format, doc.notebook.metadata["kernelspec"]["name"]) == ("percent", "python3")
    assert doc.post.title == "Fibonacci numbers, three ways"
    assert doc.post.line_of("date") == 15
    assert "## The recursive definition" in doc.markdown.split("\n")
    assert "A Markdown cell written as a string, as some editors prefer." in doc.markdown
    assert '"""' not in doc.markdown
    raw = [c for c in doc.notebook.cells if c.cell_type == "raw"]
    assert len(raw) == 1 and CELL_MARK.format(doc.notebook.cells.index(raw[0])) in doc.markdown


def test_r_markdown(root: Path) -> None:
    doc, _ = read(root, "2024-05-18-spread.Rmd")
    assert (doc.format, doc.notebook.metadata["kernelspec"]["name"]) == ("rmarkdown", "python3")
    assert dict(doc.post.front_matter) == {"title": "Spread of a small sample",
                                           "date": doc.post.date.date(),
                                           "output": "html_document"}
    assert '```bash\necho "shown, never run"\n```' in doc.markdown


def test_script_without_header_names_no_kernel(root: Path) -> None:
    text = "# %% [markdown]\n# Intro.\n\n# %%\nx = 1\n"
    path = root / "posts" / "bare.py"
    path.write_text(text)
    post = PostSource(path=path, slug="bare", title="Bare", url="/bare.html", front_matter={},
                      date=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc), body=text,
                      body_line=1)
    doc, _ = read_post_notebook(post)
    assert doc.format == "percent" and "kernelspec" not in doc.notebook.metadata
    assert [c.source for c in doc.notebook.cells] == ["Intro.", "x = 1"]
    assert doc.markdown == f"\nIntro.\n\n{CELL_MARK.format(1)}\n"


def test_myst_dates_in_cell_options_stay_json(root: Path) -> None:
    text = ("---\ntitle: T\ndate: 2024-01-02\n---\n\n```{code-cell} ipython3\n---\n"
            "reviewed: 2024-01-03\n---\nx = 1\n```\n")
    doc, _ = read(root, "2024-01-02-t.md", text)
    assert doc.notebook.cells[0].metadata == {"reviewed": "2024-01-03"}
    nbformat.writes(doc.notebook)


def test_jupytext_warnings_are_build_warnings(root: Path) -> None:
    text = ("---\ntitle: T\ndate: 2024-01-02\n---\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
            "```{code-cell} bash\nls\n```\n")
    doc, warnings = read(root, "2024-01-02-t.md", text)
    assert warnings == ["posts/2024-01-02-t.md: warning: jupytext: All code cells in a MyST "
                        "notebook must have the same language: bash!=ipython3"]
    assert [c.source for c in doc.notebook.cells] == ["x = 1", "ls"]


def test_malformed_myst_metadata_names_the_line(root: Path) -> None:
    text = ("---\ntitle: T\ndate: 2024-01-02\n---\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
            "+++ {\"slideshow\": 1\n\nMore.\n")
    with pytest.raises(PostError) as info:
        read(root, "2024-01-02-t.md", text)
    message = str(info.value)
    assert message.startswith("posts/2024-01-02-t.md:10: jupytext cannot read this myst "
                              "notebook: Markdown cell 1 at line 10 could not be read: ")
    assert message.endswith("Fix the cell marker or metadata it names.")


def test_empty_code_cells_are_dropped(root: Path) -> None:
    text = "# ---\n# title: T\n# date: 2024-01-02\n# ---\n\n# %%\n\n# %%\nx = 1\n"
    doc, _ = read(root, "2024-01-02-t.py", text)
    assert [(c.cell_type, c.source) for c in doc.notebook.cells] == [("code", "x = 1")]
    assert doc.cells[0].line == 8


def test_locate_finds_cells_whose_first_line_jupytext_added() -> None:
    # An R chunk in a Python notebook: jupytext reads it as a %%R cell.
    header = ("---\njupyter:\n  kernelspec:\n    display_name: Python 3\n    language: python\n"
              "    name: python3\n---\n")
    text = header + "\nText.\n\n```{r}\nsummary(cars)\n```\n\nMore text.\n"
    nb = jupytext.reads(text, "Rmd")
    assert [c.source for c in nb.cells] == ["Text.", "%%R\nsummary(cars)", "More text."]
    assert locate(nb.cells, text.split("\n"), script=False) == [8, 10, 14]


def test_locate_never_goes_back_to_an_earlier_copy() -> None:
    lines = ["# %% [markdown]", "# print(1)", "", "# %%", "print(1)"]
    nb = jupytext.reads("\n".join(lines), "py:percent")
    assert locate(nb.cells, lines, script=True) == [1, 4]


def test_myst_cells_nested_in_lists_or_quotes_are_shown_with_a_warning(root: Path) -> None:
    text = ("---\ntitle: T\ndate: 2024-01-02\n---\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
            "1. First, load the data:\n\n   ```{code-cell} ipython3\n   data = [1, 2]\n   ```\n\n"
            "> ```{code-cell} ipython3\n> y = 2\n> ```\n\n"
            "````markdown\n```{code-cell} ipython3\nan example, in a fence\n```\n````\n")
    doc, warnings = read(root, "2024-01-02-t.md", text)
    assert [c.source for c in doc.notebook.cells if c.cell_type == "code"] == ["x = 1"]
    assert warnings == [
        f"posts/2024-01-02-t.md:{line}: warning: this {{code-cell}} is inside a list item or a "
        "quote, where MyST notebooks have no cells: it is shown, never run; move it to the top "
        "level." for line in (12, 16)]


@pytest.mark.parametrize("fmt, suffix", [("py:percent", ".py"), ("py:light", ".py"),
                                          ("py:hydrogen", ".py"), ("Rmd", ".Rmd"),
                                          ("md:myst", ".md")])
def test_files_jupytext_writes_read_back_as_jupytext_reads_them(root: Path, fmt: str,
                                                                suffix: str) -> None:
    # What users have: notebooks saved by jupytext (Jupyter's pairing, jupytext --to).
    nb = jupytext.read(FIXTURES / "2024-05-04-darts.md")
    nb.metadata.update(title="Round trip", date="2024-01-02")
    nb.metadata["jupytext"]["notebook_metadata_filter"] = "title,date"  # kept in MyST's header
    if fmt != "md:myst":  # jupytext writes a front matter raw cell into the YAML header
        front = "---\ntitle: Round trip\ndate: 2024-01-02\n---"
        nb.cells.insert(0, nbformat.v4.new_raw_cell(front))
    text = jupytext.writes(nb, fmt)
    doc, warnings = read(root, f"2024-01-02-trip{suffix}", text)
    expected = {"Rmd": "rmarkdown"}.get(fmt, fmt.partition(":")[2])
    assert (doc.post.title, doc.format) == ("Round trip", expected)
    theirs = jupytext.reads(text, fmt)
    if fmt != "md:myst":
        assert theirs.cells.pop(0).source.startswith("---\ntitle: Round trip")
    assert cells(doc.notebook) == cells(theirs)
    assert len(doc.cells) == 3 and warnings == []
    lines = text.split("\n")
    for cell in doc.cells:  # each code cell's lines, in the file, where the cell says
        for n, code in enumerate(doc.notebook.cells[cell.index].source.split("\n"), 1):
            assert lines[cell.line + n - 1] in (code, f"# {code}")


def test_options_json_has_not_are_kept_as_a_notebook_file_holds_them(root: Path) -> None:
    """jupytext evaluates a cell option's Python literal: bytes are their text (as nbformat
    writes them), a number as a key is text."""
    doc, _ = read(root, "2024-05-01-p.py", "# ---\n# title: P\n# ---\n\n"
                                           "# %% a=b'xy' b={1: 2}\nx = 1\n")
    assert dict(doc.notebook.cells[0].metadata) == {"a": "xy", "b": {"1": 2}}


def test_a_myst_header_without_its_extension_still_makes_code_cells(root: Path) -> None:
    # MyST-NB's own documentation writes text_representation without `extension: .md`:
    # read by extension alone, jupytext took it for plain Markdown and nothing ran
    text = ("---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
            "  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
            "# MyST\n\n```{code-cell} ipython3\nprint(1)\n```\n")
    doc, _ = read(root, "2024-01-01-myst.md", text)
    assert [(c.cell_type, c.source) for c in doc.notebook.cells] == [
        ("markdown", "# MyST"), ("code", "print(1)")]
    assert len(doc.cells) == 1 and "{code-cell}" not in doc.markdown


def test_a_myst_kernelspec_without_display_name_is_read_with_lines_in_place(root: Path) -> None:
    # MyST-NB's docs write `kernelspec: {name: python3}`; nbformat requires a display_name
    text = ("---\nfile_format: mystnb\nkernelspec:\n  name: python3\n---\n\n# Hiding\n\n"
            "```{code-cell}\nprint(1)\n```\n\n```{code-cell}\nprint(2)\n```\n")
    doc, warnings = read(root, "2024-01-01-h.md", text)
    assert [c.source for c in doc.notebook.cells if c.cell_type == "code"] == [
        "print(1)", "print(2)"]
    lines = text.split("\n")
    assert [lines[cell.line] for cell in doc.cells] == ["print(1)", "print(2)"]
    assert warnings == []
