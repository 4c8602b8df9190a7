"""A post's text → unexecuted notebook + one Markdown document (nbpress/readers/markdown.py).

Each case is one of the traps in shared/design/jupytext-traps.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import jupytext
import nbformat
import pytest

from nbpress import kernels
from nbpress.config import load_config
from nbpress.discover import read_post
from nbpress.errors import PostError
from nbpress.markdown import make_markdown
from nbpress.model import CodeCell, Kernel
from nbpress.readers import CELL_MARK, CELL_MARK_RE, read_post_notebook

FRONT = "---\ntitle: T\ndate: 2024-01-02\n---\n"  # the body starts on line 5


def read(root: Path, body: str, name: str = "2024-01-02-p.md"):
    path = root / "posts" / name
    path.write_text(FRONT + body, encoding="utf-8")
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    doc, warnings = read_post_notebook(post, keep_comment="<!--more-->")
    return doc, [str(w) for w in warnings]


def fails(root: Path, body: str) -> str:
    with pytest.raises(PostError) as info:
        read(root, body)
    return str(info.value)


def code_sources(doc) -> list[str]:
    return [c.source for c in doc.notebook.cells if c.cell_type == "code"]


def all_text(doc) -> str:
    return "\n".join(c.source for c in doc.notebook.cells) + "\n" + doc.markdown


def file_line(root: Path, text: str) -> int:
    lines = (root / "posts" / "2024-01-02-p.md").read_text().split("\n")
    return [i for i, line in enumerate(lines, 1) if line == text][0]


# --- HTML comments --------------------------------------------------------------------------

COMMENTED = """Intro.

<!--
This is a hidden draft:
```python
print("inside comment")
```
-->

After.
"""


def test_fence_in_multiline_comment_is_neither_cell_nor_shown(root: Path) -> None:
    doc, warnings = read(root, COMMENTED)
    assert code_sources(doc) == []
    assert doc.cells == ()
    text = all_text(doc)
    for leak in ("inside comment", "hidden draft", "<!--", "-->", "```"):
        assert leak not in text
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown"]
    assert "Intro." in doc.markdown and "After." in doc.markdown
    assert warnings == []


def test_comment_keeps_line_numbers(root: Path) -> None:
    doc, _ = read(root, COMMENTED)
    lines = doc.markdown.split("\n")
    assert lines.index("After.") + 5 == file_line(root, "After.")


def test_fence_in_single_line_comment(root: Path) -> None:
    doc, _ = read(root, 'Text <!-- ```python print("x") ``` --> more.\n\n'
                        '<!-- ```python -->\n\nEnd.\n')
    assert code_sources(doc) == []
    assert "Text  more." in doc.markdown
    assert "print" not in all_text(doc)
    assert "<!--" not in doc.markdown


def test_inline_comments_do_not_leak(root: Path) -> None:
    doc, _ = read(root, "Visible <!-- gone --> text <!-- also gone -->.\n")
    assert doc.markdown.strip() == "Visible  text ."
    assert "gone" not in all_text(doc)


def test_comment_opened_mid_line_swallows_following_fence(root: Path) -> None:
    doc, _ = read(root, "Before <!-- start\n```python\nprint(1)\n```\nend --> after.\n")
    assert code_sources(doc) == []
    assert "print" not in all_text(doc)
    assert "Before" in doc.markdown and "after." in doc.markdown


def test_a_comment_never_closed_hides_the_rest_with_a_warning(root: Path) -> None:
    doc, warnings = read(root, "Para.\n\nText <!-- a note <!-- --> then\n\n<!-- opened here\n\n"
                               "## Heading\n\n```python\nprint(1)\n```\n\nLast.\n")
    assert code_sources(doc) == [] and "Last." not in all_text(doc)
    line = file_line(root, "<!-- opened here")
    assert warnings == [f"posts/2024-01-02-p.md:{line}: warning: this HTML comment "
                        "'<!--' is never closed: everything after it, to the end of the post "
                        "(code cells too), is hidden; close it with '-->'."]


def test_comment_syntax_in_inline_code_is_kept(root: Path) -> None:
    doc, _ = read(root, "Write `<!--` to open a comment.\n")
    assert "Write `<!--` to open a comment." in doc.markdown


def test_comment_inside_shown_fence_is_kept(root: Path) -> None:
    doc, _ = read(root, "```html\n<!-- a comment shown as code -->\n<p>x</p>\n```\n")
    assert "<!-- a comment shown as code -->" in doc.markdown


def test_more_separator_is_kept(root: Path) -> None:
    doc, _ = read(root, "First paragraph.\n<!--more-->\n\nRest.\n")
    assert "First paragraph.\n<!--more-->\n" in doc.markdown


# --- which fences run -----------------------------------------------------------------------

@pytest.mark.parametrize("language", ["bash", "sh", "html", "js", "rust", "shell", "console",
                                      "text", "json", "yaml", "markdown", "r", "latex"])
def test_other_languages_are_shown_not_run(root: Path, language: str) -> None:
    body = f"Run this:\n\n```{language}\necho hello\n```\n\nDone.\n"
    doc, warnings = read(root, body)
    assert code_sources(doc) == []
    assert f"```{language}\necho hello\n```" in doc.markdown
    assert warnings == []
    # Shown as a code block of that language, highlighted where Pygments knows it.
    html = make_markdown().render(doc.markdown)
    assert f'<pre class="highlight"><code class="language-{language}">' in html


def test_bash_is_highlighted(root: Path) -> None:
    doc, _ = read(root, "```bash\nls -la | grep x\n```\n")
    html = make_markdown().render(doc.markdown)
    assert html.startswith('<pre class="highlight"><code class="language-bash">ls<span')
    assert '<span class="p">|</span>' in html


@pytest.mark.parametrize("opening", ["```python", "```python3", "````python", "```python  "])
def test_python_fences_run(root: Path, opening: str) -> None:
    closing = "`" * (len(opening) - len(opening.lstrip("`")))
    doc, warnings = read(root, f"{opening}\nprint(1)\n{closing}\n")
    assert code_sources(doc) == ["print(1)"]
    assert warnings == []


def test_noeval_is_shown_not_run(root: Path) -> None:
    doc, warnings = read(root, "```python .noeval\nimport os\n```\n")
    assert code_sources(doc) == []
    assert "```python\nimport os\n```" in doc.markdown
    assert ".noeval" not in doc.markdown
    assert warnings == []
    html = make_markdown().render(doc.markdown)
    assert '<code class="language-python"><span class="kn">import</span>' in html


@pytest.mark.parametrize("fence", ["~~~python", "  ```python", "   ```python"])
def test_tilde_and_indented_fences_are_not_run(root: Path, fence: str) -> None:
    closing = fence.strip()[:3]
    doc, _ = read(root, f"{fence}\nprint(1)\n{fence[:len(fence) - len(fence.lstrip())]}"
                        f"{closing}\n")
    assert code_sources(doc) == []
    assert "print(1)" in doc.markdown


@pytest.mark.parametrize("language", ["Python", "py", "ipython3", "Python3"])
def test_near_miss_warns(root: Path, language: str) -> None:
    body = f"Text.\n\n```{language}\nx = 1\n```\n"
    doc, warnings = read(root, body)
    assert code_sources(doc) == []
    line = file_line(root, f"```{language}")
    assert warnings == [
        f"posts/2024-01-02-p.md:{line}: warning: '```{language}' is shown but not run; write "
        f"'```python' to run it or '```python .noeval' to silence this warning."]


def test_cell_tags_from_fence(root: Path) -> None:
    doc, _ = read(root, '```python tags=["hide-input", "remove-output"]\nx = 1\n```\n')
    (cell,) = [c for c in doc.notebook.cells if c.cell_type == "code"]
    assert cell.metadata["tags"] == ["hide-input", "remove-output"]
    assert cell.source == "x = 1"


def test_fence_with_title_and_tags(root: Path) -> None:
    doc, _ = read(root, '```python title="setup" tags=["remove-cell"]\nx = 1\n```\n')
    (cell,) = [c for c in doc.notebook.cells if c.cell_type == "code"]
    assert cell.metadata["tags"] == ["remove-cell"]
    assert cell.metadata["title"] == "setup"


@pytest.mark.parametrize("inside", ["", "\n", "   \n\n", "\n\n\n"])
def test_empty_python_cells_are_dropped(root: Path, inside: str) -> None:
    doc, _ = read(root, f"Before.\n\n```python\n{inside}```\n\nAfter.\n")
    assert code_sources(doc) == []
    assert doc.cells == ()
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown"]
    assert "```" not in doc.markdown
    assert not CELL_MARK_RE.search(doc.markdown)


def test_unclosed_fence_is_an_error_naming_the_line(root: Path) -> None:
    text = fails(root, "Intro.\n\n```python\nprint(1)\n\n## Heading\n\nMore prose.\n")
    assert text == ("posts/2024-01-02-p.md:7: this ``` code fence is never closed, so it would "
                    "swallow the rest of the post. Close it with a line of 3 '`' characters.")


def test_unclosed_shown_fence_is_an_error_too(root: Path) -> None:
    text = fails(root, "Intro.\n```bash\nls\n")
    assert text.startswith("posts/2024-01-02-p.md:6: this ``` code fence is never closed")


def test_four_backtick_fence_that_swallows_the_rest(root: Path) -> None:
    text = fails(root, "Text\n\n````markdown\n```python\nprint(1)\n```\n\nmore\n")
    assert text == ("posts/2024-01-02-p.md:7: this ```` code fence is never closed, so it would "
                    "swallow the rest of the post. Close it with a line of 4 '`' characters.")


@pytest.mark.parametrize("wrapper", ["markdown", "md", "text"])
def test_four_backtick_wrapper_is_shown_not_run(root: Path, wrapper: str) -> None:
    body = (f"Source of a post:\n\n````{wrapper}\n```python\nprint('shown')\n```\n````\n\n"
            "```python\nprint('runs')\n```\n")
    doc, _ = read(root, body)
    assert code_sources(doc) == ["print('runs')"]
    assert f"````{wrapper}\n```python\nprint('shown')\n```\n````" in doc.markdown
    html = make_markdown().render(doc.markdown)
    assert "```python" in html  # the inner fence is shown literally


# --- structure ------------------------------------------------------------------------------

STRUCTURED = """Intro paragraph.

```python
a = 1
```

Middle text.

```bash
echo hi
```

```python tags=["hide-input"]
b = 2
```
```python
c = 3
```

Closing words.
"""


def test_cells_alternate_in_order(root: Path) -> None:
    doc, _ = read(root, STRUCTURED)
    cells = [(c.cell_type, c.source) for c in doc.notebook.cells]
    assert cells == [
        ("markdown", "Intro paragraph."),
        ("code", "a = 1"),
        ("markdown", "Middle text.\n\n```bash\necho hi\n```"),
        ("code", "b = 2"),
        ("code", "c = 3"),
        ("markdown", "Closing words."),
    ]


def test_code_cell_lines_are_fence_lines(root: Path) -> None:
    doc, _ = read(root, STRUCTURED)
    lines = (root / "posts" / "2024-01-02-p.md").read_text().split("\n")
    fences = [i for i, line in enumerate(lines, 1) if line.startswith("```python")]
    assert fences == [7, 17, 20]
    assert doc.cells == (CodeCell(1, 7), CodeCell(3, 17), CodeCell(4, 20))
    for cell in doc.cells:
        assert doc.notebook.cells[cell.index].cell_type == "code"


def test_markdown_document_keeps_line_numbers_and_placeholders(root: Path) -> None:
    doc, _ = read(root, STRUCTURED)
    lines = doc.markdown.split("\n")
    # Document line i is file line 5 + i, for prose and placeholders alike.
    assert lines.index("Middle text.") + 5 == file_line(root, "Middle text.")
    assert lines.index("Closing words.") + 5 == file_line(root, "Closing words.")
    assert len(doc.cells) == 3
    for cell in doc.cells:
        assert lines[cell.line - 5] == CELL_MARK.format(cell.index)
    assert [int(m) for m in CELL_MARK_RE.findall(doc.markdown)] == [1, 3, 4]
    assert "a = 1" not in doc.markdown  # code lives in the cells only


def test_front_matter_is_never_a_cell(root: Path) -> None:
    doc, _ = read(root, "Body.\n")
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown"]
    assert "title:" not in all_text(doc)
    assert "kernelspec" not in doc.notebook.metadata  # the read stage's kernels.assign sets it
    # The front matter goes to metadata as JSON-safe values (dates as text).
    assert doc.notebook.metadata["nbpress"] == {"title": "T", "date": "2024-01-02"}
    nbformat.validate(doc.notebook)
    nbformat.writes(doc.notebook)


def test_details_split_by_a_cell_keeps_placeholder_inside(root: Path) -> None:
    body = ("<details>\n<summary>Show the training loop</summary>\n\n```python\n"
            "print(2)\n```\n\n</details>\n\nAfter.\n")
    doc, _ = read(root, body)
    (cell,) = doc.cells
    open_at = doc.markdown.index("<details>")
    mark_at = doc.markdown.index(CELL_MARK.format(cell.index))
    close_at = doc.markdown.index("</details>")
    assert open_at < mark_at < close_at
    # jupytext would split this into three cells; the notebook does too, but the
    # document that gets rendered keeps it whole.
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown", "code", "markdown"]
    assert doc.notebook.cells[2].source.startswith("</details>")


def test_raw_marker_comments_are_just_comments(root: Path) -> None:
    doc, warnings = read(root, "<!-- #raw this is my note -->\nText.\n\n```python\nx = 1\n```\n")
    assert code_sources(doc) == ["x = 1"]
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown", "code"]
    assert "#raw" not in all_text(doc)
    # jupytext would make everything after it one raw cell: say why it is not.
    assert warnings == ["posts/2024-01-02-p.md:5: warning: '<!-- #raw -->' opens a jupytext "
                        "region that no '<!-- #endraw -->' closes, so it is read as an HTML "
                        "comment; close it, or reword the comment."]


def test_windows_line_endings(root: Path) -> None:
    path = root / "posts" / "2024-01-02-p.md"
    path.write_bytes(b"---\r\ntitle: T\r\n---\r\nText.\r\n\r\n```python\r\nprint(1)\r\n```\r\n"
                     b"\r\nAfter.\r\n")
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    doc, _ = read_post_notebook(post)
    assert [(c.cell_type, c.source) for c in doc.notebook.cells] == [
        ("markdown", "Text."), ("code", "print(1)"), ("markdown", "After.")]
    assert doc.cells == (CodeCell(1, 6),)


# --- .ipynb posts ---------------------------------------------------------------------------

def test_ipynb_post(root: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_raw_cell("---\ntitle: From nb\n---"),
        nbformat.v4.new_markdown_cell("Intro."),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("   "),
        nbformat.v4.new_markdown_cell("End."),
    ]
    path = root / "posts" / "2024-02-03-nb.ipynb"
    nbformat.write(nb, path)
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    assert post.date == dt.datetime(2024, 2, 3, tzinfo=ZoneInfo("UTC"))
    doc, warnings = read_post_notebook(post)
    assert warnings == []
    assert [(c.cell_type, c.source) for c in doc.notebook.cells] == [
        ("markdown", "Intro."), ("code", "x = 1"), ("markdown", "End.")]
    assert doc.cells == (CodeCell(1, 0),)
    assert doc.markdown == f"Intro.\n\n{CELL_MARK.format(1)}\n\nEnd."


def test_placeholder_text_shown_in_a_fence_is_not_a_cell(root: Path) -> None:
    # A post about nbpress may show its own placeholder; it must stay text and run nothing twice.
    doc, _ = read(root, "```html\n<!--nbpress:cell:0-->\n```\n\n```python\nx = 1\n```\n")
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown", "code"]
    assert code_sources(doc) == ["x = 1"]
    assert doc.markdown.count(CELL_MARK.format(1)) == 1


# --- jupytext regions, side by side with jupytext's own reading ------------------------------

REGIONS = """Intro.

<!-- #region tags=["note"] -->
To reset the cache by hand:

```python
open("RESET", "w").write("")
```
<!-- #endregion -->

```python
x = 1
```

<!-- #md -->
```python
print("md region")
```
<!-- #endmd -->

<!-- #markdown -->
Markdown region.
<!-- #endmarkdown -->

<!-- #region Setup notes {"slideshow": {"slide_type": "skip"}} -->
Titled region with JSON metadata.
<!-- #endregion -->

<!-- #raw raw_mimetype="text/html" -->
<div class="shown">HTML raw</div>
<!-- #endraw -->

<!-- #raw active="" -->
plain raw
<!-- #endraw -->

<!-- #raw raw_mimetype="text/latex" -->
\\section{LaTeX only}
<!-- #endraw -->

End.
"""


def jupytext_cells(root: Path, kinds: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    nb = jupytext.read(root / "posts" / "2024-01-02-p.md")
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells[1:]  # [0]: front matter
            if c.cell_type in kinds]


def test_regions_are_read_as_jupytext_reads_them(root: Path) -> None:
    doc, warnings = read(root, REGIONS)
    assert warnings == []
    ours = [(c.cell_type, c.source, dict(c.metadata)) for c in doc.notebook.cells]
    theirs = jupytext_cells(root, ("code", "raw", "markdown"))
    # Code and raw cells, and region cells with their metadata, are jupytext's exactly; plain
    # prose is split differently (jupytext splits it at two blank lines), which changes nothing.
    regions = [c for c in theirs if c[0] != "markdown" or c[2]]
    assert len(regions) == 8
    assert [c for c in ours if c[0] != "markdown" or c[2]] == regions
    assert code_sources(doc) == ["x = 1"]


def test_fences_inside_regions_are_shown_never_run(root: Path) -> None:
    doc, _ = read(root, REGIONS)
    assert '```python\nopen("RESET", "w").write("")\n```' in doc.markdown
    assert '```python\nprint("md region")\n```' in doc.markdown
    html = make_markdown().render(doc.markdown)
    assert '<code class="language-python">' in html
    for marker in ("#region", "#endregion", "#md", "#raw", "slideshow", "Setup notes"):
        assert marker not in doc.markdown


def test_raw_regions_follow_nbconvert_s_html_rule(root: Path) -> None:
    doc, _ = read(root, REGIONS)
    marked = [doc.notebook.cells[int(i)] for i in CELL_MARK_RE.findall(doc.markdown)]
    assert [(c.cell_type, c.source) for c in marked] == [
        ("code", "x = 1"), ("raw", '<div class="shown">HTML raw</div>'), ("raw", "plain raw")]
    assert "LaTeX only" not in doc.markdown


def test_region_lines_are_file_lines(root: Path) -> None:
    doc, _ = read(root, REGIONS)
    lines = doc.markdown.split("\n")
    for text in ("To reset the cache by hand:", "Markdown region.", "End."):
        assert lines.index(text) + 5 == file_line(root, text)
    raw = next(i for i, c in enumerate(doc.notebook.cells) if c.source.startswith("<div"))
    marker = '<!-- #raw raw_mimetype="text/html" -->'
    assert lines.index(CELL_MARK.format(raw)) + 5 == file_line(root, marker)


def test_near_misses_inside_regions_do_not_warn(root: Path) -> None:
    _, warnings = read(root, "<!-- #region -->\n```Python\nx = 1\n```\n<!-- #endregion -->\n")
    assert warnings == []


def test_region_marker_must_be_the_whole_line(root: Path) -> None:
    # As for jupytext: mid-line it is an ordinary comment (removed), and the fence runs.
    doc, warnings = read(root, "Text <!-- #region --> more.\n\n```python\nx = 1\n```\n")
    assert code_sources(doc) == ["x = 1"]
    assert "Text  more." in doc.markdown
    assert warnings == []


def test_comments_inside_regions_are_removed(root: Path) -> None:
    doc, _ = read(root, "<!-- #region -->\nKept <!-- a note --> text.\n<!-- #endregion -->\n")
    assert doc.markdown.split("\n")[1] == "Kept  text."
    assert doc.notebook.cells[0].source == "Kept  text."


def test_unclosed_fence_inside_a_region_is_an_error(root: Path) -> None:
    text = fails(root, "<!-- #region -->\n```python\nx = 1\n<!-- #endregion -->\n\nAfter.\n")
    assert text.startswith("posts/2024-01-02-p.md:6: this ``` code fence is never closed")


def test_kernel_language_decides_which_fences_run(root: Path) -> None:
    header = ("---\ntitle: T\ndate: 2024-01-02\njupyter:\n  kernelspec:\n    display_name: R\n"
              "    language: R\n    name: ir\n---\n")
    path = root / "posts" / "2024-01-02-p.md"
    path.write_text(header + "```r\nsummary(cars)\n```\n\n```python\nprint(1)\n```\n\n"
                    "```Python\nx\n```\n")
    post = read_post(path, load_config(root), ZoneInfo("UTC"))
    doc, warnings = read_post_notebook(post)
    assert code_sources(doc) == ["summary(cars)"]
    # The header's kernelspec is kept in the notebook, where the read stage finds it.
    assert doc.notebook.metadata["kernelspec"] == {"display_name": "R", "language": "R",
                                                   "name": "ir"}
    assert kernels.requested(post, doc.notebook.metadata) == Kernel("ir", "R", "R")
    assert warnings == []  # ```Python is a near miss only in a Python post
    assert "jupyter" not in post.front_matter  # notebook metadata, not the page's


def test_plain_markdown_without_header_names_no_kernel(root: Path) -> None:
    doc, _ = read(root, "```python\nx = 1\n```\n")
    assert doc.format == "markdown" and "kernelspec" not in doc.notebook.metadata


def test_markdown_jupytext_writes_reads_back_as_jupytext_reads_it(root: Path) -> None:
    # jupytext's Markdown format, as Jupyter's pairing saves it: a markdown cell holding a
    # python fence goes in a region, raw cells in #raw markers, cell metadata on both.
    fixtures = Path(__file__).parent / "fixtures" / "formats"
    nb = jupytext.read(fixtures / "2024-05-04-darts.md")
    nb.cells += nbformat.read(fixtures / "2024-06-08-raw-cells.ipynb", as_version=4).cells
    nb.metadata = {"kernelspec": nb.metadata["kernelspec"]}
    nb.cells.insert(0, nbformat.v4.new_raw_cell("---\ntitle: T\ndate: 2024-01-02\n---"))
    text = jupytext.writes(nb, "md")
    assert "<!-- #region -->" in text and '<!-- #raw raw_mimetype="text/html" -->' in text
    path = root / "posts" / "2024-01-02-p.md"
    path.write_text(text)
    doc, warnings = read_post_notebook(read_post(path, load_config(root), ZoneInfo("UTC")))
    assert warnings == []
    theirs = jupytext_cells(root, ("code", "raw", "markdown"))

    def structural(cells):  # code, raw, and Markdown cells that carry metadata
        return [c for c in cells if c[0] != "markdown" or c[2]]

    ours = [(c.cell_type, c.source, dict(c.metadata)) for c in doc.notebook.cells]
    assert structural(ours) == structural(theirs) and len(structural(ours)) == 13
    assert 'print("MYST-FENCE-NOT-RUN")' not in code_sources(doc)
    assert '```python\nprint("MYST-FENCE-NOT-RUN")\n```' in doc.markdown
