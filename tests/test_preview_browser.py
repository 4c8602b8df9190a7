"""Hover previews in headless Chromium: the card for a citation, a footnote and a
cross-reference appears on mouse hover, on keyboard focus and on a first tap, and holds
the target's text; without JavaScript the links are plain links."""

from __future__ import annotations

import io

import pytest

from served import ARTIFACTS, open_offline, serve

pytestmark = pytest.mark.browser
URL = "/blog/2024/04/02/previews.html"
POST = """\
---
title: Previews
date: 2024-04-02
references:
  - id: paszke2019
    title: "PyTorch: an imperative style, high-performance deep learning library"
    author: [Adam Paszke, Sam Gross]
    year: 2019
    venue: NeurIPS
---

PyTorch [@paszke2019] is eager by default.[^eager] The loss is @eq-mse.

$$
\\mathrm{MSE} = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2
$$ {#eq-mse}

[^eager]: Operations run as soon as they are called.

## References

{% bibliography %}
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, fake_executor):
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = tmp_path_factory.mktemp("preview-site")
    (root / "pyproject.toml").write_text('[tool.nbpress]\nbaseurl = "/blog"\nsearch = false\n')
    (root / "posts").mkdir()
    (root / "posts" / "2024-04-02-previews.md").write_text(POST, encoding="utf-8")
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    with serve(root / "_site") as url:
        yield url


def card_text(page) -> str:
    page.wait_for_selector("#preview-card", state="visible", timeout=3000)
    return " ".join(page.inner_text("#preview-card").split())


LINKS = [("a.citation", "Adam Paszke, Sam Gross. PyTorch: an imperative style"),
         (".footnote-ref a", "Operations run as soon as they are called."),
         ("a.xref", "MSE")]


@pytest.mark.parametrize("selector, expected", LINKS)
def test_card_on_hover_and_on_focus(site_url, browser, selector, expected) -> None:
    context, page, errors, outside = open_offline(browser, site_url, URL)
    try:
        page.hover(selector)
        assert expected in card_text(page)
        link = page.locator(selector).first
        assert link.get_attribute("aria-describedby") == "preview-card"
        page.mouse.move(0, 0)
        page.wait_for_selector("#preview-card", state="hidden", timeout=3000)
        link.focus()
        assert expected in card_text(page)
        page.keyboard.press("Escape")
        page.wait_for_selector("#preview-card", state="hidden", timeout=3000)
        if selector == "a.citation":
            ARTIFACTS.mkdir(exist_ok=True)
            page.hover(selector)
            page.screenshot(path=str(ARTIFACTS / "preview-citation.png"))
        assert (errors, outside) == ([], [])
    finally:
        context.close()


def test_first_tap_previews_second_tap_follows(site_url, browser) -> None:
    context, page, _, outside = open_offline(browser, site_url, URL, has_touch=True,
                                             is_mobile=True,
                                             viewport={"width": 375, "height": 740})
    try:
        assert outside == []
        page.tap(".footnote-ref a")
        assert "Operations run" in card_text(page)
        assert page.evaluate("location.hash") == ""
        right = page.evaluate("document.getElementById('preview-card').getBoundingClientRect()"
                              ".right")
        assert right <= 375
        page.tap(".footnote-ref a")
        page.wait_for_function("location.hash === '#fn1'")
    finally:
        context.close()


def test_without_javascript_links_are_plain(site_url, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + URL, wait_until="networkidle")
        assert page.get_attribute("a.citation", "title").startswith("Paszke and Gross 2019.")
        page.click(".footnote-ref a")
        assert page.url.endswith("#fn1")
        assert page.locator("#preview-card").count() == 0
    finally:
        context.close()
