"""Dark-mode figures in a real browser: the ``<picture>`` shows the dark rendering to a reader
whose system is dark, and the theme's toggle switches the figures with the page (headless
Chromium, requests outside the site blocked)."""

from __future__ import annotations

import pytest
from served import ARTIFACTS, LOAD_IMAGES, open_offline, serve

pytestmark = [pytest.mark.browser, pytest.mark.kernel]
pytest.importorskip("matplotlib")

POST = """\
---
title: A figure for both schemes
---

```python
import matplotlib.pyplot as plt
plt.figure(figsize=(4, 2))
plt.plot([1, 3, 2], label="data")
plt.legend()
plt.show()
```
"""
PATH = "/blog/2024/03/01/scheme.html"
SHOWN = "() => document.querySelector('picture.figure-schemes img').currentSrc"
# The figure's image once the browser has picked (and loaded) the one for ``suffix``.
PICKED = """suffix => {
    const img = document.querySelector('picture.figure-schemes img');
    return img.complete && img.naturalWidth > 0 && img.currentSrc.endsWith(suffix);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import run_build

    root = tmp_path_factory.mktemp("darkfig") / "site"
    (root / "posts").mkdir(parents=True)
    (root / "posts/2024-03-01-scheme.md").write_text(POST)
    (root / "pyproject.toml").write_text('[tool.nbpress]\nbaseurl = "/blog"\n'
                                         "dark_figures = true\nsearch = false\n")
    result = run_build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    with serve(root / "_site") as url:
        yield url


def _shown(page, suffix: str) -> str:
    page.wait_for_function(PICKED, arg=suffix, timeout=5000)
    return page.evaluate(SHOWN)


def test_a_dark_system_sees_the_dark_figure_until_the_toggle_picks_light(server, browser):
    context, page, errors, outside = open_offline(browser, server, PATH, color_scheme="dark")
    try:
        page.evaluate(LOAD_IMAGES)
        assert _shown(page, "_0_0-dark.png").startswith(server + "/blog/2024/03/01/")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "darkfig-dark.png"))
        page.locator(".theme-toggle").click()  # dark → light
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        assert _shown(page, "_0_0.png").endswith("/scheme_files/scheme_0_0.png")
        page.reload(wait_until="networkidle")  # the choice is kept, figures included
        page.evaluate(LOAD_IMAGES)
        assert _shown(page, "_0_0.png").endswith("/scheme_files/scheme_0_0.png")
        page.locator(".theme-toggle").click()  # and back
        assert _shown(page, "_0_0-dark.png").endswith("/scheme_files/scheme_0_0-dark.png")
        assert errors == [] and outside == []
    finally:
        context.close()


def test_a_light_system_sees_the_light_figure_until_the_toggle_picks_dark(server, browser):
    context, page, errors, outside = open_offline(browser, server, PATH, color_scheme="light")
    try:
        page.evaluate(LOAD_IMAGES)
        assert _shown(page, "_0_0.png").endswith("/scheme_files/scheme_0_0.png")
        filtered = page.evaluate("getComputedStyle(document.querySelector("
                                 "'picture.figure-schemes img')).filter")
        assert filtered == "none"
        page.locator(".theme-toggle").click()  # light → dark
        assert _shown(page, "_0_0-dark.png").endswith("/scheme_files/scheme_0_0-dark.png")
        # No backdrop or dimming on a figure drawn for the dark page.
        style = page.evaluate("""() => { const s = getComputedStyle(
            document.querySelector('picture.figure-schemes img'));
            return [s.filter, s.backgroundColor]; }""")
        assert style == ["none", "rgba(0, 0, 0, 0)"]
        assert errors == [] and outside == []
    finally:
        context.close()
