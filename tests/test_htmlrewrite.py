"""Small, exact edits to rendered HTML (nbpress/htmlrewrite.py)."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings, strategies as st

from nbpress import htmlrewrite
from nbpress.htmlrewrite import (Heading, Outline, headings, images, min_heading_level, outline,
                                 plain_text, resolve_url, rewrite)


def test_rewrite_changes_only_what_it_must() -> None:
    html = ('<h1 id="a">T <a class="header-anchor" href="#a">#</a></h1>\n<pre><code>&lt;h1&gt;'
            ' src="/x"</code></pre><!-- <img src="/c.png"> --><IMG SRC="f.png" ALT=\'q "x"\'>'
            '<svg viewBox="0 0 1 1"><image href="/s.png"/></svg><h2>Two</h2>')
    out = rewrite(html, url=lambda u: resolve_url(u, "https://e.org/b/p/post.html",
                                                  "https://e.org"), heading_shift=1)
    assert out == ('<h2 id="a">T <a class="header-anchor" href="https://e.org/b/p/post.html#a">#'
                   '</a></h2>\n<pre><code>&lt;h1&gt; src="/x"</code></pre><!-- <img src="/c.png"> -->'
                   '<img src="https://e.org/b/p/f.png" alt="q &quot;x&quot;">'
                   '<svg viewBox="0 0 1 1"><image href="https://e.org/s.png" /></svg><h3>Two</h3>')
    assert rewrite(html) == html


def test_rewrite_srcset_and_the_deepest_heading() -> None:
    html = '<img srcset="a.png 1x, b.png 2x" src="a.png"><h6>Six</h6><h5>Five</h5>'
    out = rewrite(html, url=lambda u: "/blog/" + u, heading_shift=2)
    assert out == ('<img srcset="/blog/a.png 1x, /blog/b.png 2x" src="/blog/a.png">'
                   '<h6>Six</h6><h6>Five</h6>')  # no h7 or h8


def test_resolve_url() -> None:
    assert resolve_url("mailto:a@b.c", "/p.html", "https://e.org") == "mailto:a@b.c"
    assert resolve_url("data:image/png;base64,xx", "/p.html") == "data:image/png;base64,xx"
    assert resolve_url("//cdn.example/x", "/p.html", "https://e.org") == "//cdn.example/x"
    assert resolve_url("../img/a.png", "/b/2024/p.html") == "/b/img/a.png"
    assert resolve_url("/b/x.png", "/b/p.html", "https://e.org") == "https://e.org/b/x.png"
    assert resolve_url("#part", "https://e.org/b/p.html") == "https://e.org/b/p.html#part"
    assert resolve_url("  ", "/p.html") == ""


def test_headings_and_plain_text() -> None:
    html = ('<h2 id="x">A <code>b</code> <a class="header-anchor" href="#x">#</a></h2><h3>no id</h3>'
            '<p>Some <em>text</em><script>var s = 1;</script></p>')
    assert headings(html) == [Heading(2, "x", "A b")]
    assert plain_text(html) == "A b no idSome text"
    assert plain_text("<style>p { color: red }</style><p>Only   this\n text</p>") == \
        "Only this text"


def test_images_and_the_smallest_heading_level() -> None:
    html = ('<p><img src="a.png" alt="A"> <IMG SRC="b.svg" width=10 hidden></p>'
            '<h3 id="c">C</h3><H2>B</H2>')
    assert images(html) == [{"src": "a.png", "alt": "A"},
                            {"src": "b.svg", "width": "10", "hidden": ""}]
    assert min_heading_level(html) == 2
    assert min_heading_level("<p>No headings</p>") is None


# --- plain HTML read without html.parser: the same outline ------------------------------

def parsed(text: str) -> Outline:
    """The outline html.parser gives (the plain reading switched off)."""
    with mock.patch.object(htmlrewrite, "_plain_html", lambda text: False):
        return outline(text)


_PIECES = [
    "text", " two  words ", "\n", "&amp;", "&lt;b&gt;", "&#39;", "&nbsp;", "&notanentity;", "&",
    ">", "é", "<", "<p>", "</p>", "<P CLASS=\"x\">", "</P>", "<h2 id=\"intro\">", "<h2>",
    "</h2>", "</h2 >", "<H3 ID=\"a&amp;b\">", "</h3>", "<h1 id=\"t\" class=\"x\">", "</h1>",
    '<a class="header-anchor" href="#intro">', "<a href='x'>", "<a href=x>", "</a>",
    '<img src="a.png" alt="A &quot;cat&quot;">', '<img src="b.png" alt="" />', "<img src>",
    "<br/>", "<br>", '<span class="n">', "</span>", "<script>", "</script>", "<style>",
    "</style>", "<!-- note -->", "<my-element>", '<svg:rect x="1">', '<math display="block">',
    "<mi>x</mi>", "</math>", '<input disabled data-x = "1">', "<table>", "</table>", "<pre>",
    "</pre>", "<textarea>", "</textarea>", '<a title="a > b">',
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_plain_html_read_without_the_parser_gives_the_parsers_outline(text: str) -> None:
    assert outline(text) == parsed(text)


def test_a_rendered_post_is_read_without_the_parser() -> None:
    """What the Markdown renderer makes (highlighted code, math, a table, footnotes, images,
    permalinks) is plain: the quick reading is taken, and gives the parser's outline."""
    from nbpress.markdown import make_markdown

    body = make_markdown().render(
        "# Title\n\nSome *text* & more, see [^1] and ![A cat](cat.png \"Cat\").\n\n"
        "## Results {#results}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$x^2 < y$$\n\n"
        "```python\nfor i in range(3):\n    print(f\"{i} < 3\")\n```\n\n[^1]: A note.\n")
    assert htmlrewrite._plain_html(body)
    found = outline(body)
    assert found == parsed(body)
    assert found.images == ({"src": "cat.png", "alt": "A cat", "title": "Cat"},)
    assert "print" in found.text and "<" in found.text
