"""Interactive outputs (Plotly, Vega-Lite/Vega from Altair, Bokeh) drawn in the page.

Each renderer here (registered in ``outputs.RENDERERS``) writes one block:

    <div class="output interactive" data-library="plotly">
      <div class="chart"></div>
      <script type="application/json" class="chart-spec">{…the figure…}</script>
      <noscript>{the static fallback}</noscript>
    </div>

The library's own JavaScript is vendored in the theme (``assets/vendor/<library>/``,
with its licence) and copied into a site only when some page needs it; a page
loads it only when its HTML holds a block of that library (``page_scripts``),
and ``assets/js/interactive.js`` draws the blocks.  Nothing is loaded from a
CDN.  The fallback is a PNG written next to the page: the output's own image
when the notebook has one, else the library's exporter (kaleido for Plotly,
vl-convert for Vega) when installed, else a note.  ``feed_html`` gives feed
readers the fallbacks and never a ``<script>``.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Callable

from .darkfig import light_only
from .errors import TRIED_AGAIN
from .model import OutputFile

# The files (under assets/) each library needs, in the order they must load.
LIBRARIES: dict[str, tuple[str, ...]] = {
    "plotly": ("vendor/plotly/plotly.min.js",),
    "vega": ("vendor/vega/vega.min.js", "vendor/vega/vega-lite.min.js",
             "vendor/vega/vega-embed.min.js"),
    "bokeh": ("vendor/bokeh/bokeh.min.js", "vendor/bokeh/bokeh-gl.min.js",
              "vendor/bokeh/bokeh-widgets.min.js", "vendor/bokeh/bokeh-tables.min.js"),
    # @jupyter-widgets/html-manager: draws every saved widget view once the page has loaded.
    "widgets": ("vendor/widgets/embed.js",),
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
LOADER = "js/interactive.js"  # draws every block once its library has loaded
_BLOCK_START = '<div class="output interactive" data-library="'
_BLOCK = re.compile(re.escape(_BLOCK_START) + '([a-z-]+)"')
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)
_NOSCRIPT = re.compile(r"<noscript>(.*?)</noscript>", re.S | re.I)
_VEGA_MIME = re.compile(r"application/vnd\.(vega|vegalite)\.v(\d+)\+json")
# What each library calls its figures, for notes and alt text.
_NAMES = {"plotly": "Plotly figure", "vega": "Vega chart", "bokeh": "Bokeh plot"}


def _script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: every ``<`` escaped, so no ``</script>`` or
    ``<!--`` in a string can end the element or change how the HTML parser reads it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


SCALE = 2  # fallback PNGs have twice the chart's pixels, for sharp text on dense screens


def _plotly_png(spec: dict) -> bytes:
    import kaleido  # noqa: F401  (plotly.io needs it, and it a Chrome or Chromium)
    import plotly.io as pio

    return pio.to_image(spec, format="png", scale=SCALE)


def _vega_png(spec: dict, mode: str) -> bytes:
    import vl_convert

    if mode == "vega":
        return vl_convert.vega_to_png(spec, scale=SCALE)
    return vl_convert.vegalite_to_png(spec, scale=SCALE)


def _export(library: str, spec: Any, mode: str) -> tuple[bytes | None, str]:
    """The figure drawn to a PNG (at ``SCALE``) by the library's exporter, or None and why
    not."""
    exporters: dict[str, tuple[Callable[[], bytes], str]] = {
        "plotly": (lambda: _plotly_png(spec), "kaleido"),
        "vega": (lambda: _vega_png(spec, mode), "vl-convert-python"),
    }
    if library not in exporters:
        return None, ""  # Bokeh's exporter needs Selenium and a web driver: not tried
    export, package = exporters[library]
    for _ in range(2):
        try:
            return export(), ""
        except ImportError:
            return None, f"install {package} to give it one"
        except Exception as exc:  # an exporter's own failure (no Chrome, a bad spec…)
            said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            first = said.strip().splitlines()[0][:200].rstrip(".") if said.strip() else ""
            failed = f"{package} failed: {type(exc).__name__}: {first}"
            if library != "plotly" or _lasting(exc):
                return None, failed
    # kaleido's browser crashed or timed out twice (as on a loaded machine): not for good
    return None, f"{failed}, twice; {TRIED_AGAIN}"


def _lasting(exc: BaseException) -> bool:
    """Whether kaleido would fail the same way next time: the figure rejected (a bad
    property) or no Chrome or Chromium to draw it with (plotly raises a RuntimeError from
    kaleido's ``ChromeNotFoundError``)."""
    if isinstance(exc, (ValueError, TypeError, KeyError)):
        return True
    return any(type(cause).__name__ == "ChromeNotFoundError"
               for cause in (exc, exc.__cause__, exc.__context__) if cause is not None)


def fallback(library: str, spec: Any, mode: str, output: dict, name: str, ctx: Any, alt: str
             ) -> tuple[str, OutputFile | None, tuple[str, ...]]:
    """The static stand-in for a chart: (HTML, the image file or None, notes).

    The notebook's own image of the output comes first (Plotly's
    ``renderer="notebook+png"`` saves one), then the library's exporter.
    """
    data = output.get("data", {})
    raw = None
    note = ""
    scale = 1
    if "image/png" in data:
        import base64

        raw = base64.b64decode("".join(data["image/png"]))
    elif spec is not None:
        raw, note = _export(library, spec, mode)
        scale = SCALE
    if raw is None:
        what = _NAMES.get(library, "chart")
        text = f"An interactive {what}: open the page in a browser with JavaScript to see it."
        notes = (f"the {what} has no static image for feeds and readers without JavaScript "
                 f"({note}).",) if note else ()
        return f'<p class="interactive-note">{html.escape(text)}</p>', None, notes
    path = f"{ctx.files_dir}/{name}.png"
    from .media import image_size

    size = image_size("image/png", raw)
    dims = f' width="{size[0] // scale}" height="{size[1] // scale}"' if size else ""
    src = html.escape(f"{ctx.baseurl}/{path}")
    img = f'<img src="{src}" alt="{html.escape(alt)}"{dims} loading="lazy">'
    return img, OutputFile(path, raw), ()


def block(library: str, chart: str, spec_json: str, fallback_html: str) -> str:
    """The HTML of one interactive output (see the module's docstring)."""
    spec = f'<script type="application/json" class="chart-spec">{spec_json}</script>' \
        if spec_json else ""
    return (f'<div class="output interactive" data-library="{library}">{chart}{spec}'
            f"<noscript>{fallback_html}</noscript></div>")


def vega_mode(mime: str) -> str:
    """``vega`` or ``vega-lite``, from a Vega MIME type."""
    match = _VEGA_MIME.fullmatch(mime)
    return "vega" if match and match.group(1) == "vega" else "vega-lite"


def altair_spec(text: str) -> tuple[dict, str] | None:
    """The chart in Altair's ``text/html`` output, which loads Vega from a CDN: (spec, mode).

    Altair's HTML renderer ends its script with ``})(SPEC, EMBED_OPTIONS);``.
    """
    if "vegaEmbed" not in text or "altair-viz" not in text:
        return None
    start = text.rfind("})(")
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    try:
        spec, end = decoder.raw_decode(text, start + 3)
        rest = text[end:].lstrip().removeprefix(",").lstrip()
        options = decoder.raw_decode(rest)[0] if rest.startswith("{") else {}
    except json.JSONDecodeError:
        return None
    if not isinstance(spec, dict) or not isinstance(options, dict):
        return None
    return spec, str(options.get("mode", "vega-lite"))


def is_library_loader(text: str) -> bool:
    """Whether a ``text/html`` output only loads a library into the notebook: Bokeh's
    ``output_notebook()`` banner ("Loading BokehJS ...", updated only by its CDN loader) or
    Plotly's ``notebook`` renderer's first output (all of plotly.js, or an import from its
    CDN).  The page loads the site's own copy instead, so these show nothing."""
    if "bk-notebook-logo" in text and "BokehJS" in text and len(text) < 20_000:
        return True
    return "window.PlotlyConfig = " in text and "Plotly.newPlot(" not in text


def plotly_html(text: str) -> dict | None:
    """The figure in Plotly's ``text/html`` output (the ``notebook``, ``notebook_connected``
    and ``iframe`` renderers, ``fig.to_html()``): the arguments of its ``Plotly.newPlot(id,
    data, layout, config)`` call, or None."""
    start = text.find("Plotly.newPlot(")
    if start < 0 or "plotly-graph-div" not in text:
        return None
    decoder = json.JSONDecoder()
    position = start + len("Plotly.newPlot(")
    values = []
    try:
        for _ in range(4):  # id, data, layout, config
            position = len(text) - len(text[position:].lstrip(" \t\r\n,"))
            value, position = decoder.raw_decode(text, position)
            values.append(value)
            if text[position:].lstrip().startswith(")"):
                break
    except json.JSONDecodeError:
        return None
    if len(values) < 2 or not isinstance(values[1], list):
        return None
    names = ("data", "layout", "config")
    return {name: value for name, value in zip(names, values[1:])}


def libraries_in(page_html: str) -> list[str]:
    """The libraries whose blocks a page's HTML holds, in LIBRARIES order."""
    if _BLOCK_START not in page_html:  # most pages: a substring search is 5× faster
        return []
    found = set(_BLOCK.findall(page_html))
    return [name for name in LIBRARIES if name in found]


def page_scripts(page_html: str, baseurl: str) -> list[str]:
    """The script URLs a page needs for its interactive outputs: each library's files, then
    the loader; none for a page without them."""
    names = libraries_in(page_html)
    files = [f for name in names for f in LIBRARIES[name]] + ([LOADER] if names else [])
    return [f"{baseurl}/assets/{f}" for f in files]


def feed_html(content: str) -> str:
    """A post's HTML as a feed shows it: every ``<noscript>``'s content in place of the element,
    and no ``<script>`` at all (feed readers do not run them, and some reject the entry);
    figures drawn in light and dark (darkfig.py) as their light image alone."""
    return light_only(_SCRIPT.sub("", _NOSCRIPT.sub(r"\1", content)))


def _bokeh_exec(output: dict) -> str:
    """Bokeh's embedding script of a ``show()`` output, kept unrun until BokehJS has loaded
    (``interactive.js`` runs it); ``</`` escaped so that it cannot end the element."""
    code = output.get("data", {}).get("application/javascript", "")
    code = "".join(code) if isinstance(code, list) else str(code)
    code = code.replace("</", "<" + chr(92) + "/").replace("<!--", "<" + chr(92) + "!--")
    return f'<script type="text/x-bokeh-exec">{code}</script>'


# Other types of an output that its interactive renderer uses: no "not shown" note for them.
USES = {"application/vnd.bokehjs_exec.v0+json": ("application/javascript",),
        "application/vnd.bokehjs_load.v0+json": ("application/javascript",)}
MIME_TYPES = ("application/vnd.plotly.v1+json",
              *(f"application/vnd.vegalite.v{v}+json" for v in (6, 5, 4, 3, 2)),
              *(f"application/vnd.vega.v{v}+json" for v in (6, 5, 4, 3)),
              *USES)


def chart_title(spec: Any) -> str:
    """A Plotly figure's or a Vega chart's title, "" when it has none."""
    if not isinstance(spec, dict):
        return ""
    title = (spec.get("layout") or {}).get("title", spec.get("title", ""))
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title or "")


def remote_data(spec: Any) -> list[str]:
    """The http(s) URLs a Vega or Vega-Lite spec loads its data from (``data: {url: …}``,
    as Altair writes for ``alt.Chart(vega_datasets.data.cars.url)``): the page needs the
    network for them, which is worth a warning."""
    found: list[str] = []
    if isinstance(spec, dict):
        data = spec.get("data")
        for item in data if isinstance(data, list) else [data]:
            url = item.get("url") if isinstance(item, dict) else None
            if isinstance(url, str) and re.match(r"(https?:)?//", url):
                found.append(url)
        values = spec.values()
    else:
        values = spec if isinstance(spec, list) else []
    for value in values:
        if isinstance(value, (dict, list)):
            found += [url for url in remote_data(value) if url not in found]
    return found


def render(mime: str, value: Any, output: dict, name: str, ctx: Any, alt: str
           ) -> tuple[str, OutputFile | None, tuple[str, ...]]:
    """One interactive output of type ``mime`` (one of ``MIME_TYPES``) → (HTML, fallback
    image file or None, notes); ``name`` is the file name its fallback image gets."""
    if mime == "application/vnd.bokehjs_load.v0+json":
        return "", None, ()  # BokehJS's loader from a CDN: the page loads the vendored copy
    if mime == "application/vnd.bokehjs_exec.v0+json":
        shown, file, notes = fallback("bokeh", None, "", output, name, ctx, alt)
        return block("bokeh", _bokeh_exec(output), "", shown), file, notes
    if isinstance(value, str):  # nbformat may keep JSON outputs as text
        value = json.loads(value)
    library = "plotly" if "plotly" in mime else "vega"
    mode = vega_mode(mime)
    spec = {"spec": value, "mode": mode} if library == "vega" else value
    if alt.startswith("Figure produced by") and chart_title(value):  # outputs' generic alt
        alt = f"{_NAMES[library]}: {chart_title(value)}"
    shown, file, notes = fallback(library, value, mode, output, name, ctx, alt)
    urls = remote_data(value) if library == "vega" else []
    if urls:
        notes += (f"the Vega chart loads its data from {urls[0]}: the page needs the network "
                  "to draw it. Pass the data itself (alt.Chart(data.cars()) rather than "
                  "data.cars.url) to keep the page self-contained.",)
    chart = '<div class="chart"></div>'
    return block(library, chart, _script_json(spec), shown), file, notes


def saved_widgets(metadata: Any) -> dict:
    """The widget state a notebook saved (``metadata.widgets``, as nbclient and JupyterLab
    store it), or {} when it saved none."""
    saved = (metadata or {}).get("widgets") or {}
    state = saved.get(WIDGET_STATE) if isinstance(saved, dict) else None
    return dict(state) if isinstance(state, dict) and isinstance(state.get("state"), dict) else {}


# The widget libraries html-manager's embed.js bundles; others it would fetch from a CDN.
BUNDLED_WIDGETS = ("@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output")


def _widget_problem(model: Any, state: dict) -> str:
    """Why a widget view cannot be drawn from the saved state, "" when it can."""
    if not model or model not in state:
        return "the notebook saved no state for this widget, and a static page has no kernel"
    module = (state[model] or {}).get("model_module", "")
    if module not in BUNDLED_WIDGETS:
        return f"its widget library {module} would have to be loaded from a CDN"
    return ""


def widget_view(value: Any, output: dict, widgets: dict) -> tuple[str | None, str]:
    """A widget output as nbconvert's HTML exporter embeds it (a view script that
    html-manager replaces with the widget), or (None, why it cannot be)."""
    if isinstance(value, str):
        value = json.loads(value)
    model = value.get("model_id") if isinstance(value, dict) else None
    problem = _widget_problem(model, widgets.get("state", {}))
    if problem:
        return None, problem
    plain = output.get("data", {}).get("text/plain", "")
    plain = "".join(plain) if isinstance(plain, list) else str(plain)
    shown = f'<pre class="output text">{html.escape(plain, quote=False)}</pre>' if plain else \
        '<p class="interactive-note">An interactive widget: open the page in a browser with ' \
        "JavaScript to see it.</p>"
    view = f'<script type="{WIDGET_VIEW}">{_script_json(value)}</script>'
    return block("widgets", view, "", shown), ""


def widget_state(page_html: str, widgets: dict) -> str:
    """The saved widget state as the page must carry it once, when a widget is shown; ""
    otherwise."""
    if not widgets or 'data-library="widgets"' not in page_html:
        return ""
    return f'<script type="{WIDGET_STATE}">{_script_json(widgets)}</script>'
