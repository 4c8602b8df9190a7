"""The site around the posts (nbpress/site.py): every page type, head tags, the post page, tags,
archive, baseurl everywhere.  No kernel: conftest's fake executor gives each post outputs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from conftest import Page

POST = "2024/02/10/plots-and-tables.html"
FIRST = "2024/01/05/first-steps.html"
NOTES = "2023/12/24/notes.html"
PAGES = 11  # 3 posts, 2 home pages, the tag index, 3 tag pages, the archive and 404.html


def page(site: Path, path: str) -> Page:
    return Page.read(site / path)


def html_files(site: Path) -> list[Path]:
    files = sorted(site.rglob("*.html"))
    assert files, f"no pages in {site}"
    return files


# --- every page type -----------------------------------------------------------------------

def test_every_page_type_is_built(fixture_site: Path) -> None:
    for path in [POST, FIRST, NOTES, "index.html", "page2/index.html", "tags/index.html",
                 "tags/python/index.html", "tags/data-science/index.html", "tags/notes/index.html",
                 "archive/index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
                 "assets/css/style.css", "assets/css/pygments.css", "assets/js/copy.js",
                 "assets/js/theme.js", "assets/favicon.svg", "assets/img/diagram.svg",
                 "2024/02/10/plots-and-tables_files/plots-and-tables.ipynb"]:
        assert (fixture_site / path).is_file(), path
    assert not (fixture_site / "page3").exists()
    assert len(html_files(fixture_site)) == PAGES


def test_each_page_is_well_formed_with_one_h1_a_title_and_a_language(fixture_site: Path
                                                                       ) -> None:
    images = 0
    for path in html_files(fixture_site):
        parsed = Page.read(path)
        assert parsed.errors == [], path
        assert len(parsed.all("h1")) == 1, path
        assert parsed.all("html")[0]["lang"] == "en", path
        assert parsed.all("title")[0].text, path
        assert parsed.all("meta", name="viewport"), path
        assert len(parsed.all("main")) == 1, path
        for img in parsed.imgs:
            assert img.get("alt"), (path, img)
            images += 1
    assert images == 3  # the post's PNG and SVG outputs and its diagram


def _local_target(site: Path, url: str) -> Path:
    """The file a root-relative URL of the site points at (under baseurl /blog)."""
    path = url.split("#")[0].split("?")[0]
    assert path.startswith("/blog/") or path == "/blog", url
    rel = path[len("/blog"):].lstrip("/")
    target = site / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def test_baseurl_everywhere_and_every_local_link_resolves(fixture_site: Path) -> None:
    checked = 0
    for path in html_files(fixture_site):
        parsed = Page.read(path)
        for tag, name, url in parsed.urls:
            if url.startswith("#"):
                assert url[1:] in parsed.ids, (path, url)
                continue
            if url.startswith(("https://", "http://", "mailto:")):
                continue
            assert url.startswith("/blog/"), (path, tag, name, url)
            target = _local_target(fixture_site, url)
            assert target.is_file(), (path, url)
            fragment = url.partition("#")[2]
            if fragment and target.suffix == ".html":
                assert fragment in Page.read(target).ids, url
            checked += 1
    assert checked > 100


def test_css_and_js_need_nothing_from_elsewhere(fixture_site: Path) -> None:
    assets = sorted((fixture_site / "assets").rglob("*.css")) + \
        sorted((fixture_site / "assets").rglob("*.js"))
    assert [p.name for p in assets] == ["pygments.css", "style.css", "katex.min.css", "copy.js",
                                        "preview.js", "search.js", "theme.js"]
    for path in assets:
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "http://" not in text and "https://" not in text, path
        assert "fonts.googleapis" not in text
    for path in html_files(fixture_site):
        parsed = Page.read(path)
        loaded = parsed.all("link", rel="stylesheet") + parsed.all("script")
        assert loaded, path
        for attrs in parsed.all("link") + parsed.all("script"):
            url = attrs.get("href") or attrs.get("src") or ""
            if attrs.get("rel") not in ("canonical", "alternate"):
                assert not url.startswith(("http:", "https:", "//")), (path, url)


# --- head tags -------------------------------------------------------------------------------

def test_post_head_has_canonical_description_opengraph_twitter_jsonld_and_feed(
        fixture_site: Path) -> None:
    parsed = page(fixture_site, POST)
    url = "https://example.org/blog/2024/02/10/plots-and-tables.html"
    image = "https://example.org/blog/2024/02/10/plots-and-tables_files/plots-and-tables_3_0.png"
    assert parsed.all("link", rel="canonical")[0]["href"] == url
    description = "A post with a PNG figure, an SVG drawing, a wide table and a long line of code."
    assert parsed.meta("description") == description
    assert parsed.meta("og:title") == "Plots & tables <in> practice"
    assert parsed.meta("og:description") == description
    assert parsed.meta("og:url") == url
    assert parsed.meta("og:type") == "article"
    assert parsed.meta("og:site_name") == "Lab notes"
    assert parsed.meta("og:image") == image
    assert parsed.meta("article:published_time") == "2024-02-10T00:00:00+00:00"
    assert parsed.meta("twitter:card") == "summary_large_image"
    assert parsed.meta("twitter:image") == image
    assert parsed.meta("twitter:title") == "Plots & tables <in> practice"
    assert parsed.meta("author") == "Ada Lovelace"
    feed = parsed.all("link", rel="alternate", type="application/atom+xml")
    assert [f["href"] for f in feed] == ["https://example.org/blog/feed.xml"]
    data = parsed.json_ld()
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Plots & tables <in> practice"
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == "2024-02-10T00:00:00+00:00"
    assert data["image"] == image and data["author"]["name"] == "Ada Lovelace"
    assert data["description"] == description
    # "<" is escaped inside the script, so a title cannot end it early.
    assert "<in>" not in parsed.all("script", type="application/ld+json")[0].text


def test_post_without_figure_gets_a_summary_card_and_its_modified_date(fixture_site: Path
                                                                       ) -> None:
    parsed = page(fixture_site, NOTES)
    assert parsed.meta("og:image") is None and parsed.meta("twitter:image") is None
    assert parsed.meta("twitter:card") == "summary"
    assert parsed.meta("description") == "Only prose here."  # from the excerpt
    assert parsed.meta("article:modified_time") == "2024-01-02T00:00:00+00:00"
    assert parsed.json_ld()["dateModified"] == "2024-01-02T00:00:00+00:00"


def test_home_and_list_pages_heads(fixture_site: Path) -> None:
    home = page(fixture_site, "index.html")
    assert home.all("link", rel="canonical")[0]["href"] == "https://example.org/blog/"
    assert home.meta("og:type") == "website"
    assert home.json_ld()["@type"] == "WebSite"
    assert home.meta("description") == "Small experiments, run when the site is built"
    tag = page(fixture_site, "tags/python/index.html")
    assert tag.all("link", rel="canonical")[0]["href"] == "https://example.org/blog/tags/python/"
    assert tag.json_ld()["@type"] == "WebPage"


# --- the post page -------------------------------------------------------------------------

def test_post_offers_notebook_and_colab(fixture_site: Path) -> None:
    hrefs = page(fixture_site, POST).hrefs
    assert "/blog/2024/02/10/plots-and-tables_files/plots-and-tables.ipynb" in hrefs
    # Colab cannot open a .md post: the link opens its executed notebook, committed in _executed/
    notebook = "_executed/2024-02-10-plots-and-tables/notebook.ipynb"
    assert f"https://colab.research.google.com/github/octo/lab-notes/blob/main/{notebook}" in hrefs
    assert (fixture_site.parent / notebook).is_file()


def test_colab_opens_an_ipynb_post_itself(build_fixture_site) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("---\ntitle: From Jupyter\n---"),
                nbformat.v4.new_code_cell("print(6 * 7)")]
    site = build_fixture_site(posts={"2024-03-01-from-jupyter.ipynb": nbformat.writes(nb)})
    assert ("https://colab.research.google.com/github/octo/lab-notes/blob/main/posts/"
            "2024-03-01-from-jupyter.ipynb") in page(site, "2024/03/01/from-jupyter.html").hrefs


def test_no_colab_link_without_repository(build_fixture_site) -> None:
    site = build_fixture_site(pyproject='[tool.nbpress]\ntitle = "T"\n')
    assert "/blog/2024/02/10/plots-and-tables_files/plots-and-tables.ipynb" not in \
        page(site, POST).hrefs  # no baseurl either
    assert "/2024/02/10/plots-and-tables_files/plots-and-tables.ipynb" in page(site, POST).hrefs
    assert "colab.research.google.com" not in (site / POST).read_text()


def test_table_of_contents_from_headings(fixture_site: Path) -> None:
    parsed = page(fixture_site, POST)
    (nav,) = parsed.all("nav", aria_label="Table of contents")
    assert [a.get("href") for a in nav.node.iter("a")] == [
        "#setup", "#a-figure", "#the-diagram", "#a-wide-table", "#long-lines"]
    # The h3 is nested under its h2.
    assert nav.node.xpath(".//li[a/@href='#a-figure']/ol/li/a/@href") == ["#the-diagram"]
    assert {"setup", "a-figure", "the-diagram", "a-wide-table", "long-lines"} <= set(parsed.ids)


def test_toc_off_by_front_matter_and_for_short_posts(fixture_site: Path) -> None:
    assert page(fixture_site, POST).all("nav", aria_label="Table of contents")
    assert not page(fixture_site, NOTES).all("nav", aria_label="Table of contents")
    assert not page(fixture_site, FIRST).all("nav", aria_label="Table of contents")


def test_h1_in_a_post_becomes_h2(fixture_site: Path) -> None:
    parsed = page(fixture_site, FIRST)
    assert [a.get("class") for a in parsed.all("h1")] == ["post-title"]
    assert parsed.all("h2", id="why") and parsed.all("h2", id="how")


def test_previous_and_next_links(fixture_site: Path) -> None:
    def nav(path: str) -> dict[str, str]:
        return {a["rel"]: a["href"] for a in page(fixture_site, path).all("a")
                if a.get("rel") in ("prev", "next")}

    assert nav(POST) == {"prev": "/blog/2024/01/05/first-steps.html"}
    assert nav(FIRST) == {"prev": "/blog/2023/12/24/notes.html",
                          "next": "/blog/2024/02/10/plots-and-tables.html"}
    assert nav(NOTES) == {"next": "/blog/2024/01/05/first-steps.html"}


def test_reproducibility_line(fixture_site: Path) -> None:
    text = page(fixture_site, POST).plain
    assert ("The code on this page ran on February 10, 2024 in 12 s with Python 3.11.7, using "
            "numpy 2.4.6.") in text.replace("\xa0", " ")
    assert "All 4 packages it imported, with versions" in text
    assert "pyzmq==27.3.0" in text and "matplotlib==3.11.2" in text
    assert "The code on this page ran" not in page(fixture_site, NOTES).plain  # no code


def test_code_blocks_get_copy_buttons_from_a_small_script(fixture_site: Path) -> None:
    parsed = page(fixture_site, POST)
    assert parsed.all("script", src="/blog/assets/js/copy.js")
    assert parsed.all("pre", class_="highlight")
    script = (fixture_site / "assets/js/copy.js").read_text()
    assert "pre.highlight" in script and "clipboard" in script


# --- lists: home pages, tags, archive ------------------------------------------------------

def _entries(parsed: Page) -> list[str]:
    return [a["href"] for a in parsed.all("a") if a.get("href", "").endswith(".html")
            and a.get("rel") is None and not a["href"].startswith("/blog/assets")]


def test_home_is_paginated_as_jekyll_paginate(fixture_site: Path) -> None:
    home = page(fixture_site, "index.html")
    second = page(fixture_site, "page2/index.html")
    assert len(home.all("li", class_="post-entry")) == 2  # paginate = 2 in the fixture
    assert len(second.all("li", class_="post-entry")) == 1
    assert _entries(home)[:2] == ["/blog/2024/02/10/plots-and-tables.html",
                                  "/blog/2024/01/05/first-steps.html"]
    assert "/blog/2023/12/24/notes.html" not in _entries(home)
    assert [a["href"] for a in home.all("a", rel="next")] == ["/blog/page2/"]
    assert not home.all("a", rel="prev")
    assert "/blog/2023/12/24/notes.html" in _entries(second)
    assert [a["href"] for a in second.all("a", rel="prev")] == ["/blog/"]
    assert "Page 2 of 2" in second.plain


def test_home_entries_have_date_title_tags_reading_time_and_excerpt(fixture_site: Path) -> None:
    home = page(fixture_site, "index.html")
    text = home.plain
    assert "Feb 10, 2024" in text and "1 min read" in text
    assert [a["datetime"] for a in home.all("time")][:2] == ["2024-02-10T00:00:00+00:00",
                                                             "2024-01-05T00:00:00+00:00"]
    tags = [a["href"] for a in home.all("a", rel="tag")]
    assert tags[:2] == ["/blog/tags/python/", "/blog/tags/data-science/"]
    assert "This post draws a figure" in text
    assert "Setup" not in text  # the excerpt stops at <!--more-->
    # The excerpt's in-page link now points into the post.
    assert "/blog/2024/02/10/plots-and-tables.html#setup" in home.hrefs


def test_tag_pages_and_index(fixture_site: Path) -> None:
    index = page(fixture_site, "tags/index.html")
    assert [a["href"] for a in index.all("a", class_="tag")] == [
        "/blog/tags/data-science/", "/blog/tags/notes/", "/blog/tags/python/"]
    assert "python 2 posts" in index.plain and "notes 1 post" in index.plain
    python = page(fixture_site, "tags/python/index.html")
    assert python.all("h1")[0].text == "Posts tagged “python”"
    assert _entries(python) == ["/blog/2024/02/10/plots-and-tables.html",
                                "/blog/2024/01/05/first-steps.html"]
    assert "Winter notes" not in python.plain


def test_archive_by_year(fixture_site: Path) -> None:
    parsed = page(fixture_site, "archive/index.html")
    assert [a["id"] for a in parsed.all("h2")] == ["year-2024", "year-2023"]
    assert _entries(parsed) == ["/blog/2024/02/10/plots-and-tables.html",
                                "/blog/2024/01/05/first-steps.html",
                                "/blog/2023/12/24/notes.html"]


def test_404_page_and_robots(fixture_site: Path) -> None:
    parsed = page(fixture_site, "404.html")
    assert "Page not found" in parsed.plain
    assert "/blog/" in parsed.hrefs
    assert (fixture_site / "robots.txt").read_text() == (
        "User-agent: *\nDisallow:\n\nSitemap: https://example.org/blog/sitemap.xml\n")


def test_site_without_url_or_baseurl_uses_root_relative_links(build_fixture_site) -> None:
    site = build_fixture_site(pyproject='[tool.nbpress]\ntitle = "T"\npaginate = 0\n')
    parsed = page(site, POST)
    assert parsed.all("link", rel="canonical")[0]["href"] == "/2024/02/10/plots-and-tables.html"
    assert parsed.meta("og:image") == "/2024/02/10/plots-and-tables_files/plots-and-tables_3_0.png"
    assert not (site / "page2").exists()
    assert len(page(site, "index.html").all("li", class_="post-entry")) == 3
    checked = 0
    for path in html_files(site):
        for tag, name, url in Page.read(path).urls:
            if not url.startswith(("#", "https://", "http://")):
                assert url.startswith("/") and not url.startswith("//"), (path, url)
                checked += 1
    assert checked > 50


# --- units -----------------------------------------------------------------------------------

def test_tag_slugs() -> None:
    from nbpress.site import tag_slug

    assert tag_slug("Data Science") == "data-science"
    assert tag_slug("Réseaux de neurones") == "reseaux-de-neurones"
    # Tags that Jekyll's slugify would merge keep pages of their own (issue 19, item 7).
    assert [tag_slug(t) for t in ("C++", "C#", "C")] == ["c-plus-plus", "c-sharp", "c"]
    assert [tag_slug(t) for t in ("日本語", "日本語 tag", "tag")] == ["日本語", "日本語-tag", "tag"]
    assert tag_slug("!!!") != tag_slug("???")
    assert re.fullmatch(r"tag-[0-9a-f]{8}", tag_slug("!!!"))


def test_post_context_from_a_hand_made_post() -> None:
    from nbpress.model import PostSource, RenderedPost, SiteConfig
    from nbpress.site import post_context

    post = PostSource(path=Path("posts/2024-01-01-x.md"), slug="x", title="X",
                      date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                      url="/2024/01/01/x/", front_matter={"image": "/assets/cover.png"},
                      body="", body_line=1, tags=("a b",), image="/assets/cover.png")
    item = RenderedPost(post=post, html='<h1 id="t">T</h1><p>Body <img src="fig.png" alt="f"></p>',
                        excerpt='<h1 id="t">T</h1><p><a href="fig.png">f</a></p>', files=())
    config = SiteConfig(root=Path("."), out=Path("_site"), theme_dirs=())
    ctx = post_context(item, {"baseurl": "/b", "url": "https://e.org", "title": "S"}, config)
    assert ctx["url"] == "/b/2024/01/01/x/"
    assert ctx["id"] == "/b/2024/01/01/x"  # jekyll-feed's entry id: the URL's folder + slug
    assert ctx["content"].startswith('<h2 id="t">')
    assert ctx["excerpt"] == '<h3 id="t">T</h3><p><a href="/b/2024/01/01/x/fig.png">f</a></p>'
    assert ctx["image"] == "/b/assets/cover.png"  # the front matter's image wins
    assert ctx["seo"]["image"] == "https://e.org/b/assets/cover.png"
    assert ctx["tag_links"] == [{"name": "a b", "slug": "a-b", "url": "/b/tags/a-b/"}]


def test_a_relative_front_matter_image_is_from_the_site_root_unless_beside_the_post(
        tmp_path: Path) -> None:
    from nbpress.model import PostSource, RenderedPost, SiteConfig
    from nbpress.site import post_context

    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/cover.png").write_bytes(b"png")
    found = {}
    for image in ("images/card.png", "cover.png", "https://cdn.example/x.png"):
        post = PostSource(path=tmp_path / "posts/2024-01-01-x.md", slug="x", title="X",
                          date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                          url="/2024/01/01/x.html", front_matter={"image": image}, body="",
                          body_line=1, image=image)
        item = RenderedPost(post=post, html="<p>Body</p>", excerpt="<p>Body</p>", files=())
        config = SiteConfig(root=tmp_path, out=tmp_path / "_site", theme_dirs=())
        ctx = post_context(item, {"baseurl": "/blog", "url": "https://e.org", "title": "S"},
                           config)
        found[image] = ctx["seo"]["image"]
    # fastpages' and jekyll-seo-tag's convention; a file beside the post is published there
    assert found == {"images/card.png": "https://e.org/blog/images/card.png",
                     "cover.png": "https://e.org/blog/2024/01/01/cover.png",
                     "https://cdn.example/x.png": "https://cdn.example/x.png"}


def test_context_digests_follow_the_render_key_the_file_and_the_settings() -> None:
    """A post's and a page's context are digested from what made them (the render key
    decides the rendering, then the post as discovered and the settings), one per context
    in ``site.posts`` and ``site.pages``; any of them changed changes the digest (a date
    taken from the file's time is in no render key)."""
    from dataclasses import replace

    from nbpress.model import PostSource, RenderedPost, SiteConfig
    from nbpress.site import context_digests, site_context

    def item(name: str, kind: str = "post") -> RenderedPost:
        post = PostSource(path=Path(f"posts/2024-01-01-{name}.md"), slug=name, title=name,
                          date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                          url=f"/{name}/", front_matter={}, body="", body_line=1, kind=kind)
        return RenderedPost(post=post, html=f"<p>{name}</p>", excerpt="", files=())

    config = SiteConfig(root=Path("."), out=Path("_site"), theme_dirs=())
    variables = {"baseurl": "", "url": "https://e.org", "title": "S"}
    items = [item("a"), item("about", "page"), item("b")]
    site = site_context(config, variables, items)

    def digests(**changed) -> list[str]:
        found = context_digests(site, changed.get("config", config),
                                changed.get("variables", variables), changed.get("items", items),
                                changed.get("keys", ["k1", "k2", "k3"]))
        return [found[id(c)] for c in [*site["posts"], *site["pages"]]]

    first = digests()
    assert len(set(first)) == 3  # a, b (posts), about (the page): one each
    assert digests() == first
    assert digests(keys=["k1", "k2", "other"])[1] != first[1]  # b's key
    assert digests(items=[items[0], items[1], replace(items[2], post=replace(
        items[2].post, path=Path("posts/2024-01-02-b.md")))])[1] != first[1]
    later = dt.datetime(2024, 1, 1, 15, 30, tzinfo=dt.timezone.utc)  # a file's time, say
    assert digests(items=[items[0], items[1], replace(items[2], post=replace(
        items[2].post, date=later))])[1] != first[1]
    assert set(digests(variables={**variables, "title": "T"})).isdisjoint(first)
    assert set(digests(config=replace(config, repository="me/blog"))).isdisjoint(first)
    # what runs and how (--jobs, --refresh, --execute, --keep-going) shows on no page
    assert digests(config=replace(config, jobs=3, refresh=("b",), mode="never",
                                  keep_going=True)) == first


def test_a_heading_repeating_the_title_is_shown_once() -> None:
    from nbpress.model import PostSource, RenderedPost
    from nbpress.site import analyze

    post = PostSource(path=Path("posts/x.md"), slug="x", title="Adam, explained",
                      date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), url="/x.html",
                      front_matter={}, body="", body_line=1)
    html = ('<h1 id="adam-explained">Adam, explained <a class="header-anchor" '
            'href="#adam-explained">#</a></h1>\n<p>Intro.</p>\n<h1 id="setup">Setup</h1>\n')
    content = analyze(RenderedPost(post=post, html=html, excerpt="", files=()), {}).content
    assert content == '<p>Intro.</p>\n<h2 id="setup">Setup</h2>\n'
    other = analyze(RenderedPost(post=post, html=html.replace("Adam, explained <", "Other <"),
                                 excerpt="", files=()), {}).content
    assert other.startswith('<h2 id="adam-explained">Other')


def test_page_layouts_are_checked_before_anything_runs(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from nbpress.config import load_config
    from nbpress.pages import read_page
    from nbpress.site import layout_errors
    from nbpress.templates import make_environment

    config = load_config(tmp_path)
    pages = []
    for name, layout in [("a.md", "nosuch"), ("b.md", "home"), ("c.md", "null"),
                         ("d.md", "default")]:
        (tmp_path / name).write_text(f"---\ntitle: T\nlayout: {layout}\n---\n")
        pages.append(read_page(tmp_path / name, config, ZoneInfo("UTC")))
    (error,) = layout_errors(make_environment(config.theme_dirs), pages)
    assert (error.location.path.name, error.location.line) == ("a.md", 3)
    assert (error.message, error.hint) == ("'layout: nosuch' names no template of the theme.",
                                           "Add templates/nosuch.html, or use 'layout: page'.")
