// The search box: Pagefind's UI over the index built with the site, offline.  The index is
// in shards (_pagefind/<id>/, listed in _pagefind/shards.json) merged here, so that an
// edit re-indexes one shard.  Without JavaScript, or without an index, the box stays hidden.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined" || !window.fetch) return;
  var base = box.dataset.baseurl;  // ends with "/"
  fetch(base + "_pagefind/shards.json").then(function (response) {
    if (!response.ok) throw new Error("no search index");
    return response.json();
  }).then(function (list) {
    var bundles = list.bundles.map(function (id) { return base + "_pagefind/" + id + "/"; });
    if (!bundles.length) return;
    box.hidden = false;
    new PagefindUI({ element: "#search", baseUrl: base, bundlePath: bundles[0],
                     mergeIndex: bundles.slice(1).map(function (path) {
                       return { bundlePath: path, baseUrl: base };
                     }),
                     showImages: false, showSubResults: false, resetStyles: false });
  }).catch(function () { /* no index: the box stays hidden */ });
});
