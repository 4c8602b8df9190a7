"""Tests for nbpress.anchors: the lint for posts that number citations by hand."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, strategies as st
from markdown_it import MarkdownIt

from nbpress.anchors import _MAYBE_BAD, check_manual_anchors, maybe_bad
from nbpress.bibliography import load_references
from nbpress.citations import citations_plugin, mark_references, place_references, references_html

POST = Path("posts/2024-03-19-pytorch-and-jax.md")

MANUAL = (
    "Cite like this [[1](#ref-1)]. Pytorch was first introduced [[1](#ref-1)] and JAX "
    "[[2](#ref-2)].\n"
    "\n"
    "### References  \n"
    '[1] <a id="ref-1"></a> [https://proceedings.neurips.cc/paper_files/paper/2019/file/'
    "bdbca288fee7f92f2bfa9f7012727740-Paper.pdf](https://proceedings.neurips.cc/paper_files/"
    "paper/2019/file/bdbca288fee7f92f2bfa9f7012727740-Paper.pdf)  \n"
    '[2] <a id="ref-2"></a> [https://mlsys.org/Conferences/doc/2018/146.pdf]'
    "(https://mlsys.org/Conferences/doc/2018/146.pdf)  \n"
    '[3] <a id="ref-3"></a> []()  \n'
    '[4] <a id="ref-4"></a> []()  \n'
    '[5] <a id="ref-5"></a> []()  \n'
)


def manual_warnings(markdown: str, line_offset: int = 0):
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    return check_manual_anchors(html, markdown, path=POST, line_offset=line_offset)


def test_manual_anchors_warn_only_for_empty_entries():
    warnings = manual_warnings(MANUAL)
    assert [(w.path, w.line) for w in warnings] == [(POST, 6), (POST, 7), (POST, 8)]
    for number, warning in zip((3, 4, 5), warnings):
        assert f'"ref-{number}"' in warning.message and "[]()" in warning.message
    assert not any("ref-1" in w.message or "ref-2" in w.message for w in warnings)


def test_manual_anchor_without_target():
    markdown = MANUAL.replace('<a id="ref-2"></a> ', "")
    warnings = manual_warnings(markdown, line_offset=10)
    dangling = [w for w in warnings if "no target" in w.message]
    assert [(w.line, w.message.split(":")[0]) for w in dangling] == [
        (11, 'link to "#ref-2" has no target')]
    assert [w.line for w in warnings if w not in dangling] == [16, 17, 18]


def test_manual_anchors_each_occurrence_gets_its_line():
    markdown = ("<!-- [x](#ref-9) in a comment -->\n\n```\n[x](#ref-9)\n```\n\n"
                "First [[9](#ref-9)].\n\nSecond [[9](#ref-9)] and [[10](#ref-10)].\n")
    warnings = manual_warnings(markdown)
    assert [(w.line, "#ref-10" in w.message) for w in warnings] == [
        (7, False), (9, False), (9, True)]


def test_manual_anchors_clean_post_has_no_warnings():
    markdown = ('See [[1](#ref-1)].\n\n[1] <a id="ref-1"></a> [Paper](https://x.org)\n')
    assert manual_warnings(markdown) == []


def test_post_citing_with_keys_has_no_warnings():
    # The anchors nbpress writes for [@key] citations all resolve, so the lint stays quiet.
    refs = load_references([], [{"id": "knuth1984", "title": "Literate Programming",
                                 "url": "https://doi.org/10.1093/comjnl/27.2.97"}], origin=POST)
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=POST)
    markdown = mark_references("As @knuth1984 wrote [@knuth1984, p. 97].\n\n{% bibliography %}\n")
    env: dict = {}
    html = place_references(md.render(markdown, env), references_html(env))
    assert html.count('href="#ref-1"') == 2 and 'id="ref-1"' in html
    assert check_manual_anchors(html, markdown, path=POST) == []


_PIECES = ["href", "HREF", "hReF", "<a", "<A", "<a class=x", ">", "=", '"', "'", "#ref-", "#REF-",
           " ", "\n", "x", "_", "<", "<img>", "</a>", "İ", "é"]


@given(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
def test_the_quick_look_for_bad_links_finds_what_a_search_finds(html: str) -> None:
    """``maybe_bad`` tries the pattern only where an href or <a starts: the same answer as
    searching every character."""
    assert maybe_bad(html) == bool(_MAYBE_BAD.search(html))
