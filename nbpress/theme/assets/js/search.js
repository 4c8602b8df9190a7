// The search box: Pagefind's UI over the index built with the site (_pagefind/), offline.
// Without JavaScript the box stays hidden and the site works as before.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  box.hidden = false;
  new PagefindUI({ element: "#search", baseUrl: box.dataset.baseurl, showImages: false,
                   showSubResults: false, resetStyles: false });
});
