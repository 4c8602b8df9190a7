"""What jekyll-seo-tag puts in a page's ``<head>``, as plain data for the templates.

Part of the site stage: ``page_seo`` returns the canonical URL, description,
OpenGraph/Twitter values and the JSON-LD object (``BlogPosting`` for posts,
``WebSite`` for the home page, ``WebPage`` otherwise); ``templates/seo.html``
turns them into tags.  URLs here are absolute when ``url`` is configured
(as they must be for OpenGraph), and root-relative otherwise, as Jekyll's
``absolute_url`` does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

DESCRIPTION_LENGTH = 300


def absolute(site: Mapping[str, Any], path: str) -> str:
    """``site.url`` + ``path``, where ``path`` already starts with the baseurl (or is absolute)."""
    if not path or "://" in path or path.startswith("//"):
        return path
    return site.get("url", "") + path


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def as_datetime(value: Any, default: dt.datetime) -> dt.datetime:
    """A front matter date (``last_modified_at``…) as an aware datetime; ``default`` if unusable."""
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            result = dt.datetime.fromisoformat(str(value).strip().replace(" +", "+"))
        except ValueError:
            return default
    return result if result.tzinfo else result.replace(tzinfo=default.tzinfo)


def page_seo(site: Mapping[str, Any], *, title: str, url: str, description: str = "",
             kind: str = "page", image: str = "", image_alt: str = "", published: dt.datetime | None = None,
             modified: dt.datetime | None = None, author: str = "",
             tags: Sequence[str] = ()) -> dict[str, Any]:
    """The ``seo`` values of one page; ``url`` includes the baseurl, ``kind`` is post/home/page."""
    canonical = absolute(site, url)
    description = shorten(description or site.get("description", ""))
    image = absolute(site, image) if image else ""
    author = author or site.get("author", "")
    data: dict[str, Any] = {"@context": "https://schema.org", "url": canonical,
                            "headline": title}
    if kind == "post":
        data["@type"] = "BlogPosting"
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical}
        if published:
            data["datePublished"] = published.isoformat()
            data["dateModified"] = (modified or published).isoformat()
        if tags:
            data["keywords"] = ", ".join(tags)
    elif kind == "home":
        data["@type"] = "WebSite"
        data["name"] = site.get("title", "")
    else:
        data["@type"] = "WebPage"
    if author:
        data["author"] = {"@type": "Person", "name": author}
    if description:
        data["description"] = description
    if image:
        data["image"] = image
    return {
        "title": title,
        "canonical": canonical,
        "description": description,
        "type": "article" if kind == "post" else "website",
        "image": image,
        "image_alt": image_alt if image else "",
        "twitter_card": "summary_large_image" if image else "summary",
        "published": published.isoformat() if published and kind == "post" else "",
        "modified": (modified or published).isoformat() if published and kind == "post" else "",
        "author": author,
        "tags": list(tags) if kind == "post" else [],
        "locale": str(site.get("lang") or "en_US").replace("-", "_"),
        "site_name": site.get("title", ""),
        "json_ld": data,
    }


__all__ = ["page_seo", "absolute", "shorten", "as_datetime"]
