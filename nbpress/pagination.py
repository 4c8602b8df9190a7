"""The home page split into pages as jekyll-paginate does it.

Page 1 is the site's ``/index.html``; page N (N ≥ 2) is at ``paginate_path``
with ``:num`` replaced (``/page2/index.html`` by default), so a blog moving
from Jekyll keeps its page URLs.  Each page gets jekyll-paginate's
``paginator`` variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .model import output_path


@dataclass(frozen=True)
class Page:
    """One page of the list: where it goes and what its template sees as ``paginator``."""

    output_path: str  # relative to the site folder: "index.html", "page2/index.html"
    url: str  # without baseurl: "/", "/page2/"
    paginator: dict[str, Any]


def page_url(number: int, paginate_path: str = "/page:num/") -> str:
    """The URL (without baseurl) of page ``number``; page 1 is the home page ``/``."""
    if number <= 1:
        return "/"
    return "/" + paginate_path.replace(":num", str(number)).lstrip("/")


def paginate(items: Sequence[Any], per_page: int, *, paginate_path: str = "/page:num/",
             baseurl: str = "") -> list[Page]:
    """``items`` in pages of ``per_page`` (all on one page when 0); always at least one page.

    ``previous_page_path``/``next_page_path`` include ``baseurl``, ready for links.
    """
    per_page = per_page if per_page > 0 else max(1, len(items))
    total = max(1, -(-len(items) // per_page))
    pages = []
    for number in range(1, total + 1):
        previous = number - 1 if number > 1 else None
        following = number + 1 if number < total else None
        url = page_url(number, paginate_path)
        paginator = {
            "page": number,
            "per_page": per_page,
            "posts": list(items[(number - 1) * per_page:number * per_page]),
            "total_posts": len(items),
            "total_pages": total,
            "previous_page": previous,
            "previous_page_path": baseurl + page_url(previous, paginate_path) if previous else None,
            "next_page": following,
            "next_page_path": baseurl + page_url(following, paginate_path) if following else None,
            "url": baseurl + url,
        }
        pages.append(Page(output_path(url), url, paginator))
    return pages


__all__ = ["Page", "paginate", "page_url", "output_path"]
