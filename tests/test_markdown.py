"""The Markdown renderer (nbpress/markdown.py)."""

from __future__ import annotations

import pytest

from nbpress.markdown import fenced_lines, highlight, make_markdown, math, slugify_heading

from conftest import Page


def render(text: str) -> str:
    return make_markdown().render(text)


def test_table() -> None:
    assert render("| a | b |\n|---|--:|\n| 1 | 2 |\n") == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align:right\">b</th>\n</tr>\n"
        "</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td style=\"text-align:right\">2</td>\n</tr>\n"
        "</tbody>\n</table>\n")


def test_strikethrough() -> None:
    assert render("~~old~~ new") == "<p><s>old</s> new</p>\n"


def test_footnotes() -> None:
    html = render("Text[^note].\n\n[^note]: The note.\n")
    assert html.startswith('<p>Text<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a>'
                           "</sup>.</p>\n")
    assert '<li id="fn1" class="footnote-item"><p>The note. <a href="#fnref1" ' \
           'class="footnote-backref">' in html
    assert Page(html).errors == []


def test_heading_ids() -> None:
    html = render("# Hello, World!\n\n## Sub Section 2\n")
    page = Page(html)
    ids = [h["id"] for h in page.all("h1") + page.all("h2")]
    assert ids == ["hello-world", "sub-section-2"]
    assert '<a class="header-anchor" href="#hello-world">#</a>' in html


def test_duplicate_headings_get_distinct_ids() -> None:
    html = render("## Setup\n\n## Setup\n")
    ids = [h["id"] for h in Page(html).all("h2")]
    assert len(set(ids)) == 2 and ids[0] == "setup"


@pytest.mark.parametrize("text, slug", [("Hello, World!", "hello-world"),
                                        ("PyTorch & JAX", "pytorch--jax"),
                                        ("!!!", "section")])
def test_slugify_heading(text: str, slug: str) -> None:
    assert slugify_heading(text) == slug


def test_inline_math_to_mathml() -> None:
    html = render(r"Euler: $e^{i\pi}+1=0$ holds.")
    assert html.startswith('<p>Euler: <span class="math inline"><math '
                           'xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "<msup><mi>e</mi>" in html
    assert "$" not in html


def test_display_math_to_mathml() -> None:
    html = render("$$\n\\frac{a}{b}\n$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<mfrac>" in html
    assert Page(html).errors == []


def test_dollar_amounts_are_not_math() -> None:
    assert render("It costs $5 and $10 today.") == "<p>It costs $5 and $10 today.</p>\n"


def test_dollar_with_spaces_is_not_math() -> None:
    assert render("Pay $ 5 or $ 6.") == "<p>Pay $ 5 or $ 6.</p>\n"


def test_unconvertible_tex_is_shown_as_code() -> None:
    assert math(r"\begin{nosuchenv} x<y", True) == \
        '<code class="math display">\\begin{nosuchenv} x&lt;y</code>'
    assert math("x^", False) == '<code class="math">x^</code>'
    assert render("Broken $x^$ math.") == '<p>Broken <span class="math inline"><code ' \
        'class="math">x^</code></span> math.</p>\n'


def test_bash_is_highlighted() -> None:
    html = render("```bash\nls -la | grep x\n```\n")
    assert html == ('<pre class="highlight"><code class="language-bash">ls<span class="w"> </span>'
                    '-la<span class="w"> </span><span class="p">|</span><span class="w"> </span>'
                    'grep<span class="w"> </span>x\n</code></pre>\n')


def test_unknown_language_is_escaped_not_highlighted() -> None:
    assert render("```nosuchlang\n<a> & b\n```\n") == (
        '<pre class="highlight"><code class="language-nosuchlang">&lt;a&gt; &amp; b\n'
        "</code></pre>\n")


def test_code_without_language() -> None:
    assert render("```\n<x>\n```\n") == '<pre class="highlight"><code>&lt;x&gt;\n</code></pre>\n'


def test_highlight_python() -> None:
    assert highlight("import os\n", "python") == (
        '<pre class="highlight"><code class="language-python"><span class="kn">import</span>'
        '<span class="w"> </span><span class="nn">os</span>\n</code></pre>')


def test_raw_html_is_kept() -> None:
    html = render('<figure>\n<img src="/a.png">\n<figcaption>Cap</figcaption>\n</figure>\n')
    assert html == '<figure>\n<img src="/a.png">\n<figcaption>Cap</figcaption>\n</figure>\n'


def test_plugins_are_applied() -> None:
    seen = []
    make_markdown(lambda md: seen.append(md))
    assert len(seen) == 1


def test_fenced_lines_follow_commonmark_fences() -> None:
    lines = ["Text", "```python", "x = 1", "~~~", "````", "", "~~~~ {.note}", "```", "~~~",
             "~~~~", "``` `not a fence`", "   ```", "more", "```` ", "after"]
    assert fenced_lines(lines) == [False, True, True, True, True, False, True, True, True,
                                   True, False, True, True, True, False]


def test_fenced_lines_unclosed_fence_runs_to_the_end() -> None:
    assert fenced_lines(["a", "~~~", "b", "```", "c"]) == [False, True, True, True, True]
