"""An edit rewrites only what it changes, and the result is the site a fresh build makes."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from nbpress.config import load_config
from nbpress.model import SITE_MARKER
from nbpress.pipeline import build
from nbpress.state import state_path

POST = """\
---
title: "Notes on optimiser {n}"
tags: [optimisation{extra}]
---

Optimiser {n} in one paragraph: this is the excerpt the listings show.

## Setup

We train a small network with learning rate 1e-{n} and batch size {batch}.

## Results

The loss falls to 0.{n}3 after ten epochs.
"""


def write_post(root: Path, n: int, batch: int = 32, extra: str = "") -> Path:
    path = root / "posts" / f"2024-02-{n:02d}-optimiser-{n}.md"
    path.write_text(POST.format(n=n, batch=batch, extra=extra))
    return path


def files(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of the site (not the search index): (inode, mtime) by path."""
    found = {}
    for path in out.rglob("*"):
        name = path.relative_to(out).as_posix()
        if path.is_file() and not name.startswith("_pagefind/") and name != SITE_MARKER:
            stat = path.stat()
            found[name] = (stat.st_ino, stat.st_mtime_ns)
    return found


def contents(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in files(out)}


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Optimisers"\n'
                                         'url = "https://example.org"\nsearch = false\n')
    for n in range(1, 13):
        write_post(root, n)
    return root


def test_a_prose_edit_rewrites_one_page_and_leaves_every_other_file_alone(blog: Path) -> None:
    config = load_config(blog)
    build(config)
    before = files(blog / "_site")
    state_before = state_path(blog, config.out).stat().st_size
    write_post(blog, 6, batch=64)  # below the excerpt, in one of the feed's 10 newest posts
    report = build(config)
    assert report.rendered == ("2024/02/06/optimiser-6.html", "feed.xml")
    after = files(blog / "_site")
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == sorted(report.written) == [
        "2024/02/06/optimiser-6.html", "2024/02/06/optimiser-6_files/optimiser-6.ipynb",
        "feed.xml"]  # the page, its notebook to download, the feed: nothing else
    assert "batch size 64" in (blog / "_site/2024/02/06/optimiser-6.html").read_text()
    # The state keeps no page's HTML twice: one edit leaves its size about the same.
    assert state_path(blog, config.out).stat().st_size - state_before < 16_384


def test_an_edit_of_a_post_older_than_the_feed_leaves_the_feed_alone(blog: Path) -> None:
    config = load_config(blog)
    build(config)
    write_post(blog, 1, batch=128)  # the oldest of 12: not among the feed's 10
    report = build(config)
    assert report.rendered == ("2024/02/01/optimiser-1.html",)


def test_after_edits_the_site_is_exactly_what_a_fresh_build_makes(blog: Path, tmp_path: Path
                                                                  ) -> None:
    config = load_config(blog)
    build(config)
    write_post(blog, 3, extra=", adam")  # a new tag: its page, the tag list, the post
    report = build(config)
    assert "tags/adam/index.html" in report.written and "tags/index.html" in report.rendered
    assert not {f"2024/02/{n:02d}/optimiser-{n}.html" for n in (1, 5, 9)} & set(report.rendered)
    (blog / "posts/2024-02-07-optimiser-7.md").unlink()  # a deleted post: gone, neighbours fixed
    report = build(config)
    assert "2024/02/07/optimiser-7.html" in report.written
    assert not (blog / "_site/2024/02/07").exists()
    write_post(blog, 13)
    build(config)
    fresh = load_config(blog, out=tmp_path / "fresh")
    build(fresh)
    assert contents(blog / "_site") == contents(tmp_path / "fresh")


def test_a_post_dated_by_its_files_time_shows_the_new_time(blog: Path, tmp_path: Path) -> None:
    """A post with no date in its name or front matter is dated by its file's time, which is
    in no render key: saved again later the same day, its page says the new time (as a
    fresh build does), though its text and URL did not change."""
    import calendar
    import datetime as dt

    post = blog / "posts/undated-notes.md"
    post.write_text("---\ntitle: Undated notes\n---\n\nWhat I tried on the optimisers.\n")
    morning = calendar.timegm((2024, 3, 5, 9, 0, 0))  # the site's time zone: UTC
    os.utime(post, (morning, morning))
    config = load_config(blog)
    build(config)
    page = blog / "_site/2024/03/05/undated-notes.html"
    later = morning + 6.5 * 3600
    os.utime(post, (later, later))
    report = build(config)
    shown = dt.datetime.fromtimestamp(later, dt.timezone.utc).isoformat()
    assert "2024/03/05/undated-notes.html" in report.rendered
    assert f'<time datetime="{shown}">' in page.read_text()
    build(load_config(blog, out=tmp_path / "fresh"))
    assert contents(blog / "_site") == contents(tmp_path / "fresh")


def test_a_site_left_half_written_is_written_whole(blog: Path) -> None:
    config = load_config(blog)
    build(config)
    marker = blog / "_site" / SITE_MARKER
    marker.write_text(marker.read_text().rstrip("\n") + " being written\n")
    write_post(blog, 2, batch=16)
    report = build(config)
    assert len(report.written) == len(files(blog / "_site"))  # every file, not one
    assert "being written" not in marker.read_text()


def search_shards(site: Path) -> dict[str, int]:
    """The search index's shards: their entry files' inodes."""
    names = json.loads((site / "_pagefind/shards.json").read_text())["bundles"]
    return {name: (site / "_pagefind" / name / "pagefind-entry.json").stat().st_ino
            for name in names}


def indexed_version(site: Path, page: str) -> str | None:
    """The signature of the version of ``page`` the search index holds."""
    return json.loads((site / "_pagefind/.pages.json").read_text())["files"][page][0]


def signature_now(site: Path, page: str) -> str:
    st = (site / page).stat()
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def built_with_search(blog: Path, **options):
    """The blog with its search index on (the fixture turns it off), built once: its
    settings and the index's shards."""
    (blog / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Optimisers"\n')
    config = load_config(blog)
    build(config, **options)
    return config, search_shards(blog / "_site")


def test_search_index_follows_an_edit(blog: Path) -> None:
    config, first = built_with_search(blog)
    write_post(blog, 4, batch=8)
    report = build(config)
    page = "2024/02/04/optimiser-4.html"
    assert not report.search_pending and search_shards(blog / "_site") != first
    assert indexed_version(blog / "_site", page) == signature_now(blog / "_site", page)
    write_post(blog, 4, batch=9)
    report = build(config, search_later=True)  # serve's way: the index after the reload
    assert report.search_pending
    assert os.path.isdir(blog / "_site/_pagefind")


def test_serve_builds_with_a_memo_make_the_site_a_fresh_build_makes(blog: Path, tmp_path: Path
                                                                    ) -> None:
    from nbpress.memo import Memo

    config, memo = load_config(blog), Memo()
    build(config)
    first = build(config, memo=memo, search_later=True)  # serve's first build reads everything
    assert not first.up_to_date and first.rendered == () and memo.state is not None
    (blog / "templates").mkdir()
    edits = [lambda: write_post(blog, 5, batch=256),
             lambda: write_post(blog, 8, extra=", sgd"),
             lambda: (blog / "posts/2024-02-02-optimiser-2.md").unlink(),
             lambda: write_post(blog, 20),
             lambda: (blog / "templates/post.html").write_text(
                 (Path(__file__).parent.parent / "nbpress/theme/templates/post.html")
                 .read_text().replace("</article>", "<p>Thanks for reading.</p></article>")),
             lambda: (blog / "pyproject.toml").write_text(
                 (blog / "pyproject.toml").read_text().replace("Optimisers", "Optimisers, again"))]
    for number, edit in enumerate(edits):
        edit()
        build(load_config(blog), memo=memo, search_later=True)
        fresh = load_config(blog, out=tmp_path / f"fresh-{number}")
        build(fresh)
        assert contents(blog / "_site") == contents(tmp_path / f"fresh-{number}"), number
    assert "Thanks for reading." in (blog / "_site/2024/02/20/optimiser-20.html").read_text()


def test_search_index_in_the_background_is_in_place_when_waited_for(blog: Path) -> None:
    from nbpress.search import Reindexer

    built_with_search(blog, search_later=True)  # the first build indexes as it writes
    write_post(blog, 4, batch=8)
    report = build(load_config(blog), search_later=True)
    page = "2024/02/04/optimiser-4.html"
    assert report.search_pending and indexed_version(blog / "_site", page) != \
        signature_now(blog / "_site", page)
    errors = []
    search = Reindexer(blog / "_site", blog, errors.append)
    search.request()
    search.request()  # while the first runs: once more after it
    search.wait()
    assert errors == []
    assert indexed_version(blog / "_site", page) == signature_now(blog / "_site", page)
    assert "search index pending" not in (blog / "_site" / SITE_MARKER).read_text()
    assert not list(blog.glob("._site.pagefind-*"))


def test_an_index_an_older_nbpress_made_is_replaced_though_no_page_changed(blog: Path) -> None:
    """A site built before the index was sharded (one bundle at _pagefind/, no shards.json):
    the next build brings a sharded index, or the search box would find no index at all."""
    import shutil

    built_with_search(blog)
    old = blog / "_site/_pagefind"
    shutil.rmtree(old)
    (old / "fragment").mkdir(parents=True)
    (old / "pagefind-entry.json").write_text('{"version":"1.0.0","languages":{}}')
    (blog / "assets/css").mkdir(parents=True)
    (blog / "assets/css/extra.css").write_text("p { margin: 0 }\n")  # no page changes
    report = build(load_config(blog))
    assert not [p for p in report.written if p.endswith(".html")]
    assert json.loads((old / "shards.json").read_text())["bundles"]
    assert not (old / "pagefind-entry.json").exists() and not (old / "fragment").exists()


def test_the_background_index_waits_while_a_build_holds_the_site(blog: Path) -> None:
    """A build in another terminal while serve's index is behind: the index waits at the
    build lock instead of cutting shards from pages the build is replacing."""
    import time

    from nbpress.search import Reindexer
    from nbpress.state import build_lock

    built_with_search(blog, search_later=True)
    write_post(blog, 4, batch=8)
    assert build(load_config(blog), search_later=True).search_pending
    page = "2024/02/04/optimiser-4.html"
    errors: list = []
    search = Reindexer(blog / "_site", blog, errors.append)
    with build_lock(blog, io.StringIO()):
        search.request()
        time.sleep(1.0)
        assert indexed_version(blog / "_site", page) != signature_now(blog / "_site", page)
    search.wait(timeout=60)
    assert errors == []
    assert indexed_version(blog / "_site", page) == signature_now(blog / "_site", page)
    search.request()  # a request after the last run ended starts another
    search.wait(timeout=60)
    assert errors == [] and not search._running


def test_a_page_that_replaced_another_leaves_no_record_behind(blog: Path, tmp_path: Path
                                                              ) -> None:
    """A 404.md over the theme's 404, and a redirect_from onto a page's own path: when the
    page that won goes, the other one must be written, not the old file kept."""
    (blog / "404.md").write_text("---\ntitle: Lost?\nlayout: page\n---\n\nThis page is not here.\n")
    (blog / "about.md").write_text("---\ntitle: About\nlayout: page\n---\n\nAbout this blog.\n")
    write_post(blog, 4)
    post = blog / "posts/2024-02-04-optimiser-4.md"
    post.write_text(post.read_text().replace("tags:", "redirect_from: [/about.html]\ntags:"))
    config = load_config(blog)
    build(config)
    assert "This page is not here." in (blog / "_site/404.html").read_text()
    assert "About this blog." in (blog / "_site/about.html").read_text()
    (blog / "404.md").unlink()
    (blog / "about.md").unlink()
    build(config)
    build(load_config(blog, out=tmp_path / "fresh"))
    assert contents(blog / "_site") == contents(tmp_path / "fresh")
    assert "This page is not here." not in (blog / "_site/404.html").read_text()
    assert "optimiser-4.html" in (blog / "_site/about.html").read_text()  # now the redirect


def test_an_index_serve_left_behind_is_rebuilt_by_the_next_build(blog: Path) -> None:
    from nbpress.model import SEARCH_PENDING as PENDING

    config, first = built_with_search(blog)
    write_post(blog, 6, batch=4)
    report = build(config, search_later=True)  # serve stopped before its index was done
    marker = (blog / "_site/.nbpress-site").read_text()
    assert report.search_pending and marker.endswith(f"{PENDING}\n")
    assert search_shards(blog / "_site") == first
    report = build(config)  # not "up to date": the index is behind
    assert not report.up_to_date and not report.search_pending
    assert search_shards(blog / "_site") != first
    page = "2024/02/06/optimiser-6.html"
    assert indexed_version(blog / "_site", page) == signature_now(blog / "_site", page)
    assert not (blog / "_site/.nbpress-site").read_text().endswith(f"{PENDING}\n")
    assert build(config).up_to_date


def test_a_tag_added_renders_the_post_the_listing_showing_it_and_the_tags(blog: Path,
                                                                          tmp_path: Path
                                                                          ) -> None:
    for n in range(13, 26):  # 25 posts: three home pages of ten
        write_post(blog, n)
    config = load_config(blog)
    build(config)
    write_post(blog, 3, extra=", adam")  # the 23rd newest: on the third home page
    report = build(config)
    assert report.rendered == ("2024/02/03/optimiser-3.html", "page3/index.html",
                               "tags/index.html", "tags/adam/index.html", "sitemap.xml")
    assert "adam" in (blog / "_site/page3/index.html").read_text()
    fresh = load_config(blog, out=tmp_path / "fresh")
    build(fresh)
    assert contents(blog / "_site") == contents(tmp_path / "fresh")


def test_a_pasted_image_replaced_in_a_notebook_post_is_the_image_shown(blog: Path,
                                                                       tmp_path: Path) -> None:
    """A notebook's pasted image (a Markdown cell's attachment) replaced while the cell's
    text stays the same: the page's image file is the new one (it kept the old before)."""
    import base64

    import nbformat

    def write(image: bytes) -> None:
        cell = nbformat.v4.new_markdown_cell("The curve:\n\n![image.png](attachment:image.png)")
        cell.attachments = {"image.png": {"image/png": base64.b64encode(image).decode()}}
        notebook = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_raw_cell("---\ntitle: Pasted\n---"), cell])
        nbformat.write(notebook, blog / "posts/2024-03-01-pasted.ipynb")

    write(b"\x89PNG first screenshot")
    build(load_config(blog))
    [shown] = (blog / "_site/2024/03/01").glob("pasted_files/*.png")
    assert shown.read_bytes() == b"\x89PNG first screenshot"
    write(b"\x89PNG second screenshot, pasted over")
    build(load_config(blog))
    assert shown.read_bytes() == b"\x89PNG second screenshot, pasted over"
    fresh = load_config(blog, out=tmp_path / "fresh")
    build(fresh)
    assert contents(blog / "_site") == contents(tmp_path / "fresh")


PLOTLY_POST = """\
---
title: Votes by option
---

The votes, drawn with Plotly.

```python
import plotly.graph_objects as go
go.Figure(go.Bar(x=["a", "b"], y=[3, 1]), layout={"title": {"text": "Votes"}})
```
"""


@pytest.mark.kernel
def test_a_chart_whose_image_export_failed_gets_its_image_in_the_next_build(
        blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kaleido draws a Plotly figure's static image with a headless Chromium, which can fail
    (it timed out under load): the page then has a note instead, and that rendering is not
    kept: the next build (nothing edited) draws the image, as a fresh build does."""
    pytest.importorskip("kaleido", reason="kaleido is not installed (the posts extra has it)")
    (blog / "posts/2024-03-01-votes.md").write_text(PLOTLY_POST)
    browser = tmp_path / "no-chromium.sh"  # a browser that closes at once, as a crash does
    browser.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(browser))  # where kaleido's choreographer looks
    monkeypatch.chdir(blog)  # warnings name files from here
    config = load_config(blog)
    report = build(config)
    page = blog / "_site/2024/03/01/votes.html"
    assert "<noscript><p class=\"interactive-note\">" in page.read_text()
    assert [str(w) for w in report.warnings] == [
        "posts/2024-03-01-votes.md:7: warning: code cell 1: the Plotly figure has no static "
        "image for feeds and readers without JavaScript (kaleido failed: "
        "BrowserFailedError: The browser seemed to close immediately after starting, twice; "
        "the next build tries again)."]
    monkeypatch.delenv("BROWSER_PATH")  # the browser works again
    report = build(config)
    assert not report.up_to_date and "2024/03/01/votes.html" in report.rendered
    assert report.warnings == ()
    assert '<noscript><img src="/2024/03/01/votes_files/votes_1_0.png"' in page.read_text()
    assert build(config).up_to_date  # kept now: nothing to do
    build(load_config(blog, out=tmp_path / "fresh"))
    assert contents(blog / "_site") == contents(tmp_path / "fresh")


@pytest.mark.kernel
def test_a_chart_that_cannot_be_drawn_here_is_kept_with_its_note(
        blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Chrome or Chromium at all fails the same way every time: the rendering (with its
    note) is kept, and a build with nothing changed does nothing."""
    pytest.importorskip("kaleido", reason="kaleido is not installed (the posts extra has it)")
    (blog / "posts/2024-03-01-votes.md").write_text(PLOTLY_POST)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    monkeypatch.chdir(blog)
    config = load_config(blog)
    report = build(config)
    assert [str(w) for w in report.warnings] == [
        "posts/2024-03-01-votes.md:7: warning: code cell 1: the Plotly figure has no static "
        "image for feeds and readers without JavaScript (kaleido failed: RuntimeError: "
        "Kaleido requires Google Chrome to be installed)."]
    assert build(config).up_to_date


def test_a_warning_quoting_a_post_that_says_the_next_build_tries_again_is_kept(
        blog: Path) -> None:
    """Only an exporter's own warning marks a rendering to be made again, not a post's text
    quoted in another warning."""
    (blog / "posts/2024-03-02-quote.md").write_text(
        "---\ntitle: Quote\n---\n\n$$\n\\frac{a}{the next build tries again).\n$$\n")
    config = load_config(blog)
    assert "the next build tries again" in str(build(config).warnings)
    assert build(config).up_to_date
