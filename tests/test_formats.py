"""Which kind of notebook a post file is (nbpress/formats.py), checked against jupytext."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
import yaml

from nbpress.errors import PostError
from nbpress.formats import (detect_format, is_notebook_script, page_front_matter,
                             uncomment_header)

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


@pytest.mark.parametrize("name, expected", [
    ("2024-05-04-darts.md", "myst"),
    ("2024-05-11-fibonacci.py", "percent"),
    ("2024-06-01-light.py", "light"),
    ("2024-05-18-spread.Rmd", "rmarkdown"),
    ("2024-05-25-regions.md", "markdown"),
    ("2024-06-08-raw-cells.ipynb", "ipynb"),
])
def test_fixtures_are_detected_as_jupytext_detects_them(name: str, expected: str) -> None:
    path = FIXTURES / name
    assert detect_format(path, path.read_text()) == expected
    if expected not in ("ipynb", "markdown"):  # jupytext's own reading names the same format
        nb = jupytext.read(path)
        assert nb.metadata["jupytext"]["text_representation"]["format_name"] == expected


def test_myst_without_header_is_found_by_its_directives() -> None:
    text = "# Title\n\n```{code-cell} ipython3\nprint(1)\n```\n"
    assert detect_format(Path("post.md"), text) == "myst"


def test_code_cell_shown_inside_a_longer_fence_is_not_myst() -> None:
    # A post that shows MyST syntax as an example is plain Markdown, for jupytext too.
    text = "How to write it:\n\n````markdown\n```{code-cell} ipython3\nx = 1\n```\n````\n"
    assert detect_format(Path("post.md"), text) == "markdown"


def test_header_format_name_wins_over_the_content() -> None:
    text = ("---\njupyter:\n  jupytext:\n    text_representation:\n      extension: .md\n"
            "      format_name: markdown\n---\n\n```{code-cell} ipython3\nx = 1\n```\n")
    assert detect_format(Path("post.md"), text) == "markdown"


def test_pandoc_divs_stay_plain_markdown() -> None:
    # jupytext would pick its pandoc format (which needs the pandoc program) for ':::' lines.
    text = "---\ntitle: T\n---\n\n::: note\nA note.\n:::\n"
    assert jupytext.formats.guess_format(text, ".md")[0] == "pandoc"
    assert detect_format(Path("post.md"), text) == "markdown"


def test_a_format_nbpress_does_not_read_is_an_error() -> None:
    text = ("---\njupyter:\n  jupytext:\n    text_representation:\n      extension: .md\n"
            "      format_name: pandoc\n---\n\nText.\n")
    with pytest.raises(PostError) as info:
        detect_format(Path("posts/p.md"), text)
    assert str(info.value) == (
        "posts/p.md:1: this file is in jupytext's 'pandoc' format, which nbpress does not read. "
        "Convert it with 'jupytext --to md:myst' (or to .ipynb) and build that instead.")


def test_percent_markers_make_a_script_a_notebook() -> None:
    assert is_notebook_script("# %%\nimport math\n\n# %% [markdown]\n# Text\n")
    assert is_notebook_script("# %% Loading the data\ndata = [1, 2]\n")


def test_a_header_makes_a_script_a_notebook() -> None:
    assert is_notebook_script("# ---\n# title: A light post\n# ---\n\nx = 1\n")
    assert is_notebook_script((FIXTURES / "2024-06-01-light.py").read_text())


@pytest.mark.parametrize("text", [
    (FIXTURES / "fibhelp.py").read_text(),
    "import os\n\n\ndef here():\n    return os.getcwd()\n",
    '"""Docs mention # %% markers:\n# %%\n"""\nX = 1\n',  # inside a string: jupytext ignores it
    "# -------\n# A banner comment, not a header\n# -------\nX = 1\n",
    "# ---\n# Helpers for the posts: loading data, plotting\n# ---\nX = 1\n",
    "X = 1  # %% not at the start of a line\n",
])
def test_helper_modules_are_not_notebooks(text: str) -> None:
    assert not is_notebook_script(text)


def test_uncommented_header_keeps_lines_and_reads_like_jupytext() -> None:
    text = (FIXTURES / "2024-05-11-fibonacci.py").read_text()
    plain = uncomment_header(text)
    assert len(plain.split("\n")) == len(text.split("\n"))
    assert plain.split("\n")[13] == "title: Fibonacci numbers, three ways"
    assert plain.split("\n")[17:] == text.split("\n")[17:]  # the body is unchanged
    assert plain.split("\n")[16] == "---" and text.split("\n")[16] == "# ---"
    header = yaml.safe_load(plain.split("---\n")[1])
    nb = jupytext.read(FIXTURES / "2024-05-11-fibonacci.py")
    assert header["jupyter"]["kernelspec"] == nb.metadata["kernelspec"]
    assert nb.cells[0].source == ("---\ntitle: Fibonacci numbers, three ways\ndate: 2024-05-11\n"
                                  "tags: [python, recursion]\n---")


def test_shebang_and_encoding_lines_come_before_the_header() -> None:
    text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# ---\n# title: T\n# ---\nx = 1\n"
    assert uncomment_header(text) == "\n\n---\ntitle: T\n---\nx = 1\n"
    assert is_notebook_script(text)


def test_scripts_without_header_are_unchanged() -> None:
    text = "# %%\n# ---\nx = 1\n"
    assert uncomment_header(text) == text


def test_page_front_matter_drops_notebook_metadata_and_names_authors() -> None:
    header = {"title": "T", "jupyter": {"kernelspec": {}}, "jupytext": {}, "kernelspec": {},
              "authors": [{"name": "Ada Example"}, "Alan Example"]}
    assert page_front_matter(header) == {"title": "T", "authors": header["authors"],
                                         "author": "Ada Example, Alan Example"}
    assert page_front_matter({"author": "Me", "authors": ["You"]})["author"] == "Me"
    assert "author" not in page_front_matter({"authors": [{"affiliation": "x"}]})
