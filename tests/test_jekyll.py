"""``--format jekyll`` (nbpress/jekyll.py): executed posts written into a real Jekyll site."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Page, png_bytes
from nbpress.jekyll import MANIFEST, post_file, write_jekyll
from nbpress.model import OutputFile, PostSource, RenderedPost

POST = PostSource(path=Path("posts/2024-03-01-loss.md"), slug="loss", title="Loss curves",
                  date=dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc),
                  url="/2024/03/01/loss.html", body="", body_line=1,
                  front_matter={"title": "Loss curves", "categories": ["ml"], "comments": True})
HTML = ('<p>Code with {{ braces }} and {% raw %} inside.</p>\n'
        '<img src="/2024/03/01/loss_files/loss_1_0.png" alt="loss">\n')
ITEM = RenderedPost(post=POST, html=HTML, excerpt="", files=(
    OutputFile("2024/03/01/loss_files/loss_1_0.png", png_bytes()),
    OutputFile("2024/03/01/loss_files/loss.ipynb", b"{}")))


def test_a_post_becomes_a_posts_file_with_its_front_matter_and_raw_body() -> None:
    page, moved = post_file(ITEM)
    assert page.path == "_posts/2024-03-01-loss.html"
    text = page.data.decode()
    assert text.startswith("---\ntitle: Loss curves\ncategories: [ml]\ncomments: true\n")
    assert "{% raw %}<p>Code with {{ braces }}" in text
    assert 'src="{% endraw %}{{ site.baseurl }}/assets/nbpress/loss/{% raw %}loss_1_0.png"' in text
    assert [f.path for f in moved] == ["assets/nbpress/loss/loss_1_0.png",
                                       "assets/nbpress/loss/loss.ipynb"]


def test_refuses_a_folder_that_is_not_a_jekyll_site(tmp_path: Path) -> None:
    from nbpress.errors import NbpressError

    with pytest.raises(NbpressError) as info:
        write_jekyll([ITEM], tmp_path)
    assert str(info.value).startswith(f"--format jekyll writes into a Jekyll site, and "
                                      f"{tmp_path} has no _config.yml.")


def test_files_of_removed_posts_go_and_nothing_else_is_touched(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: Blog\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts/2020-01-01-mine.md").write_text("---\ntitle: Mine\n---\nHand-written.\n")
    write_jekyll([ITEM], tmp_path)
    assert json.loads((tmp_path / MANIFEST).read_text())["files"][0] == "_posts/2024-03-01-loss.html"
    write_jekyll([], tmp_path)
    assert not (tmp_path / "_posts/2024-03-01-loss.html").exists()
    assert not (tmp_path / "assets/nbpress/loss/loss_1_0.png").exists()
    assert (tmp_path / "_posts/2020-01-01-mine.md").is_file()


@pytest.mark.kernel
@pytest.mark.skipif(shutil.which("jekyll") is None, reason="the jekyll program is not installed "
                    "(Debian: apt-get install jekyll)")
def test_real_jekyll_builds_the_output_with_every_image(make_site, build, tmp_path) -> None:
    root = make_site({"posts/2024-03-01-plot.md": """\
        ---
        title: A plot
        categories: [ml]
        ---
        Some {{ site.title }} prose.

        ```python
        import base64, IPython.display as d
        d.display(d.Image(data=base64.b64decode(%r)))
        print("{{ not liquid }}")
        ```
        """ % __import__("base64").b64encode(png_bytes()).decode()})
    blog = tmp_path / "blog"
    (blog / "_layouts").mkdir(parents=True)
    (blog / "_config.yml").write_text("title: My Jekyll blog\nbaseurl: /blog\n")
    (blog / "_layouts/post.html").write_text("<html><body><h1>{{ page.title }}</h1>"
                                             "{{ content }}</body></html>\n")
    result = build("--root", str(root), "--format", "jekyll", "--out", str(blog))
    assert result.returncode == 0, result.stderr
    site = tmp_path / "jekyll-site"
    done = subprocess.run(["jekyll", "build", "-s", str(blog), "-d", str(site)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (page_path,) = site.glob("ml/2024/03/01/plot.html")
    page = Page.read(page_path)
    assert "{{ not liquid }}" in page.plain
    images = page.imgs
    assert images and all(img["src"].startswith("/blog/assets/nbpress/plot/") for img in images)
    for img in images:
        assert (site / img["src"].removeprefix("/blog/")).is_file()
