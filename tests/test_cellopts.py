"""Other tools' tags, flags and ``#|`` options → nbpress's tags (nbpress/cellopts.py).

The cells below are written the way fastpages, Quarto, nbdev and nbconvert users
write them (forms learnt from those projects' docs and public notebooks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nbpress.cache import cache_key
from nbpress.cellopts import CellOptions, cell_options, cell_tags, normalise
from nbpress.errors import BuildWarning
from nbpress.model import CodeCell, NotebookDoc, PostSource, SiteConfig
from nbpress.readers import read_post_notebook


def post(path: Path, body: str = "", body_line: int = 1) -> PostSource:
    return PostSource(path=path, slug="moving-from-fastpages", title="Moving",
                      date=dt.datetime(2024, 5, 2, tzinfo=dt.timezone.utc),
                      url="/2024/05/02/moving-from-fastpages.html", front_matter={"title": "Moving"},
                      body=body, body_line=body_line)


def doc_of(*sources: str, tags: list[list[str]] | None = None) -> NotebookDoc:
    """A notebook of one Markdown cell then one code cell per source, as an .ipynb reads."""
    nb = new_notebook(cells=[new_markdown_cell("# Moving my blog")])
    for n, source in enumerate(sources):
        nb.cells.append(new_code_cell(source, metadata={"tags": (tags or [])[n]} if tags else {}))
    cells = tuple(CodeCell(i, 0) for i in range(1, len(nb.cells)))
    return NotebookDoc(post(Path("posts/2024-05-02-moving.ipynb")), nb, "", cells)


# --- nbconvert's and old Jupyter Book's tag names --------------------------------------------

@pytest.mark.parametrize("tag, meant", [
    ("remove_cell", "remove-cell"), ("remove_input", "remove-input"),
    ("remove_output", "remove-output"), ("hide_input", "hide-input"),
    ("hide_output", "hide-output"), ("hide_cell", "hide-cell"),
])
def test_underscore_tags_are_the_jupyter_book_tags(tag: str, meant: str) -> None:
    cell = new_code_cell("df.describe()", metadata={"tags": ["parameters", tag]})
    assert cell_tags(cell) == ["parameters", meant]


def test_the_hide_input_extension_s_metadata_removes_the_input() -> None:
    doc = doc_of("print(1)", "print(2)")
    doc.notebook.cells[1].metadata["hide_input"] = True
    doc.notebook.cells[2].metadata["hide_input"] = False
    new, _ = normalise(doc)
    assert [c.metadata.get("tags", []) for c in new.notebook.cells[1:]] == [["remove-input"], []]


def test_tags_already_in_nbpress_spelling_are_unchanged() -> None:
    doc = doc_of("x = 1", tags=[["hide-input", "thebe-init"]])
    new, warnings = normalise(doc)
    assert new.notebook.cells[1] is doc.notebook.cells[1]  # nothing to change: the same cell
    assert warnings == []


# --- fastpages' first-line flags ----------------------------------------------------------------

@pytest.mark.parametrize("flag, tag", [
    ("#hide", "remove-cell"), ("# hide", "remove-cell"), ("#HIDE", "remove-cell"),
    ("#hide_input", "remove-input"), ("#hide-input", "remove-input"),
    ("#hide_output", "remove-output"), ("#hide-output", "remove-output"),
    ("#collapse", "hide-input"), ("#collapse-hide", "hide-input"), ("#collapse_hide", "hide-input"),
    ("#collapse-show", "hide-input"), ("#collapse_show", "hide-input"),
    ("#collapse-output", "hide-output"), ("#collapse_output", "hide-output"),
])
def test_fastpages_flag(flag: str, tag: str) -> None:
    source = f"{flag}\nimport pandas as pd\nmovies = pd.read_json('data/movies.json')"
    options = cell_options(source)
    assert options.tags == (tag,)
    assert options.source == "import pandas as pd\nmovies = pd.read_json('data/movies.json')"
    assert options.fold_open == (flag in ("#collapse-show", "#collapse_show"))


def test_flag_below_code_is_an_ordinary_comment() -> None:
    source = "import altair as alt\n#hide\nalt.Chart(cars).mark_point()"
    assert cell_options(source) == CellOptions(source)
    assert cell_tags(new_code_cell(source)) == []


def test_a_comment_that_is_not_a_flag_ends_the_flags() -> None:
    options = cell_options("#collapse-output\n# train for one epoch\nlearn.fit(1)")
    assert options.tags == ("hide-output",)
    assert options.source == "# train for one epoch\nlearn.fit(1)"


# --- Quarto's (and nbdev's) #| options --------------------------------------------------------

POLAR = """#| label: fig-polar
#| echo: false
#| fig-cap: "A line plot on a polar axis"

import numpy as np
import matplotlib.pyplot as plt

r = np.arange(0, 2, 0.01)
fig, ax = plt.subplots(subplot_kw={'projection': 'polar'})
ax.plot(2 * np.pi * r, r)"""


def test_quarto_figure_cell() -> None:
    options = cell_options(POLAR)
    assert options.tags == ("remove-input",)
    assert (options.label, options.captions) == ("fig-polar", ("A line plot on a polar axis",))
    assert options.source.startswith("import numpy as np\n")  # the blank line after the options too
    assert options.problems == ()


@pytest.mark.parametrize("option, tag", [
    ("echo: false", "remove-input"), ("output: false", "remove-output"),
    ("include: false", "remove-cell"), ("eval: false", "skip-execution"),
    ("error: true", "raises-exception"), ("warning: false", "remove-stderr"),
    ("code-fold: true", "hide-input"), ("code-fold: show", "hide-input"),
    ("hide", "remove-cell"), ("echo false", "remove-input"),  # nbdev's spellings
])
def test_quarto_option(option: str, tag: str) -> None:
    for prefix in ("#| ", "#|", "# | "):  # as typed, as nbdev writes it, as black rewrites it
        options = cell_options(f"{prefix}{option}\nsummary = df.groupby('genre').mean()")
        assert options.tags == (tag,), prefix
        assert options.source == "summary = df.groupby('genre').mean()"


@pytest.mark.parametrize("option", ["echo: true", "eval: true", "output: true", "include: true",
                                    "error: false", "warning: true", "code-fold: false",
                                    "echo: fenced", "id: setup-cell"])
def test_options_that_change_nothing_are_not_problems(option: str) -> None:
    options = cell_options(f"#| {option}\nx = 1")
    assert (options.tags, options.problems, options.source) == ((), (), "x = 1")


def test_several_captions_alt_texts_and_the_fold_summary() -> None:
    options = cell_options('#| fig-cap:\n#|   - "Training loss"\n#|   - "Validation loss"\n'
                           '#| fig-alt: [Loss falling, Loss flattening]\n'
                           "#| code-fold: show\n#| code-summary: The plotting code\n"
                           "plot_losses(history)")
    assert options.captions == ("Training loss", "Validation loss")
    assert options.alts == ("Loss falling", "Loss flattening")
    assert (options.fold_open, options.summary) == (True, "The plotting code")
    assert options.source == "plot_losses(history)"


def test_tags_option_is_merged_with_other_spellings() -> None:
    cell = new_code_cell("#| tags: [remove_output, thebe-init]\n#hide_input\nsetup()",
                         metadata={"tags": ["hide_cell"]})
    assert cell_tags(cell) == ["hide-cell", "remove-input", "remove-output", "thebe-init"]


def test_option_lines_further_down_are_code() -> None:
    source = "x = 1\n#| echo: false\nprint(x)"
    assert cell_options(source).source == source
    assert cell_options(source).tags == ()


def test_flags_and_options_together() -> None:
    options = cell_options("#hide_input\n#| fig-cap: Accuracy per epoch\nplot(acc)")
    assert (options.tags, options.captions, options.source) == (
        ("remove-input",), ("Accuracy per epoch",), "plot(acc)")


# --- problems: one warning per cell ------------------------------------------------------------

def test_unused_and_unreadable_options_make_one_warning_per_cell() -> None:
    doc = doc_of("#| fig-width: 8\n#| output: asis\n#| fig-cap: \"unclosed\nplot()",
                 "#| echo: false\nprint('fine')",
                 "#| export\ndef helper(): pass")
    _, warnings = normalise(doc, [BuildWarning("earlier", doc.post.path, 3)])
    assert [str(w) for w in warnings] == [
        f"{doc.post.path}:3: warning: earlier",
        f"{doc.post.path}: warning: code cell 1: cell options nbpress does not use: "
        "'#| fig-cap: \"unclosed' cannot be read (found unexpected end of stream), "
        "'fig-width: 8', 'output: asis'; they are ignored (the README's table 'Tags and "
        "options from other tools' lists those it maps).",
        f"{doc.post.path}: warning: code cell 3: cell options nbpress does not use: 'export'; "
        "they are ignored (the README's table 'Tags and options from other tools' lists "
        "those it maps).",
    ]


def test_the_front_matter_s_execute_options_apply_where_a_cell_sets_none() -> None:
    # Quarto's document-wide options: `execute: {echo: false}` hides every cell's code
    base = doc_of("print(1)", "#| echo: true\nprint(2)", "#| eval: true\nprint(3)")
    front = {"title": "Moving", "execute": {"echo": False, "eval": False, "freeze": "auto"}}
    doc = NotebookDoc(replace(base.post, front_matter=front, key_lines={"execute": 4}),
                      base.notebook, "", base.cells)
    new, warnings = normalise(doc)
    assert [c.metadata.get("tags") for c in new.notebook.cells[1:]] == [
        ["remove-input", "skip-execution"], ["skip-execution"], ["remove-input"]]
    assert [str(w) for w in warnings] == [
        f"{doc.post.path}:4: warning: front matter 'execute:' options nbpress does not use: "
        "freeze: auto; they are ignored (the README's table 'Tags and options from other "
        "tools' lists those it maps)."]
    config = SiteConfig(root=Path("."), out=Path("_site"), theme_dirs=())
    assert cache_key(new, config) != cache_key(normalise(base)[0], config)  # eval: what runs


def test_warning_names_the_line_of_a_markdown_post(tmp_path: Path) -> None:
    body = "Intro.\n\n```python\n#| fig-dpi: 200\nplt.plot([1, 2])\n```\n"
    path = tmp_path / "2024-05-02-moving.md"
    path.write_text("---\ntitle: Moving\n---\n" + body)
    _, warnings = read_post_notebook(post(path, body, body_line=4))
    assert [(w.line, w.message.split(";")[0]) for w in warnings] == [
        (6, "code cell 1: cell options nbpress does not use: 'fig-dpi: 200'")]


# --- normalise: a new notebook, the code the kernel runs unchanged --------------------------

def test_normalise_maps_tags_and_keeps_the_source_and_the_input() -> None:
    doc = doc_of("#collapse-hide\nimport torch", POLAR, "#| eval: false\n!pip install flax",
                 tags=[[], [], ["remove_output"]])
    before = nbformat.writes(doc.notebook)
    new, warnings = normalise(doc)
    assert [c.metadata.get("tags") for c in new.notebook.cells] == [
        None, ["hide-input"], ["remove-input"], ["remove-output", "skip-execution"]]
    assert [c.source for c in new.notebook.cells] == [c.source for c in doc.notebook.cells]
    assert nbformat.writes(doc.notebook) == before  # the input doc is not changed
    assert new.notebook.cells[1].outputs is doc.notebook.cells[1].outputs  # shared, not copied
    assert warnings == []
    nbformat.validate(new.notebook)


def test_eval_false_and_error_true_are_in_the_cache_key_as_tags() -> None:
    # The key is computed from the read notebook, so the mapping must already be done.
    config = SiteConfig(root=Path("/site"), out=Path("/site/_site"), theme_dirs=())

    def key(source: str, tags: list[str]) -> str:
        return cache_key(normalise(doc_of(source, tags=[tags]))[0], config)

    skip = "#| eval: false\n!pip install flax"
    assert key(skip, []) == cache_key(doc_of(skip, tags=[["skip-execution"]]), config)
    assert key(skip, []) != cache_key(doc_of(skip), config)
    fails = "#| error: true\n1 / 0"
    assert key(fails, []) == cache_key(doc_of(fails, tags=[["raises-exception"]]), config)
    # nbconvert's spelling of a presentation tag is not in the key at all:
    assert key("x = 1", ["remove_input"]) == key("x = 1", [])


def test_ipynb_post_is_normalised_when_read(tmp_path: Path) -> None:
    nb = new_notebook(cells=[new_markdown_cell("Some prose."),
                             new_code_cell("#hide\nimport pandas as pd",
                                           metadata={"tags": ["remove_input"]})])
    path = tmp_path / "2024-05-02-moving.ipynb"
    nbformat.write(nb, path)
    doc, warnings = read_post_notebook(post(path))
    assert doc.notebook.cells[1].metadata["tags"] == ["remove-input", "remove-cell"]
    assert doc.notebook.cells[1].source == "#hide\nimport pandas as pd"
    assert warnings == []
