"""A notebook written for fastpages, Quarto and nbconvert, built as a user would (real kernel).

The notebook mixes what a post moved from those tools carries: fastpages'
first-line flags, Quarto's ``#|`` options with a caption and a label,
nbconvert's underscore tags, a pasted screenshot (a cell attachment), an
output type nbpress cannot show and a stray ``$$ $$``.
"""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from conftest import Page, png_bytes

pytestmark = pytest.mark.kernel

SCREENSHOT = png_bytes(12, 8)


def notebook() -> str:
    pasted = new_markdown_cell("The dashboard we started from:\n\n"
                               "![image.png](attachment:image.png)")
    pasted["attachments"] = {"image.png": {"image/png": base64.b64encode(SCREENSHOT).decode()}}
    nb = new_notebook(cells=[
        new_raw_cell("---\ntitle: Moving the lab notebook\ndate: 2024-06-10\n"
                     "tags: [migration]\n---"),
        pasted,
        new_code_cell("#hide\nimport json\nscores = [0.61, 0.72, 0.80, 0.83]\n"
                      "print('HIDDEN SETUP OUTPUT')"),
        new_code_cell("# collapse-hide\ndef best(values):\n    return max(values)\n\n"
                      "print('best score', best(scores))"),
        new_markdown_cell("Scores rose with every run, though the cost term $$ $$ was "
                          "left out."),
        new_code_cell("#| label: fig-scores\n#| fig-cap: \"Validation score per run\"\n"
                      "#| echo: false\n#| fig-width: 6\nimport matplotlib.pyplot as plt\n\n"
                      "plt.plot(scores)\nplt.show()"),
        new_code_cell("print('from a cell tagged remove_input')",
                      metadata={"tags": ["remove_input"]}),
        new_code_cell("#| eval: false\nopen('EVAL_FALSE_RAN', 'w').write('x')"),
        new_code_cell("#| error: true\nraise RuntimeError('shown on purpose')"),
        new_code_cell("from IPython.display import display\n"
                      "display({'application/vnd.labnotes.chart+json': {'values': scores},\n"
                      "         'text/plain': 'Chart(values=4)'}, raw=True)"),
    ])
    return nbformat.writes(nb)


def test_a_notebook_from_other_tools_builds_as_its_author_meant(make_site, build):
    root = make_site({
        "pyproject.toml": '[tool.nbpress]\nurl = "https://lab.example.org"\nbaseurl = "/notes"\n',
        "posts/2024-06-10-moving.ipynb": notebook()})
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    html = (root / "_site/2024/06/10/moving.html").read_text()
    page = Page(html)
    text = page.plain

    # Flags and option lines are not shown (the kernel ran them, as comments, so a traceback
    # quotes them); what they hid is not on the page.
    shown = re.sub(r'<pre class="output error">.*?</pre>', "", html, flags=re.S)
    assert "#hide" not in html and "collapse-hide" not in html and "#|" not in shown
    assert "HIDDEN SETUP OUTPUT" not in html and "import json" not in text
    (fold,) = page.all("details", **{"class": "hidden-input"})
    assert "open" not in fold
    assert "best score 0.83" in text and "def best" in text
    assert "import matplotlib" not in text and "plt.plot" not in text  # echo: false
    assert "from a cell tagged remove_input" in text  # its output ...
    assert "print(&#x27;from a cell tagged" not in html and "print('from a cell" not in text
    assert "open(&#x27;EVAL_FALSE_RAN" in html or "open('EVAL_FALSE_RAN'" in text  # shown ...
    assert not (root / "posts/EVAL_FALSE_RAN").exists()  # ... never run
    assert "shown on purpose" in text  # error: true lets the cell raise

    # The Quarto figure: a <figure> with the label as id and the caption.
    (figure,) = page.all("figure", **{"class": "output"})
    assert figure["id"] == "fig-scores"
    assert "Validation score per run" in text
    plot = [a for a in page.imgs if a["src"].endswith("moving_4_0.png")]
    assert len(plot) == 1 and plot[0]["alt"] == "Validation score per run"

    # The attachment is a file next to the page, linked with baseurl, and the post's og:image.
    # (its front matter cell is not a cell of the post, so the pasted one is cell 0)
    src = "/notes/2024/06/10/moving_files/moving_0_image.png"
    assert page.imgs[0]["src"] == src
    assert (root / "_site" / src.removeprefix("/notes/")).read_bytes() == SCREENSHOT
    og = [a["content"] for a in page.all("meta") if a.get("property") == "og:image"]
    assert og == ["https://lab.example.org" + src]
    assert "attachment:" not in html

    # The output type nbpress cannot show: its text form, and a warning naming post and cell.
    assert "Chart(values=4)" in text
    post = "posts/2024-06-10-moving.ipynb"
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert [w.split(post, 1)[1] for w in warnings if post in w] == [
        ": warning: code cell 3: cell options nbpress does not use: 'fig-width: 6'; they are "
        "ignored (the README's table 'Tags and options from other tools' lists those it maps).",
        ": warning: in the Markdown cell that begins 'Scores rose with every run, though "
        "the…', the math '$$ $$' is shown as written: it is empty. Fix the TeX, or write \\$ "
        "for a dollar sign that is not math.",
        ": warning: code cell 7: an output of type application/vnd.labnotes.chart+json is not "
        "shown; the page shows its text/plain form instead.",
    ]
    assert "the cost term $$ $$ was" in text

    # The notebook offered for download is the author's: option lines kept, tags normalised.
    nb = json.loads((root / "_site/2024/06/10/moving_files/moving.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[2]["source"]).startswith("#| label: fig-scores")
    assert code[3]["metadata"]["tags"] == ["remove-input"]
    assert code[4]["metadata"]["tags"] == ["skip-execution"]
