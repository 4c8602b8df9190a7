"""Interactive outputs → HTML blocks, fallback images, page scripts and feed HTML
(nbpress/interactive.py, through outputs.RENDERERS).

The outputs are the libraries' own: figures made with plotly and altair in this process
and turned into the MIME bundles a kernel sends.  The browser test
(test_interactive_browser.py) checks that the blocks draw.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace

import pytest
from nbformat.v4 import new_code_cell, new_output

from nbpress.interactive import (LIBRARIES, altair_spec, feed_html, libraries_in, page_scripts)
from nbpress.markdown import make_markdown
from nbpress.outputs import CellContext, render_outputs

from conftest import Page
from conftest import b64, png_bytes as png

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def ctx() -> CellContext:
    return CellContext(slug="post", files_dir="2024/01/02/post_files", baseurl="/blog",
                       render_markdown=make_markdown().render, max_output_lines=5000)


def rendered(*outputs, index: int = 3):
    return render_outputs(new_code_cell("x", outputs=list(outputs)), index, ctx())


def plotly_bundle(**extra) -> dict:
    """What ``fig.show()`` sends in JupyterLab: the figure as JSON (plotly's mimetype renderer)."""
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[0.9, 0.5, 0.3], name="loss"),
                    layout={"title": {"text": "Training loss </script>"}})
    return {PLOTLY_MIME: json.loads(fig.to_json()), "text/html": "<div>plotly html</div>",
            **extra}


def altair_chart():
    alt = pytest.importorskip("altair")
    data = alt.Data(values=[{"hp": 130, "mpg": 18}, {"hp": 165, "mpg": 15}])
    return alt.Chart(data).mark_point().encode(x="hp:Q", y="mpg:Q")


def spec_of(html: str) -> dict:
    found = re.search(r'<script type="application/json" class="chart-spec">(.*?)</script>', html,
                      re.S)
    assert found, html[:300]
    return json.loads(found.group(1))


def test_plotly_figure_is_a_block_with_its_own_image_as_fallback() -> None:
    bundle = plotly_bundle(**{"image/png": b64(png(40, 30))})  # renderer="plotly_mimetype+png"
    html, files, notes = rendered(new_output("display_data", data=bundle))
    assert notes == []
    assert html.startswith('<div class="output interactive" data-library="plotly">'
                           '<div class="chart"></div><script type="application/json" '
                           'class="chart-spec">')
    spec = spec_of(html)
    assert spec["data"][0]["y"] == [0.9, 0.5, 0.3]
    assert spec["layout"]["title"]["text"] == "Training loss </script>"  # escaped, still whole
    assert [f.path for f in files] == ["2024/01/02/post_files/post_3_0.png"]
    noscript = re.search(r"<noscript>(.*)</noscript>", html).group(1)
    img = Page(noscript).imgs[0]
    assert (img["src"], img["width"], img["height"]) == (
        "/blog/2024/01/02/post_files/post_3_0.png", "40", "30")
    assert img["alt"] == "Plotly figure: Training loss </script>"


def test_without_an_exporter_the_fallback_is_a_note(monkeypatch) -> None:
    bundle = plotly_bundle()
    monkeypatch.setitem(sys.modules, "kaleido", None)  # as if kaleido were not installed
    html, files, notes = rendered(new_output("display_data", data=bundle))
    assert files == []
    assert '<noscript><p class="interactive-note">An interactive Plotly figure: open the page ' \
           'in a browser with JavaScript to see it.</p></noscript>' in html
    assert notes == ["the Plotly figure has no static image for feeds and readers without "
                     "JavaScript (install kaleido to give it one)."]


def test_an_export_that_fails_once_is_tried_again(tmp_path, monkeypatch) -> None:
    """kaleido's headless Chromium can fail to start on a loaded machine: a second try
    draws the image."""
    pytest.importorskip("kaleido", reason="kaleido is not installed (the posts extra has it)")
    started = tmp_path / "started"
    browser = tmp_path / "chromium-once.sh"  # closes at once the first time, then is Chromium
    browser.write_text(f'#!/bin/sh\nif [ ! -e "{started}" ]; then touch "{started}"; exit 1; fi\n'
                       'exec /usr/bin/chromium "$@"\n')
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(browser))  # where kaleido's choreographer looks
    html, files, notes = rendered(new_output("display_data", data=plotly_bundle()))
    assert started.exists() and notes == []
    assert [f.path for f in files] == ["2024/01/02/post_files/post_3_0.png"]
    assert files[0].data.startswith(b"\x89PNG")
    assert '<noscript><img src="/blog/2024/01/02/post_files/post_3_0.png"' in html


def test_a_figure_kaleido_rejects_is_not_tried_again() -> None:
    """A bad property fails every time: one try, and no "next build tries again"."""
    pytest.importorskip("kaleido", reason="kaleido is not installed (the posts extra has it)")
    from nbpress.interactive import _export

    png, why = _export("plotly", {"data": [{"type": "bar", "y": [2], "bogus": 1}]}, "")
    assert png is None
    assert why.startswith("kaleido failed: ValueError: Invalid property specified") and \
        "bogus" in why and "tries again" not in why


def test_vega_lite_mimetype_renders_with_vl_convert_fallback() -> None:
    pytest.importorskip("vl_convert", reason="vl-convert-python is not installed")
    spec = altair_chart().to_dict()
    html, files, notes = rendered(new_output(
        "display_data", data={"application/vnd.vegalite.v5+json": spec,
                              "text/plain": "alt.Chart(...)"}))
    assert notes == []
    assert html.startswith('<div class="output interactive" data-library="vega">')
    assert spec_of(html) == {"spec": spec, "mode": "vega-lite"}
    assert files[0].data.startswith(b"\x89PNG")
    img = Page(re.search(r"<noscript>(.*)</noscript>", html).group(1)).imgs[0]
    assert img["alt"] == "Figure produced by code cell 3"  # not Altair's "alt.Chart(...)"


def test_altairs_cdn_html_becomes_a_block_drawn_with_the_sites_copy() -> None:
    pytest.importorskip("vl_convert", reason="vl-convert-python is not installed")
    chart = altair_chart()
    text = chart._repr_mimebundle_()  # Altair's default renderer outside JupyterLab: HTML
    text = text[0] if isinstance(text, tuple) else text
    html_output = text["text/html"]
    assert "cdn.jsdelivr.net" in html_output
    assert altair_spec(html_output)[1] == "vega-lite"
    html, files, notes = rendered(new_output("execute_result", data=text, execution_count=1))
    assert "cdn.jsdelivr.net" not in html and notes == []
    assert spec_of(html)["spec"]["mark"] == chart.to_dict()["mark"]
    assert len(files) == 1


def test_html_that_is_not_altairs_is_left_alone() -> None:
    assert altair_spec('<div id="x"></div><script>vegaEmbed("#x", spec)</script>') is None
    html, _, _ = rendered(new_output("display_data", data={"text/html": "<b>hi</b>"}))
    assert html == '<div class="output html"><b>hi</b></div>'


BOKEH_LOAD = {"application/javascript": "(function(root) { /* load BokehJS from cdn */ })(window);",
              "application/vnd.bokehjs_load.v0+json": ""}
BOKEH_BANNER = ('<div class="bk-root"><a href="https://bokeh.org" target="_blank" '
                'class="bk-logo bk-logo-small bk-logo-notebook"></a><span class="bk-notebook-logo">'
                '</span><span id="p1001">Loading BokehJS ...</span></div>')


def test_bokeh_show_renders_its_div_and_its_embedding_script_unrun() -> None:
    script = ('(function(root) { const docs_json = {"a": {"roots": ["</div>"]}};\n'
              '  root.Bokeh.embed.embed_items_notebook(docs_json, []); })(window);')
    html, files, notes = rendered(
        new_output("display_data", data={"text/html": BOKEH_BANNER}),
        new_output("display_data", data=BOKEH_LOAD, metadata={}),
        new_output("display_data", data={"text/html": '<div id="b1" data-root-id="p1008">'
                                                      '</div>'}),
        new_output("display_data", data={"application/javascript": script,
                                         "application/vnd.bokehjs_exec.v0+json": ""},
                   metadata={"application/vnd.bokehjs_exec.v0+json": {"id": "p1008"}}))
    assert notes == [] and files == []
    assert "Loading BokehJS" not in html and "cdn" not in html
    assert html.startswith('<div class="output html"><div id="b1" data-root-id="p1008"></div>'
                           '</div><div class="output interactive" data-library="bokeh">'
                           '<script type="text/x-bokeh-exec">')
    assert 'roots": ["<\\/div>"]' in html
    assert libraries_in(html) == ["bokeh"]


def test_page_scripts_only_for_the_libraries_a_page_uses() -> None:
    page = '<div class="output interactive" data-library="vega"></div>' * 2
    assert page_scripts(page, "/blog") == [
        "/blog/assets/vendor/vega/vega.min.js", "/blog/assets/vendor/vega/vega-lite.min.js",
        "/blog/assets/vendor/vega/vega-embed.min.js", "/blog/assets/js/interactive.js"]
    assert page_scripts("<p>no charts</p>", "/blog") == []


def test_vendored_libraries_are_in_the_theme_with_licences() -> None:
    from pathlib import Path

    import nbpress

    assets = Path(nbpress.__file__).parent / "theme" / "assets"
    for name, files in LIBRARIES.items():
        for file in files:
            text = (assets / file).read_text(encoding="utf-8")
            assert "sourceMappingURL" not in text[-300:], file  # no request for a .map
        assert list((assets / "vendor" / name).glob("LICENSE*")), name


def test_feed_html_keeps_fallbacks_and_drops_every_script() -> None:
    page = ('<p>a</p><div class="output interactive" data-library="plotly"><div class="chart">'
            '</div><script type="application/json" class="chart-spec">{"a": "<\\/b>"}</script>'
            '<noscript><img src="f.png" alt="x"></noscript></div>'
            '<div class="output html"><SCRIPT src="https://cdn.example/x.js"></SCRIPT></div>')
    assert feed_html(page) == ('<p>a</p><div class="output interactive" data-library="plotly">'
                               '<div class="chart"></div><img src="f.png" alt="x"></div>'
                               '<div class="output html"></div>')


def test_plotly_fallback_through_kaleido() -> None:
    pytest.importorskip("kaleido", reason="kaleido is not installed")
    html, files, notes = rendered(new_output("display_data", data=plotly_bundle()))
    if notes and "failed" in notes[0]:
        pytest.skip(f"kaleido cannot run here: {notes[0]}")
    assert notes == []
    assert files[0].data.startswith(b"\x89PNG")
    img = Page(re.search(r"<noscript>(.*)</noscript>", html).group(1)).imgs[0]
    assert int(img["width"]) * 2 == int.from_bytes(files[0].data[16:20], "big")  # 2x pixels


def widget_output_and_state():
    """An IntSlider's output and the notebook state ipywidgets itself saves for it."""
    widgets = pytest.importorskip("ipywidgets")
    from ipywidgets.embed import embed_data

    slider = widgets.IntSlider(value=7, description="Epochs:")
    saved = embed_data(views=[slider])
    output = new_output("execute_result", execution_count=1, data={
        "application/vnd.jupyter.widget-view+json": saved["view_specs"][0],
        "text/plain": "IntSlider(value=7, description='Epochs:')"})
    return output, saved["manager_state"]


def test_widget_with_saved_state_is_embedded_as_nbconvert_does() -> None:
    from nbpress.interactive import WIDGET_STATE, saved_widgets, widget_state

    output, state = widget_output_and_state()
    widgets = saved_widgets({"widgets": {WIDGET_STATE: state}})
    cell = new_code_cell("slider", outputs=[output])
    html, files, notes = render_outputs(cell, 1, replace(ctx(), widgets=widgets))
    assert notes == [] and files == []
    assert html.startswith('<div class="output interactive" data-library="widgets">'
                           '<script type="application/vnd.jupyter.widget-view+json">')
    assert "<noscript><pre class=\"output text\">IntSlider(value=7, description='Epochs:')" \
           "</pre></noscript>" in html
    page_state = widget_state(html, widgets)
    found = re.fullmatch(r'<script type="application/vnd.jupyter.widget-state\+json">(.*)'
                         r"</script>", page_state, re.S)
    assert json.loads(found.group(1)) == json.loads(json.dumps(state))
    assert widget_state("<p>no widget</p>", widgets) == ""
    assert page_scripts(html, "") == ["/assets/vendor/widgets/embed.js",
                                      "/assets/js/interactive.js"]


def test_widget_without_saved_state_shows_its_text_and_says_why() -> None:
    output, _ = widget_output_and_state()
    html, files, notes = rendered(output)
    assert html == "<pre class=\"output text\">IntSlider(value=7, description='Epochs:')</pre>"
    assert notes == ["an output of type application/vnd.jupyter.widget-view+json is not shown "
                     "(the notebook saved no state for this widget, and a static page has no "
                     "kernel); the page shows its text/plain form instead."]


def test_widget_from_a_library_html_manager_does_not_bundle_is_text_and_a_warning() -> None:
    from nbpress.interactive import WIDGET_STATE, saved_widgets

    output, state = widget_output_and_state()
    model = output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    state["state"][model]["model_module"] = "jupyter-leaflet"  # as ipyleaflet's Map saves it
    cell = new_code_cell("m", outputs=[output])
    widgets = saved_widgets({"widgets": {WIDGET_STATE: state}})
    html, _, notes = render_outputs(cell, 1, replace(ctx(), widgets=widgets))
    assert html.startswith('<pre class="output text">IntSlider')
    assert notes == ["an output of type application/vnd.jupyter.widget-view+json is not shown "
                     "(its widget library jupyter-leaflet would have to be loaded from a CDN); "
                     "the page shows its text/plain form instead."]


@pytest.mark.parametrize("renderer", ["notebook", "notebook_connected"])
def test_plotlys_html_renderers_become_blocks_and_their_loader_shows_nothing(
        renderer, monkeypatch) -> None:
    pio = pytest.importorskip("plotly.io")
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Bar(x=["a", "b"], y=[3, 1]), layout={"title": {"text": "Votes"}})
    figure_html = pio.renderers[renderer].to_mimebundle(fig)["text/html"]
    # What the renderer's activation displays first: plotly.js itself, or an import from its CDN.
    loader = ("<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
              + ('<script type="module">import "https://cdn.plot.ly/plotly-3.0.1.min"</script>'
                 if renderer.endswith("connected") else "<script>/* plotly.js */</script>"))
    monkeypatch.setitem(sys.modules, "kaleido", None)  # no fallback image: faster, and a note
    html, _, notes = rendered(new_output("display_data", data={"text/html": loader}),
                              new_output("display_data", data={"text/html": figure_html}))
    assert html.startswith('<div class="output interactive" data-library="plotly">')
    assert "cdn.plot.ly" not in html and "PlotlyConfig" not in html
    assert notes == ["the Plotly figure has no static image for feeds and readers without "
                     "JavaScript (install kaleido to give it one)."]
    spec = spec_of(html)
    assert spec["data"] == [{"x": ["a", "b"], "y": [3, 1], "type": "bar"}]
    assert spec["layout"]["title"]["text"] == "Votes"
    assert "responsive" in spec["config"]


def test_vega_data_from_a_url_is_a_warning() -> None:
    from nbpress.interactive import remote_data

    url = "https://cdn.jsdelivr.net/npm/vega-datasets@v1.29.0/data/cars.json"
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v4.17.0.json",
            "data": {"url": url}, "mark": "point",
            "encoding": {"x": {"field": "Horsepower", "type": "quantitative"}},
            "layer": [{"data": {"url": "data/local.csv"}, "mark": "rule"}]}
    assert remote_data(spec) == [url]
    out = new_output("display_data", data={"application/vnd.vegalite.v4+json": spec,
                                           "image/png": b64(png(8, 8))})
    html, _, notes = rendered(out)
    assert html.startswith('<div class="output interactive" data-library="vega">')
    assert notes == [f"the Vega chart loads its data from {url}: the page needs the network to "
                     "draw it. Pass the data itself (alt.Chart(data.cars()) rather than "
                     "data.cars.url) to keep the page self-contained."]
