"""The Atom feed's entries and the sitemap's URLs (jekyll-feed's and jekyll-sitemap's rules);
``site.feed_files`` renders them with the theme's ``feed.xml`` and ``sitemap.xml``."""

from __future__ import annotations

import functools
import re
from typing import Any, Mapping

from .htmlrewrite import plain_text, resolve_url, rewrite
from .interactive import feed_html
from .seo import absolute, shorten

FEED_POSTS = 10  # jekyll-feed's posts_limit
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def feed_entries(site: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The newest posts for the Atom feed, with every link and image URL made absolute."""
    entries = []
    for post in site["posts"][:FEED_POSTS]:
        if post["front_matter"].get("feed") is False:
            continue
        page_url = absolute(site, post["url"])
        content = _feed_content(post["content"], page_url, site.get("url", ""))
        entries.append({**post, "absolute_url": page_url, "absolute_id": absolute(site, post["id"]),
                        "absolute_content": content,
                        "summary": shorten(plain_text(post["excerpt"]), 1000),
                        "absolute_image": absolute(site, post["image"]) if post["image"] else ""})
    return entries


@functools.lru_cache(maxsize=64)  # serve: the same ten posts' HTML, build after build
def _feed_content(html: str, page_url: str, site_url: str) -> str:
    """A post's HTML for the feed: interactive outputs as their fallbacks, every URL
    absolute, no character XML refuses."""
    content = rewrite(feed_html(html), url=lambda u: resolve_url(u, page_url, site_url))
    return _NOT_XML.sub("", content)


def sitemap_urls(site: Mapping[str, Any]) -> list[dict[str, str]]:
    """The sitemap's entries: the home page, every post (with its date), the archive and tag
    pages, and the standalone pages."""
    base = site["baseurl"]
    urls = [{"loc": site["home_url"], "lastmod": site["posts"][0]["modified"].isoformat()
             if site["posts"] else ""}]
    urls += [{"loc": absolute(site, p["url"]), "lastmod": p["modified"].isoformat()}
             for p in site["posts"] if _in_sitemap(p)]
    urls += [{"loc": absolute(site, u), "lastmod": ""}
             for u in [f"{base}/archive/", f"{base}/tags/"] + [t["url"] for t in site["tags"]]]
    urls += [{"loc": absolute(site, p["url"]), "lastmod": ""} for p in site["pages"]
             if _in_sitemap(p) and p["url"] not in (f"{base}/", f"{base}/404.html")]
    return urls


def _in_sitemap(page: Mapping[str, Any]) -> bool:
    """jekyll-sitemap's rule, with jekyll-redirect-from's: no ``sitemap: false``, no redirect."""
    front = page["front_matter"]
    return front.get("sitemap") is not False and not front.get("redirect_to")


__all__ = ["FEED_POSTS", "feed_entries", "sitemap_urls"]
