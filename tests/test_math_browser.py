"""The math catalogue as a built post, in headless Chromium with every request outside the
site blocked: each expression is KaTeX's HTML with a non-zero box, in KaTeX's fonts from
the theme, with no TeX source or error markup visible.  Screenshots: test-artifacts/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mathcatalogue import MACROS, entries
from served import ARTIFACTS, chromium, open_offline, serve

pytestmark = pytest.mark.browser
URL = "/blog/2024/03/01/math-catalogue.html"


def catalogue_post() -> str:
    """The catalogue as a post: a numbered sentence per entry, then its math."""
    parts = ["---\ntitle: Math catalogue\ndate: 2024-03-01\n---\n"]
    for n, (name, tex, display) in enumerate(entries(), 1):
        if display:
            parts.append(f"Entry {n}, {name}:\n\n$$\n{tex}\n$$\n")
        else:
            parts.append(f"Entry {n}, {name}, inline: ${tex}$ in a sentence.\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def math_site(tmp_path_factory, fake_executor) -> tuple[Path, str]:
    """A site whose one post is the catalogue, built under baseurl /blog; (_site, build log)."""
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = tmp_path_factory.mktemp("math-site")
    macros = "".join(f"'{name}' = '{body}'\n" for name, body in MACROS.items())
    (root / "pyproject.toml").write_text(
        f'[tool.nbpress]\ntitle = "Maths"\nbaseurl = "/blog"\n\n[tool.nbpress.math_macros]\n'
        f"{macros}", encoding="utf-8")
    (root / "posts").mkdir()
    (root / "posts" / "2024-03-01-math-catalogue.md").write_text(catalogue_post(), "utf-8")
    log = io.StringIO()
    build(load_config(root), executor=fake_executor, log=log)
    return root / "_site", log.getvalue()


@pytest.fixture(scope="module")
def site_server(math_site):
    with serve(math_site[0]) as url:
        yield url


@pytest.fixture(scope="module")
def page(site_server):
    with chromium() as browser:
        failed: list[str] = []
        _, tab, _, outside = open_offline(browser, site_server, URL, failed,
                                          viewport={"width": 1000, "height": 900})
        tab.evaluate("document.fonts.ready")
        yield tab, outside, failed


def test_build_reports_no_math_problem(math_site) -> None:
    assert "shown as written" not in math_site[1]


def test_every_expression_has_a_box_and_no_source_or_error_shows(page) -> None:
    tab, outside, failed = page
    boxes = tab.evaluate("""() => [...document.querySelectorAll('.post-content .katex')]
        .map(e => { const r = e.querySelector('.katex-html').getBoundingClientRect();
                    return [r.width, r.height]; })""")
    assert len(boxes) == len(entries()) >= 60
    assert all(width > 0 and height > 0 for width, height in boxes), boxes
    visible = tab.evaluate("""() => { const copy = document.querySelector('.post-content')
        .cloneNode(true); copy.querySelectorAll('.katex-mathml').forEach(e => e.remove());
        return copy.innerText; }""")
    assert "Entry 1, softmax" in visible and f"Entry {len(entries())}," in visible
    assert "\\" not in visible and "$" not in visible  # no TeX command or delimiter shows
    for error in (".katex-error", ".math-source", "code.math"):
        assert tab.locator(error).count() == 0, error
    assert outside == [] and failed == []


def test_katex_fonts_come_from_the_theme(page) -> None:
    tab, _, failed = page
    assert tab.evaluate("document.fonts.check('16px KaTeX_Main')")
    loaded = tab.evaluate("""() => [...document.fonts].filter(f => f.status === 'loaded')
        .map(f => f.family)""")
    assert {"KaTeX_Main", "KaTeX_Math"} <= {name.strip('"') for name in loaded}
    assert failed == []


def test_display_math_has_room_below(page) -> None:
    tab, _, _ = page
    gap = tab.evaluate("""() => { const d = document.querySelector('.katex-display');
        return parseFloat(getComputedStyle(d).marginBottom); }""")
    assert gap >= 8


def test_equation_numbers_are_not_styled_as_post_tags(page) -> None:
    tab, _, _ = page
    numbers = tab.evaluate("""() => [...document.querySelectorAll('.katex .tag')].map(e =>
        [e.innerText, getComputedStyle(e).borderTopWidth, e.getBoundingClientRect().right])""")
    # align/gather number their rows with CSS counters: only \tag{…} numbers are text
    assert {"(1)", "(logistic)"} <= {text for text, _, _ in numbers}
    assert len(numbers) >= 4 and all(border == "0px" for _, border, _ in numbers)


def test_screenshots_of_the_catalogue(page) -> None:
    tab, _, _ = page
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "math-catalogue.png"), full_page=True)
    tab.set_viewport_size({"width": 375, "height": 740})
    tab.screenshot(path=str(ARTIFACTS / "math-catalogue-375.png"), full_page=True)
    assert (ARTIFACTS / "math-catalogue.png").stat().st_size > 50_000
