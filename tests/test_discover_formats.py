"""Which files in posts/ are posts, and where their front matter is, for every format
(nbpress/discover.py's post_files and read_post, with nbpress/formats.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from nbpress.config import load_config
from nbpress.discover import discover, post_files
from nbpress.errors import PostError

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
PERCENT = "# ---\n# title: Percent\n# date: 2024-01-02\n# ---\n\n# %%\nx = 1\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / "posts" / name).write_text(text, encoding="utf-8")


def names(root: Path) -> list[str]:
    return [p.name for p in post_files(root / "posts")]


def posts_of(root: Path) -> list:
    posts, errors = discover(load_config(root))
    assert errors == []
    return posts


def error(root: Path) -> str:
    """The one error discover reports."""
    _, errors = discover(load_config(root))
    assert len(errors) == 1 and isinstance(errors[0], PostError)
    return str(errors[0])


def test_every_fixture_format_is_a_post_and_helpers_are_not(root: Path) -> None:
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, root / "posts" / fixture.name)
    write(root, {"__init__.py": "", "_private.md": "---\ntitle: x\n---\n", "notes.txt": "x"})
    assert names(root) == sorted(p.name for p in FIXTURES.iterdir() if p.name != "fibhelp.py")
    assert [p.title for p in posts_of(root)] == [
        "A notebook of raw cells", "Word counts in a light script", "Regions, as jupytext "
        "writes them", "Spread of a small sample", "Fibonacci numbers, three ways",
        "Estimating π by throwing darts"]


def test_percent_script_without_header_is_a_post(root: Path) -> None:
    write(root, {"2024-01-02-cells.py": "# %% [markdown]\n# Text\n\n# %%\nx = 1\n"})
    assert names(root) == ["2024-01-02-cells.py"]
    # A post still needs a title: the error says so, for the script.
    assert error(root) == ("posts/2024-01-02-cells.py:1: the post has no title. Add "
                           "'title: Your title' to the front matter, or start the post with a "
                           "'# Title' heading.")


@pytest.mark.parametrize("text", ["# %% [markdown]\n# Text\n", "# ---\n# title: x\n# ---\n"])
def test_scripts_elsewhere_or_hidden_are_not_posts(root: Path, text: str) -> None:
    write(root, {"_draft.py": text, ".hidden.py": text})
    assert names(root) == []


@pytest.mark.parametrize("text", ["# %%\nx = 1\n", PERCENT,
                                  "---\ntitle: Md\ndate: 2024-01-02\n---\n",
                                  "---\ntitle: Rmd\ndate: 2024-01-02\n---\n"])
def test_text_file_paired_with_a_notebook_holds_the_input(root: Path, text: str) -> None:
    suffix = ".py" if text.startswith("#") else (".Rmd" if "Rmd" in text else ".md")
    write(root, {f"2024-01-02-pair{suffix}": text})
    nbformat.write(nbformat.v4.new_notebook(), root / "posts" / "2024-01-02-pair.ipynb")
    assert names(root) == [f"2024-01-02-pair{suffix}"]


def test_markdown_wins_over_a_paired_script(root: Path) -> None:
    write(root, {"2024-01-02-pair.md": "---\ntitle: Md\n---\n", "2024-01-02-pair.py": PERCENT})
    assert names(root) == ["2024-01-02-pair.md"]


def test_helper_module_beside_a_notebook_of_its_name(root: Path) -> None:
    write(root, {"2024-01-02-tools.py": "def f():\n    return 1\n"})
    nbformat.write(nbformat.v4.new_notebook(), root / "posts" / "2024-01-02-tools.ipynb")
    assert names(root) == ["2024-01-02-tools.ipynb"]


def test_script_front_matter_lines_are_the_file_s(root: Path) -> None:
    write(root, {"p.py": "# ---\n# jupyter:\n#   kernelspec:\n#     name: python3\n"
                         "# title: T\n# date: 2024-02-30\n# ---\n\n# %%\nx = 1\n"})
    assert error(root) == ("posts/p.py:6: the front matter has a value YAML cannot turn into "
                           "data ('date: 2024-02-30': day is out of range for month). Check "
                           "dates (a real YYYY-MM-DD) and '!!' tags; quote a value to keep it "
                           "as text.")


def test_script_front_matter_leaves_out_jupytext_metadata(root: Path) -> None:
    write(root, {"2024-01-02-p.py": (FIXTURES / "2024-05-11-fibonacci.py").read_text()})
    (post,) = posts_of(root)
    assert dict(post.front_matter) == {"title": "Fibonacci numbers, three ways",
                                       "date": post.date.date(), "tags": ["python", "recursion"]}
    assert post.line_of("title") == 14 and post.body_line == 18


def test_myst_top_level_metadata_is_not_front_matter(root: Path) -> None:
    shutil.copy(FIXTURES / "2024-05-04-darts.md", root / "posts")
    (post,) = posts_of(root)
    assert set(post.front_matter) == {"title", "date", "tags", "authors", "author"}
