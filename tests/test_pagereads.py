"""What a page's template read, and the digest of those reads (nbpress/pagereads.py)."""

from __future__ import annotations

from nbpress.pagereads import ALL, PageReads, Tracked, _Sink


def _post(n: int, **changes) -> dict:
    return {"title": f"Post {n}", "url": f"/p{n}/", "tags": ["ml"], **changes}


def _site(posts: list[dict]) -> dict:
    return {"title": "Blog", "posts": posts, "pages": [],
            "tags": [{"name": "ml", "posts": list(posts)}], "author": "A"}


def _digest(posts: list[dict], reads: tuple[str, ...], shown: slice, *, memo=None,
            key: str = "posts") -> str:
    site = _site(posts)
    return PageReads(site, "base", memo).digest("list.html", "list/index.html", {
        "site": site, "page": {"title": "List"}, key: {"posts": site["posts"][shown]}}, reads)


def test_tracked_records_each_way_a_template_reads_a_post() -> None:
    sink = _Sink()
    view = Tracked({"title": "T", "url": "/t"}, "post", sink)
    assert view["title"] == "T" and view.get("url") == "/t" and "date" not in view
    assert sink.reads == {"post.title", "post.url", "post.date"}
    assert view  # truthiness reads nothing: a post is never empty
    assert sink.reads == {"post.title", "post.url", "post.date"}
    for walk in (list, lambda v: v.items(), len, repr, lambda v: v == {}):
        sink.reads = set()
        walk(view)
        assert f"post.{ALL}" in sink.reads


def test_a_page_reading_no_site_entry_with_posts_depends_on_its_own_posts_only() -> None:
    posts = [_post(3), _post(2), _post(1)]
    reads = ("post.tags", "post.title", "site.title")
    first = _digest(posts, reads, slice(0, 2))
    assert _digest([_post(3), _post(2), _post(1, tags=["ml", "new"])], reads, slice(0, 2)) \
        == first  # post 1 is not on this page
    assert _digest([_post(3), _post(2, tags=["new"]), _post(1)], reads, slice(0, 2)) != first
    assert _digest(posts, reads, slice(1, 3)) != first  # other posts shown
    # nested anywhere in the page's arguments (a paginator's posts)
    assert _digest(posts, reads, slice(0, 2), key="paginator") != first


def test_a_field_read_through_the_site_depends_on_every_post() -> None:
    posts = [_post(3), _post(2), _post(1)]
    renamed = [_post(3), _post(2), _post(1, title="Renamed")]
    for reads in [("site.posts", "sitepost.title"), ("sitepost.title",),
                  ("post.title", "sitepost.title")]:
        assert _digest(posts, reads, slice(0, 2)) != _digest(renamed, reads, slice(0, 2)), reads
    # Read through the page's own arguments only, another post's title does not count, even
    # when the page also read the site.
    reads = ("post.title", "site.posts", "site.author")
    assert _digest(posts, reads, slice(0, 2)) == _digest(renamed, reads, slice(0, 2))


def test_posts_reached_through_the_site_are_recorded_as_such_however_they_were_got() -> None:
    import jinja2

    posts = [_post(2), _post(1)]
    site = _site(posts)
    pages = PageReads(site, "base")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for template in ["{% for p in site.posts %}{{ p.title }}{% endfor %}",
                     "{% for p in site.setdefault('posts') %}{{ p.title }}{% endfor %}",
                     "{% for p in dict.get(site, 'posts') %}{{ p.title }}{% endfor %}",
                     "{% for t in site.tags %}{% for p in t.posts %}{{ p.title }}{% endfor %}"
                     "{% endfor %}",
                     "{% for v in dict.values(site) if v is sequence and v is not string %}"
                     "{% for p in v if p.title is defined %}{{ p.title }}{% endfor %}{% endfor %}"]:
        pages.sink.reads = set()
        env.from_string(template).render(**pages.view({"site": site, "posts": posts[:1]}))
        assert "sitepost.title" in pages.sink.reads, template
        assert "post.title" not in pages.sink.reads, template
    pages.sink.reads = set()
    env.from_string("{% for p in posts %}{{ p.title }}{% endfor %}").render(
        **pages.view({"site": site, "posts": posts[:1]}))
    assert pages.sink.reads == {"post.title"}


def test_every_way_of_reading_a_view_is_recorded() -> None:
    sink = _Sink()
    view = Tracked({"title": "T", "url": "/t"}, "post", sink)
    assert view.setdefault("title") == "T" and sink.reads == {"post.title"}
    for use in (lambda v: v != {}, lambda v: list(reversed(v)), lambda v: v | {},
                lambda v: {} | v, lambda v: v.pop("absent", None)):
        sink.reads = set()
        use(view)
        assert f"post.{ALL}" in sink.reads


def test_neighbours_are_not_the_pages_own_posts() -> None:
    posts = [_post(2), _post(1)]
    site = _site(posts)
    reads = PageReads(site, "base")
    context = {"site": site, "page": posts[0], "newer": None, "older": posts[1]}
    assert reads._scope(("post.title",), context) == []
    assert reads._scope(("sitepost.title", "site.posts"), context) is None  # no post. read


def test_serve_memo_gives_the_same_digests_as_without() -> None:
    from nbpress.memo import Memo

    posts = [_post(3), _post(2), _post(1)]
    reads = ("post.tags", "site.title")
    memo = Memo()
    for changed in (posts, [_post(3), _post(2, tags=["x"]), _post(1)]):
        assert _digest(changed, reads, slice(0, 2), memo=memo) == _digest(
            changed, reads, slice(0, 2))
