"""The built site in a real browser (headless Chromium through playwright): images load, no
console errors, nothing scrolls sideways on a 375 px phone, dark mode, the notebook download.

Never downloads a browser: it uses Debian's /usr/bin/chromium, and is skipped without it.
Screenshots go to test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import run_build
from served import ARTIFACTS, LOAD_IMAGES, open_offline, serve

pytestmark = pytest.mark.browser

POST = "/blog/2024/02/10/plots-and-tables.html"
PAGES = ["/blog/", "/blog/page2/", POST, "/blog/2024/01/05/first-steps.html",
         "/blog/2023/12/24/notes.html", "/blog/tags/", "/blog/tags/python/", "/blog/archive/",
         "/blog/404.html"]


@pytest.fixture(scope="module")
def server(fixture_site):
    """The fixture site served as GitHub serves a project site: under /blog/."""
    with serve(fixture_site) as url:
        yield url


def _open(browser, url: str, **options):
    """(context, page, console errors) with ``url`` loaded and every image loaded; requests
    that fail, those that tried to leave the site included, count as errors."""
    parts = urlsplit(url)
    context, page, errors, _ = open_offline(browser, f"{parts.scheme}://{parts.netloc}",
                                            url[len(parts.scheme) + 3 + len(parts.netloc):],
                                            **options)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.evaluate(LOAD_IMAGES)
    return context, page, errors


def test_pages_load_images_without_errors_or_sideways_scrolling(server, browser) -> None:
    for path in PAGES:
        context, page, errors = _open(browser, server + path,
                                      viewport={"width": 375, "height": 740})
        try:
            broken = page.evaluate("""() => [...document.images]
                .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)""")
            assert broken == [], (path, broken)
            assert errors == [], (path, errors)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 375, (path, width)
            assert page.locator("h1").count() == 1, path
        finally:
            context.close()


def test_post_figures_fit_and_code_gets_copy_buttons(server, browser) -> None:
    context, page, errors = _open(browser, server + POST, viewport={"width": 375, "height": 740})
    try:
        assert page.evaluate("document.images.length") >= 3
        widths = page.evaluate("""() => [...document.querySelectorAll('.post-content img')]
            .map(img => img.getBoundingClientRect().right)""")
        assert len(widths) >= 3 and all(right <= 375 for right in widths), widths
        buttons = page.locator(".code-block .copy-button")
        assert buttons.count() == page.locator(".post-content pre.highlight").count() >= 3
        buttons.first.click()
        page.wait_for_function(
            "document.querySelector('.copy-button').textContent !== 'Copy'")
        assert errors == []
    finally:
        context.close()


def test_dark_mode_follows_the_system_and_the_toggle(server, browser) -> None:
    def background(page) -> str:
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    light_context, light, _ = _open(browser, server + POST, color_scheme="light")
    dark_context, dark, errors = _open(browser, server + POST, color_scheme="dark")
    try:
        light_bg, dark_bg = background(light), background(dark)
        assert light_bg != dark_bg
        # dark text on a light page, light text on a dark one
        luminance = "c => c.match(/\\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0)"
        assert light.evaluate(f"({luminance})(getComputedStyle(document.body).color)") < 200
        assert dark.evaluate(f"({luminance})(getComputedStyle(document.body).color)") > 500
        code = "getComputedStyle(document.querySelector('pre.highlight')).backgroundColor"
        assert light.evaluate(code) != dark.evaluate(code)
        # the toggle switches a light-scheme reader to dark, and the choice is remembered
        toggle = light.locator(".theme-toggle")
        assert toggle.is_visible() and toggle.inner_text() == "Dark mode"
        toggle.click()
        assert background(light) == dark_bg
        light.reload(wait_until="networkidle")
        assert background(light) == dark_bg
        assert errors == []
        ARTIFACTS.mkdir(exist_ok=True)
        dark.evaluate(LOAD_IMAGES)
        dark.screenshot(path=str(ARTIFACTS / "post-dark.png"), full_page=True)
    finally:
        light_context.close()
        dark_context.close()


CONTRAST = """selector => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => {
        const [r, g, b] = rgb(c).map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = getComputedStyle(el).backgroundColor;
            if (!c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c;
        }
        return "rgb(255, 255, 255)";
    };
    return [...document.querySelectorAll(selector)].map(el => {
        const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(server, browser, scheme) -> None:
    context, page, _ = _open(browser, server + POST, color_scheme=scheme)
    try:
        for selector in ["body", ".post-content p", ".post-content a", ".post-meta", ".tag",
                         ".site-nav a", ".repro", ".toc a", "pre.output", ".site-footer p",
                         ".highlight .c1", ".highlight .k", ".highlight .s2"]:
            ratios = page.evaluate(CONTRAST, selector)
            assert ratios, selector
            assert min(ratios) >= 4.5, (scheme, selector, min(ratios))
    finally:
        context.close()


def test_notebook_download_is_a_valid_notebook(server, browser) -> None:
    import nbformat

    context, page, _ = _open(browser, server + POST)
    try:
        link = page.locator("a[download]")
        href = link.get_attribute("href")
        assert href.endswith("/plots-and-tables.ipynb") and href.startswith("/blog/")
        response = page.request.get(server + href)
        assert response.ok
        notebook = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(notebook)
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        assert any("image/png" in o.get("data", {}) for o in outputs)
    finally:
        context.close()


def test_screenshots_of_a_post(server, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, options in [("post.png", {"viewport": {"width": 1100, "height": 900}}),
                          ("post-375.png", {"viewport": {"width": 375, "height": 740}})]:
        context, page, errors = _open(browser, server + POST, **options)
        try:
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            assert errors == []
        finally:
            context.close()
    assert (ARTIFACTS / "post.png").stat().st_size > 10_000


def test_copy_leaves_out_highlight_line_numbers(tmp_path, make_site, browser) -> None:
    root = make_site({"posts/2024-03-01-schedule.md": (
        "---\ntitle: Schedule\n---\n\nThe schedule:\n\n{% highlight python linenos %}\n"
        "def lr_at(epoch):\n    return 0.1 * 0.5 ** (epoch // 10)\n{% endhighlight %}\n")})
    assert run_build("build", "--root", str(root)).returncode == 0
    with serve(root / "_site", under="") as base:
        context, page, errors = _open(browser, base + "/2024/03/01/schedule.html")
        try:
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            assert page.locator(".linenos").count() == 2
            page.locator(".copy-button").click()
            page.wait_for_function(
                "document.querySelector('.copy-button').textContent === 'Copied'")
            assert page.evaluate("navigator.clipboard.readText()") == (
                "def lr_at(epoch):\n    return 0.1 * 0.5 ** (epoch // 10)")
            assert errors == []
        finally:
            context.close()
