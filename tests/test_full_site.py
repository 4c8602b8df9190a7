"""The sample blog built for real: PyTorch training, the weights figure, the torchviz graph.

Slow (minutes on two cores), so marked ``full``; CI runs it.  The dataset comes
from the ``data_links`` entry in pyproject.toml where a local copy exists.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import REPO, Page, run_build

pytestmark = [pytest.mark.kernel, pytest.mark.full]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    """The sample blog copied without its execution cache, so that it really runs."""
    root = tmp_path_factory.mktemp("full") / "blog"
    root.mkdir()
    for name in ("posts", "assets"):  # the theme is package data (nbpress/theme)
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("data", "network_graph*"))
    shutil.copy(REPO / "references.bib", root)
    dataset = (REPO.parent / "shared/datasets/FashionMNIST").resolve()
    (root / "pyproject.toml").write_text(
        (REPO / "pyproject.toml").read_text().replace('"../shared/datasets/FashionMNIST"',
                                                      json.dumps(str(dataset))))
    result = run_build("build", "--root", str(root), timeout=1800)
    assert result.returncode == 0, result.stderr
    return root / "_site", result.stderr


def test_first_post_has_real_outputs(sample_site):
    out, stderr = sample_site
    page = out / "2024/03/19/pytorch-and-jax.html"
    html = page.read_text()
    parsed = Page.read(page)
    files = out / "2024/03/19/pytorch-and-jax_files"
    srcs = [img["src"] for img in parsed.imgs]
    pngs = [s for s in srcs if s.endswith(".png") and "pytorch-and-jax_files" in s]
    svgs = [s for s in srcs if s.endswith(".svg") and "pytorch-and-jax_files" in s]
    assert len(pngs) == 2  # the PyTorch and the Flax weight grids
    assert len(svgs) == 1  # the torchviz graph, linked as a file
    for src in pngs:
        data = (out / src.lstrip("/")).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    svg = (out / svgs[0].lstrip("/")).read_bytes()
    assert b"<svg" in svg and b"fc1.weight" in svg
    assert sorted(p.name for p in files.iterdir() if p.suffix == ".ipynb") == ["pytorch-and-jax.ipynb"]
    # Both models trained and were measured the same way.
    assert re.search(r"PyTorch test accuracy: \d\d\.\d%", html)
    assert re.search(r"JAX test accuracy: \d\d\.\d%", html)
    assert re.search(r"One epoch in JAX: +\d+\.\d\d s", html)
    # Every hand-written citation link jumps to exactly one anchor.
    cited = {h[1:] for h in parsed.hrefs if h.startswith("#ref-")}
    assert cited == {"ref-1", "ref-2"}
    for target in cited:
        assert parsed.ids.count(target) == 1
    # The drafts inside HTML comments neither leak nor show; the old exports are gone.
    assert "Summary Comparison" not in html and "&lt;!--" not in html
    assert "layout: post" not in html and "notebook-ml_" not in html
    assert "is not in the built site" not in stderr


def test_second_post_uses_citations_math_tags_and_assets(sample_site):
    out, _ = sample_site
    page = out / "2024/04/02/jit-grad-vmap.html"
    html = page.read_text()
    parsed = Page.read(page)
    refs = [h for h in parsed.hrefs if h.startswith("#ref-")]
    assert refs and all(parsed.ids.count(h[1:]) == 1 for h in refs)
    assert "<math" in html  # $…$ and $$…$$ as MathML
    assert "hidden-input" in html  # the plotting code is folded away
    assert "TracerBoolConversionError" in html  # the raises-exception cell shows its error
    assert "<table>" in html and "Speed-up" in html
    assert "/assets/images/jax-transforms.svg" in [i["src"] for i in parsed.imgs]
    assert (out / "assets/images/jax-transforms.svg").is_file()


def test_index_lists_both_posts(sample_site):
    out, _ = sample_site
    parsed = Page.read(out / "index.html")
    assert "/2024/03/19/pytorch-and-jax.html" in parsed.hrefs
    assert "/2024/04/02/jit-grad-vmap.html" in parsed.hrefs


def test_built_sample_site_checks_clean(sample_site):
    out, _ = sample_site
    result = run_build("check", "--root", str(out.parent))
    assert result.returncode == 0, result.stdout + result.stderr
