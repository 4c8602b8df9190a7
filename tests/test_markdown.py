"""The Markdown renderer (nbpress/markdown.py)."""

from __future__ import annotations

import pytest

from nbpress.markdown import (MATH_PROBLEMS, fenced_lines, highlight, make_markdown, math,
                              slugify_heading)

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


def test_inline_math_is_katex_html_with_mathml() -> None:
    html = render(r"Euler: $e^{i\pi}+1=0$ holds.")
    assert html.startswith('<p>Euler: <span class="math inline"><span class="katex">'
                           '<span class="katex-mathml"><math '
                           'xmlns="http://www.w3.org/1998/Math/MathML">')
    assert "<msup><mi>e</mi>" in html  # MathML for screen readers
    assert '<span class="katex-html" aria-hidden="true">' in html  # what is seen
    assert "$" not in html


def test_display_math_is_katex_display() -> None:
    html = render("$$\n\\frac{a}{b}\n$$\n")
    assert '<span class="katex-display">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<mfrac>" in html and 'class="mfrac"' in html
    assert Page(html).errors == []


def test_site_macros_are_expanded() -> None:
    md = make_markdown(macros=(("\\E", "\\mathbb{E}"), ("\\norm", "\\lVert #1 \\rVert")))
    env: dict = {}
    html = md.render(r"Risk $\E[\norm{w}]$.", env)
    assert env.get(MATH_PROBLEMS) is None
    assert '<mi mathvariant="double-struck">E</mi>' in html and "∥" in html
    _, problems = render_env(r"Risk $\E[\norm{w}]$.")  # without the macros: reported
    assert "Undefined control sequence" in problems[0][2]


def test_dollar_amounts_are_not_math() -> None:
    assert render("It costs $5 and $10 today.") == "<p>It costs $5 and $10 today.</p>\n"


def test_dollar_with_spaces_is_not_math() -> None:
    assert render("Pay $ 5 or $ 6.") == "<p>Pay $ 5 or $ 6.</p>\n"


def test_backslash_brackets_are_math_as_in_jupyter() -> None:
    # Jupyter's MathJax reads \\(…\\) and \\[…\\]; as Markdown escapes they were plain "(a+b)"
    html = render("Inline \\(a+b\\) and\n\n\\[\nE = mc^2\n\\]\n")
    page = Page(html)
    assert [e["class"] for e in page.all("span") if e.get("class", "").startswith("math")] == [
        "math inline"]
    assert len(page.all("div", **{"class": "math block"})) == 1
    assert "Inline (a+b)" not in page.plain and "[" not in page.plain  # no escapes' leftovers
    # \\[ only as a block of its own: escaped brackets in prose stay text, none of it lost
    for prose in ("\\[Update 2020-05-01\\]: this post is outdated.", "\\[1\\]: Smith, J. A paper.",
                  "- \\[x\\] a todo item"):
        html = render(prose)
        assert "katex" not in html and prose.replace("\\", "").lstrip("- ") in Page(html).plain
    html, problems = render_env("Broken \\(\\frac{\\) here.\n")
    assert "Broken \\(\\frac{\\) here." in html
    assert [source for _, source, _ in problems] == ["\\(\\frac{\\)"]


@pytest.mark.parametrize("text, warned", [
    ("We have $ x^2 $ here.", "$ x^2 $"),
    ("First line\nthen $n = 0, 1, \\ldots, $ and so on.", "$n = 0, 1, \\ldots, $"),
    ("Pay $ 5 or $ 6.", None),  # no TeX: prices
    ("It's $ 5 (= 4 EUR) or $ 6.", None),
    ("Escaped \\$ x^2 $ here.", None),
    ("Code `$ x^2 $` here.", None),
    ("Fine $x^2$.", None),
])
def test_tex_in_dollars_with_a_space_inside_is_text_with_a_warning(text: str, warned) -> None:
    html, problems = render_env(text)
    assert "katex" not in html or warned is None
    assert [source for _, source, _ in problems] == ([warned] if warned else [])
    if warned:
        line = problems[0][0]
        assert line == text.count("\n")
        assert problems[0][2].startswith(f"the math '{warned}' is shown as written: a space "
                                         "just inside a dollar makes it text here (Jupyter "
                                         "would show math); write $x^2$.")


def test_ipython_syntax_in_a_python_cell_is_not_marked_as_errors() -> None:
    # notebooks' %magic, !shell and name? lines: Python's lexer marks them as errors (red boxes)
    from pygments import highlight as plain
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    code = "!pip install numpy\n%matplotlib inline\nprint?\nx = 1\n"
    assert 'class="err"' in plain(code, PythonLexer(), HtmlFormatter())  # what it was
    html = highlight(code, "python")
    assert 'class="err"' not in html and "matplotlib" in Page(html).plain
    assert highlight("x = 1\n", "python") == plain_python("x = 1\n")


def plain_python(code: str) -> str:
    from nbpress.markdown import _lexer
    from pygments import highlight as plain
    from pygments.formatters import HtmlFormatter

    body = plain(code, _lexer("python"), HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code class="language-python">{body}</code></pre>'


def test_unconvertible_tex_is_shown_as_code() -> None:
    assert math(r"\begin{nosuchenv} x<y", True) == \
        '<code class="math display">\\begin{nosuchenv} x&lt;y</code>'
    assert math("x^", False) == '<code class="math">x^</code>'


# --- math that cannot be converted: its source text and a problem naming the line -----------

def render_env(text: str) -> tuple[str, list]:
    env: dict = {}
    html = make_markdown().render(text, env)
    return html, env.get(MATH_PROBLEMS, [])


def test_empty_display_math_in_a_paragraph_is_its_source_text() -> None:
    # The case: a "$$ $$" typed in a sentence rendered as a <div> inside a <p>.
    html, problems = render_env("The loss is\nminimised where $$ $$ [] holds.\n")
    assert html == "<p>The loss is\nminimised where $$ $$ [] holds.</p>\n"
    assert problems == [(1, "$$ $$", "the math '$$ $$' is shown as written: it is empty. Fix "
                                     "the TeX, or write \\$ for a dollar sign that is not math.")]
    assert Page(html).errors == []


def test_empty_display_math_block_is_a_paragraph_of_source() -> None:
    html, problems = render_env("Intro.\n\n$$\n\n$$\n\nAfter.\n")
    assert html == ('<p>Intro.</p>\n<p class="math-source">$$\n\n$$</p>\n<p>After.</p>\n')
    assert [(line, source) for line, source, _ in problems] == [(2, "$$\n\n$$")]


def test_unconvertible_inline_math_names_the_converter_error() -> None:
    html, problems = render_env("First line.\nBroken $x^$ math.")
    assert html == "<p>First line.\nBroken $x^$ math.</p>\n"
    ((line, source, message),) = problems
    assert (line, source) == (1, "$x^$")
    assert message == ("the math '$x^$' is shown as written: KaTeX cannot parse it (Expected "
                       "group after '^' at position 2: x^). Fix the TeX, or write \\$ for a "
                       "dollar sign that is not math.")


def test_unpaired_braces_are_reported_in_plain_words() -> None:
    html, problems = render_env("Text.\n\n$$\n\\frac{a}{b\n$$\n")
    assert '<p class="math-source">$$\n\\frac{a}{b\n$$</p>' in html
    assert "<math" not in html
    assert problems == [(2, "$$\n\\frac{a}{b\n$$",
                         "the math '$$ \\frac{a}{b $$' is shown as written: its braces { } do "
                         "not pair up. Fix the TeX, or write \\$ for a dollar sign that is "
                         "not math.")]


def test_labelled_equation_source_keeps_its_label() -> None:
    html, problems = render_env("$$ \\sqrt{ $$ (eq1)\n")
    assert html == '<p class="math-source">$$ \\sqrt{ $$ (eq1)</p>\n'
    assert len(problems) == 1


def test_escaped_braces_and_good_math_are_not_problems() -> None:
    html, problems = render_env(r"Sets $\{x \mid x > 0\}$ and $$\frac{1}{2}$$ inline.")
    assert problems == []
    assert html.count("<math ") == 2


def test_display_math_inside_a_paragraph_is_a_span() -> None:
    html = render("so $$x^2$$ holds")
    assert html.startswith('<p>so <span class="math display"><span class="katex-display">')
    page = Page(html)
    assert page.errors == []
    ancestors = page.all("math")[0].ancestors
    assert ancestors[:5] == ["span", "span", "span", "span", "p"]  # no <div> inside the <p>


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


def test_bare_amsmath_environment_is_math_as_in_jupyter() -> None:
    # Jupyter renders \begin{align}…\end{align} written without $$: so does nbpress.
    html, problems = render_env("Adam's moments:\n\n\\begin{align}\nm_t &= \\beta_1 m_{t-1} "
                                "\\\\\nv_t &= \\beta_2 v_{t-1}\n\\end{align}\n\nAfter.\n")
    assert problems == []
    page = Page(html)
    assert page.errors == [] and page.all("div", class_="amsmath")
    assert '<span class="katex-display">' in html and "\\begin{align}" not in \
        html.replace('encoding="application/x-tex">\\begin{align}', "")
    assert html.endswith("<p>After.</p>\n")


def test_bare_amsmath_that_cannot_render_is_its_source() -> None:
    html, problems = render_env("Text.\n\n\\begin{equation}\n\\foo\n\\end{equation}\n")
    assert '<p class="math-source">\\begin{equation}\n\\foo\n\\end{equation}</p>' in html
    assert [(line, source) for line, source, _ in problems] == \
        [(2, "\\begin{equation}\n\\foo\n\\end{equation}")]


def test_the_plain_renderer_is_made_once_and_keeps_nothing_between_renders() -> None:
    """Cells' Markdown outputs and front-matter excerpts share one renderer per set of
    macros; a footnote, a math mistake or a heading id of one text never shows in the
    next, which renders as a fresh renderer renders it."""
    from nbpress.markdown import MATH_PROBLEMS, make_markdown, plain_markdown

    md = plain_markdown((("\\R", "\\mathbb{R}"),))
    assert plain_markdown((("\\R", "\\mathbb{R}"),)) is md and plain_markdown() is not md
    first_env: dict = {}
    first = md.render("# Setup\n\nA claim.[^1] $\\R$ and $\\frac{1$\n\n[^1]: A source.\n",
                      first_env)
    assert "footnote" in first and first_env[MATH_PROBLEMS]
    second_env: dict = {}
    text = "# Setup\n\nNo notes here, only $x \\in \\R$.\n"
    second = md.render(text, second_env)
    assert second == make_markdown(macros=(("\\R", "\\mathbb{R}"),)).render(text)
    assert "footnote" not in second and MATH_PROBLEMS not in second_env
    assert second.count('id="setup"') == 1
