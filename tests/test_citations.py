"""Tests for nbpress.citations: the markdown-it plugin, numbering, unknown keys,
the generated reference list and where it is placed."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from nbpress.bibliography import Reference, load_references
from nbpress.citations import (
    REFERENCES_MARKER,
    citations_plugin,
    mark_references,
    place_references,
    references_html,
)
from nbpress.errors import PostError

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
POST = Path("posts/2024-03-19-pytorch-and-jax.md")
PASZKE_TITLE = "PyTorch: An Imperative Style, High-Performance Deep Learning Library"


class Page(HTMLParser):
    """Parsed HTML: every element's attributes, each <a>'s text, and all text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.text = ""
        self._open: dict[str, str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attr = {k: v or "" for k, v in attrs}
        self.elements.append(attr)
        if tag == "a":
            self._open = dict(attr, text="")
            self.anchors.append(self._open)

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None

    def handle_data(self, data):
        self.text += data
        if self._open is not None:
            self._open["text"] += data

    @property
    def ids(self) -> Counter:
        return Counter(e["id"] for e in self.elements if "id" in e)

    @property
    def citations(self) -> list[dict[str, str]]:
        return [a for a in self.anchors if a.get("class") == "citation"]


@pytest.fixture
def refs() -> dict[str, Reference]:
    return load_references([FIXTURES / "main.bib", FIXTURES / "extra.bib"], None, origin=POST)


def make_md(references, line_offset: int = 0) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=references, path=POST, line_offset=line_offset)
    return md


# --------------------------------------------------------------------------- citation forms


def test_single_citation_exact_html(refs):
    html = make_md(refs).render("[@paszke2019]")
    assert html == (
        '<p>[<a href="#ref-1" id="cite-1-1" class="citation" '
        f'title="Paszke et al. 2019. {PASZKE_TITLE}">1</a>]</p>\n')


@pytest.mark.parametrize("source, text, cited", [
    ("A [@paszke2019].", "A [1].", [("1", "cite-1-1")]),
    ("A [@paszke2019; @frostig2018].", "A [1, 2].", [("1", "cite-1-1"), ("2", "cite-2-1")]),
    ("A [@paszke2019, p. 3].", "A [1, p. 3].", [("1", "cite-1-1")]),
    ("A [see @paszke2019, p. 3; @frostig2018].", "A [see 1, p. 3; 2].",
     [("1", "cite-1-1"), ("2", "cite-2-1")]),
    ("As @paszke2019 show.", "As [1] show.", [("1", "cite-1-1")]),
    ("[@paszke2019; @paszke2019]", "[1, 1]", [("1", "cite-1-1"), ("1", "cite-1-2")]),
    ("[-@paszke2019]", "[1]", [("1", "cite-1-1")]),
    ("A [see @paszke2019,\np. 3].", "A [see 1, p. 3].", [("1", "cite-1-1")]),
])
def test_citation_forms(refs, source, text, cited):
    page = Page(make_md(refs).render(source))
    assert page.text.strip() == text
    assert [(a["text"], a["id"]) for a in page.citations] == cited
    assert all(a["href"] == f"#ref-{a['text']}" for a in page.citations)


def test_hover_title_holds_authors_year_and_title(refs):
    page = Page(make_md(refs).render("[@frostig2018] [@doe:2020a] [@smith.j-2019]"))
    assert [a["title"] for a in page.citations] == [
        "Frostig et al. 2018. Compiling machine learning programs via high-level tracing",
        "Müller and van\xa0Beethoven 2020. Café Lattè and the GPU & TPU",
        "Smith 2019. A Website",
    ]


def test_numbering_across_paragraphs_in_one_env(refs):
    md = make_md(refs)
    env: dict = {}
    first = Page(md.render("JAX [@frostig2018].", env))
    second = Page(md.render("PyTorch [@paszke2019] and again @frostig2018.", env))
    third = Page(md.render("Once more [@paszke2019; @knuth1984].", env))
    assert [(a["text"], a["id"]) for a in first.citations] == [("1", "cite-1-1")]
    assert [(a["text"], a["id"]) for a in second.citations] == [("2", "cite-2-1"),
                                                                ("1", "cite-1-2")]
    assert [(a["text"], a["id"]) for a in third.citations] == [("2", "cite-2-2"),
                                                               ("3", "cite-3-1")]
    assert env["citations"]["order"] == ["frostig2018", "paszke2019", "knuth1984"]


def test_fresh_envs_number_identically(refs):
    md = make_md(refs)
    text = "B [@frostig2018], A @paszke2019, B again [@frostig2018, ch. 2]."
    env1: dict = {}
    env2: dict = {}
    assert md.render(text, env1) == md.render(text, env2)
    assert references_html(env1) == references_html(env2) != ""


@pytest.mark.parametrize("source, text, keys", [
    ("See @doe:2020a.", "See [1].", ["doe:2020a"]),
    ("See @smith.j-2019, then more.", "See [1], then more.", ["smith.j-2019"]),
    ("[@doe:2020a; @smith.j-2019]", "[1, 2]", ["doe:2020a", "smith.j-2019"]),
    ("(@doe:2020a)", "([1])", ["doe:2020a"]),
])
def test_keys_with_unusual_characters(refs, source, text, keys):
    env: dict = {}
    page = Page(make_md(refs).render(source, env))
    assert page.text.strip() == text
    assert env["citations"]["order"] == keys


def test_unusual_keys_from_front_matter():
    refs = load_references([], [{"id": "a_b#c$d%e&f+g?h~i/j", "title": "Odd"},
                                {"id": "x<y>z", "title": "Angles"}], origin=POST)
    page = Page(make_md(refs).render("[@a_b#c$d%e&f+g?h~i/j] and @x<y>z."))
    assert [a["text"] for a in page.citations] == ["1", "2"]


def test_email_addresses_are_not_citations(refs):
    env: dict = {}
    html = make_md(refs).render("Mail jane@paszke2019.org or a@b.com, or me@frostig2018.", env)
    assert Page(html).citations == []
    assert "jane@paszke2019.org" in html and "a@b.com" in html
    assert references_html(env) == ""


def test_url_paths_and_escapes_are_not_citations(refs):
    html = make_md(refs).render("See https://medium.com/@someone/post and \\@paszke2019.")
    assert Page(html).citations == []
    assert "@paszke2019" in html


def test_code_spans_and_fences_untouched(refs):
    source = ("Use `[@paszke2019]` or `@nokey` in code.\n\n"
              "```python\n@decorator\ndef f(): return \"[@nokey; @other]\"\n```\n\n"
              "    [@indented] @code\n")
    env: dict = {}
    html = make_md(refs).render(source, env)
    assert Page(html).citations == []
    assert "<code>[@paszke2019]</code>" in html
    assert "@decorator\ndef f(): return &quot;[@nokey; @other]&quot;\n" in html
    assert "[@indented] @code" in html
    assert references_html(env) == ""


def test_links_and_images_are_left_alone(refs):
    env: dict = {}
    html = make_md(refs).render(
        "[@paszke2019](https://x.org) [a [@frostig2018] b](https://y.org) ![@knuth1984](i.png)",
        env)
    page = Page(html)
    assert page.citations == []
    assert [a["text"] for a in page.anchors] == ["@paszke2019", "a [@frostig2018] b"]
    assert 'alt="@knuth1984"' in html
    assert references_html(env) == ""


def test_citations_in_headings_lists_and_emphasis(refs):
    page = Page(make_md(refs).render("# On @paszke2019\n\n- *see [@frostig2018]*\n"))
    assert [a["text"] for a in page.citations] == ["1", "2"]


def test_plugin_can_be_registered_again_with_other_references(refs):
    md = make_md(refs)
    other = {"zed": Reference("zed", "Zed", (), None, None, None, None)}
    citations_plugin(md, references=other, path=POST)
    names = [rule for rule in md.inline.ruler.get_all_rules() if rule == "citation"]
    assert names == ["citation"]
    assert Page(md.render("[@zed]")).citations[0]["title"] == "Zed"
    with pytest.raises(PostError):
        md.render("[@paszke2019]")


# --------------------------------------------------------------------------- unknown keys


def test_unknown_key_names_file_line_and_closest_key(refs):
    md = make_md(refs, line_offset=5)
    source = "Intro.\n\nFirst line of a paragraph\nsecond line [@paszke2091] here.\n"
    with pytest.raises(PostError) as info:
        md.render(source, {})
    error = info.value
    assert error.location.path == POST
    assert error.location.line == 4 + 5  # 1-based line 4 of the body, plus the offset
    assert "@paszke2091" in error.message and "did you mean @paszke2019" in error.message
    assert "references.bib" in error.hint and "references:" in error.hint
    assert str(error).startswith(f"{error.location}: unknown citation key @paszke2091")
    assert str(error.location).endswith(f"{POST.name}:9")


def test_unknown_bare_key_is_plain_text_but_bracketed_is_an_error(refs):
    # "@property" or "@karpathy" in prose is not a citation unless a source defines it.
    html = make_md(refs).render("> quoted\n> text by @frostig2017 and @property\n")
    assert "text by @frostig2017 and @property" in html and "citation" not in html
    with pytest.raises(PostError) as info:
        make_md(refs).render("> quoted\n> text by [@frostig2017]\n")
    assert info.value.location.line == 2
    assert "@frostig2018" in info.value.message
    assert "\\@frostig2017" in info.value.hint  # how to write it if it is not a citation


def test_unknown_key_in_a_heading_after_front_matter(refs):
    with pytest.raises(PostError) as info:
        make_md(refs, line_offset=3).render("Text.\n\n## About [@knuth1948]\n")
    assert info.value.location.line == 3 + 3
    assert "@knuth1984" in info.value.message


def test_unknown_key_with_no_references_at_all():
    with pytest.raises(PostError) as info:
        make_md({}).render("[@anything]")
    assert info.value.location == info.value.location.__class__(POST, 1)
    assert "did you mean" not in info.value.message


# --------------------------------------------------------------------------- the reference list


def test_references_html_lists_in_citation_order_with_links(refs):
    env: dict = {}
    make_md(refs).render("[@doe:2020a] then [@paszke2019] then [@knuth1984]", env)
    html = references_html(env)
    assert html.startswith('<section class="references" id="bibliography">\n'
                           '<h2>References</h2>\n<ol>\n')
    page = Page(html)
    items = [e["id"] for e in page.elements if e.get("id", "").startswith("ref-")]
    assert items == ["ref-1", "ref-2", "ref-3"]
    links = {a["text"]: a["href"] for a in page.anchors if a["text"] != "↩"}
    assert links == {"Café Lattè and the GPU & TPU": "https://doi.org/10.1000/xyz_123",
                     PASZKE_TITLE: refs["paszke2019"].url}
    assert ("Jörg Müller, Ludwig van\xa0Beethoven. Café Lattè and the GPU & TPU. "
            "Journal of Stränge Results, 2020. ↩") in page.text
    assert "Donald E. Knuth. The TeXbook. Addison-Wesley, 1984. ↩" in page.text


def test_references_html_empty_when_nothing_cited(refs):
    assert references_html({}) == ""
    env: dict = {}
    make_md(refs).render("No citations here.", env)
    assert references_html(env) == ""


def test_references_html_escapes_everything():
    refs = load_references([], [{"id": "x", "title": 'A <b> & "quoted"', "author": "<Evil>",
                                 "venue": "<i>", "url": 'https://e.org/?a=1&b="2"'}],
                           origin=POST)
    env: dict = {}
    html = make_md(refs).render("[@x]", env)
    assert Page(html).citations[0]["title"] == '<Evil>. A <b> & "quoted"'
    refs_html = references_html(env)
    assert "<b>" not in refs_html and "&lt;b&gt; &amp; &quot;quoted&quot;" in refs_html
    assert "<i>" not in refs_html and "<Evil>" not in refs_html
    assert Page(refs_html).anchors[0]["href"] == 'https://e.org/?a=1&b="2"'


def test_back_links_and_targets_all_resolve(refs):
    md = make_md(refs)
    env: dict = {}
    body = "".join(md.render(p, env) for p in (
        "[@paszke2019; @frostig2018]", "bare @paszke2019 and [see @doe:2020a, p. 2]",
        "[@frostig2018, ch. 3; @paszke2019]"))
    page = Page(place_references(body, references_html(env)))
    ids = page.ids
    assert all(count == 1 for count in ids.values()), ids  # every id unique
    back = [a for a in page.anchors if a["text"] == "↩"]
    assert len(back) == len(page.citations) == 6
    for link in back:  # every ↩ goes to exactly one citation anchor
        assert link["href"].startswith("#cite-") and ids[link["href"][1:]] == 1
    assert {a["href"][1:] for a in back} == {a["id"] for a in page.citations}
    for anchor in page.citations:  # every #ref-N has exactly one target
        assert ids[anchor["href"][1:]] == 1
    assert sorted({a["href"] for a in page.citations}) == ["#ref-1", "#ref-2", "#ref-3"]


# --------------------------------------------------------------------------- placing the list


def test_marker_is_replaced_by_the_list(refs):
    source = f"Text [@paszke2019].\n\n{REFERENCES_MARKER}\n\nAfterword.\n"
    marked = mark_references(source)
    assert marked == "Text [@paszke2019].\n\n<!--nbpress:references-->\n\nAfterword.\n"
    env: dict = {}
    html = place_references(make_md(refs).render(marked, env), references_html(env))
    assert "nbpress:references" not in html and "{%" not in html
    assert html.index("Text") < html.index('<section class="references"') < html.index(
        "Afterword")


def test_marker_right_after_a_paragraph_line(refs):
    env: dict = {}
    md = make_md(refs)
    html = md.render(mark_references(f"Text @paszke2019\n{REFERENCES_MARKER}\nMore\n"), env)
    html = place_references(html, references_html(env))
    assert html.index("Text") < html.index('id="bibliography"') < html.index("More")


@pytest.mark.parametrize("marker", ["{% bibliography --cited %}", "{%- bibliography -%}",
                                    "   {%bibliography%}  "])
def test_marker_variants(marker):
    assert mark_references(f"a\n\n{marker}\r\nb\n") == "a\n\n<!--nbpress:references-->\r\nb\n"


def test_marker_in_fenced_code_is_kept(refs):
    source = f"```\n{REFERENCES_MARKER}\n```\n\n~~~~\n```\n{REFERENCES_MARKER}\n~~~~\n"
    assert mark_references(source) == source


def test_marker_also_found_when_raw_html_is_off(refs):
    md = MarkdownIt("commonmark")
    citations_plugin(md, references=refs, path=POST)
    env: dict = {}
    html = md.render(mark_references(f"A @paszke2019\n\n{REFERENCES_MARKER}\n\nB\n"), env)
    html = place_references(html, references_html(env))
    assert "nbpress:references" not in html
    assert html.index("A [") < html.index('id="bibliography"') < html.index("<p>B</p>")


def test_list_appended_without_marker_and_marker_removed_without_list():
    assert place_references("<p>a</p>\n", "<section>refs</section>\n") == (
        "<p>a</p>\n<section>refs</section>\n")
    assert place_references("<p>a</p>\n<!--nbpress:references-->\n", "") == "<p>a</p>\n\n"
    assert place_references("<p>a</p>\n", "") == "<p>a</p>\n"


# --------------------------------------------------------------------------- robustness

KEYS = ["paszke2019", "frostig2018", "doe:2020a", "smith.j-2019", "knuth1984", "nokey"]
PIECES = st.one_of(
    st.sampled_from(["@", "[", "]", ";", ",", " ", "\n", "\n\n", "-", ".", ":", "`", "```",
                     "\\", "*", "_", "(", ")", "!", "<", ">", "#", "p. 3", "see", "a", "~",
                     "<!--", "-->", "    ", "> ", "- ", "](#x)", "[^1]", "&amp;"]),
    st.sampled_from(KEYS).map(lambda k: "@" + k),
    st.text(max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_random_text_only_ever_raises_post_error(text):
    refs = load_references([FIXTURES / "main.bib", FIXTURES / "extra.bib"], None, origin=POST)
    env: dict = {}
    try:
        html = make_md(refs).render(text, env)
    except PostError as error:
        assert error.location.path == POST
        return
    page = Page(html + references_html(env))
    for anchor in page.citations:  # whatever got cited is numbered consistently
        assert anchor["href"] == f"#ref-{anchor['text']}"
        assert page.ids[anchor["href"][1:]] == 1 and page.ids[anchor["id"]] == 1
    assert re.findall(r'id="ref-(\d+)"', references_html(env)) == [
        str(n) for n in range(1, len(env.get("citations", {}).get("order", [])) + 1)]
