"""Numbered figures, tables and equations and their cross-references (nbpress/crossref.py)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from nbpress.citations import citations_plugin
from nbpress.crossref import (REFERENCES, TARGETS, crossref_plugin, number_references,
                              quarto_equation_labels)
from nbpress.errors import PostError
from nbpress.markdown import make_markdown
from nbpress.myst import myst_plugin

from conftest import Page

POST = Path("posts/2024-05-01-paper.md")

TEXT = """\
As @fig-arch shows and @eq-loss defines, the loss falls (@fig-curve); write to a@fig-x.org.

![The *model*](arch.png){#fig-arch}

$$
L(\\theta) = \\sum_i (y_i - f_\\theta(x_i))^2
$$ {#eq-loss}

<figure class="output image" id="fig-curve"><img src="c.png" alt="c"><figcaption>Loss</figcaption></figure>

(sec-setup)=
## Setup

{numref}`fig-arch` and {numref}`Fig. %s <fig-curve>` in @sec-setup.

```python
print("@fig-arch stays code")
```
"""


def render(text: str, offset: int = 5) -> str:
    cite = partial(citations_plugin, references={}, path=POST)
    md = make_markdown(cite, myst_plugin, crossref_plugin)
    env: dict = {}
    body = md.render(quarto_equation_labels(text), env)
    return number_references(body, env.get(TARGETS, []), env.get(REFERENCES, []), path=POST,
                             line_offset=offset)


def test_references_become_numbered_links() -> None:
    page = Page(render(TEXT))
    assert page.errors == []
    links = [(a.text, a["href"]) for a in page.all("a", class_="xref")]
    assert links == [("Figure 1", "#fig-arch"), ("Equation 1", "#eq-loss"),
                     ("Figure 2", "#fig-curve"), ("Figure 1", "#fig-arch"),
                     ("Fig. 2", "#fig-curve"), ("Section 1", "#sec-setup")]
    assert "a@fig-x.org" in render(TEXT) and "&quot;@fig-arch stays code&quot;" in render(TEXT)


def test_targets_carry_their_numbers() -> None:
    page = Page(render(TEXT))
    (figure,) = page.all("figure", id="fig-arch")
    assert figure.ancestors[0] == "body"  # not inside a <p>
    assert page.all("figcaption")[0].text == "Figure 1: The model"
    assert page.all("figcaption")[1].text == "Figure 2: Loss"  # a code cell's figure
    (equation,) = page.all("div", id="eq-loss")
    assert page.all("span", class_="eq-number")[0].text == "(1)"
    assert "katex-display" in render(TEXT)


def test_unknown_label_names_the_line_and_closest_labels() -> None:
    with pytest.raises(PostError) as caught:
        render("![A](a.png){#fig-loss}\n\nSee @fig-los and more.\n")
    assert str(caught.value) == (
        "posts/2024-05-01-paper.md:7: the cross-reference '@fig-los' names no figure, table or "
        "equation of this post. Closest labels: fig-loss. Label the target: '#| label: fig-x' "
        "in a code cell, ![Caption](image.png){#fig-x}, or $$ … $$ {#eq-x}.")


def test_duplicate_label_names_both_lines() -> None:
    with pytest.raises(PostError) as caught:
        render("![A](a.png){#fig-a}\n\ntext\n\n![B](b.png){#fig-a}\n")
    assert "the label 'fig-a' is used twice: on line 5 and on line 9." in str(caught.value)


def test_quarto_equation_label_outside_code_only() -> None:
    text = "$$\nx\n$$ {#eq-one}\n\n```\n$$ {#eq-two}\n```\n"
    assert quarto_equation_labels(text) == "$$\nx\n$$ (eq-one)\n\n```\n$$ {#eq-two}\n```\n"


def test_quarto_table_caption_numbers_the_table() -> None:
    html = render("See @tbl-res.\n\n| model | acc |\n|---|--:|\n| MLP | 0.91 |\n\n"
                  ": Accuracy on the *test* set {#tbl-res}\n\nAfter.\n")
    page = Page(html)
    (table,) = page.all("table", id="tbl-res")
    (caption,) = page.all("caption")
    assert caption.text == "Table 1: Accuracy on the test set" and caption.ancestors[0] == "table"
    assert [(a.text, a["href"]) for a in page.all("a", class_="xref")] == [("Table 1", "#tbl-res")]
    assert page.all("p")[-1].text == "After." and page.errors == []


def test_quarto_section_label_is_the_heading_id() -> None:
    html = render("## Method {#sec-method}\n\nText.\n\n## Results\n\nAs @sec-method says.\n")
    page = Page(html)
    (heading,) = page.all("h2", id="sec-method")
    assert heading.text.startswith("Method") and "{#" not in html
    assert [(a.text, a["href"]) for a in page.all("a", class_="xref")] == \
        [("Section 1", "#sec-method")]
    assert page.all("h2", id="results")
