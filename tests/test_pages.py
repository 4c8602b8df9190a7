"""Standalone pages (nbpress/pages.py): Jekyll's page URLs, reading a page, clashes.

The URL table was checked with jekyll 4.3.1 (the files each style writes).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import nbformat
import pytest

from nbpress.config import load_config
from nbpress.errors import PostError
from nbpress.model import NotebookDoc, page_file
from nbpress.pages import discover_pages, page_url, read_page, stem_clashes, url_clashes

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize("style, name, permalink, url, written", [
    ("date", "about.md", None, "/about.html", "about.html"),
    ("none", "about.md", None, "/about.html", "about.html"),
    ("pretty", "about.md", None, "/about/", "about/index.html"),
    ("/:categories/:title/", "deep/er/page.html", None, "/deep/er/page/",
     "deep/er/page/index.html"),
    # A pattern ending in neither "/" nor ":output_ext": the URL has no extension, the
    # file gets one.
    ("/:year/:month/:day/:title.html", "about.md", None, "/about", "about.html"),
    ("pretty", "index.md", None, "/", "index.html"),
    ("date", "projects/index.md", None, "/projects/", "projects/index.html"),
    ("pretty", "deep/er/perm.md", "/:path/:basename:output_ext", "/deep/er/perm.html",
     "deep/er/perm.html"),
    ("date", "about.md", "/about-me/", "/about-me/", "about-me/index.html"),
    ("date", "Über uns.md", None, "/%C3%9Cber%20uns.html", "Über uns.html"),
])
def test_page_urls_are_jekylls(style: str, name: str, permalink: str | None, url: str,
                               written: str) -> None:
    assert page_url(PurePosixPath(name), permalink, style) == url
    assert page_file(url) == written


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_page_has_layout_page_unless_it_names_one(root: Path) -> None:
    config = load_config(root)
    about = read_page(write(root, "about.md", "---\ntitle: About\n---\nHi.\n"), config, UTC)
    home = read_page(write(root, "index.md", "---\nlayout: home\n---\nHi.\n"), config, UTC)
    assert (about.kind, about.layout, about.title, about.url) == ("page", "page", "About",
                                                                    "/about")
    assert (home.layout, home.title, home.url, home.output_path) == ("home", "", "/",
                                                                      "index.html")
    assert about.body == "Hi.\n" and about.body_line == 4


def test_unpublished_pages_only_with_drafts(root: Path) -> None:
    write(root, "about.md", "---\ntitle: About\n---\n")
    write(root, "old.md", "---\ntitle: Old\npublished: false\n---\n")
    pages, errors = discover_pages(load_config(root))
    assert [p.path.name for p in pages] == ["about.md"] and errors == []
    pages, _ = discover_pages(load_config(root, drafts=True))
    assert sorted(p.path.name for p in pages) == ["about.md", "old.md"]


def test_two_pages_with_one_url_name_both(root: Path) -> None:
    write(root, "about.md", "---\ntitle: About\n---\n")
    write(root, "me.md", "---\ntitle: Me\npermalink: /about\n---\n")
    pages, errors = discover_pages(load_config(root))
    assert [p.path.name for p in pages] == ["about.md"]
    assert [str(e) for e in errors] == [
        "me.md: this page has the same URL (/about) as about.md. Give one of them another "
        "'permalink:'."]


def test_bad_permalink_is_an_error_with_its_line(root: Path) -> None:
    write(root, "about.md", "---\ntitle: About\npermalink: [a]\n---\n")
    pages, errors = discover_pages(load_config(root))
    assert pages == [] and len(errors) == 1
    assert errors[0].message == "'permalink: ['a']' must be a URL path."
    assert errors[0].location.line == 3


def test_a_page_where_a_post_is_is_an_error(root: Path) -> None:
    from nbpress.discover import discover

    write(root, "posts/2024-01-02-hello.md", "---\ntitle: Hello\n---\n")
    write(root, "hello.md", "---\npermalink: /2024/01/02/hello.html\n---\n")
    config = load_config(root)
    (clash,) = url_clashes(discover(config)[0], discover_pages(config)[0])
    assert clash.message == ("this page has the same URL (/2024/01/02/hello.html) as the post "
                             "2024-01-02-hello.md.")


def test_executable_pages_sharing_a_stem_are_an_error(root: Path) -> None:
    config = load_config(root)
    write(root, "index.md", "---\ntitle: Home\n---\n")
    write(root, "projects/index.md", "---\ntitle: Projects\n---\n")
    docs = []
    for name in ("index.md", "projects/index.md"):
        page = read_page(root / name, config, UTC)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        docs.append(NotebookDoc(post=page, notebook=nb, markdown="", cells=(object(),)))
    (error,) = stem_clashes(docs)
    assert error.location.path == root / "projects" / "index.md"
    assert "same file name stem ('index') as index.md" in error.message
    assert stem_clashes(docs[:1]) == []


def test_liquid_sees_pages_as_jekylls_page_drops(root: Path) -> None:
    from nbpress.pages import liquid_pages

    write(root, "projects/index.md", "---\ntitle: Projects\nnav: true\n---\n")
    pages, _ = discover_pages(load_config(root))
    assert liquid_pages(pages, root) == [{"title": "Projects", "nav": True, "url": "/projects/",
                                          "path": "projects/index.md", "name": "index.md"}]
