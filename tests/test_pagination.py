"""The home page split into pages as jekyll-paginate does it (nbpress/pagination.py)."""

from __future__ import annotations

from nbpress.pagination import page_url, paginate


def test_pages_their_files_and_urls() -> None:
    pages = paginate(list(range(25)), 10, baseurl="/b")
    assert [p.output_path for p in pages] == ["index.html", "page2/index.html", "page3/index.html"]
    assert [p.url for p in pages] == ["/", "/page2/", "/page3/"]
    assert [p.paginator["url"] for p in pages] == ["/b/", "/b/page2/", "/b/page3/"]


def test_paginator_variables_are_jekyll_paginates() -> None:
    first, second, third = paginate(list(range(25)), 10, baseurl="/b")
    assert first.paginator == {
        "page": 1, "per_page": 10, "posts": list(range(10)), "total_posts": 25, "total_pages": 3,
        "previous_page": None, "previous_page_path": None, "next_page": 2,
        "next_page_path": "/b/page2/", "url": "/b/"}
    assert second.paginator["previous_page_path"] == "/b/"
    assert second.paginator["next_page_path"] == "/b/page3/"
    assert third.paginator["posts"] == list(range(20, 25))
    assert third.paginator["next_page"] is None and third.paginator["next_page_path"] is None


def test_always_one_page_and_zero_means_no_pagination() -> None:
    (home,) = paginate([], 10)  # the home page exists without posts
    assert home.output_path == "index.html" and home.paginator["posts"] == []
    assert home.paginator["total_pages"] == 1
    (everything,) = paginate(list(range(30)), 0)
    assert everything.paginator["posts"] == list(range(30))
    assert len(paginate(list(range(20)), 10)) == 2  # exactly full pages: no empty third


def test_paginate_path_as_jekyll_writes_it() -> None:
    custom = paginate(list(range(3)), 1, paginate_path="/blog/p:num.html")
    assert [p.output_path for p in custom] == ["index.html", "blog/p2.html", "blog/p3.html"]
    assert [p.url for p in custom] == ["/", "/blog/p2.html", "/blog/p3.html"]
    assert page_url(1, "/p/:num/") == "/" and page_url(4, "/p/:num/") == "/p/4/"
    assert page_url(2, "page:num") == "/page2"  # a path without its leading slash still works
