"""The sample blog built for real: PyTorch training, the weights figure, the torchviz graph.

Slow (minutes on two cores), so marked ``full``; CI runs it.  The dataset comes
from the ``data_links`` entry in pyproject.toml where a local copy exists.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conftest import REPO, run_build

pytestmark = [pytest.mark.kernel, pytest.mark.full]


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.imgs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "img":
            self.imgs.append(attrs)


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "_site"
    result = run_build("build", "--out", str(out), timeout=1800)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_first_post_has_real_outputs(sample_site):
    out, _ = sample_site
    page = out / "2024/03/19/pytorch-and-jax.html"
    html = page.read_text()
    parsed = Anchors()
    parsed.feed(html)
    files = out / "2024/03/19/pytorch-and-jax_files"
    png = files / "pytorch-and-jax_2_0.png"
    svg = files / "pytorch-and-jax_4_0.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    assert b"<svg" in svg.read_bytes() and b"fc1.weight" in svg.read_bytes()
    srcs = [img["src"] for img in parsed.imgs]
    assert "/2024/03/19/pytorch-and-jax_files/pytorch-and-jax_2_0.png" in srcs
    assert "/2024/03/19/pytorch-and-jax_files/pytorch-and-jax_4_0.svg" in srcs
    # Every hand-written citation link jumps to exactly one anchor.
    cited = {h[1:] for h in parsed.hrefs if h.startswith("#ref-")}
    assert cited == {"ref-1", "ref-2"}
    for target in cited:
        assert parsed.ids.count(target) == 1
    # The drafts inside HTML comments neither leak nor show.
    assert "Summary Comparison" not in html and "&lt;!--" not in html
    assert "layout: post" not in html


def test_old_export_images_are_warned_about(sample_site):
    _, stderr = sample_site
    assert "pytorch-and-jax.md:109: warning: the image '/_posts/notebook-ml_files/" \
           "notebook-ml_2_0.png' is not in the built site" in stderr
    assert "notebook-ml_4_0.svg" in stderr


def test_index_lists_the_post(sample_site):
    out, _ = sample_site
    parsed = Anchors()
    parsed.feed((out / "index.html").read_text())
    assert "/2024/03/19/pytorch-and-jax.html" in parsed.hrefs
    assert (REPO / "posts/2024-03-19-pytorch-and-jax.md").read_text() == \
        (REPO.parent / "shared/seed/pytorch-and-jax.md").read_text()
