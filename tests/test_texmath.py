"""Build-time KaTeX (nbpress/texmath.py) over the math catalogue of ML-post expressions."""

from __future__ import annotations

import re

import pytest

from nbpress import texmath
from nbpress.texmath import KATEX_JS, KATEX_VERSION, render_many, render_tex

from conftest import Page
from mathcatalogue import MACROS, entries

MACRO_PAIRS = tuple(sorted(MACROS.items()))


def test_catalogue_is_large_and_varied() -> None:
    found = entries()
    assert len(found) >= 60
    names = " ".join(name for name, _, _ in found)
    for kind in ("aligned", "align", "gather", "cases", "pmatrix", "bmatrix", "vmatrix", "array",
                 "left right", "operatorname", "mathbb", "mathcal", "mathbf", "boldsymbol",
                 "text", "tag", "underbrace", "overbrace", "xrightarrow", "mathop",
                 "sum with limits", "integral with limits", "macro", "inline"):
        assert kind in names, kind


@pytest.mark.parametrize("name, tex, display", entries(), ids=[e[0] for e in entries()])
def test_every_catalogue_expression_renders(name: str, tex: str, display: bool) -> None:
    html, problem = render_tex(tex, display, MACRO_PAIRS)
    assert problem == ""
    page = Page(html)
    assert page.errors == []
    assert "katex-error" not in html  # KaTeX's red error markup never reaches a page
    assert ('<span class="katex-display">' in html) == display
    # What readers see is KaTeX's HTML: no command of the source is left in it as text.
    visible = re.sub(r'<span class="katex-mathml">.*?</math></span>', "", html, flags=re.S)
    assert not re.search(r"\\[A-Za-z]+", re.sub(r"<[^>]+>", "", visible)), name


def test_aligned_has_rows_and_no_literal_ampersand() -> None:  # the first failure
    html, _ = render_tex("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", True)
    assert "<mtable" in html and html.count("<mtr>") == 2
    assert "<mi>&amp;</mi>" not in html and "<mi>&</mi>" not in html


def test_tag_is_shown_at_the_right() -> None:
    html, _ = render_tex("x = 1 \\tag{3}", True)
    (tag,) = Page(html).all("span", class_="tag")
    assert tag.text == "(3)"


@pytest.mark.parametrize("tex, reason", [
    ("\\frac{1}{2", "KaTeX cannot parse it (Unexpected end of input in a macro argument, "
                    "expected '}' at end of input: \\frac{1}{2)"),
    ("\\foo x", "KaTeX cannot parse it (Undefined control sequence: \\foo at position 1: \\foo x)"),
    ("x^", "KaTeX cannot parse it (Expected group after '^' at position 2: x^)"),
    ("   ", "it is empty"),
])
def test_what_cannot_render_says_why(tex: str, reason: str) -> None:
    assert render_tex(tex, False) == ("", reason)


def test_runaway_macro_is_an_error_not_a_hang() -> None:
    html, problem = render_tex("\\loop", True, (("\\loop", "\\loop\\loop"),))
    assert html == "" and "Too many expansions" in problem


def test_macros_are_not_kept_between_expressions() -> None:
    # \gdef writes into KaTeX's macro table; each call gets a fresh one.
    assert render_tex("\\gdef\\zz{z} \\zz", False)[1] == ""
    assert "Undefined control sequence: \\zz" in render_tex("\\zz", False)[1]


def test_equal_expressions_render_once() -> None:
    rendered: list = []
    engine = texmath._engine()
    engine.cache.clear()
    original = engine.render
    try:  # the real engine, watched
        engine.render = lambda items, macros: rendered.extend(items) or original(items, macros)
        for _ in range(5):
            render_tex("\\sum_i x_i", True)
        render_tex("\\sum_i x_i", False)
        render_many([("\\sum_i x_i", True), ("y", False), ("y", False), ("\\bad", True)])
        render_many([("\\bad", True)])
    finally:
        engine.render = original
    # once per (TeX, display mode); failures are remembered too
    assert rendered == [["\\sum_i x_i", True], ["\\sum_i x_i", False], ["y", False],
                        ["\\bad", True]]


def test_vendored_katex_is_the_pinned_version() -> None:
    head = KATEX_JS.read_text(encoding="utf-8")
    assert f'version:"{KATEX_VERSION}"' in head.replace(" ", "")
    assert (KATEX_JS.parent / "LICENSE").read_text().startswith("The MIT License")
    css = KATEX_JS.parents[2] / "theme" / "assets" / "vendor" / "katex"
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", (css / "katex.min.css").read_text())
    assert fonts and all((css / font).is_file() for font in fonts)


def test_both_engines_write_the_same_html_and_errors() -> None:
    """QuickJS (a process's first expressions) and V8 (after, and in render workers) run
    the same KaTeX: every catalogue expression, the errors and \\gdef give the same strings."""
    items = [[tex, display] for _, tex, display in entries()]
    items += [["\\frac{1}{2", False], ["\\foo x", True], ["\\gdef\\zz{z} \\zz", False],
              ["\\text{naïve — 𝔼}", False], ["\\loop", True]]
    macros = {**MACROS, "\\loop": "\\loop\\loop"}
    assert texmath._QuickJS().render(items, macros) == texmath._V8().render(items, macros)


def _in_a_fresh_process(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.strip()


def test_a_process_starts_with_quickjs_and_moves_to_v8_after_many_expressions() -> None:
    found = _in_a_fresh_process(
        "import sys\n"
        "from nbpress import texmath\n"
        "texmath.QUICK_LIMIT = 4\n"
        "first = texmath.render_many([(f'x_{i}', False) for i in range(3)])\n"
        "print(texmath._engine().name, 'py_mini_racer' in sys.modules)\n"
        "texmath.render_many([(f'y_{i}', False) for i in range(3)])  # 6 rendered\n"
        "texmath.render_many([('z', False)])\n"
        "print(texmath._engine().name, 'py_mini_racer' in sys.modules)\n"
        "again = texmath._V8().render([[f'x_{i}', False] for i in range(3)], {})\n"
        "print(first == again)\n")
    # an edit's few expressions never start V8 (50 MB); a build with many moves to it
    assert found.splitlines() == ["quickjs False", "v8 True", "True"]


def test_render_workers_use_v8_from_the_start() -> None:
    found = _in_a_fresh_process(
        "import sys\nfrom nbpress import texmath\ntexmath.bulk()\n"
        "texmath.render_tex('x', False)\n"
        "print(texmath._engine().name, 'quickjs' in sys.modules)\n")
    assert found == "v8 False"


def test_an_expression_past_the_time_limit_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(texmath, "_TIMEOUT_S", 1e-6)
    engine = texmath._Engine()  # a fresh one, with the tiny limit
    monkeypatch.setattr(texmath, "_engine", lambda: engine)
    html, problem = render_tex("\\sum_{i=1}^n x_i^2", True)
    assert html == "" and problem.startswith("KaTeX cannot render it (JSException: "
                                             "InternalError: interrupted")
