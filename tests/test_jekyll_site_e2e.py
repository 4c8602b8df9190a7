"""The same Jekyll blog built by real Jekyll and by nbpress gives the same URLs.

tests/fixtures/jekyll-blog is a small blog of our own (posts with categories, a
post whose file name has capitals, pages in .md and .html and in a folder,
``_data``, a front matter excerpt, redirects both ways, a post dated in the
future and an unpublished one).  Jekyll builds it from ``_posts/`` (the test
copies ``posts/`` there), nbpress from ``posts/``; every post, page and
redirect page Jekyll writes must be written by nbpress at the same path, and
nbpress may add only its own generated pages (tags, archive, pagination).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Page, run_build

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "jekyll-blog"
pytestmark = [
    pytest.mark.jekyll,
    pytest.mark.skipif(shutil.which("jekyll") is None,
                       reason="the jekyll binary is not installed (apt-get install jekyll "
                              "ruby-jekyll-redirect-from)"),
]
# Pages nbpress generates that the fixture's Jekyll (no plugins for them) does not.
NBPRESS_ONLY = re.compile(r"^(tags/.*|archive/index\.html|page\d+/index\.html)$")


def jekyll_build(tmp_path: Path, *args: str) -> Path:
    source, out = tmp_path / "jekyll-src", tmp_path / "jekyll-out"
    shutil.copytree(FIXTURE, source)
    (source / "posts").rename(source / "_posts")
    done = subprocess.run(["jekyll", "build", "-s", str(source), "-d", str(out), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def nbpress_build(tmp_path: Path, *args: str) -> Path:
    root = tmp_path / "nbpress-src"
    shutil.copytree(FIXTURE, root)
    done = run_build("--root", str(root), *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "_site"


def pages_of(site: Path) -> set[str]:
    """The HTML files of a built site, and redirects.json."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.suffix == ".html" or p.name == "redirects.json"}


def test_same_urls_for_posts_pages_and_redirects(tmp_path: Path) -> None:
    jekyll, nbpress = jekyll_build(tmp_path), nbpress_build(tmp_path)
    expected = pages_of(jekyll)
    built = pages_of(nbpress)
    assert {p for p in built if not NBPRESS_ONLY.match(p)} == expected
    # What the comparison stands on: categories first (lower-cased, not slugified), the
    # file name's case kept, pages by Jekyll's rules, redirects both ways.
    assert {"machine learning/tutorial/2019/03/10/linear-regression-from-scratch.html",
            "jax/2020/01/15/notes-on-jax.html", "fieldwork/notes/2021/06/01/Field-Season.html",
            "about.html", "contact.html", "publications/index.html", "projects/index.html",
            "projects/drone-survey.html", "404.html", "index.html", "about-me/index.html",
            "jax-notes/index.html", "2020/01/15/jax.html"} <= expected
    assert not any("letter-to-the-future" in p or "half-written" in p for p in built)
    assert json.loads((nbpress / "redirects.json").read_text()) == \
        json.loads((jekyll / "redirects.json").read_text())


def test_redirect_pages_send_to_the_same_place(tmp_path: Path) -> None:
    jekyll, nbpress = jekyll_build(tmp_path), nbpress_build(tmp_path)
    for path in ("about-me/index.html", "jax-notes/index.html",
                 "2018/05/05/moved-elsewhere.html"):
        ours, theirs = Page.read(nbpress / path), Page.read(jekyll / path)
        for page in (ours, theirs):
            assert page.all("meta", name="robots")[0].get("content") == "noindex"
        refresh = [p.all("meta", **{"http-equiv": "refresh"})[0].get("content")
                   for p in (ours, theirs)]
        canonical = [p.all("link", rel="canonical")[0].get("href") for p in (ours, theirs)]
        script = [p.all("script")[0].node.text for p in (ours, theirs)]
        assert refresh[0] == refresh[1] and canonical[0] == canonical[1], path
        assert script[0] == script[1], path


def test_future_posts_with_future_flag_in_both(tmp_path: Path) -> None:
    jekyll = jekyll_build(tmp_path, "--future")
    nbpress = nbpress_build(tmp_path, "--future")
    future = "misc/2099/01/01/letter-to-the-future.html"
    assert (jekyll / future).is_file() and (nbpress / future).is_file()
    assert {p for p in pages_of(nbpress) if not NBPRESS_ONLY.match(p)} == pages_of(jekyll)
