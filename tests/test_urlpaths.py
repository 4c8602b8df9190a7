"""Where posts may go (nbpress/urlpaths.py): normalised permalinks, the site's own files,
URL-breaking characters and posts landing on each other, through ``discover``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nbpress.config import load_config
from nbpress.discover import discover
from nbpress.errors import PostError
from nbpress.urlpaths import RESERVED, normalise

HINT = ("Choose another 'permalink:' or 'slug:' (letters, digits, '-', '/'; not under "
        ".nbpress-site, 404.html, _pagefind, archive, assets, feed.xml, index.html, "
        "redirects.json, robots.txt, sitemap.xml, tags).")


def post(root: Path, name: str, front: str) -> None:
    (root / "posts" / name).write_text(f"---\ntitle: T\n{front}---\nText\n", encoding="utf-8")


def errors(root: Path) -> list[str]:
    found, problems = discover(load_config(root))
    assert all(isinstance(p, PostError) for p in problems)
    return [str(p) for p in problems]


def test_normalise() -> None:
    assert normalise("/./assets//css/./style.css") == "/assets/css/style.css"
    assert normalise("/a/b/.") == "/a/b/"
    assert normalise("/./") == "/"
    assert normalise("/a/../../x.html") is None


@pytest.mark.parametrize("permalink", ['"/./assets/css/style.css"', '"/./index.html"',
                                       '"/./.nbpress-site/"', "/tags/./x/", "/Assets/x.html",
                                       "/./", "/%61ssets/x.html", "/%74ags/"])
def test_a_permalink_onto_the_sites_own_files_is_refused(root: Path, permalink: str) -> None:
    post(root, "2024-01-01-a.md", f"permalink: {permalink}\n")
    shown = permalink.strip('"')
    assert errors(root) == [f"posts/2024-01-01-a.md:3: this post's URL {shown} would replace "
                            f"one of the site's own pages or folders. {HINT}"]


def test_a_permalink_with_another_extension_gets_html_as_on_jekyll(root: Path) -> None:
    """``/feed.xml`` is written as ``feed.xml.html`` (Jekyll adds the output extension), so it
    cannot replace the feed."""
    post(root, "2024-01-01-a.md", 'permalink: "/./feed.xml"\n')
    found, problems = discover(load_config(root))
    assert problems == [] and [p.output_path for p in found] == ["feed.xml.html"]


def test_a_permalink_onto_a_page_of_the_home_list_is_refused(root: Path) -> None:
    post(root, "2024-01-01-a.md", "permalink: /page2/\n")
    post(root, "2024-01-02-b.md", "permalink: /%70age3/\n")
    post(root, "2024-01-03-c.md", "permalink: /page2/notes.html\n")  # beside it: fine
    assert errors(root) == [
        f"posts/2024-01-01-a.md:3: this post's URL /page2/ would replace a page of the home "
        f"page's list (paginate_path). {HINT}",
        f"posts/2024-01-02-b.md:3: this post's URL /%70age3/ would replace a page of the home "
        f"page's list (paginate_path). {HINT}"]


def test_a_permalink_that_is_not_text_is_refused(root: Path) -> None:
    post(root, "2024-01-01-a.md", "permalink: [a, b]\n")
    assert errors(root) == ["posts/2024-01-01-a.md:3: 'permalink:' must be text, not a list. "
                            "Write e.g. 'permalink: /:year/:title/' (quoted if it holds ': ')."]


@pytest.mark.parametrize("permalink,why", [
    ("/a#b.html", "contains '#', which breaks every link to it"),
    ("/a?b.html", "contains '?', which breaks every link to it"),
    ("/a b.html", "contains a space or control character, which breaks links to it")])
def test_a_permalink_with_a_url_breaking_character_is_refused(root: Path, permalink: str,
                                                              why: str) -> None:
    post(root, "2024-01-01-a.md", f'permalink: "{permalink}"\n')
    assert errors(root) == [f"posts/2024-01-01-a.md:3: this post's URL {permalink} {why}. {HINT}"]


def test_file_names_with_hash_or_question_mark(root: Path) -> None:
    """Characters that break URLs never reach one as they are: the URL is %-escaped (as
    Jekyll's), the file and the files folder (linked as is) have none."""
    post(root, "2024-01-01-c#?.md", "")
    post(root, "2024-01-02-#.md", "")
    post(root, "2024-01-03-日本語.md", "")
    found, problems = discover(load_config(root))
    assert problems == []
    hashed = re.fullmatch(r"post-[0-9a-f]{8}", found[1].slug).group()
    assert [(p.url, p.output_path, p.files_dir) for p in found] == [
        ("/2024/01/03/%E6%97%A5%E6%9C%AC%E8%AA%9E.html", "2024/01/03/日本語.html",
         "2024/01/03/日本語_files"),
        (f"/2024/01/02/{hashed}.html", f"2024/01/02/{hashed}.html",
         f"2024/01/02/{hashed}_files"),
        ("/2024/01/01/c.html", "2024/01/01/c.html", "2024/01/01/c_files")]


def test_a_file_and_a_folder_of_the_same_name_name_both_posts(root: Path) -> None:
    post(root, "2024-01-01-a.md", "permalink: /x.html\n")
    post(root, "2024-01-02-b.md", "permalink: /x.html/\n")
    assert errors(root) == [
        "posts/2024-01-02-b.md:3: this post's URL (/x.html/) collides with posts/2024-01-01-a.md "
        "(/x.html): one would overwrite the other's page or files. Give one of them another "
        "'permalink:' or 'slug:'."]


def test_a_permalink_onto_another_posts_notebook_names_both_posts(root: Path) -> None:
    post(root, "2024-01-03-c.md", "")
    post(root, "2024-01-04-d.md", "permalink: /2024/01/03/c_files/c.ipynb\n")
    assert errors(root) == [
        "posts/2024-01-04-d.md:3: this post's URL (/2024/01/03/c_files/c.ipynb) collides with "
        "posts/2024-01-03-c.md (/2024/01/03/c.html): one would overwrite the other's page or "
        "files. Give one of them another 'permalink:' or 'slug:'."]


def test_normalised_duplicates_are_the_same_url(root: Path) -> None:
    post(root, "2024-01-01-a.md", "permalink: /same.html\n")
    post(root, "2024-01-02-b.md", "permalink: /./same.html\n")
    assert errors(root) == [
        "posts/2024-01-02-b.md:3: this post has the same URL (/same.html) as "
        "posts/2024-01-01-a.md. Give one of them another 'permalink:' or 'slug:'."]


def test_the_sites_own_files_are_the_reserved_list(fixture_site: Path) -> None:
    """Every top-level name the site writes itself is in the one list posts are checked
    against (the rest are the posts' year folders and the home list's pages)."""
    names = {p.name for p in fixture_site.iterdir()}
    own = {n for n in names if not n.isdigit() and not n.startswith("page")}
    assert own == RESERVED


@pytest.mark.parametrize("value,kind", [("5", "a number"), ("true", "true or false"),
                                        ("{a: b}", "a mapping")])
def test_other_permalinks_that_are_not_text(root: Path, value: str, kind: str) -> None:
    post(root, "2024-01-01-a.md", f"permalink: {value}\n")
    assert errors(root) == [f"posts/2024-01-01-a.md:3: 'permalink:' must be text, not {kind}. "
                            "Write e.g. 'permalink: /:year/:title/' (quoted if it holds ': ')."]
