"""An executed notebook → RenderedPost (nbpress/render.py), with no kernel.

The executed notebook is built by hand: the reader's notebook with outputs
added by ``nbformat.v4.new_output``, wrapped in ``ExecResult``.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
import re
import zlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

from nbpress.errors import PostError
from nbpress.model import ExecResult, PostSource, SiteConfig
from nbpress.readers.markdown import read_markdown_post
from nbpress.render import render_post

SITE = {"baseurl": "/blog", "url": "https://example.org", "title": "Site", "description": "",
        "author": ""}
BODY_LINE = 5  # four lines of front matter above the body


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def make_post(body: str, **front) -> PostSource:
    front = {"title": "The Post", **front}
    path = Path("posts/2024-01-02-the-post.md")
    path.parent.mkdir(exist_ok=True)
    path.write_text("---\ntitle: The Post\ndate: 2024-01-02\n---\n" + body, encoding="utf-8")
    return PostSource(path=path, slug="the-post", title="The Post",
                      date=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
                      url="/2024/01/02/the-post.html", front_matter=front, body=body,
                      body_line=BODY_LINE)


def render(body: str, outputs: dict[int, list] | None = None, separator: str = "<!--more-->",
           links: dict | None = None, **front):
    """Read ``body``, give the n-th code cell ``outputs[n]`` and render it (no warnings)."""
    rendered, warnings = render_with_warnings(body, outputs, separator, links, **front)
    assert warnings == []
    return rendered


def render_with_warnings(body: str, outputs: dict[int, list] | None = None,
                         separator: str = "<!--more-->", links: dict | None = None, **front):
    doc, _ = read_markdown_post(make_post(body, **front), keep_comment=separator)
    nb = doc.notebook
    for n, cell in enumerate(doc.cells):
        nb.cells[cell.index].outputs = (outputs or {}).get(n, [])
    config = SiteConfig(root=Path("/site"), out=Path("/site/_site"), theme_dirs=(),
                        baseurl=SITE["baseurl"], url=SITE["url"], excerpt_separator=separator)
    return render_post(ExecResult(doc, nb, 0.1), config=config, variables=SITE,
                       links=links or {}, site_references={})


class Tree(HTMLParser):
    """Checks nesting and records each element's ancestors."""

    VOID = {"img", "br", "hr", "meta", "link", "input", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.errors: list[str] = []
        self.text_parents: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, [t for t, _ in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {[t for t, _ in self.stack]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.text_parents.append((data.strip(), [t for t, _ in self.stack]))


def tree(html: str) -> Tree:
    parser = Tree()
    parser.feed(html)
    parser.close()
    assert parser.errors == [], parser.errors
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def stdout(text: str) -> dict:
    return new_output("stream", name="stdout", text=text)


# --- HTML blocks split by cells -------------------------------------------------------------

DETAILS = """Intro paragraph.

<details>
<summary>Show the training loop</summary>

```python
print("training")
```

</details>

After the details.
"""


def test_details_split_by_a_cell_stays_valid() -> None:
    rendered = render(DETAILS, {0: [stdout("training\n")]})
    parsed = tree(rendered.html)
    (cell,) = [(attrs, parents) for tag, attrs, parents in parsed.elements
               if tag == "div" and "cell" in attrs.get("class", "").split()]
    assert cell[1] == ["details"]  # the cell div sits inside <details>, nowhere else
    assert ("training", ["details", "div", "div", "pre"]) in parsed.text_parents
    assert ("After the details.", ["p"]) in parsed.text_parents
    assert "nbpress:cell" not in rendered.html
    assert "&lt;details" not in rendered.html and "&lt;/details" not in rendered.html


def test_figure_split_by_double_blank_line_stays_whole() -> None:
    body = ('<figure>\n<img src="{{ site.baseurl }}/images/b.png" alt="b">\n\n\n'
            "<figcaption>Caption</figcaption>\n</figure>\n\nText.\n")
    rendered = render(body)
    parsed = tree(rendered.html)
    assert ("Caption", ["figure", "figcaption"]) in parsed.text_parents
    (img,) = [(a, p) for t, a, p in parsed.elements if t == "img"]
    assert img == ({"src": "/blog/images/b.png", "alt": "b"}, ["figure"])


def test_cells_in_order_with_prose() -> None:
    body = ("First.\n\n```python\nprint(1)\n```\n\nSecond.\n\n"
            "```python\nprint(2)\n```\n\nThird.\n")
    rendered = render(body, {0: [stdout("one\n")], 1: [stdout("two\n")]})
    parsed = tree(rendered.html)
    texts = [t for t, _ in parsed.text_parents if t in ("First.", "one", "Second.", "two",
                                                           "Third.")]
    assert texts == ["First.", "one", "Second.", "two", "Third."]
    ids = [a["id"] for t, a, _ in parsed.elements if t == "div" and "id" in a]
    assert ids == ["cell-1", "cell-3"]


def test_remove_cell_leaves_no_trace() -> None:
    rendered = render('Text.\n\n```python tags=["remove-cell"]\nsecret = 1\n```\n\nMore.\n',
                      {0: [stdout("hidden\n")]})
    assert "secret" not in rendered.html and "hidden" not in rendered.html
    assert rendered.html == "<p>Text.</p>\n\n<p>More.</p>\n"


def test_hide_input_in_a_post_is_collapsed() -> None:
    rendered = render('```python tags=["hide-input"]\nx = 1\n```\n', {0: [stdout("1\n")]})
    parsed = tree(rendered.html)
    details = [(a, p) for t, a, p in parsed.elements if t == "details"]
    assert details == [({"class": "hidden-input"}, ["div", "div"])]  # no "open": collapsed
    assert ("Show code", ["div", "div", "details", "summary"]) in parsed.text_parents


# --- Liquid and code ------------------------------------------------------------------------

def test_liquid_resolved_in_markdown_not_in_code() -> None:
    body = ("[Home]({{ site.baseurl }}/) and {{page.title}}.\n\n"
            "```python\nprint('{{ site.baseurl }}')\n```\n")
    rendered = render(body, {0: [stdout("{{ site.baseurl }}\n")]})
    assert rendered.html.startswith('<p><a href="/blog/">Home</a> and The Post.</p>')
    assert rendered.html.count("{{ site.baseurl }}") == 2  # in the code and in its output


def test_page_date_is_jekyll_format() -> None:
    assert render("On {{ page.date }}.\n").html == "<p>On 2024-01-02 00:00:00 +0000.</p>\n"


def test_liquid_error_names_the_file_line() -> None:
    with pytest.raises(PostError) as info:
        render("Intro.\n\n```python\nx = 1\n```\n\nSee {{ site.titel }}.\n")
    assert str(info.value).startswith(
        "posts/2024-01-02-the-post.md:11: unknown Liquid variable '{{ site.titel }}' "
        "(titel is not defined). Did you mean '{{ site.title }}'?")


def test_post_url() -> None:
    rendered = render("[Other]({% post_url 2023-05-06-other %})\n",
                      links={"2023-05-06-other": "/blog/2023/05/06/other.html"})
    assert rendered.html == '<p><a href="/blog/2023/05/06/other.html">Other</a></p>\n'


# --- files ----------------------------------------------------------------------------------

def test_image_outputs_become_files() -> None:
    data = png(4, 3)
    rendered = render("```python\nplot()\n```\n", {0: [new_output(
        "display_data", data={"image/png": base64.b64encode(data).decode(),
                              "text/plain": "<Figure size 4x3>"})]})
    assert [(f.path, f.data) for f in rendered.files] == [
        ("2024/01/02/the-post_files/the-post_0_0.png", data)]
    (img,) = [a for t, a, _ in tree(rendered.html).elements if t == "img"]
    assert img["src"] == "/blog/2024/01/02/the-post_files/the-post_0_0.png"
    assert (img["width"], img["height"]) == ("4", "3")


# --- excerpt --------------------------------------------------------------------------------

def test_excerpt_is_first_paragraph() -> None:
    rendered = render("# Title\n\nFirst *para*.\n\nSecond para.\n")
    assert rendered.excerpt == "<p>First <em>para</em>.</p>"


def test_excerpt_up_to_more() -> None:
    rendered = render("First para.\n\nSecond para.\n<!--more-->\n\nThird para.\n")
    assert rendered.excerpt == "<p>First para.</p>\n<p>Second para.</p>"
    assert "<!--more-->" in rendered.html
    assert "Third para." in rendered.html


def test_excerpt_with_custom_separator() -> None:
    rendered = render("One.\n\nTwo.\n\n<!--cut-->\n\nThree.\n", separator="<!--cut-->")
    assert rendered.excerpt == "<p>One.</p>\n<p>Two.</p>"


def test_excerpt_with_inline_more_is_valid_html() -> None:
    rendered = render("Intro text <!--more--> and the rest.\n\nMore.\n")
    parsed = tree(rendered.excerpt)
    assert [t for t, _ in parsed.text_parents] == ["Intro text"]


def test_no_paragraph_no_excerpt() -> None:
    assert render("# Only a heading\n").excerpt == ""


# --- local images ---------------------------------------------------------------------------

def test_local_images_with_source_lines() -> None:
    body = ("Intro with ![a](images/a.png) inline.\n"          # line 5
            "\n"                                               # 6
            "![remote](https://example.org/r.png)\n"           # 7
            "\n"                                               # 8
            "```python\nprint(1)\n```\n"                       # 9-11
            "\n"                                               # 12
            '<img src="{{ site.baseurl }}/images/c.png">\n'    # 13
            "\n"                                               # 14
            "![anchor](#top) ![data](data:image/png;base64,AA==)\n")  # 15
    rendered = render(body)
    assert rendered.local_links == (("images/a.png", 5), ("/blog/images/c.png", 13))


def test_image_line_inside_a_paragraph_and_a_figure() -> None:
    body = ("A paragraph that goes on\n"                       # line 5
            "and shows ![b](images/b.png) on its second line.\n"  # 6
            "\n"                                               # 7
            "<figure>\n"                                       # 8
            '<img src="images/c.png" alt="c">\n'               # 9
            "<figcaption>C</figcaption>\n"                     # 10
            "</figure>\n")
    rendered = render(body)
    assert rendered.local_links == (("images/b.png", 6), ("images/c.png", 9))


def test_a_huge_image_is_a_warning_naming_its_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    from nbpress import render as render_module

    monkeypatch.setattr(render_module, "LARGE_IMAGE", 50)
    image = new_output("display_data", data={"image/png": base64.b64encode(png(40, 30)).decode(),
                                             "text/plain": "<Figure>"})
    body = "Text.\n\n```python\nsmall()\n```\n\n```python\nbig()\n```\n"
    _, warnings = render_with_warnings(body, {1: [image]})
    assert [str(w).split(": warning: ")[1] for w in warnings] == [
        "a cell produced a 0 MB image (2024/01/02/the-post_files/the-post_2_0.png); readers "
        "download all of it: lower the figure's dpi or size."]
    assert warnings[0].line == BODY_LINE + 6  # the fence of the cell that drew it


# --- warnings from cells, math and attachments reach the post's warnings ------------------------

def test_output_types_not_shown_are_warnings_naming_the_code_cell() -> None:
    widget = new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "5e1f", "version_major": 2,
                                                     "version_minor": 0},
        "text/plain": "IntSlider(value=3, max=10)"})
    body = "Pick a value.\n\n```python\nimport ipywidgets\n```\n\n```python\nslider\n```\n"
    rendered, warnings = render_with_warnings(body, {1: [widget]})
    assert [(w.line, w.message) for w in warnings] == [(BODY_LINE + 6, (
        "code cell 2: an output of type application/vnd.jupyter.widget-view+json is not shown "
        "(the notebook saved no state for this widget, and a static page has no kernel); the "
        "page shows its text/plain form instead."))]
    assert "IntSlider(value=3, max=10)" in rendered.html


def test_broken_math_is_a_warning_with_its_line() -> None:
    body = "Intro.\n\nThe bound $$ $$ holds.\n\n$$\n\\frac{1}{2\n$$\n"
    rendered, warnings = render_with_warnings(body)
    assert [w.line for w in warnings] == [BODY_LINE + 2, BODY_LINE + 4]
    assert warnings[0].message.startswith("the math '$$ $$' is shown as written: it is empty.")
    assert "<p>The bound $$ $$ holds.</p>" in rendered.html
    assert '<p class="math-source">$$\n\\frac{1}{2\n$$</p>' in rendered.html
    tree(rendered.html)


def test_a_fence_in_a_language_pygments_does_not_know_is_a_warning_with_its_line() -> None:
    body = "Intro.\n\n```pyhton\nprint(1)\n```\n\n```yml\na: 1\n```\n"
    rendered, warnings = render_with_warnings(body)
    assert [(w.line, w.message.split(":")[0]) for w in warnings] == [
        (BODY_LINE + 2, "the code fence's language 'pyhton' is not one Pygments highlights")]
    assert '<code class="language-pyhton">print(1)' in rendered.html


def test_problems_inside_a_directive_name_the_lines_of_the_post() -> None:
    body = ("Intro.\n\n````{note}\n:class: dropdown\n\nSee this:\n\n```pyhton\nprint(1)\n```\n"
            "````\n\n:::{warning}\nThe bound $\\frac{1}{2$ holds.\n:::\n")
    _, warnings = render_with_warnings(body)
    assert sorted((w.line, w.message.split(":")[0]) for w in warnings) == [
        (BODY_LINE + 7, "the code fence's language 'pyhton' is not one Pygments highlights"),
        (BODY_LINE + 13, "the math '$\\frac{1}{2$' is shown as written")]


def test_a_notebooks_warnings_name_the_cell_at_their_line(tmp_path: Path) -> None:
    """The same fence in two Markdown cells: each warning names its own cell."""
    from zoneinfo import ZoneInfo

    from nbpress.discover import read_post
    from nbpress.readers import read_post_notebook

    fence = "```pyhton\nprint(1)\n```"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_raw_cell("---\ntitle: Two cells\n---"),
        nbformat.v4.new_markdown_cell(f"# Setup\n\n{fence}"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell(f"## Results\n\nAgain:\n\n{fence}")])
    path = tmp_path / "posts/2024-01-01-two.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    config = SiteConfig(root=tmp_path, out=tmp_path / "_site", theme_dirs=())
    doc, _ = read_post_notebook(read_post(path, config, ZoneInfo("UTC")))
    _, warnings = render_post(ExecResult(doc, doc.notebook, 0.1), config=config,
                              variables=SITE, links={}, site_references={})
    assert [w.message.split(", the code fence")[0] for w in warnings] == [
        "in the Markdown cell that begins '# Setup'",
        "in the Markdown cell that begins '## Results'"]


def test_cell_attachments_become_files_with_baseurl() -> None:
    # As Jupyter saves a pasted screenshot: every pasted image is called "image.png".
    doc, _ = read_markdown_post(make_post("Placeholder.\n"))
    first, second = png(3, 2), png(5, 4)
    doc.notebook.cells = [
        nbformat.from_dict({"cell_type": "markdown", "metadata": {}, "source":
                            "The dashboard before:\n\n![image.png](attachment:image.png)",
                            "attachments": {"image.png": {"image/png": b64(first)}}}),
        nbformat.from_dict({"cell_type": "markdown", "metadata": {}, "source":
                            '<img src="attachment:image.png" width="300">',
                            "attachments": {"image.png": {"image/png": b64(second)}}})]
    doc = replace(doc, markdown="\n\n".join(c.source for c in doc.notebook.cells), cells=())
    config = SiteConfig(root=Path("/site"), out=Path("/site/_site"), theme_dirs=(),
                        baseurl="/blog")
    rendered, warnings = render_post(ExecResult(doc, doc.notebook, 0.1), config=config,
                                     variables=SITE, links={}, site_references={})
    assert warnings == []
    assert [(f.path, f.data) for f in rendered.files] == [
        ("2024/01/02/the-post_files/the-post_0_image.png", first),
        ("2024/01/02/the-post_files/the-post_1_image.png", second)]
    srcs = re.findall(r'<img src="([^"]+)"', rendered.html)
    assert srcs == ["/blog/2024/01/02/the-post_files/the-post_0_image.png",
                    "/blog/2024/01/02/the-post_files/the-post_1_image.png"]
    assert [url for url, _ in rendered.local_links] == srcs  # checked like any local image


def test_a_liquid_mistake_in_a_notebook_names_its_markdown_cell(tmp_path: Path) -> None:
    # an .ipynb's Markdown is joined: its document's lines are no lines of the file
    from zoneinfo import ZoneInfo

    from nbpress.config import load_config
    from nbpress.discover import read_post
    from nbpress.errors import PostErrors
    from nbpress.readers import read_post_notebook

    (tmp_path / "posts").mkdir()
    cells = [nbformat.v4.new_markdown_cell(f"# Title\n\nParagraph {n}.") for n in range(5)]
    cells += [nbformat.v4.new_markdown_cell("Intro.\n\nBad: {{ site.titel }}"),
              nbformat.v4.new_markdown_cell("Also {{ page.nope }} here.")]
    path = tmp_path / "posts" / "2024-01-01-nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    config = load_config(tmp_path)
    doc, _ = read_post_notebook(read_post(path, config, ZoneInfo("UTC")))
    with pytest.raises(PostErrors) as info:
        render_post(ExecResult(doc=doc, notebook=doc.notebook, seconds=0.0), config=config,
                    variables={"title": "T"}, links={}, site_references={})
    first, second = info.value.errors
    assert (first.location.path, first.location.line) == (path, None)
    assert first.message == ("in the Markdown cell that begins 'Intro.': unknown Liquid "
                             "variable '{{ site.titel }}' (titel is not defined).")
    assert second.message.startswith("in the Markdown cell that begins 'Also {{ page.nope }} "
                                     "here.': unknown Liquid variable '{{ page.nope }}'")
