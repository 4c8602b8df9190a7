/* A "Copy" button on each code block of a post: copies the code (not the outputs). */
(function () {
  "use strict";

  function fallbackCopy(text) {
    // Pages served over plain http have no navigator.clipboard: copy through a selection.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function flash(button, message) {
    button.textContent = message;
    button.classList.add("done");
    window.setTimeout(function () {
      button.textContent = "Copy";
      button.classList.remove("done");
    }, 1600);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var blocks = document.querySelectorAll(".post-content pre.highlight");
    Array.prototype.forEach.call(blocks, function (pre) {
      var wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.parentNode.insertBefore(wrapper, pre);
      wrapper.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.setAttribute("aria-live", "polite");
      button.addEventListener("click", function () {
        // the code alone: not the line numbers of {% highlight … linenos %}
        var code = (pre.querySelector("code") || pre).cloneNode(true);
        Array.prototype.forEach.call(code.querySelectorAll(".linenos"), function (n) {
          n.parentNode.removeChild(n);
        });
        copy(code.textContent.replace(/\n$/, "")).then(
          function () { flash(button, "Copied"); },
          function () { flash(button, "Select and copy"); }
        );
      });
      wrapper.appendChild(button);
    });
  });
}());
