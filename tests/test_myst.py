"""MyST markup in prose (nbpress/myst.py): directives, roles, targets, breaks, comments."""

from __future__ import annotations

from conftest import Page
from nbpress.markdown import make_markdown
from nbpress.myst import MARKUP_PROBLEMS, myst_plugin, split_directive

POST = """\
(sec-setup)=
## Setting up

As {numref}`the loss figure <fig-loss>` shows, H{sub}`2`O and {math}`\\beta_1` work.

+++ {"slideshow": {"slide_type": "slide"}}

% a note to myself, never shown

```{note}
Install the *extra* packages first.
```

:::{tip} Faster runs
:class: dropdown
Use a GPU.
:::

```{math}
:label: eq-adam
m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t
```

```{figure} images/loss.png
:name: fig-loss
:alt: Training loss
:width: 80%

Loss over 10 epochs.
```

```{code-block} bash
pip install jax
```

```{glossary}
Term
: meaning
```

See {cite}`kingma2014`.
"""


def render(text: str) -> tuple[Page, list]:
    env: dict = {}
    html = make_markdown(myst_plugin).render(text, env)
    return Page(f"<body>{html}</body>"), env.get(MARKUP_PROBLEMS, [])


def test_myst_markup_renders_and_nothing_raw_is_left() -> None:
    page, problems = render(POST)
    assert page.errors == []
    text = page.plain
    for raw in ("{note}", "{tip}", "{math}", "{figure}", ":class:", ":label:", "+++", "(sec-setup)=",
                "% a note", "{numref}", "{sub}", ":::", "{code-block}"):
        assert raw not in text, raw
    assert [a.get("id") for a in page.all("span", id="sec-setup")] == ["sec-setup"]
    (link,) = [a for a in page.all("a") if a.get("href") == "#fig-loss"]
    assert link.text == "the loss figure"
    assert [e.text for e in page.all("sub")] == ["2"]
    (note,) = page.all("aside", class_="note")
    assert note.text == "Note Install the extra packages first."
    (tip,) = page.all("details", class_="tip")
    assert tip.text.startswith("Faster runs")
    assert page.all("div", id="eq-adam") and page.all("math")
    (figure,) = page.all("figure", id="fig-loss")
    assert page.all("img", alt="Training loss", style="width:80%;")
    assert figure.text == "Loss over 10 epochs."
    assert page.all("code", class_="language-bash")
    assert [(line, message.split(";")[0]) for line, _, message in problems] == [
        (35, "the MyST directive '{glossary}' is not one nbpress knows"),
        (40, "the MyST role '{cite}' is not one nbpress knows")]


def test_directive_options_as_fields_or_yaml() -> None:
    assert split_directive(":class: dropdown\n:name: x\nBody\n") == (
        {"class": "dropdown", "name": "x"}, "Body")
    assert split_directive("---\nclass: dropdown\n---\nBody") == ({"class": "dropdown"}, "Body")
    assert split_directive("Just body") == ({}, "Just body")


def test_plain_markdown_is_unchanged() -> None:
    text = "# Title\n\nSome `code` and {curly} text.\n\n```python\nx = {1: 2}\n```\n"
    assert make_markdown(myst_plugin).render(text) == make_markdown().render(text)
