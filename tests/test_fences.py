"""Fence languages (nbpress/fences.py): Rouge's names, plain ones, and unknown ones warned of."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.fences import FENCE_PROBLEMS, fence_language, lexer_name, unknown_language
from nbpress.markdown import highlight, make_markdown


@pytest.mark.parametrize(("name", "pygments"), [
    ("yml", "yaml"), ("YML", "yaml"), ("plaintext", "text"), ("terminal", "console"),
    ("output", "text"), ("csv", "text"), ("python", "python"), ("pyhton", "pyhton")])
def test_lexer_name(name: str, pygments: str) -> None:
    assert lexer_name(name) == pygments


def test_a_rouge_name_is_highlighted_as_jekyll_highlighted_it() -> None:
    shown = highlight("key: 1\n", "yml")
    assert shown.startswith('<pre class="highlight"><code class="language-yml">')
    assert '<span class="nt">key</span>' in shown  # coloured as YAML


def test_a_typo_names_the_closest_languages() -> None:
    assert unknown_language("pyhton") == (
        "the code fence's language 'pyhton' is not one Pygments highlights: the code is shown "
        "without colours. Did you mean 'python', 'python3' or 'python2'? Write ```text for "
        "code meant to be plain.")
    assert unknown_language("mermaid") == (
        "the code fence's language 'mermaid' is not one Pygments highlights: the code is shown "
        "without colours. Write ```text for code meant to be plain.")


def test_only_fences_of_unknown_languages_are_problems() -> None:
    text = ("```pyhton\nprint(1)\n```\n\n```python\nprint(2)\n```\n\n```text\nplain\n```\n\n"
            "```\nbare\n```\n\n```{code-cell} ipython3\nx\n```\n\n```csv\na,b\n```\n\n"
            "    indented code\n\n~~~mermaid\ngraph TD\n~~~\n")
    env: dict = {}
    html = make_markdown().render(text, env)
    assert [(line, source) for line, source, _ in env[FENCE_PROBLEMS]] == [
        (0, "```pyhton"), (26, "~~~mermaid")]
    assert "<code class=\"language-pyhton\">print(1)\n</code>" in html  # shown, uncoloured


@pytest.mark.parametrize(("info", "language"), [
    ("python", "python"), ("python title=train.py", "python"), ("{.python .numberLines}", "python"),
    ("{code-block} pyhton", "pyhton"), ("{code} r", "r"), ("{code-cell} ipython3", ""),
    ("{note}", ""), ("{python}", ""), ("", "")])
def test_fence_language(info: str, language: str) -> None:
    assert fence_language(info) == language


def test_a_directive_showing_code_and_pandoc_attributes_are_checked_too() -> None:
    env: dict = {}
    html = make_markdown().render("```{.python .numberLines}\nx = 1\n```\n\n"
                                  "```{code-block} pyhton\ny = 2\n```\n", env)
    assert '<code class="language-python"><span class="n">x</span>' in html
    assert [(line, source) for line, source, _ in env[FENCE_PROBLEMS]] == [
        (4, "```{code-block} pyhton")]


def test_a_math_fence_is_told_how_to_write_math() -> None:
    assert unknown_language("math").endswith(
        "the code is shown without colours. Write $$ … $$ for display math.")


def test_a_liquid_highlight_block_is_checked_at_its_line() -> None:
    from nbpress.liquid import resolve

    text = "Intro.\n\n{% highlight pyhton %}\nprint(1)\n{% endhighlight %}\n\nMore.\n"
    markdown = resolve(text, site={}, page={}, links={}, path=Path("p.md"), line_offset=1)
    env: dict = {}
    make_markdown().render(markdown, env)
    assert [(line, source, message.split(":")[0]) for line, source, message
            in env[FENCE_PROBLEMS]] == [(2, "highlight pyhton", "the {% highlight %} block's "
                                         "language 'pyhton' is not one Pygments highlights")]
