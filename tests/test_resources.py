"""Files a post shows from beside it (nbpress/resources.py), published where its page expects."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

from conftest import Page, png_bytes
from nbpress.config import load_config
from nbpress.model import PostSource
from nbpress.pipeline import build
from nbpress.resources import post_resources


def source(root: Path) -> PostSource:
    return PostSource(path=root / "posts/2024-01-01-a.md", slug="a", title="A",
                      date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                      url="/2024/01/01/a.html", front_matter={}, body="", body_line=1)


def test_relative_root_and_baseurl_references(tmp_path: Path) -> None:
    for name in ("posts/_static/fig.png", "images/logo.png", "_site/old.png", ".git/x.png",
                 "_executed/_blobs/b.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"png")
    urls = ["_static/fig.png", "/images/logo.png", "/blog/images/logo.png#top", "missing.png",
            "../../../../secret.png", "/_site/old.png", "/.git/x.png", "/_executed/_blobs/b.png",
            "_static/fig%20.png"]
    found = post_resources(source(tmp_path), urls, tmp_path, "/blog", tmp_path / "_site")
    assert {f.path: f.source for f in found} == {
        "2024/01/01/_static/fig.png": tmp_path / "posts/_static/fig.png",
        "images/logo.png": tmp_path / "images/logo.png"}


def test_a_built_page_finds_its_images(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n![fig](figures/loss.png)\n\n"
                                 '<img src="/images/logo.png" alt="logo">\n',
        "posts/2024-01-02-b.md": "---\ntitle: B\n---\n\n![logo](/images/logo.png)\n",
        "posts/figures/loss.png": png_bytes(), "images/logo.png": png_bytes(),
    })
    log = io.StringIO()
    report = build(load_config(root), executor=fake_executor, log=log)
    assert report.warnings == ()
    site = root / "_site"
    for page_path in ("2024/01/01/a.html", "2024/01/02/b.html"):
        page = Page.read(site / page_path)
        sources = [img["src"] for img in page.imgs if not img["src"].startswith("data:")]
        assert sources
        for src in sources:
            target = site / src.lstrip("/") if src.startswith("/") else \
                (site / page_path).parent / src
            assert target.read_bytes() == png_bytes(), src


def test_myst_figure_files_are_published_too(make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n```{figure} figures/loss.png\n"
                                 ":alt: Loss\n\nThe loss.\n```\n\n```{image} figures/gone.png\n```\n",
        "posts/figures/loss.png": png_bytes(),
    })
    report = build(load_config(root), executor=fake_executor, log=io.StringIO())
    assert (root / "_site/2024/01/01/figures/loss.png").read_bytes() == png_bytes()
    assert [str(w).split(": warning: ")[1][:40] for w in report.warnings] == [
        "the image 'figures/gone.png' is not in t"]


def test_an_image_is_missing_only_when_a_browser_would_not_find_it(tmp_path: Path) -> None:
    from nbpress.model import RenderedPost
    from nbpress.resources import missing_images

    def warned(name: str, links: list) -> list[tuple[str, int | None]]:
        post = replace(source(tmp_path), path=tmp_path / "posts" / name)
        item = RenderedPost(post=post, html="", excerpt="", files=(), local_links=tuple(links))
        return [(w.message.split("'")[1], w.line) for w in missing_images(
            [item], {"2024/01/01/my fig.png", "images/R^3-arch.png"}, "/blog")]

    links = [("my%20fig.png", 3), ("/blog/images/R%5E3-arch.png", 4),  # percent-encoded
             ("/blog/images/\nR%5E3-arch.png", 5),  # a URL broken over lines, as browsers read
             ("gone.png", 6)]
    assert warned("2024-01-02-post.md", links) == [("gone.png", 6)]
    # an .ipynb's lines are its joined document's, no line of the file: none is named
    assert warned("2024-01-02-post.ipynb", links) == [("gone.png", None)]
