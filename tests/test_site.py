"""The site around the posts (nbpress/site.py): every page type, head tags, pagination, tags,
archive, baseurl everywhere.  No kernel: a fake executor gives each post outputs."""

from __future__ import annotations

import base64
import copy
import io
import json
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import pages_workflow_runs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
PACKAGES = {"numpy": "2.4.6", "matplotlib": "3.11.2", "pyzmq": "27.3.0", "traitlets": "5.14.3"}


def png_bytes(width: int = 640, height: int = 320) -> bytes:
    """A real PNG (a colour gradient), small enough to write by hand."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160))
                                        for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="150pt" viewBox="0 0 400 150">'
       '<rect width="400" height="150" fill="white"/><circle cx="75" cy="75" r="60" fill="#c33"/>'
       '<text x="160" y="85" font-size="24">fake svg</text></svg>')


def fake_executor(doc, config, **_options):
    """Stands in for a kernel: ``fake_png()``/``fake_svg()`` cells show an image, others print."""
    import nbformat

    from nbpress.model import ExecResult

    nb = copy.deepcopy(doc.notebook)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        if "fake_png()" in cell.source:
            data = {"image/png": base64.b64encode(png_bytes()).decode(),
                    "text/plain": "<Figure size 640x320 with 1 Axes>"}
            cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        elif "fake_svg()" in cell.source:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "image/svg+xml": SVG, "text/plain": "<IPython.core.display.SVG object>"})]
        else:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"ran cell {n}\n")]
        cell.execution_count = n + 1
    return ExecResult(doc=doc, notebook=nb, seconds=12.5, executed_at="2024-02-10T09:30:00+00:00",
                      python="3.11.7", packages=dict(PACKAGES), main_packages=("numpy",))


def build_sample(where: Path, pyproject: str | None = None, posts: dict[str, str] | None = None
                 ) -> Path:
    """Copy the fixture site to ``where``, build it with the fake executor; return ``_site``."""
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = where / "site"
    shutil.copytree(FIXTURE, root)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for name, text in (posts or {}).items():
        (root / "posts" / name).write_text(text, encoding="utf-8")
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    return root / "_site"


# --- reading built pages -------------------------------------------------------------------

class Page(HTMLParser):
    """Tags with attributes, ids, text, and heading counts of one built page."""

    VOID = {"img", "br", "meta", "link", "input", "hr", "source", "wbr", "col", "area"}

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v
                                                            for k, v in attrs.items())]

    def meta(self, key: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "meta" and key in (attrs.get("property"), attrs.get("name")):
                return attrs.get("content")
        return None

    def has_class(self, tag: str, cls: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def json_ld(parsed: Page, site: Path, path: str) -> dict:
    text = (site / path).read_text(encoding="utf-8")
    start = text.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(text[start:text.index("</script>", start)])


POST = "2024/02/10/plots-and-tables.html"
FIRST = "2024/01/05/first-steps.html"
NOTES = "2023/12/24/notes.html"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build_sample(tmp_path_factory.mktemp("sample"))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- every page type -----------------------------------------------------------------------

def test_every_page_type_is_built(sample: Path) -> None:
    for path in [POST, FIRST, NOTES, "index.html", "page2/index.html", "tags/index.html",
                 "tags/python/index.html", "tags/data-science/index.html", "tags/notes/index.html",
                 "archive/index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
                 "assets/css/style.css", "assets/css/pygments.css", "assets/js/copy.js",
                 "assets/js/theme.js", "assets/favicon.svg", "assets/img/diagram.svg",
                 "2024/02/10/plots-and-tables_files/plots-and-tables.ipynb"]:
        assert (sample / path).is_file(), path
    assert not (sample / "page3").exists()


def test_each_page_has_one_h1_a_title_and_a_language(sample: Path) -> None:
    for path in html_files(sample):
        parsed = Page(path.read_text(encoding="utf-8"))
        assert len(parsed.all("h1")) == 1, path
        assert parsed.all("html")[0]["lang"] == "en", path
        assert parsed.all("meta", name="viewport"), path
        assert len(parsed.all("main")) == 1, path
        for img in parsed.all("img"):
            assert img.get("alt"), (path, img)


def _local_target(site: Path, url: str) -> Path | None:
    """The file a root-relative URL of the site points at (under baseurl /blog)."""
    path = url.split("#")[0].split("?")[0]
    assert path.startswith("/blog/") or path == "/blog", url
    rel = path[len("/blog"):].lstrip("/")
    target = site / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def test_baseurl_everywhere_and_every_local_link_resolves(sample: Path) -> None:
    checked = 0
    for path in html_files(sample):
        parsed = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            for name in ("href", "src", "poster", "action"):
                url = attrs.get(name)
                if url is None:
                    continue
                if url.startswith("#"):
                    assert url[1:] in parsed.ids, (path, url)
                    continue
                if url.startswith(("https://", "http://", "mailto:")):
                    continue
                assert url.startswith("/blog/"), (path, tag, name, url)
                target = _local_target(sample, url)
                assert target.is_file(), (path, url)
                fragment = url.partition("#")[2]
                if fragment and target.suffix == ".html":
                    assert fragment in page(sample, str(target.relative_to(sample))).ids, url
                checked += 1
    assert checked > 100


def test_css_and_js_need_nothing_from_elsewhere(sample: Path) -> None:
    for path in list((sample / "assets").rglob("*.css")) + list((sample / "assets").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "http://" not in text and "https://" not in text, path
        assert "fonts.googleapis" not in text
    for path in html_files(sample):
        parsed = Page(path.read_text(encoding="utf-8"))
        for attrs in parsed.all("link") + parsed.all("script"):
            url = attrs.get("href") or attrs.get("src") or ""
            if attrs.get("rel") not in ("canonical", "alternate"):
                assert not url.startswith(("http:", "https:", "//")), (path, url)


# --- head tags -------------------------------------------------------------------------------

def test_post_head_has_canonical_description_opengraph_twitter_jsonld_and_feed(sample: Path
                                                                               ) -> None:
    parsed = page(sample, POST)
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
    data = json_ld(parsed, sample, POST)
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Plots & tables <in> practice"
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == "2024-02-10T00:00:00+00:00"
    assert data["image"] == image and data["author"]["name"] == "Ada Lovelace"
    assert data["description"] == description
    assert "<in>" not in (sample / POST).read_text().split("ld+json")[1].split("</script>")[0]


def test_post_without_figure_gets_a_summary_card_and_its_modified_date(sample: Path) -> None:
    parsed = page(sample, NOTES)
    assert parsed.meta("og:image") is None and parsed.meta("twitter:image") is None
    assert parsed.meta("twitter:card") == "summary"
    assert parsed.meta("description") == "Only prose here."  # from the excerpt
    assert parsed.meta("article:modified_time") == "2024-01-02T00:00:00+00:00"
    assert json_ld(parsed, sample, NOTES)["dateModified"] == "2024-01-02T00:00:00+00:00"


def test_home_and_list_pages_heads(sample: Path) -> None:
    home = page(sample, "index.html")
    assert home.all("link", rel="canonical")[0]["href"] == "https://example.org/blog/"
    assert home.meta("og:type") == "website"
    assert json_ld(home, sample, "index.html")["@type"] == "WebSite"
    assert home.meta("description") == "Small experiments, run when the site is built"
    tag = page(sample, "tags/python/index.html")
    assert tag.all("link", rel="canonical")[0]["href"] == "https://example.org/blog/tags/python/"
    assert json_ld(tag, sample, "tags/python/index.html")["@type"] == "WebPage"


# --- the post page -------------------------------------------------------------------------

def test_post_offers_notebook_and_colab(sample: Path) -> None:
    parsed = page(sample, POST)
    hrefs = [a["href"] for a in parsed.all("a")]
    assert "/blog/2024/02/10/plots-and-tables_files/plots-and-tables.ipynb" in hrefs
    # Colab cannot open a .md post: the link opens its executed notebook, committed in _executed/
    notebook = "_executed/2024-02-10-plots-and-tables/notebook.ipynb"
    assert f"https://colab.research.google.com/github/octo/lab-notes/blob/main/{notebook}" in hrefs
    assert (sample.parent / notebook).is_file()


def test_colab_opens_an_ipynb_post_itself(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("---\ntitle: From Jupyter\n---"),
                nbformat.v4.new_code_cell("print(6 * 7)")]
    site = build_sample(tmp_path, posts={"2024-03-01-from-jupyter.ipynb": nbformat.writes(nb)})
    hrefs = [a["href"] for a in page(site, "2024/03/01/from-jupyter.html").all("a")]
    assert ("https://colab.research.google.com/github/octo/lab-notes/blob/main/posts/"
            "2024-03-01-from-jupyter.ipynb") in hrefs


def test_no_colab_link_without_repository(tmp_path: Path) -> None:
    site = build_sample(tmp_path, pyproject='[tool.nbpress]\ntitle = "T"\n')
    assert "colab.research.google.com" not in (site / POST).read_text()


def test_table_of_contents_from_headings(sample: Path) -> None:
    parsed = page(sample, POST)
    nav = parsed.all("nav", **{"aria-label": "Table of contents"})
    assert nav
    text = (sample / POST).read_text()
    toc = text[text.index('aria-label="Table of contents"'):text.index("</nav>",
                                                                       text.index("toc"))]
    links = [a for a in Page(toc).all("a")]
    assert [a["href"] for a in links] == ["#setup", "#a-figure", "#the-diagram",
                                          "#a-wide-table", "#long-lines"]
    assert "<ol>\n  <li><a href=\"#the-diagram\">" in toc  # h3 nested under its h2
    for a in links:
        assert a["href"][1:] in parsed.ids


def test_toc_off_by_front_matter_and_for_short_posts(sample: Path) -> None:
    assert not page(sample, NOTES).all("nav", **{"aria-label": "Table of contents"})
    assert not page(sample, FIRST).all("nav", **{"aria-label": "Table of contents"})


def test_h1_in_a_post_becomes_h2(sample: Path) -> None:
    parsed = page(sample, FIRST)
    assert [a.get("class") for a in parsed.all("h1")] == ["post-title"]
    assert parsed.all("h2", id="why") and parsed.all("h2", id="how")


def test_previous_and_next_links(sample: Path) -> None:
    def nav(path: str) -> dict[str, str]:
        return {a["rel"]: a["href"] for a in page(sample, path).all("a") if a.get("rel") in
                ("prev", "next")}

    assert nav(POST) == {"prev": "/blog/2024/01/05/first-steps.html"}
    assert nav(FIRST) == {"prev": "/blog/2023/12/24/notes.html",
                          "next": "/blog/2024/02/10/plots-and-tables.html"}
    assert nav(NOTES) == {"next": "/blog/2024/01/05/first-steps.html"}


def test_reproducibility_line(sample: Path) -> None:
    text = page(sample, POST).plain
    assert ("The code on this page ran on February 10, 2024 in 12 s with Python 3.11.7, using "
            "numpy 2.4.6.") in text.replace("\xa0", " ")
    assert "All 4 packages it imported, with versions" in text
    assert "pyzmq==27.3.0" in text and "matplotlib==3.11.2" in text
    assert "The code on this page ran" not in page(sample, NOTES).plain  # no code, no line


def test_code_blocks_get_copy_buttons_from_a_small_script(sample: Path) -> None:
    parsed = page(sample, POST)
    assert parsed.all("script", src="/blog/assets/js/copy.js")
    assert parsed.has_class("pre", "highlight")
    script = (sample / "assets/js/copy.js").read_text()
    assert "pre.highlight" in script and "clipboard" in script


# --- lists: home pages, tags, archive ------------------------------------------------------

def _entries(parsed: Page) -> list[str]:
    return [a["href"] for t, a in parsed.tags if t == "a" and a.get("href", "").endswith(".html")
            and a.get("rel") is None and not a["href"].startswith("/blog/assets")]


def test_home_is_paginated_as_jekyll_paginate(sample: Path) -> None:
    home = page(sample, "index.html")
    second = page(sample, "page2/index.html")
    assert len(home.has_class("li", "post-entry")) == 2  # paginate = 2 in the fixture
    assert len(second.has_class("li", "post-entry")) == 1
    assert _entries(home)[:2] == ["/blog/2024/02/10/plots-and-tables.html",
                                  "/blog/2024/01/05/first-steps.html"]
    assert "/blog/2023/12/24/notes.html" not in _entries(home)
    assert [a["href"] for a in home.all("a", rel="next")] == ["/blog/page2/"]
    assert not home.all("a", rel="prev")
    assert "/blog/2023/12/24/notes.html" in _entries(second)
    assert [a["href"] for a in second.all("a", rel="prev")] == ["/blog/"]
    assert "Page 2 of 2" in second.plain


def test_home_entries_have_date_title_tags_reading_time_and_excerpt(sample: Path) -> None:
    home = page(sample, "index.html")
    text = home.plain
    assert "Feb 10, 2024" in text and "1 min read" in text
    assert [a["datetime"] for a in home.all("time")][:2] == ["2024-02-10T00:00:00+00:00",
                                                             "2024-01-05T00:00:00+00:00"]
    tags = [a["href"] for a in home.all("a", rel="tag")]
    assert tags[:2] == ["/blog/tags/python/", "/blog/tags/data-science/"]
    assert "This post draws a figure" in text
    assert "Setup" not in text  # the excerpt stops at <!--more-->
    # The excerpt's in-page link now points into the post.
    assert "/blog/2024/02/10/plots-and-tables.html#setup" in [a["href"] for a in home.all("a")]


def test_tag_pages_and_index(sample: Path) -> None:
    index = page(sample, "tags/index.html")
    assert [a["href"] for a in index.has_class("a", "tag")] == [
        "/blog/tags/data-science/", "/blog/tags/notes/", "/blog/tags/python/"]
    assert "python 2 posts" in index.plain and "notes 1 post" in index.plain
    python = page(sample, "tags/python/index.html")
    assert python.all("h1")[0] and "Posts tagged “python”" in python.plain
    assert _entries(python) == ["/blog/2024/02/10/plots-and-tables.html",
                                "/blog/2024/01/05/first-steps.html"]
    assert "Winter notes" not in python.plain


def test_archive_by_year(sample: Path) -> None:
    parsed = page(sample, "archive/index.html")
    assert [a["id"] for a in parsed.all("h2")] == ["year-2024", "year-2023"]
    assert _entries(parsed) == ["/blog/2024/02/10/plots-and-tables.html",
                                "/blog/2024/01/05/first-steps.html",
                                "/blog/2023/12/24/notes.html"]


def test_404_page_and_robots(sample: Path) -> None:
    parsed = page(sample, "404.html")
    assert "Page not found" in parsed.plain
    assert "/blog/" in [a["href"] for a in parsed.all("a")]
    assert (sample / "robots.txt").read_text() == (
        "User-agent: *\nDisallow:\n\nSitemap: https://example.org/blog/sitemap.xml\n")


def test_site_without_url_or_baseurl_uses_root_relative_links(tmp_path: Path) -> None:
    site = build_sample(tmp_path, pyproject='[tool.nbpress]\ntitle = "T"\npaginate = 0\n')
    parsed = page(site, POST)
    assert parsed.all("link", rel="canonical")[0]["href"] == "/2024/02/10/plots-and-tables.html"
    assert parsed.meta("og:image") == "/2024/02/10/plots-and-tables_files/plots-and-tables_3_0.png"
    assert not (site / "page2").exists()
    assert len(_entries(page(site, "index.html"))) >= 3
    for path in html_files(site):
        for tag, attrs in Page(path.read_text()).tags:
            for url in (attrs.get("href"), attrs.get("src")):
                if url and not url.startswith(("#", "https://", "http://")):
                    assert url.startswith("/") and not url.startswith("//"), (path, url)


# --- units: pagination, tags, HTML rewriting, post metadata, config --------------------------

def test_paginate_units() -> None:
    from nbpress.pagination import paginate

    pages = paginate(list(range(25)), 10, baseurl="/b")
    assert [p.output_path for p in pages] == ["index.html", "page2/index.html", "page3/index.html"]
    assert [p.url for p in pages] == ["/", "/page2/", "/page3/"]
    assert pages[0].paginator["posts"] == list(range(10)) and pages[2].paginator["posts"] == \
        list(range(20, 25))
    assert pages[1].paginator["previous_page_path"] == "/b/"
    assert pages[1].paginator["next_page_path"] == "/b/page3/"
    assert pages[2].paginator["next_page"] is None
    assert pages[0].paginator["total_pages"] == 3 and pages[0].paginator["total_posts"] == 25
    assert len(paginate([], 10)) == 1  # the home page exists without posts
    assert len(paginate(list(range(30)), 0)) == 1
    custom = paginate(list(range(3)), 1, paginate_path="/blog/p:num.html")
    assert [p.output_path for p in custom] == ["index.html", "blog/p2.html", "blog/p3.html"]


def test_tag_slugs() -> None:
    from nbpress.site import tag_slug

    assert tag_slug("Data Science") == "data-science"
    assert tag_slug("C++") == "c"
    assert tag_slug("Réseaux de neurones") == "reseaux-de-neurones"
    assert tag_slug("!!!") == "tag"


def test_rewrite_changes_only_what_it_must() -> None:
    from nbpress.htmlrewrite import resolve_url, rewrite

    html = ('<h1 id="a">T <a class="header-anchor" href="#a">#</a></h1>\n<pre><code>&lt;h1&gt;'
            ' src="/x"</code></pre><!-- <img src="/c.png"> --><IMG SRC="f.png" ALT=\'q "x"\'>'
            '<svg viewBox="0 0 1 1"><image href="/s.png"/></svg><h2>Two</h2>')
    out = rewrite(html, url=lambda u: resolve_url(u, "https://e.org/b/p/post.html",
                                                  "https://e.org"), heading_shift=1)
    assert out == ('<h2 id="a">T <a class="header-anchor" href="https://e.org/b/p/post.html#a">#'
                   '</a></h2>\n<pre><code>&lt;h1&gt; src="/x"</code></pre><!-- <img src="/c.png"> -->'
                   '<img src="https://e.org/b/p/f.png" alt="q &quot;x&quot;">'
                   '<svg viewBox="0 0 1 1"><image href="https://e.org/s.png" /></svg><h3>Two</h3>')
    assert rewrite(html) == html
    assert resolve_url("mailto:a@b.c", "/p.html", "https://e.org") == "mailto:a@b.c"
    assert resolve_url("data:image/png;base64,xx", "/p.html") == "data:image/png;base64,xx"
    assert resolve_url("//cdn.example/x", "/p.html", "https://e.org") == "//cdn.example/x"
    assert resolve_url("../img/a.png", "/b/2024/p.html") == "/b/img/a.png"


def test_headings_and_plain_text() -> None:
    from nbpress.htmlrewrite import headings, plain_text

    html = ('<h2 id="x">A <code>b</code> <a class="header-anchor" href="#x">#</a></h2><h3>no id</h3>'
            '<p>Some <em>text</em><script>var s = 1;</script></p>')
    assert [(h.level, h.id, h.text) for h in headings(html)] == [(2, "x", "A b")]
    assert plain_text(html) == "A b no idSome text"


def test_table_of_contents_rules() -> None:
    from nbpress.postmeta import table_of_contents

    two = '<h2 id="a">A</h2><h2 id="b">B</h2>'
    three = two + '<h3 id="c">C</h3><h4 id="d">D</h4>'
    assert table_of_contents(two) == []
    assert table_of_contents(two, True) == [{"id": "a", "text": "A", "children": []},
                                            {"id": "b", "text": "B", "children": []}]
    toc = table_of_contents(three)
    assert [i["id"] for i in toc] == ["a", "b"] and toc[1]["children"][0]["id"] == "c"
    assert table_of_contents(three, False) == []


def test_imported_modules_and_the_reproducibility_line() -> None:
    from nbpress.postmeta import reproducibility
    from nbpress.tracking import imported_modules

    code = ("%matplotlib inline\n!pip list\nimport os, sys\nimport numpy as np\n"
            "from sklearn.linear_model import LinearRegression\nimport yaml\n"
            "from . import local\nimport matplotlib.pyplot as plt\n")
    assert imported_modules(code) == ["numpy", "sklearn", "yaml", "matplotlib"]
    assert imported_modules("import numpy as np\nthis is not python\n") == ["numpy"]
    recorded = {"numpy": "2.0", "scikit-learn": "1.5", "PyYAML": "6.0", "matplotlib": "3.9",
                "pyzmq": "26"}
    assert reproducibility({"code_cells": 0, "executed_at": "2024-05-06"}) is None
    run = reproducibility({"executed_at": "2024-05-06T07:08:09+0000", "seconds": 3723,
                           "python": "3.12.1", "packages": recorded, "code_cells": 2,
                           "main_packages": ["numpy", "scikit-learn", "gone"]})
    assert run["executed_label"] == "May 6, 2024" and run["duration"] == "1 h 2 min"
    assert [p["name"] for p in run["main"]] == ["numpy", "scikit-learn"]
    assert [p["name"] for p in run["all"]][:2] == ["matplotlib", "numpy"]


def test_post_context_from_a_hand_made_post() -> None:
    import datetime as dt

    from nbpress.model import PostSource, RenderedPost
    from nbpress.site import post_context

    post = PostSource(path=Path("posts/2024-01-01-x.md"), slug="x", title="X",
                      date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                      url="/2024/01/01/x/", front_matter={"image": "/assets/cover.png"},
                      body="", body_line=1, tags=("a b",))
    item = RenderedPost(post=post, html='<h1 id="t">T</h1><p>Body <img src="fig.png" alt="f"></p>',
                        excerpt='<h1 id="t">T</h1><p><a href="fig.png">f</a></p>', files=())
    ctx = post_context(item, {"baseurl": "/b", "url": "https://e.org", "title": "S"})
    assert ctx["url"] == "/b/2024/01/01/x/"
    assert ctx["id"] == "/b/2024/01/01/x"  # jekyll-feed's entry id: the URL's folder + slug
    assert ctx["content"].startswith('<h2 id="t">')
    assert ctx["excerpt"] == '<h3 id="t">T</h3><p><a href="/b/2024/01/01/x/fig.png">f</a></p>'
    assert ctx["image"] == "/b/assets/cover.png"  # the front matter's image wins
    assert ctx["seo"]["image"] == "https://e.org/b/assets/cover.png"
    assert ctx["tag_links"] == [{"name": "a b", "slug": "a-b", "url": "/b/tags/a-b/"}]


def test_new_config_keys_are_checked(tmp_path: Path) -> None:
    from nbpress.config import load_config
    from nbpress.errors import ConfigError

    (tmp_path / "pyproject.toml").write_text(
        '[tool.nbpress]\npaginate = 5\npaginate_path = "/p/:num/"\nrepository = "o/r"\n'
        'branch = "gh-pages"\nlang = "fr"\n')
    config = load_config(tmp_path)
    assert (config.paginate, config.paginate_path, config.repository, config.branch,
            config.lang) == (5, "/p/:num/", "o/r", "gh-pages", "fr")
    assert load_config(tmp_path / "missing").paginate == 10
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nbpress]\npaginate = -1\npaginate_path = "page"\nrepository = "nope"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert "'tool.nbpress.paginate' must be 0" in message
    assert "'tool.nbpress.paginate_path' must start with '/' and contain ':num'" in message
    assert "'tool.nbpress.repository' must be \"owner/name\", not 'nope'" in message


# --- publishing ----------------------------------------------------------------------------

def test_pages_workflow_builds_from_the_cache_and_deploys() -> None:
    runs = pages_workflow_runs(Path(__file__).resolve().parent.parent
                               / ".github/workflows/pages.yml")
    # nbpress from this repository, never the posts' packages (torch, jax: gigabytes)
    assert [r for r in runs if "pip" in r] == ["python -m pip install ."]
    for heavy in ("torch", "jax", "recorded-packages", "[posts]", "-e ."):
        assert heavy not in "\n".join(runs), heavy
