"""Jekyll's site model in the site stage → ``[OutputFile]``: standalone pages, the home
page an ``index`` page takes over, and jekyll-redirect-from's redirect pages.

- A page is rendered with the template its ``layout:`` names (``page`` by
  default); templates see it as ``page`` and every page as ``site.pages``.
- The root ``index.md``/``index.html`` is the home page, as in Jekyll.  With
  ``layout: home`` (minima's: the page's text, then the posts) it becomes the
  first page of nbpress's paginated home (``index.html`` template); with any
  other layout it replaces the home and its following pages.  Without one,
  nbpress's home stays.
- A page overrides a generated page at the same path (a ``404.md``).
- ``redirect_from:`` gives a redirect page at each old URL; ``redirect_to:``
  turns the post or page itself into one; ``redirects.json`` lists them all.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from .errors import BuildWarning
from .model import OutputFile, RenderedPost, page_file
from .pagecache import MakePage

REDIRECT_TEMPLATE = "redirect.html"  # the theme's, as the plugin's "redirect" layout
NO_LAYOUT = "none"  # a page's ``layout: null``: its content is the whole file


def home_page(site: Mapping[str, Any]) -> dict[str, Any] | None:
    """The root index page's context (from ``site.pages``), or None."""
    home_url = site["baseurl"] + "/"
    return next((p for p in site["pages"] if p["url"] == home_url), None)


def replaces_home(site: Mapping[str, Any]) -> bool:
    """Whether an index page takes the home's place entirely (any layout but ``home``)."""
    home = home_page(site)
    return home is not None and home["layout"] != "home"


def layout_template(layout: str) -> str:
    """The template of a layout: ``home`` is the theme's home page (``index.html``); "" for
    a page without layout."""
    if layout == NO_LAYOUT:
        return ""
    return "index.html" if layout == "home" else f"{layout}.html"


def page_outputs(make: MakePage, site: Mapping[str, Any],
                 pages: Sequence[RenderedPost]) -> list[OutputFile]:
    """Each page rendered with its layout, and its files (figures of its cells)."""
    files = []
    home = home_page(site)
    for item, page in zip(pages, site["pages"]):
        if page is home and page["layout"] == "home":
            files.extend(item.files)  # its text is on the home page (site.index_pages)
            continue
        context = {"site": site, "page": page, "posts": site["posts"], "newer": None,
                   "older": None}
        template = layout_template(item.post.layout)
        files.append(make(template, item.post.output_path, context) if template else
                     OutputFile(item.post.output_path, item.html.encode()))
        files.extend(item.files)
    return files


def absolute_url(site: Mapping[str, Any], target: str) -> str:
    """jekyll-redirect-from's target: an http(s) URL as it is, else the site's URL, baseurl
    and the path (Jekyll's ``absolute_url``)."""
    if target.startswith(("http://", "https://")):
        return target
    return site.get("url", "") + site["baseurl"] + "/" + target.lstrip("/")


def _redirect(make: MakePage, site: Mapping[str, Any], source: str, target: str
              ) -> OutputFile:
    path = page_file("/" + source.lstrip("/"))
    return make(REDIRECT_TEMPLATE, path, {"site": site, "to": target,
                                          "from": "/" + source.lstrip("/")})


def redirect_outputs(make: MakePage, site: Mapping[str, Any],
                     items: Sequence[RenderedPost], files: Sequence[OutputFile]
                     ) -> tuple[list[OutputFile], list[BuildWarning]]:
    """The site's files with jekyll-redirect-from's pages added: a redirect page for each
    ``redirect_from:``, ``redirect_to:`` pages replaced, and ``redirects.json``.

    A ``redirect_from:`` on a URL the site already has is left out, with a warning.
    """
    out = {f.path: f for f in files}
    redirects: dict[str, str] = {}
    warnings = []
    for item in items:
        post = item.post
        for source in post.redirect_from:
            page = _redirect(make, site, source, absolute_url(site, post.url))
            if page.path in out:
                warnings.append(BuildWarning(
                    f"'redirect_from: {source}' is the address of another page of the site "
                    f"({page.path}); no redirect is written there.", post.path,
                    post.line_of("redirect_from")))
                continue
            out[page.path] = page
            redirects["/" + source.lstrip("/")] = absolute_url(site, post.url)
        if post.redirect_to:
            target = absolute_url(site, post.redirect_to)
            out[post.output_path] = _redirect(make, site, post.url, target)
            redirects[post.url] = target
    if "redirects.json" not in out:
        # As the plugin's: compact JSON, from path → absolute target.
        data = json.dumps(redirects, separators=(",", ":"), ensure_ascii=False)
        out["redirects.json"] = OutputFile("redirects.json", data.encode())
    return list(out.values()), warnings
