"""Interactive outputs in a real browser: a small site whose posts make Plotly, Altair and
Bokeh charts and an ipywidgets slider (run in real kernels), served under /blog/ and opened
in headless Chromium with every request that leaves the site blocked and counted.

Checks: each chart's (and the slider's) DOM is drawn and has a size, no request leaves the
site, no console errors, nothing scrolls sideways at 375 px, the feed has the fallback images
and no script, and a page without charts loads no chart library.  Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from served import ARTIFACTS, LOAD_IMAGES, open_offline, serve

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

for _module in ("plotly", "altair", "bokeh", "kaleido", "vl_convert"):
    pytest.importorskip(_module, reason=f"{_module} is not installed (the test extra has it)")

CHARTS = "/blog/2024/05/01/charts.html"
PLOTLY = "/blog/2024/05/02/three-plotly-charts.html"
PLAIN = "/blog/2024/05/03/no-charts.html"

# Posts as a reader of the libraries' docs would write them: the Plotly Express and Altair
# quick-start charts, and Bokeh's first-steps line plot shown in a notebook.
CHARTS_POST = '''---
title: Three plotting libraries
tags: [plots]
---

The iris measurements, drawn three ways.

```python
import plotly.express as px
iris = px.data.iris()
fig = px.scatter(iris, x="sepal_width", y="sepal_length", color="species",
                 title="Sepal sizes")
fig.show()
```

```python
import altair as alt
alt.Chart(iris).mark_point().encode(x="petal_length", y="petal_width", color="species")
```

```python
from bokeh.io import output_notebook
from bokeh.plotting import figure, show

output_notebook()
p = figure(title="Simple line example", x_axis_label="x", y_axis_label="y",
           width=500, height=300)
p.line([1, 2, 3, 4, 5], [6, 7, 2, 4, 5], legend_label="Temp.", line_width=2)
show(p)
```

```python
import ipywidgets as widgets
widgets.IntSlider(value=7, min=0, max=10, description="Epochs:")
```
'''
PLOTLY_POST = '''---
title: Three Plotly charts
---

```python
import plotly.express as px
gap = px.data.gapminder()
px.line(gap[gap.continent == "Oceania"], x="year", y="lifeExp", color="country").show()
px.bar(gap[gap.year == 2007].nlargest(10, "pop"), x="country", y="pop").show()
px.scatter(gap[gap.year == 2007], x="gdpPercap", y="lifeExp", size="pop",
           color="continent", log_x=True, hover_name="country").show()
```
'''
READABLE = "/blog/2024/05/04/readable-outputs.html"
# A pandas post: a small frame, a long one, a progress line on stderr closed by a lone newline,
# a deep recursion that overflows, an embedded video, and a page-wide grid of plots.
READABLE_POST = r'''---
title: Readable outputs
---

<iframe width="560" height="315" src="about:blank" title="A talk" frameborder="0"
allowfullscreen></iframe>

```python
import numpy as np
import pandas as pd
small = pd.DataFrame({"lr": [0.1, 0.01, 0.001], "loss": [0.52, 0.31, 0.297]})
small
```

```python
pd.DataFrame(np.arange(300).reshape(50, 6) * 1.5, columns=list("abcdef"))
```

```python tags=["raises-exception"]
import sys
sys.stderr.write("\r100%|##########| 3/3 [00:00<00:00]")
sys.stderr.flush()
display(small.head(1))
sys.stderr.write("\n")
sys.stderr.flush()

def step(depth):
    if depth == 0:
        np.seterr(all="raise")
        return np.exp(np.float64(1000))
    return step(depth - 1)

step(40)
```

```python tags=["full-width"]
import matplotlib.pyplot as plt
fig, axes = plt.subplots(2, 6, figsize=(14, 4))
for ax in axes.flat:
    ax.plot(np.random.default_rng(0).normal(size=20))
plt.show()
```
'''
PLAIN_POST = '''---
title: No charts
---

```python
print("just text")
```
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built with real kernels (its ``_site``)."""
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = tmp_path_factory.mktemp("interactive") / "site"
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Charts"\n'
                                         'url = "https://example.org"\nbaseurl = "/blog"\n')
    for name, text in {"2024-05-01-charts.md": CHARTS_POST,
                       "2024-05-02-three-plotly-charts.md": PLOTLY_POST,
                       "2024-05-03-no-charts.md": PLAIN_POST,
                       "2024-05-04-readable-outputs.md": READABLE_POST}.items():
        (root / "posts" / name).write_text(text, encoding="utf-8")
    build(load_config(root), log=io.StringIO())
    return root / "_site"


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


_open = open_offline


# Each library's drawn DOM: Plotly's SVG, Vega-Embed's SVG or canvas, Bokeh's figure element
# (its canvas lives in the figure's shadow root), the slider html-manager draws.
DRAWN = {"plotly": ".output.interactive[data-library=plotly] .js-plotly-plot .main-svg",
         "vega": ".output.interactive[data-library=vega] .vega-embed :is(svg, canvas)",
         "bokeh": "[data-root-id] > .bk-Figure",
         "widgets": ".output.interactive[data-library=widgets] .widget-slider"}
SIZE = "el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; }"


@pytest.mark.parametrize("width", [1280, 375])
def test_charts_draw_offline_without_errors(server, browser, width) -> None:
    context, page, errors, outside = _open(browser, server, CHARTS,
                                           viewport={"width": width, "height": 900})
    try:
        for library, selector in DRAWN.items():
            page.wait_for_selector(selector, state="attached", timeout=15000)
            width_px, height_px = page.eval_on_selector(selector, SIZE)
            assert width_px > 100 and height_px > (100 if library != "widgets" else 20), \
                (library, width_px, height_px)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"interactive-charts-{width}.png"), full_page=True)
    finally:
        context.close()
    assert outside == []
    assert errors == []


def test_three_plotly_charts_page_is_light_and_draws(server, browser, site) -> None:
    html = (site / PLOTLY.removeprefix("/blog/")).read_text(encoding="utf-8")
    assert len(html.encode()) < 1_000_000
    assert html.count('src="/blog/assets/vendor/plotly/plotly.min.js"') == 1
    context, page, errors, outside = _open(browser, server, PLOTLY,
                                           viewport={"width": 375, "height": 800})
    try:
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=15000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(ARTIFACTS / "interactive-three-plotly-375.png"), full_page=True)
    finally:
        context.close()
    assert (outside, errors) == ([], [])


def test_a_page_without_charts_loads_no_chart_library(site) -> None:
    html = (site / PLAIN.removeprefix("/blog/")).read_text(encoding="utf-8")
    for library in ("plotly", "vega", "bokeh", "widgets"):  # (KaTeX's CSS is on every page)
        assert f"vendor/{library}" not in html, library
    assert "interactive.js" not in html
    assert (site / "assets/vendor/plotly/plotly.min.js").is_file()  # other posts need it
    assert (site / "assets/vendor/plotly/LICENSE").is_file()


def test_feed_has_fallback_images_and_no_script(site) -> None:
    feedparser = pytest.importorskip("feedparser")
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in raw.lower() and "&lt;script" not in raw.lower()
    entries = {e.title: e.content[0].value for e in feedparser.parse(raw).entries}
    charts = entries["Three plotting libraries"]
    images = re.findall(r'<img [^>]*src="([^"]+)"', charts)
    assert images == ["https://example.org/blog/2024/05/01/charts_files/charts_1_0.png",
                      "https://example.org/blog/2024/05/01/charts_files/charts_2_0.png"]
    for url in images:
        data = (site / url.removeprefix("https://example.org/blog/")).read_bytes()
        assert data.startswith(b"\x89PNG")
    assert "An interactive Bokeh plot: open the page in a browser" in charts
    assert "IntSlider(value=7" in charts  # the widget's text form
    page = (site / CHARTS.removeprefix("/blog/")).read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://example.org/blog/2024/05/01/' \
           'charts_files/charts_1_0.png">' in page


BOX = ("el => { const r = el.getBoundingClientRect(); return {width: r.width, "
       "height: r.height, scroll: el.scrollHeight, client: el.clientHeight}; }")


@pytest.mark.parametrize("width", [1280, 375])
def test_tables_tracebacks_videos_and_wide_figures_read_well(server, browser, width) -> None:
    context, page, errors, outside = _open(browser, server, READABLE,
                                           viewport={"width": width, "height": 900})
    try:
        column = page.eval_on_selector(".post-content", BOX)["width"]
        tables = page.eval_on_selector_all(".output.table", f"els => els.map({BOX})")
        assert len(tables) == 3  # the small frame, its display() in the third cell, the long one
        assert tables[0]["width"] < 300  # sized to its content, not the column
        assert tables[1]["client"] <= 32 * 16 + 2 < tables[1]["scroll"]  # scrolls in its box
        # The traceback's last piece (IPython folds the repeated frames; nbpress folds the
        # middle of longer ones): nothing of its end is hidden.
        box = page.eval_on_selector_all("pre.error", f"els => ({BOX})(els[els.length - 1])")
        assert box["scroll"] <= box["client"] + 1
        assert page.eval_on_selector_all("pre.error", "els => els[els.length - 1].textContent"
                                         ).rstrip().endswith("FloatingPointError: overflow "
                                                             "encountered in exp")
        stderr = page.eval_on_selector_all("pre.stderr", "els => els.map(e => e.textContent)")
        assert stderr == ["100%|##########| 3/3 [00:00<00:00]"]  # no empty box for the "\n"
        video = page.eval_on_selector("iframe", BOX)
        assert video["width"] <= min(560, column) + 1
        assert abs(video["width"] / video["height"] - 560 / 315) < 0.02
        wide = page.eval_on_selector(".cell.column-page .outputs", BOX)
        assert wide["width"] > column + 100 if width >= 1280 else wide["width"] <= column + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.evaluate(LOAD_IMAGES)  # the lazy figure too, for the screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"readable-outputs-{width}.png"), full_page=True)
    finally:
        context.close()
    assert (outside, errors) == ([], [])
