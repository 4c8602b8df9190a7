"""Pages rendered again only when something they read changed (nbpress/pagecache.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from nbpress.pagecache import PageMaker, template_digest
from nbpress.pagereads import ALL

TEMPLATES = {
    "post.html": "<h1>{{ page.title }}</h1>{{ page.content }}"
                 "{% if newer %}<a href='{{ newer.url }}'>{{ newer.title }}</a>{% endif %}",
    "index.html": "{% for p in posts %}<h2>{{ p.title }}</h2>{{ p.excerpt }}{% endfor %}"
                  "<footer>{{ site.title }}</footer>",
    "tags.html": "{% for t in site.tags %}{{ t.name }} ({{ t.posts | length }}){% endfor %}",
    "dump.html": "{% for k, v in site.posts[0].items() %}{{ k }}={{ v }};{% endfor %}",
}


def post(n: int, **changes) -> dict:
    base = {"title": f"Post {n}", "url": f"/2024/01/0{n}/p{n}.html", "excerpt": f"<p>e{n}</p>",
            "content": f"<p>e{n}</p><p>body {n}</p>", "words": 100 + n,
            "date": dt.datetime(2024, 1, n, tzinfo=dt.timezone.utc), "tags": ["ml"]}
    return {**base, **changes}


def site_of(posts: list[dict], title: str = "Blog") -> dict:
    return {"title": title, "baseurl": "", "posts": posts, "pages": [],
            "tags": [{"name": "ml", "slug": "ml", "url": "/tags/ml/", "posts": list(posts)}]}


class Site:
    """Renders the pages of one build with a PageMaker, writing them into ``out`` as the
    writer would, and keeps the records for the next build."""

    def __init__(self, out: Path) -> None:
        self.out, self.records = out, {}
        self.env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True,
                                      undefined=jinja2.StrictUndefined)

    def build(self, posts: list[dict], title: str = "Blog", base: str = "b") -> list[str]:
        site = site_of(posts, title)
        make = PageMaker(self.env, site, base=base, previous=self.records, out=self.out,
                         reusable=True)
        files = [make("index.html", "index.html", {"site": site, "page": {"title": "Home"},
                                                   "posts": site["posts"][:2]}),
                 make("tags.html", "tags/index.html", {"site": site, "page": {"title": "Tags"}})]
        for i, page in enumerate(site["posts"]):
            newer = site["posts"][i - 1] if i else None
            files.append(make("post.html", page["url"].lstrip("/"),
                              {"site": site, "page": page, "newer": newer}))
        for file in files:
            if file.source is None:
                (self.out / file.path).parent.mkdir(parents=True, exist_ok=True)
                (self.out / file.path).write_bytes(file.data)
            else:
                assert file.source == self.out / file.path and file.source.is_file()
        self.records = make.records_for(files)
        return make.rendered


@pytest.fixture
def blog(tmp_path: Path) -> Site:
    return Site(tmp_path / "_site")


def test_nothing_changed_renders_nothing_and_keeps_every_file(blog: Site) -> None:
    posts = [post(3), post(2), post(1)]
    assert blog.build(posts) == ["index.html", "tags/index.html", "2024/01/03/p3.html",
                                 "2024/01/02/p2.html", "2024/01/01/p1.html"]
    assert blog.build([dict(p) for p in posts]) == []  # equal values, new objects


def test_a_prose_edit_below_the_excerpt_renders_only_that_post(blog: Site) -> None:
    blog.build([post(3), post(2), post(1)])
    edited = post(1, content="<p>e1</p><p>body 1, revised</p>", words=102)
    assert blog.build([post(3), post(2), edited]) == ["2024/01/01/p1.html"]
    assert "revised" in (blog.out / "2024/01/01/p1.html").read_text()


def test_an_excerpt_edit_renders_the_post_and_the_listing_that_shows_it(blog: Site) -> None:
    blog.build([post(3), post(2), post(1)])
    assert blog.build([post(3), post(2, excerpt="<p>new</p>"), post(1)]) == [
        "index.html", "2024/01/02/p2.html"]
    # The tags page shows names and counts only; the index shows the two newest posts'
    # excerpts, not the third's: post 1's edit renders its own page alone.
    assert blog.build([post(3), post(2, excerpt="<p>new</p>"), post(1, excerpt="<p>x</p>")]
                      ) == ["2024/01/01/p1.html"]


def test_a_tag_added_renders_the_pages_listing_that_post_not_every_listing(tmp_path: Path
                                                                           ) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "list.html": "{% for p in posts %}<h2>{{ p.title }}</h2>{{ p.tags | join(',') }}"
                     "{% endfor %}{{ site.title }}",
        "recent.html": "{% for p in site.posts %}{{ p.tags | join(',') }};{% endfor %}"}),
        autoescape=True, undefined=jinja2.StrictUndefined)
    records: dict = {}

    def build(posts: list[dict]) -> list[str]:
        nonlocal records
        site = site_of(posts)
        make = PageMaker(env, site, base="b", previous=records, out=tmp_path, reusable=True)
        files = [make("list.html", f"page{n}.html", {"site": site, "page": {"title": n},
                                                      "posts": site["posts"][n * 2:n * 2 + 2]})
                 for n in range(3)]
        files.append(make("recent.html", "recent.html", {"site": site, "page": {}}))
        for file in files:
            if file.source is None:
                (tmp_path / file.path).write_bytes(file.data)
        records = make.records_for(files)
        return make.rendered

    posts = [post(n) for n in (6, 5, 4, 3, 2, 1)]
    assert len(build(posts)) == 4
    posts[3] = post(3, tags=["ml", "new"])  # on the second listing page
    # The listing page showing post 3, and the page that reads every post through the site.
    assert build(posts) == ["page1.html", "recent.html"]
    assert "ml,new" in (tmp_path / "page1.html").read_text()
    assert build(posts) == []


def test_a_title_edit_renders_the_neighbour_that_links_to_it(blog: Site) -> None:
    blog.build([post(3), post(2), post(1)])
    rendered = blog.build([post(3), post(2, title="Renamed"), post(1)])
    assert rendered == ["index.html", "2024/01/02/p2.html", "2024/01/01/p1.html"]
    assert ">Renamed</a>" in (blog.out / "2024/01/01/p1.html").read_text()


def test_a_new_post_renders_the_listings_and_its_neighbour(blog: Site) -> None:
    blog.build([post(2), post(1)])
    rendered = blog.build([post(3), post(2), post(1)])
    assert rendered == ["index.html", "tags/index.html", "2024/01/03/p3.html",
                        "2024/01/02/p2.html"]
    assert "ml (3)" in (blog.out / "tags/index.html").read_text()


def test_site_settings_templates_and_lost_files_render_again(blog: Site) -> None:
    posts = [post(2), post(1)]
    blog.build(posts)
    assert blog.build(posts, title="Renamed blog") == ["index.html"]  # only it shows site.title
    assert blog.build(posts, title="Renamed blog", base="other templates") == [
        "index.html", "tags/index.html", "2024/01/02/p2.html", "2024/01/01/p1.html"]
    (blog.out / "tags/index.html").unlink()
    assert blog.build(posts, title="Renamed blog", base="other templates") == ["tags/index.html"]


def test_a_template_that_reads_every_field_depends_on_every_field(tmp_path: Path) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    records = {}
    for words, expected in [(1, ["dump.html"]), (1, []), (2, ["dump.html"])]:
        site = site_of([post(1, words=words)])
        make = PageMaker(env, site, base="b", previous=records, out=tmp_path, reusable=True)
        file = make("dump.html", "dump.html", {"site": site})
        if file.source is None:
            (tmp_path / "dump.html").write_bytes(file.data)
        assert make.rendered == expected
        records = make.records_for([file])
        assert f"sitepost.{ALL}" in records["dump.html"].reads


def test_not_reusable_renders_everything(tmp_path: Path) -> None:
    site = Site(tmp_path / "_site")
    posts = [post(1)]
    site.build(posts)
    make = PageMaker(site.env, site_of(posts), base="b", previous=site.records,
                     out=site.out, reusable=False)
    assert make("tags.html", "tags/index.html", {"site": site_of(posts)}).source is None


def test_template_digest_changes_with_any_template(tmp_path: Path) -> None:
    (tmp_path / "templates" / "partials").mkdir(parents=True)
    (tmp_path / "templates" / "partials" / "nav.html").write_text("<nav></nav>")
    before = template_digest([tmp_path])
    assert template_digest([tmp_path]) == before
    (tmp_path / "templates" / "partials" / "nav.html").write_text("<nav>x</nav>")
    assert template_digest([tmp_path]) != before


NOTE = """\
---
title: "Reading notes {n}: {topic}"
tags: [{topic}, notes]
---
What I took from this week's papers on {topic}, part {n}.

<!--more-->

The rest of the notes: ablations, baselines, and what did not replicate.
"""
TOPICS = ("optimisers", "tokenisers", "scaling laws", "distillation", "pruning")


def _write_notes(root: Path, count: int) -> None:
    (root / "posts").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.nbpress]\ntitle = "Reading notes"\nsearch = false\npaginate = 5\n')
    for n in range(1, count + 1):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
        (root / "posts" / f"{day}-notes-{n}.md").write_text(
            NOTE.format(n=n, topic=TOPICS[n % len(TOPICS)]))


def _built(root: Path, monkeypatch, workers: int, fresh: bool = True,
           asked: list | None = None) -> tuple[dict, dict, list]:
    """The site's files, the state's page records, and the forked renderings asked for
    (pages, processes, the pages' paths in order); from nothing unless not ``fresh``."""
    import io
    import shutil

    import nbpress.forkmap
    import nbpress.pagecache
    from nbpress import state
    from nbpress.config import load_config
    from nbpress.pipeline import build

    if fresh:
        shutil.rmtree(root / "_site", ignore_errors=True)
        shutil.rmtree(root / ".nbpress-cache", ignore_errors=True)
    asked = [] if asked is None else asked
    real = nbpress.forkmap.forked_map

    def recorded(work, items, n):
        asked.append((len(items), n, [job.path for job in items]))
        return real(work, items, n)

    monkeypatch.setattr(nbpress.forkmap, "workers_here", lambda: workers)
    monkeypatch.setattr(nbpress.pagecache, "forked_map", recorded)
    build(load_config(root), log=io.StringIO())
    out = root / "_site"
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != ".nbpress-site"}
    return files, state.load(state.state_path(root, out)).pages, asked


def test_pages_rendered_in_forked_copies_are_the_pages_rendered_here(tmp_path: Path,
                                                                     monkeypatch) -> None:
    """A one-shot build shares its pages' rendering with forked copies of itself
    (``forkmap``): the site and the records kept for the next build are those of a build
    that rendered every page itself."""
    root = tmp_path / "blog"
    _write_notes(root, 70)
    here, here_records, asked_here = _built(root, monkeypatch, workers=1)
    shared, shared_records, asked = _built(root, monkeypatch, workers=3)
    assert [a[:2] for a in asked] == [(len(shared_records), 3)]
    assert len(shared_records) > 70 + 14
    assert [a[:2] for a in asked_here] == [(0, 1)]  # every page rendered as it came
    assert shared == here
    assert shared_records == here_records


def test_pages_with_records_rendered_again_in_forked_copies_are_those_rendered_here(
        tmp_path: Path, monkeypatch) -> None:
    """The site's title changes: every page is rendered again with its previous record
    at hand (whose digest it reuses when it read the same fields).  Rendered in forked
    copies or here, from the same previous build, the site and records are the same."""
    import shutil

    root = tmp_path / "blog"
    _write_notes(root, 70)
    _built(root, monkeypatch, workers=1)
    kept = tmp_path / "kept"
    for name in ("_site", ".nbpress-cache"):
        shutil.copytree(root / name, kept / name, copy_function=shutil.copy2)
    config = root / "pyproject.toml"
    config.write_text(config.read_text().replace("Reading notes", "Paper notes"))
    results = {}
    for workers in (1, 3):
        for name in ("_site", ".nbpress-cache"):
            shutil.rmtree(root / name)
            shutil.copytree(kept / name, root / name, copy_function=shutil.copy2)
        results[workers] = _built(root, monkeypatch, workers, fresh=False)
    files, records, asked = results[3]
    assert asked[0][1] == 3 and asked[0][0] > 70 + 14  # (robots.txt reads no title)
    assert files == results[1][0] and records == results[1][1]
    assert all(b"Paper notes" in data for path, data in files.items() if path.endswith(".html")
               and not path.startswith("_pagefind"))


def _notes_failing_on_post_41(tmp_path: Path, expression: str) -> Path:
    """70 notes whose post template evaluates ``expression`` on post 41's page only."""
    root = tmp_path / "blog"
    _write_notes(root, 70)
    (root / "templates").mkdir()
    (root / "templates" / "post.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{% if page.url.endswith("-41.html") %}'
        f"{{{{ {expression} }}}}{{% endif %}}\n{{{{ page.content | safe }}}}\n{{% endblock %}}\n")
    return root


def test_a_template_mistake_in_a_forked_copy_is_the_one_said_here(tmp_path: Path,
                                                                 monkeypatch) -> None:
    """Post 41's page is the 30th to render: with three processes, the second copy's."""
    from nbpress.errors import NbpressError

    root = _notes_failing_on_post_41(tmp_path, "page.no_such_field")
    said, asked = [], []
    for workers in (1, 3):
        with pytest.raises(NbpressError) as info:
            _built(root, monkeypatch, workers, asked=asked)
        said.append(str(info.value))
    assert "no_such_field" in said[0] and "post.html:3" in said[0]
    assert said[1] == said[0]
    (_, workers, paths), = [a for a in asked if a[1] == 3]
    failing = [n for n, path in enumerate(paths) if path.endswith("-41.html")]
    assert failing and failing[0] % workers != 0  # a copy's page, not this process's


def test_a_template_edit_keeps_no_record_and_gives_the_site_a_fresh_build_gives(
        tmp_path: Path) -> None:
    """Every page's digest starts from the templates' digest (``State.page_base``): after a
    template edit no previous record can match, so none is looked at (no digest is worked
    out before rendering), and the site is byte for byte what a fresh build makes."""
    import io
    import shutil

    from nbpress import state
    from nbpress.config import load_config
    from nbpress.pagecache import page_maker
    from nbpress.pipeline import build

    root = tmp_path / "blog"
    _write_notes(root, 6)
    build(load_config(root), log=io.StringIO())
    config = load_config(root)
    before = state.load(state.state_path(root, config.out))
    assert len(before.page_base) == 64 and before.pages
    env = jinja2.Environment()
    kept = page_maker(env, template_digest(config.theme_dirs), {}, config, before)
    assert kept.base == before.page_base and kept.previous == before.pages
    (root / "templates").mkdir()
    theme = Path(__file__).parent.parent / "nbpress" / "theme" / "templates" / "base.html"
    (root / "templates" / "base.html").write_text(
        theme.read_text().replace("</body>", "<p>Licensed CC BY 4.0.</p></body>"))
    config = load_config(root)
    edited = page_maker(env, template_digest(config.theme_dirs), {}, config, before)
    assert edited.base != before.page_base and edited.previous == {}  # nothing to look at
    report = build(config, log=io.StringIO())
    assert len(report.rendered) == len(before.pages)
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site", ".nbpress-cache"))
    build(load_config(fresh), log=io.StringIO())
    site = {p.relative_to(root / "_site"): p.read_bytes() for p in (root / "_site").rglob("*")
            if p.is_file() and p.name != ".nbpress-site"}
    again = {p.relative_to(fresh / "_site"): p.read_bytes() for p in (fresh / "_site").rglob("*")
             if p.is_file() and p.name != ".nbpress-site"}
    assert site == again and any(b"Licensed CC BY 4.0." in v for v in site.values())


def test_a_theme_filter_failing_in_a_forked_copy_is_raised_with_its_traceback(
        tmp_path: Path, monkeypatch) -> None:
    """Not a template mistake nbpress knows (a filter given the wrong type): the same
    exception either way, from a copy with where it was raised as a note (``--debug``)."""
    root = _notes_failing_on_post_41(tmp_path, "page.title | date_format")
    found = {}
    for workers in (1, 3):
        with pytest.raises(AttributeError) as info:
            _built(root, monkeypatch, workers)
        found[workers] = info.value
    assert str(found[3]) == str(found[1]) == "'str' object has no attribute 'strftime'"
    assert not getattr(found[1], "__notes__", None)
    (note,) = found[3].__notes__
    assert note.startswith("Raised in a forked copy of the build:") and "strftime" in note
