"""Tests for nbpress.bibliography: .bib files and front matter `references:` items."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.bibliography import Reference, load_references
from nbpress.errors import PostError

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
POST = Path("posts/2024-03-19-pytorch-and-jax.md")
PASZKE_TITLE = "PyTorch: An Imperative Style, High-Performance Deep Learning Library"


@pytest.fixture
def refs() -> dict[str, Reference]:
    return load_references([FIXTURES / "main.bib", FIXTURES / "extra.bib"], None, origin=POST)


def test_two_bib_files_later_overrides_earlier(refs):
    assert set(refs) == {"paszke2019", "frostig2018", "doe:2020a", "smith.j-2019", "knuth1984"}
    assert refs["smith.j-2019"].title == "A Website"  # extra.bib replaced main.bib's entry
    assert refs["smith.j-2019"].url == "https://example.org/smith_2019"  # from \url{...}
    assert refs["knuth1984"] == Reference(
        key="knuth1984", title="The TeXbook", authors=("Donald E. Knuth",), year="1984",
        venue="Addison-Wesley", url=None, doi=None)


def test_bib_fields_are_plain_text(refs):
    paszke = refs["paszke2019"]
    assert paszke.title == PASZKE_TITLE  # {PyTorch} braces gone
    assert paszke.authors == ("Adam Paszke", "Sam Gross", "Francisco Massa")
    assert paszke.year == "2019"
    assert paszke.venue == "Advances in Neural Information Processing Systems"
    doe = refs["doe:2020a"]
    assert doe.title == "Café Lattè and the GPU & TPU"
    assert doe.authors == ("Jörg Müller", "Ludwig van\xa0Beethoven")
    assert doe.venue == "Journal of Stränge Results"
    assert doe.doi == "10.1000/xyz_123"
    assert refs["frostig2018"].authors == ("Roy Frostig", "Matthew James Johnson", "Chris Leary")


def test_inline_references_all_author_forms_and_override(refs):
    inline = [
        {"id": "paszke2019", "title": "Overridden", "author": "Paszke, Adam and Sam Gross",
         "year": 2019},
        {"id": "csl", "title": "CSL item", "author": [{"family": "Doe", "given": "Jane"},
                                                     {"family": "van Rossum", "given": "Guido"}],
         "issued": {"date-parts": [[2018, 5]]}, "container-title": "Proc.", "DOI": "10.1/x"},
        {"id": "plain", "title": "Plain", "author": ["John Smith", "Doe, J."],
         "issued": "2021-03-04", "venue": "Blog", "url": "https://example.org"},
        {"id": "2020", "title": 1984},
    ]
    loaded = load_references([FIXTURES / "main.bib"], inline, origin=POST)
    assert loaded["paszke2019"].title == "Overridden"
    assert loaded["paszke2019"].authors == ("Adam Paszke", "Sam Gross")
    assert loaded["csl"] == Reference("csl", "CSL item", ("Jane Doe", "Guido van\xa0Rossum"),
                                      "2018", "Proc.", None, "10.1/x")
    assert loaded["plain"] == Reference("plain", "Plain", ("John Smith", "J. Doe"), "2021",
                                        "Blog", "https://example.org", None)
    assert loaded["2020"].title == "1984"
    assert loaded["frostig2018"].title.startswith("Compiling")


def test_no_inline_references():
    assert load_references([], None, origin=POST) == {}
    assert load_references([], [], origin=POST) == {}


@pytest.mark.parametrize("inline, complaint", [
    ({"id": "x"}, "must be a list"),
    (["just a string"], "item 1: expected a mapping"),
    ([{"id": "ok", "title": "t"}, {"title": "no id"}], "item 2: `id` must be a citation key"),
    ([{"id": "has space"}], "`id` must be a citation key"),
    ([{"id": "a", "author": 5}], "`author` must be a name or a list"),
    ([{"id": "a", "author": [{"given": "Only"}]}], "{family, given}"),
    ([{"id": "a", "year": "someday"}], "the year must be a year"),
    ([{"id": "a", "title": ["list"]}], "`title` must be text"),
])
def test_bad_inline_item_names_the_post(inline, complaint):
    with pytest.raises(PostError) as info:
        load_references([], inline, origin=POST)
    assert info.value.location.path == POST
    assert complaint in info.value.message


def test_malformed_bib_names_file_and_line():
    with pytest.raises(PostError) as info:
        load_references([FIXTURES / "main.bib", FIXTURES / "malformed.bib"], None, origin=POST)
    assert info.value.location.path == FIXTURES / "malformed.bib"
    assert info.value.location.line == 9  # the line after the missing comma, as pybtex says
    assert str(info.value).startswith(f"{info.value.location}: bad BibTeX")
    assert str(info.value.location).endswith("malformed.bib:9")


def test_duplicate_bib_entry_names_its_line():
    with pytest.raises(PostError) as info:
        load_references([FIXTURES / "duplicate.bib"], None, origin=POST)
    assert (info.value.location.path, info.value.location.line) == (
        FIXTURES / "duplicate.bib", 5)
    assert "twice" in info.value.message


def test_missing_bib_file():
    with pytest.raises(PostError) as info:
        load_references([FIXTURES / "nope.bib"], None, origin=POST)
    assert info.value.location.path == FIXTURES / "nope.bib"
