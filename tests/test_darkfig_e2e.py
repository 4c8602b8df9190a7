"""Dark-mode figures end to end: a post with matplotlib figures built through the real
command line and a real kernel, with ``dark_figures`` on and off."""

from __future__ import annotations

import io

import pytest

from conftest import Page

pytestmark = pytest.mark.kernel
np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")
pytest.importorskip("matplotlib")

POST = """\
---
title: Waves
---

How a sine looks.

```python
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 2 * np.pi, 200)
plt.plot(x, np.sin(x), label="sine")
plt.plot(x, np.cos(x), "k--", label="cosine")
plt.title("Two waves")
plt.legend()
plt.show()
```

```python
%config InlineBackend.figure_formats = ["retina"]
fig, ax = plt.subplots(figsize=(4, 2))
ax.bar(["a", "b", "c"], [3, 1, 2], color="0.3")
plt.show()
print(sorted(name for name in dir() if "nbpress" in name))
```

```python
with plt.style.context("dark_background"):
    plt.plot([1, 2, 3], [3, 1, 2])
    plt.show()
```

```python
%config InlineBackend.figure_formats = ["svg"]
plt.scatter([1, 2, 3], [3, 1, 2])
plt.show()
```
"""
PAGE = "_site/2024/03/01/waves.html"
FILES = "2024/03/01/waves_files"


def _site(make_site, dark: bool | None):
    pyproject = "[tool.nbpress]\n" + (f"dark_figures = {str(dark).lower()}\n"
                                      if dark is not None else "")
    return make_site({"posts/2024-03-01-waves.md": POST, "pyproject.toml": pyproject})


def _background(data: bytes) -> float:
    """The mean lightness (0 black … 1 white) of the image's border, where the paper is."""
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float) / 255
    return float(np.concatenate([pixels[:3].ravel(), pixels[-3:].ravel(),
                                 pixels[:, :3].ravel(), pixels[:, -3:].ravel()]).mean())


def test_dark_figures_writes_both_renderings_in_a_picture(make_site, build) -> None:
    root = _site(make_site, dark=True)
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    page = Page.read(root / PAGE)
    assert page.errors == []
    assert len(page.all("picture", class_="figure-schemes")) == 3
    # A figure drawn dark by its author has one image, shown in both schemes.
    assert [img["src"].rsplit("/", 1)[1] for img in page.imgs if "picture" not in
            img.ancestors] == ["waves_3_0.png"]
    assert not (root / "_site" / FILES / "waves_3_0-dark.png").exists()
    sources, imgs = page.all("source", inside="picture"), page.all("img", inside="picture")
    assert len(sources) == len(imgs) == 3
    # An SVG figure's dark rendering is a PNG.
    assert imgs[2]["src"].endswith("waves_4_0.svg")
    assert sources[2]["srcset"].endswith("waves_4_0-dark.png")
    assert _background((root / "_site" / sources[2]["srcset"].lstrip("/")).read_bytes()) < 0.15
    for source, img in zip(sources[:2], imgs[:2]):
        assert source.ancestors[0] == img.ancestors[0] == "picture"
        assert source["media"] == "(prefers-color-scheme: dark)"
        assert source["srcset"] == img["src"].replace(".png", "-dark.png")
        light = (root / "_site" / img["src"].lstrip("/")).read_bytes()
        dark = (root / "_site" / source["srcset"].lstrip("/")).read_bytes()
        assert light != dark
        assert _background(light) > 0.9 and _background(dark) < 0.15
        assert Image.open(io.BytesIO(light)).size == Image.open(io.BytesIO(dark)).size
    assert "[]" in page.plain  # the setup left no name in the post's namespace
    assert page.meta("og:image").endswith(f"{FILES}/waves_1_0.png")
    feed = (root / "_site/feed.xml").read_text()
    assert "waves_1_0.png" in feed and "-dark.png" not in feed
    download = (root / "_site" / FILES / "waves.ipynb").read_text()
    assert "nbpress.dark" not in download
    checked = build("check", "--root", str(root))  # every srcset names a file of the site
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # From the cache: the same page and files, no kernel.
    before = (root / PAGE).read_text()
    again = build("build", "--root", str(root), "--execute", "never")
    assert again.returncode == 0, again.stderr
    assert (root / PAGE).read_text() == before
    assert len(list((root / "_site" / FILES).glob("*-dark.png"))) == 3


def test_without_the_option_the_page_is_as_before_and_turning_it_on_runs_again(
        make_site, build) -> None:
    root = _site(make_site, dark=None)
    assert build("build", "--root", str(root)).returncode == 0
    plain = (root / PAGE).read_text()
    page = Page.read(root / PAGE)
    assert page.all("picture") == [] and len(page.imgs) == 4
    assert sorted(p.name for p in (root / "_site" / FILES).iterdir()) == \
        ["waves.ipynb", "waves_1_0.png", "waves_2_0.png", "waves_3_0.png", "waves_4_0.svg"]
    (root / "pyproject.toml").write_text("[tool.nbpress]\ndark_figures = false\n")
    off = build("build", "--root", str(root))
    assert off.returncode == 0 and "cached" in off.stderr and "executed" not in off.stderr
    assert (root / PAGE).read_text() == plain
    (root / "pyproject.toml").write_text("[tool.nbpress]\ndark_figures = true\n")
    on = build("build", "--root", str(root))
    assert on.returncode == 0, on.stderr
    assert "code changed" in on.stderr  # the key changed: run again to draw dark figures
    assert len(Page.read(root / PAGE).all("picture")) == 3
