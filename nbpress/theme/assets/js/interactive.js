/* Draws a post's interactive outputs (nbpress/interactive.py writes them) with the
   libraries the page loaded from the site itself: Plotly, Vega-Embed and BokehJS. */
(function () {
  "use strict";

  function spec(block) {
    var node = block.querySelector("script.chart-spec");
    return node ? JSON.parse(node.textContent) : null;
  }

  function fail(block, error) {
    // A chart that cannot be drawn shows its static fallback instead of an empty box.
    var fallback = block.querySelector("noscript");
    var chart = block.querySelector(".chart");
    if (chart && fallback) { chart.innerHTML = fallback.textContent; }
    console.warn("nbpress: an interactive output could not be drawn:", error);
  }

  var draw = {
    plotly: function (block) {
      var figure = spec(block);
      var config = Object.assign({responsive: true, displaylogo: false}, figure.config || {});
      return window.Plotly.newPlot(block.querySelector(".chart"), figure.data || [],
                                   figure.layout || {}, config);
    },
    vega: function (block) {
      var chart = spec(block);
      // No links to the online Vega editor: the page works, and stays, offline.
      return window.vegaEmbed(block.querySelector(".chart"), chart.spec, {
        mode: chart.mode, actions: {export: true, source: false, compiled: false, editor: false}
      });
    },
    bokeh: function (block) {
      // Bokeh's own embedding script, as the notebook saved it.
      var saved = block.querySelector('script[type="text/x-bokeh-exec"]');
      var script = document.createElement("script");
      script.textContent = saved.textContent;
      block.appendChild(script);
    }
  };

  function start() {
    var blocks = document.querySelectorAll(".output.interactive[data-library]");
    Array.prototype.forEach.call(blocks, function (block) {
      var library = block.getAttribute("data-library");
      if (!draw[library]) { return; }
      try {
        Promise.resolve(draw[library](block)).catch(function (e) { fail(block, e); });
      } catch (e) {
        fail(block, e);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
