// Hover previews: a card with the reference, the footnote or the figure/equation a link points
// to, on mouse hover, on keyboard focus, and on a first tap on touch screens (a second tap
// follows the link).  Without JavaScript the links work as plain links (citations keep their
// title tooltip).
(function () {
  "use strict";
  var LINKS = "a.citation, .footnote-ref a, a.xref";
  var DROP = ".footnote-backref, .citation-backlink, .header-anchor";
  var card = null, current = null, timer = 0, pointer = "mouse", tapped = null;

  function target(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    var found = id && document.getElementById(id);
    // a MyST "(sec-x)=" target is an empty span before its heading
    return found && !found.textContent.trim() ? found.nextElementSibling : found;
  }

  function makeCard() {
    card = document.createElement("div");
    card.className = "preview-card";
    card.id = "preview-card";
    card.setAttribute("role", "tooltip");
    card.addEventListener("mouseenter", function () { clearTimeout(timer); });
    card.addEventListener("mouseleave", hideSoon);
    document.body.appendChild(card);
  }

  function show(link) {
    var found = target(link);
    if (!found) return;
    clearTimeout(timer);
    if (!card) makeCard();
    var copy = found.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    copy.querySelectorAll(DROP).forEach(function (e) { e.remove(); });
    card.replaceChildren(copy);
    card.hidden = false;
    current = link;
    link.setAttribute("aria-describedby", card.id);
    var box = link.getBoundingClientRect(), page = document.documentElement.clientWidth;
    var width = Math.min(420, page - 16);
    card.style.maxWidth = width + "px";
    card.style.left = Math.max(8, Math.min(box.left, page - width - 8)) + window.scrollX + "px";
    card.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  function hide() {
    if (card) card.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = tapped = null;
  }

  function hideSoon() { clearTimeout(timer); timer = setTimeout(hide, 250); }

  function linkOf(event) { return event.target.closest ? event.target.closest(LINKS) : null; }

  document.querySelectorAll("a.citation[title]").forEach(function (a) {
    a.removeAttribute("title");  // the card replaces the browser's tooltip
  });
  document.addEventListener("pointerdown", function (e) { pointer = e.pointerType; });
  document.addEventListener("mouseover", function (e) { var l = linkOf(e); if (l) show(l); });
  document.addEventListener("mouseout", function (e) { if (linkOf(e)) hideSoon(); });
  document.addEventListener("focusin", function (e) { var l = linkOf(e); if (l) show(l); });
  document.addEventListener("focusout", function (e) { if (linkOf(e)) hideSoon(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  document.addEventListener("click", function (e) {
    var link = linkOf(e);
    if (!link) {
      if (card && !card.contains(e.target)) hide();
    } else if (pointer === "touch" && tapped !== link) {
      // a tap also sends mouseover, so the card may be up already: count taps instead
      e.preventDefault();  // first tap: preview; a second tap follows the link
      show(link);
      tapped = link;
    }
  });
})();
