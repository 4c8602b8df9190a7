"""Tests for nbpress.csl: citations and reference lists formatted by a CSL style (citeproc-py),
from entries shaped like the .bib files ML papers export (tests/fixtures/csl/ml.bib)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import Page
from nbpress.bibliography import load_references
from nbpress.citations import citations_plugin, mark_references, place_references
from nbpress.csl import csl_item, csl_plugin, styled_references
from nbpress.cslstyle import resolve_style

BIB = Path(__file__).parent / "fixtures" / "csl" / "ml.bib"
POST = Path("posts/2024-03-19-pytorch-and-jax.md")
PASZKE_APA = ("Paszke, A., Gross, S., Massa, F., Lerer, A., & others. (2019). PyTorch: An "
              "Imperative Style, High-Performance Deep Learning Library. Advances in Neural "
              "Information Processing Systems, 32, 8024–8035.")


@pytest.fixture(scope="module")
def refs():
    return load_references([BIB], None, origin=POST)


def render(refs, style: str, markdown: str) -> tuple[str, str]:
    """(the body's HTML, the styled References section) for ``markdown`` in ``style``."""
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=POST)
    csl_plugin(md, references=refs, style=resolve_style(style, Path("."), Path("x.toml")),
               path=POST)
    env: dict = {}
    return md.render(mark_references(markdown), env), styled_references(env)


def cited(html: str) -> list[tuple[str, str, str]]:
    """Each citation link's (text, href, id)."""
    return [(a.text, a["href"], a["id"]) for a in Page(html).all("a", class_="citation")]


def entries(refs_html: str) -> list[tuple[str, str]]:
    """Each entry's (id, text without its back-links)."""
    page = Page(refs_html)
    for link in page.all("a", class_="citation-backlink"):
        link.node.drop_tree()
    return [(li["id"], li.text) for li in page.all("li")]


# --------------------------------------------------------------------------- author-year


def test_apa_in_text_citation_is_author_year_linked_to_its_entry(refs):
    html, _ = render(refs, "apa", "PyTorch [@paszke2019pytorch] is fast.")
    assert Page(html).all("p")[0].text == "PyTorch (Paszke et al., 2019) is fast."
    assert cited(html) == [("Paszke et al., 2019", "#ref-1", "cite-1-1")]
    assert Page(html).all("a", class_="citation")[0]["title"] == PASZKE_APA


def test_apa_prefix_locator_suffix_and_several_works(refs):
    html, _ = render(refs, "apa", "JAX [see @frostig2018, p. 7; @paszke2019pytorch, pp. 33-35, "
                                  "emphasis added] and [@kingma2014adam; @muller2021].")
    assert Page(html).all("p")[0].text == (
        "JAX (see Frostig et al., 2018, p. 7; Paszke et al., 2019, pp. 33–35, emphasis added) "
        "and (Kingma & Ba, 2014; Müller & Grégoire, 2021).")
    # The links cover the works, not the prefix or the suffix; ids number the sorted list.
    assert cited(html) == [("Frostig et al., 2018, p. 7", "#ref-1", "cite-1-1"),
                           ("Paszke et al., 2019, pp. 33–35", "#ref-4", "cite-4-1"),
                           ("Kingma & Ba, 2014", "#ref-2", "cite-2-1"),
                           ("Müller & Grégoire, 2021", "#ref-3", "cite-3-1")]


def test_apa_list_sorted_by_author_with_anchors_and_back_links(refs):
    html, listed = render(refs, "apa", "A [@vaswani2017attention], B [@paszke2019pytorch], "
                                       "C [@openai2023gpt4], again [@paszke2019pytorch].")
    assert entries(listed) == [
        ("ref-1", "OpenAI. (2023). GPT-4 Technical Report. https://arxiv.org/abs/2303.08774"),
        ("ref-2", PASZKE_APA),
        ("ref-3", "Vaswani, A., Shazeer, N., Parmar, N., & Uszkoreit, J. (2017). Attention Is "
                  "All You Need (arXiv:1706.03762). arXiv."),
    ]
    page = Page(listed)
    assert [a["href"] for a in page.all("a", class_="citation-backlink")] == \
        ["#cite-1-1", "#cite-2-1", "#cite-2-2", "#cite-3-1"]
    ids = [a["id"] for a in Page(html).all("a", class_="citation")]
    assert sorted(ids) == ["cite-1-1", "cite-2-1", "cite-2-2", "cite-3-1"]
    assert [a["href"] for a in page.all("a", inside="li")][0] == "https://arxiv.org/abs/2303.08774"
    assert page.all("ol")[0]["class"] == "csl-bibliography"
    assert page.all("section")[0]["id"] == "bibliography"


def test_chicago_author_date(refs):
    html, listed = render(refs, "chicago-author-date", "[@frostig2018; @kingma2014adam]")
    assert Page(html).all("p")[0].text == "(Frostig et al. 2018; Kingma and Ba 2014)"
    assert [e[0] for e in entries(listed)] == ["ref-1", "ref-2"]


# --------------------------------------------------------------------------- numbered


def test_ieee_numbers_in_order_of_first_use(refs):
    html, listed = render(refs, "ieee", "PyTorch [@paszke2019pytorch] and JAX [@frostig2018], "
                                        "again [@paszke2019pytorch, p. 3].")
    assert Page(html).all("p")[0].text == "PyTorch [1] and JAX [2], again [1, p. 3]."
    assert cited(html) == [("[1]", "#ref-1", "cite-1-1"), ("[2]", "#ref-2", "cite-2-1"),
                           ("[1, p. 3]", "#ref-1", "cite-1-2")]
    assert entries(listed) == [
        ("ref-1", "[1] A. Paszke, S. Gross, F. Massa, A. Lerer, and others, “PyTorch: An "
                  "Imperative Style, High-Performance Deep Learning Library”, in Advances in "
                  "Neural Information Processing Systems, 2019, pp. 8024–8035."),
        ("ref-2", "[2] R. Frostig, M. J. Johnson, and C. Leary, “Compiling machine learning "
                  "programs via high-level tracing”, in Proceedings of SysML, 2018. [Online]. "
                  "Available: https://mlsys.org/Conferences/doc/2018/146.pdf"),
    ]
    assert [a["href"] for a in Page(listed).all("a", class_="citation-backlink")] == \
        ["#cite-1-1", "#cite-1-2", "#cite-2-1"]


def test_nature_superscript_numbers(refs):
    html, listed = render(refs, "nature", "Adam [@kingma2014adam; @muller2021].")
    sup = Page(html).all("sup")[0]
    assert sup.text == "1,2"
    assert [a["href"] for a in Page(html).all("a", inside="sup")] == ["#ref-1", "#ref-2"]
    assert entries(listed)[1] == (
        "ref-2", "2. Müller, J. & Grégoire, F. Café Kernels: GPU & TPU Timings for k<8. Journal "
                 "of Machine Learning Research 22, 1–30 (2021).")


# --------------------------------------------------------------------------- text and places


def test_latex_special_characters_are_decoded_and_escaped(refs):
    html, listed = render(refs, "ieee", "[@muller2021]")
    assert "k&lt;8" in listed and "GPU &amp; TPU" in listed and "<8" not in listed
    assert entries(listed)[0][1].startswith("[1] J. Müller and F. Grégoire, “Café Kernels: "
                                            "GPU & TPU Timings for k<8”")
    assert 'title="J. Müller and F. Grégoire, “Café Kernels: GPU &amp; TPU Timings for k&lt;8”' \
        in html


def test_list_goes_under_the_posts_own_heading(refs):
    md = "Text [@kingma2014adam].\n\n## Sources\n\n{% bibliography %}\n\nThe end.\n"
    html, listed = render(refs, "apa", md)
    page = Page(place_references(html, listed))
    assert [h.text for h in page.all("h2")] == ["Sources"]
    assert [p.text for p in page.all("p")] == ["Text (Kingma & Ba, 2014).", "The end."]
    assert page.all("li")[0]["id"] == "ref-1"


def test_no_citation_no_list(refs):
    html, listed = render(refs, "apa", "Nothing cited, @property stays.")
    assert (Page(html).all("p")[0].text, listed) == ("Nothing cited, @property stays.", "")


def test_rendering_again_starts_afresh(refs):
    """The excerpt renders on its own, with its own env: its citations are styled too."""
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=POST)
    csl_plugin(md, references=refs, style=resolve_style("ieee", Path("."), Path("x.toml")),
               path=POST)
    md.render("[@frostig2018] [@kingma2014adam]", {})
    assert Page(md.render("[@kingma2014adam]", {})).all("p")[0].text == "[1]"


# --------------------------------------------------------------------------- CSL-JSON


def test_csl_items_from_real_shaped_bibtex(refs):
    assert csl_item(refs["vaswani2017attention"], "r") == {
        "id": "r", "type": "article", "title": "Attention Is All You Need",
        "author": [{"family": "Vaswani", "given": "Ashish"}, {"family": "Shazeer", "given": "Noam"},
                   {"family": "Parmar", "given": "Niki"},
                   {"family": "Uszkoreit", "given": "Jakob"}],
        "issued": {"date-parts": [[2017]]}, "publisher": "arXiv",
        "number": '<span class="nocase">arXiv:1706.03762</span>'}
    paszke = csl_item(refs["paszke2019pytorch"], "p")
    assert (paszke["type"], paszke["container-title"], paszke["volume"], paszke["page"]) == \
        ("paper-conference", "Advances in Neural Information Processing Systems", "32",
         "8024-8035")
    assert paszke["author"][-1] == {"literal": "others"}
    assert csl_item(refs["openai2023gpt4"], "o")["author"] == [{"literal": "OpenAI"}]
    muller = csl_item(refs["muller2021"], "m")
    assert (muller["type"], muller["issue"], muller["DOI"]) == \
        ("article-journal", "4", "10.5555/3455716.3455720")


def test_front_matter_references_reach_the_style():
    inline = [{"id": "knuth1984", "title": "Literate Programming", "type": "article-journal",
               "author": [{"family": "Knuth", "given": "Donald E."}], "year": 1984,
               "container-title": "The Computer Journal", "volume": 27, "page": "97-111"}]
    refs = load_references([], inline, origin=POST)
    html, listed = render(refs, "apa", "As [@knuth1984] wrote.")
    assert Page(html).all("p")[0].text == "As (Knuth, 1984) wrote."
    assert entries(listed) == [("ref-1", "Knuth, D. E. (1984). Literate Programming. The "
                                         "Computer Journal, 27, 97–111.")]


def test_style_without_bibliography_links_nothing(refs):
    style = BIB.parent / "title-only.csl"  # a site's own style with citations only
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=POST)
    csl_plugin(md, references=refs, style=style, path=POST)
    env: dict = {}
    page = Page(md.render("See [@kingma2014adam].", env))
    assert page.all("p")[0].text == "See «Adam: A method for stochastic optimization»."
    assert (page.all("a"), styled_references(env)) == ([], "")
