"""Jekyll's site model end to end: pages that run code, the home page an index page takes
over, site.pages and site.data in templates, excerpts, redirects, rebuilds on page edits."""

from __future__ import annotations

import io
import os

import pytest

from conftest import Page, run_build
from nbpress.config import load_config
from nbpress.pipeline import build

POST = "---\ntitle: Post {n}\n---\nText of post {n}.\n"


def site_build(root, executor, **options):
    return build(load_config(root, **options), executor=executor, log=io.StringIO())


def test_a_page_with_python_cells_runs_like_a_post(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": POST.format(n=1),
        "about.md": "---\ntitle: About\n---\nThe numbers:\n\n```python\nprint(6 * 7)\n```\n",
        "contact.md": "---\ntitle: Contact\n---\nNo code here.\n",
    })
    site_build(root, fake_executor)
    about = Page.read(root / "_site" / "about.html")
    assert "ran cell 0" in about.plain and "The numbers:" in about.plain
    assert about.all("h1")[0].text == "About"
    assert about.all("a", href="/about_files/about.ipynb")  # the executed notebook
    assert (root / "_site" / "about_files" / "about.ipynb").is_file()
    assert (root / "_executed" / "about" / "notebook.ipynb").is_file()
    assert not (root / "_site" / "contact_files").exists()  # no code: nothing to download
    assert about.json_ld()["@type"] == "WebPage"


@pytest.mark.kernel
def test_a_page_runs_in_a_real_kernel(make_site) -> None:
    root = make_site({"posts/2024-01-01-a.md": POST.format(n=1),
                      "stats.md": "---\ntitle: Stats\n---\n```python\nprint(6 * 7)\n```\n"})
    done = run_build("--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "42" in Page.read(root / "_site" / "stats.html").plain


def two_posts_and_index(make_site, executor, index: str):
    """A built site of two posts, one per home page, and ``index.md``; its root."""
    root = make_site({
        "posts/2024-01-01-a.md": POST.format(n=1), "posts/2024-01-02-b.md": POST.format(n=2),
        "index.md": index, "pyproject.toml": "[tool.nbpress]\npaginate = 1\n",
    })
    site_build(root, executor)
    return root


def test_an_index_page_with_another_layout_replaces_the_home(make_site, fake_executor) -> None:
    root = two_posts_and_index(make_site, fake_executor,
                               "---\nlayout: page\ntitle: Welcome\n---\nA landing page.\n")
    home = Page.read(root / "_site" / "index.html")
    assert "A landing page." in home.plain and "Text of post" not in home.plain
    assert not (root / "_site" / "page2").exists()  # Jekyll paginates no index.md
    assert (root / "_site" / "archive" / "index.html").is_file()


def test_an_index_page_with_layout_home_tops_the_paginated_home(make_site,
                                                                fake_executor) -> None:
    root = two_posts_and_index(make_site, fake_executor,
                               "---\nlayout: home\n---\nHello from index.md.\n")
    home = Page.read(root / "_site" / "index.html")
    assert "Hello from index.md." in home.plain and "Post 2" in home.plain
    assert "Hello from index.md." not in Page.read(root / "_site/page2/index.html").plain


def test_templates_see_site_pages_and_data_and_excerpts(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\nexcerpt: The *short* version.\n"
                                 "categories: [Notes]\n---\nThe long version.\n",
        "about.md": "---\ntitle: About\n---\nBy {{ site.data.people.me.name }}.\n",
        "colophon.html": "---\ntitle: Colophon\n---\n<p>Set in\n\n    Fira Sans</p>\n",
        "sitemap-page.md": "---\ntitle: All pages\nlayout: pagelist\n---\n",
        "_data/people.yml": "me:\n  name: Mara Quist\n",
        "templates/pagelist.html": '{% extends "page.html" %}{% block content %}'
                                   '{% for p in site.pages %}<a href="{{ p.url }}">{{ p.title }}'
                                   '</a>{% endfor %}<p id="data">{{ site.data.people.me.name }}'
                                   '</p><p id="cats">{% for name, posts in site.categories|dictsort %}'
                                   '{{ name }}: {{ posts|map(attribute="title")|join(",") }}'
                                   '{% endfor %}</p>{% endblock %}',
    })
    site_build(root, fake_executor)
    out = root / "_site"
    listing = Page.read(out / "sitemap-page.html")
    assert [(a.get("href"), a.text) for a in listing.all("a", inside="main")] == [
        ("/about", "About"), ("/colophon", "Colophon"), ("/sitemap-page", "All pages")]
    assert listing.all("p", id="data")[0].text == "Mara Quist"
    assert listing.all("p", id="cats")[0].text == "Notes: A"
    assert "By Mara Quist." in Page.read(out / "about.html").plain
    # An .html page is HTML as written: its indented line is no code block.
    assert not Page.read(out / "colophon.html").all("pre")
    home = Page.read(out / "index.html")
    assert [e.node.text_content().strip() for e in home.all("div", class_="excerpt")] == [
        "The short version."]
    # nbpress's default permalink has no :categories (Jekyll's default "date" has them).
    assert (out / "2024" / "01" / "01" / "a.html").is_file()


def test_redirect_from_an_existing_page_is_a_warning(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\nredirect_from: /about\n---\nText.\n",
        "about.md": "---\ntitle: About\n---\nMe.\n",
    })
    report = site_build(root, fake_executor)
    assert [w.message for w in report.warnings] == [
        "'redirect_from: /about' is the address of another page of the site (about.html); "
        "no redirect is written there."]
    assert "Me." in Page.read(root / "_site" / "about.html").plain
    redirects = (root / "_site" / "redirects.json").read_text()
    assert redirects == "{}"


def test_editing_a_page_or_a_data_file_rebuilds(make_site, fake_executor) -> None:
    root = make_site({"posts/2024-01-01-a.md": POST.format(n=1),
                      "about.md": "---\ntitle: About\n---\nBy {{ site.data.me.name }}.\n",
                      "_data/me.yml": "name: Ana\n"})
    site_build(root, fake_executor)
    assert site_build(root, fake_executor).up_to_date
    data = root / "_data" / "me.yml"
    data.write_text("name: Bo\n", encoding="utf-8")
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 10**9))
    assert not site_build(root, fake_executor).up_to_date
    assert "By Bo." in Page.read(root / "_site" / "about.html").plain
    (root / "contact.md").write_text("---\ntitle: Contact\n---\nHi.\n", encoding="utf-8")
    assert not site_build(root, fake_executor).up_to_date
    assert (root / "_site" / "contact.html").is_file()


def test_sitemap_lists_pages_but_no_redirects_or_404(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": POST.format(n=1),
        "posts/2024-01-02-moved.md": "---\ntitle: Moved\nredirect_to: /posts-elsewhere/\n---\n",
        "about.md": "---\ntitle: About\nredirect_from: /me/\n---\nMe.\n",
        "hidden.md": "---\ntitle: Hidden\nsitemap: false\n---\n",
        "404.md": "---\npermalink: /404.html\ntitle: Lost\n---\nNothing here.\n",
        "pyproject.toml": '[tool.nbpress]\nurl = "https://example.org"\n',
    })
    site_build(root, fake_executor)
    sitemap = (root / "_site" / "sitemap.xml").read_text()
    locs = [line.strip()[5:-6] for line in sitemap.splitlines() if "<loc>" in line]
    assert locs == ["https://example.org/", "https://example.org/2024/01/01/a.html",
                    "https://example.org/archive/", "https://example.org/tags/",
                    "https://example.org/about"]
    assert "Nothing here." in Page.read(root / "_site" / "404.html").plain  # the page's 404
    moved = Page.read(root / "_site" / "2024/01/02/moved.html")
    assert moved.all("link", rel="canonical")[0].get("href") == \
        "https://example.org/posts-elsewhere/"


def test_a_page_without_layout_is_its_content_alone(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": POST.format(n=1),
        "google-check.html": "---\nlayout: null\n---\n<!doctype html><p>verification</p>\n",
    })
    site_build(root, fake_executor)
    assert (root / "_site" / "google-check.html").read_text() == \
        "<!doctype html><p>verification</p>\n"


def test_an_index_html_with_paginator_is_the_paginated_home(make_site, fake_executor) -> None:
    # A Jekyll blog's own paginated index.html (jekyll-paginate paginates index.html only).
    root = two_posts_and_index(make_site, fake_executor, "")
    (root / "index.md").unlink()
    (root / "index.html").write_text(
        "---\nlayout: default\n---\n{% for post in paginator.posts %}\n"
        "<h2>{{ post.title }}</h2>\n{% endfor %}\n", encoding="utf-8")
    report = site_build(root, fake_executor)
    assert [w.message for w in report.warnings] == [
        "this index.html lists posts with jekyll-paginate's 'paginator': nbpress's paginated "
        "home page (the theme's index.html template) is built in its place; to change it, add "
        "templates/index.html."]
    assert "Post 2" in Page.read(root / "_site" / "index.html").plain
    assert "Post 1" in Page.read(root / "_site" / "page2" / "index.html").plain


def test_an_image_beside_a_page_is_published_beside_it(make_site, fake_executor) -> None:
    from conftest import png_bytes

    root = make_site({"posts/2024-01-01-a.md": POST.format(n=1),
                      "team/index.md": "---\ntitle: Team\n---\n![Ana](ana.png)\n",
                      "team/ana.png": png_bytes()})
    report = site_build(root, fake_executor)
    assert report.warnings == ()
    assert Page.read(root / "_site/team/index.html").all("img", src="ana.png", alt="Ana")
    assert (root / "_site/team/ana.png").read_bytes() == png_bytes()
