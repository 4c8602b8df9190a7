/* Dark mode: the page follows the system's setting (prefers-color-scheme, in CSS alone) until
   the reader picks a mode with the header's button; the choice is kept in localStorage and set
   as data-theme on <html> before the page is drawn (this file is loaded in <head>).
   Figures drawn in light and dark (dark_figures) are <picture>s whose dark <source> has
   data-scheme="dark": its media query follows the reader's choice too. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "nbpress-theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* private mode: not kept */ }
  }
  function current() {
    return root.getAttribute("data-theme") || (media && media.matches ? "dark" : "light");
  }
  function figures() {
    var chosen = root.getAttribute("data-theme");
    var query = chosen === "dark" ? "all" : chosen === "light" ? "not all"
      : "(prefers-color-scheme: dark)";
    var sources = document.querySelectorAll('source[data-scheme="dark"]');
    for (var i = 0; i < sources.length; i++) {
      if (sources[i].getAttribute("media") !== query) { sources[i].setAttribute("media", query); }
    }
  }
  function label(button) {
    var dark = current() === "dark";
    button.textContent = dark ? "Light mode" : "Dark mode";
    button.setAttribute("title", dark ? "Switch to the light theme" : "Switch to the dark theme");
  }

  var choice = stored();
  if (choice === "light" || choice === "dark") {
    root.setAttribute("data-theme", choice);
  }
  document.addEventListener("DOMContentLoaded", function () {
    figures();
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    button.hidden = false;
    label(button);
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store(next);
      label(button);
      figures();
    });
    if (media && media.addEventListener) {
      media.addEventListener("change", function () { label(button); });
    }
  });
}());
