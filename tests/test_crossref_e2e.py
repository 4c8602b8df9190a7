"""Cross-references through a whole build: a code cell's labelled figure and Markdown targets
share one numbering, and references link to them."""

from __future__ import annotations

import io

from conftest import Page

POST = """\
---
title: Paper-like post
date: 2024-05-01
---

The model (@fig-arch) is trained on @eq-loss; @fig-loss shows the result.

![The architecture](arch.png){#fig-arch}

$$
L = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2
$$ {#eq-loss}

```python
#| label: fig-loss
#| fig-cap: Training loss
print("loss")
```

As {numref}`Fig. %s <fig-loss>` shows, it falls; @tbl-scores lists the scores.

```python
#| label: tbl-scores
#| tbl-cap: Scores per *seed*
print("seed  score")
```
"""


def test_build_numbers_cell_and_markdown_targets(tmp_path, fake_executor) -> None:
    from nbpress.config import load_config
    from nbpress.pipeline import build

    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2024-05-01-paper.md").write_text(POST, encoding="utf-8")
    build(load_config(tmp_path), executor=fake_executor, log=io.StringIO())
    page = Page.read(tmp_path / "_site" / "2024" / "05" / "01" / "paper.html")
    links = [(a.text, a["href"]) for a in page.all("a", class_="xref")]
    assert links == [("Figure 1", "#fig-arch"), ("Equation 1", "#eq-loss"),
                     ("Figure 2", "#fig-loss"), ("Fig. 2", "#fig-loss"),
                     ("Table 1", "#tbl-scores")]
    (caption,) = page.all("p", class_="table-caption")
    assert caption.text == "Table 1: Scores per seed" and caption.ancestors[1] == "div"
    assert page.all("div", id="tbl-scores")
    assert page.all("figcaption")[0].text == "Figure 1: The architecture"
    assert [e.text for e in page.all("span", class_="eq-number")] == ["(1)"]
    assert page.all(id="fig-loss") and page.errors == []
