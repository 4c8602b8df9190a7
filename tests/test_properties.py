"""Property-based tests: the parsers of user text never crash.

Whatever a post holds, the front-matter splitter, the Liquid resolver, the
citation syntax and the cell splitter either work or raise the documented
error (``PostError``, an ``NbpressError``) naming the file and a line.  Texts
are random, built from fragments of each syntax so that the interesting
corners (fences, comments, ``{{``, ``[@``, YAML tags…) come up often.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from nbpress import citations
from nbpress.bibliography import Reference
from nbpress.discover import split_front_matter
from nbpress.errors import NbpressError, PostError
from nbpress.liquid import resolve
from nbpress.markdown import make_markdown
from nbpress.readers.markdown import _FENCE, _REGION, split

PATH = Path("p.md")
SYNTAX = "`{}%<>!-@[];\n"
ALPHABET = SYNTAX + "ab xyz01:'\"#|=.,\\~*_$^()/\t"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def texts(fragments: list[str], alphabet: str = ALPHABET, max_size: int = 40) -> st.SearchStrategy:
    """Random text: runs of ``alphabet`` and syntax ``fragments``, concatenated."""
    piece = st.one_of(st.text(alphabet, max_size=6), st.sampled_from(fragments))
    return st.lists(piece, max_size=max_size).map("".join)


def assert_located(error: NbpressError) -> None:
    """A documented error names the file, and a line when it has one that is ≥ 1."""
    assert error.location.path == PATH
    assert error.location.line is None or error.location.line >= 1
    assert str(error)  # formatting never fails


# --------------------------------------------------------------------------- front matter

FRONT = ["---\n", "---", "...\n", "\n", "title: ", "date: ", "tags: ", "- ", ": ", "[", "]",
         "{", "}", "a", "'", '"', "2024-02-30", "2024-01-01", "12:00:00", "!!int ",
         "!!timestamp ", "!!float ", "!!binary ", "!!set ", "!!python/name:os.system ",
         "&x ", "*x", "? ", "|\n  ", ">\n  ", "  ", "\t", "#", "%YAML 1.1\n", "\ufeff", "\r\n"]


VALUES = ["A title", "2024-02-30", "2024-13-01 10:00:00", "2024-01-01", "12:00", "1984",
          "[a, b", "[a, b]", "{a: 1}", "'quoted", '"q"', ": ", "!!int ", "!!timestamp ",
          "!!float ", "!!binary ", "!!bool ", "!!str ", "!!map ", "!!seq ", "!!null ", "x",
          "&x ", "*x", "~", "- ", "\n  - ", "\n  k: ", " #c", "|\n  text", "?", "@", "`"]


def _front_line(parts: tuple[str, str, str]) -> str:
    return "".join(parts)


FRONT_LINE = st.tuples(st.sampled_from(["title", "date", "tags", "x", "- a", "", "  y"]),
                       st.sampled_from([": ", ":", " ", ":\t"]),
                       texts(VALUES, max_size=4)).map(_front_line)
FRONT_MATTER = st.tuples(st.lists(FRONT_LINE, max_size=6), texts(FRONT, max_size=4)).map(
    lambda t: "---\n" + "\n".join(t[0]) + "\n---\n" + t[1])


@FUZZ
@given(st.one_of(texts(FRONT), FRONT_MATTER))
@example("---\ndate: 2024-02-30\n---\n")  # YAML builds the date itself: must not crash
@example("---\ndate: 2024-13-01 10:00:00\n---\n")
@example("---\nx: !!int abc\n---\n")  # explicit YAML tags: ValueError, IndexError, KeyError…
@example("---\nx: !!float\n---\n")
@example("---\nx: !!bool maybe\n---\n")
@example("---\nx: !!timestamp soon\n---\n")
def test_split_front_matter_never_crashes(text):
    try:
        data, body, line = split_front_matter(text, PATH)
    except PostError as error:
        assert_located(error)
        return
    assert isinstance(data, dict)
    assert line >= 1
    # The body is the end of the text: what follows the front matter, as written.
    assert text.endswith(body)
    if not data and line == 1:
        assert body == text


# --------------------------------------------------------------------------- Liquid

SITE = {"title": "Blog", "baseurl": "/blog", "url": "https://example.com", "tags": ["a", "b"],
        "nested": {"deep": "value"}, "none": None}
PAGE = {"title": "Post", "url": "/2024/01/01/p.html", "tags": ["x"], "date": "2024-01-01"}
LIQUID = ["{{", "}}", "{%", "%}", "{{ ", " }}", "{%-", "-%}", "site.", "page.", "title",
          "baseurl", "nested.deep", "tags", "none", " | ", "relative_url", "absolute_url",
          "escape", "upcase", "'", '"', "raw", "endraw", "{% raw %}", "{% endraw %}",
          "post_url ", "link ", "bibliography", "{% bibliography %}", "\n", ".", "|",
          "{% include note.html %}", "include", " text=", "include.text", "{% highlight python %}",
          "{% endhighlight %}", "linenos", " | date: ", "%B %Y", "date_to_string", "slugify",
          "where", "where_exp", "jsonify", "group_by", "{% if ", "{% endif %}", "contains"]


@FUZZ
@given(texts(LIQUID))
def test_liquid_resolve_never_crashes(text):
    try:
        out = resolve(text, site=SITE, page=PAGE, links={}, path=PATH, line_offset=1)
    except PostError as error:
        assert_located(error)
        assert error.location.line <= 1 + text.count("\n")  # a line of the text
        return
    assert isinstance(out, str)


@FUZZ
@given(st.text(ALPHABET.replace("{", "")))
def test_text_without_braces_is_unchanged_by_liquid(text):
    assert resolve(text, site=SITE, page=PAGE, links={}, path=PATH, line_offset=1) == text


@FUZZ
@given(st.text(ALPHABET))
def test_raw_shows_anything_that_is_not_a_tag(text):
    assume("{%" not in text and not text.endswith("{"))
    wrapped = "{% raw %}" + text + "{% endraw %}"
    assert resolve(wrapped, site=SITE, page=PAGE, links={}, path=PATH, line_offset=1) == text


# --------------------------------------------------------------------------- citations

REFERENCES = {key: Reference(key, f"Title of {key}", ("Ada Lovelace", "Alan Turing"),
                             "2019", None, "https://example.com", None)
              for key in ("paszke2019", "frostig2018", "knuth:1984", "a")}
CITE = ["[@", "@", "]", "[", "paszke2019", "frostig2018", "knuth:1984", "a", "unknown", "; ",
        ", p. 3", "see ", "-@", "\\@", "\\]", "(", ")", "](http://x)", "![", "`", "``", "*",
        "\n", "\n\n", "[^1]", "[^1]: ", "$", "$$", "<a href='x'>", "</a>", "# ", "> ",
        "- ", "    ", "{% bibliography %}", "<!--", "-->", "e@mail.com", "|", "|---|\n"]


def _render(md: MarkdownIt, text: str) -> str:
    env: dict = {}
    html = md.render(citations.mark_references(text), env)
    return citations.place_references(html, citations.references_html(env))


@FUZZ
@given(texts(CITE))
def test_citation_syntax_never_crashes(text):
    plugin = partial(citations.citations_plugin, references=REFERENCES, path=PATH, line_offset=1)
    plain = MarkdownIt("commonmark", {"html": True})
    plugin(plain)
    for md in (plain, make_markdown(plugin)):  # bare CommonMark, and nbpress's renderer
        try:
            html = _render(md, text)
        except PostError as error:
            assert_located(error)
            assert "unknown citation key" in error.message
            continue
        assert isinstance(html, str)


# --------------------------------------------------------------------------- cells

CELLS = ["```", "```python", "```python3", "````", "~~~", "~~~python", "```Python", "```py",
         "```bash", "```python .noeval", '```python tags=["hide-input"]', "```python tags=[",
         "```python {", "```python a=b", " ```", "   ```python", "    ```python", "`x`",
         "<!--", "-->", "<!--more-->", "\n", "\n", "\n", "print(1)", "x = {}", "# h", "` `",
         "<!-- #region -->", "<!-- #endregion -->", "<!-- #raw -->", "<!-- #endraw -->",
         '<!-- #md tags=["a"] -->', "<!-- #endmd -->"]


@FUZZ
@given(texts(CELLS))
def test_cell_splitter_never_crashes_and_keeps_lines(text):
    try:
        doc, cells, warnings = split(text, path=PATH, line_offset=1)
    except PostError as error:
        assert_located(error)
        assert "never closed" in error.message
        return
    # "A line in the document is a line in the file": cells are replaced line for line.
    assert len(doc) == text.count("\n") + 1
    lines = text.split("\n")
    for cell in cells:  # a code cell at its fence, a jupytext region at its marker
        if cell.kind == "code":
            assert _FENCE.match(lines[cell.line])
            assert cell.source.strip()  # empty cells are dropped
        else:
            assert _REGION.match(lines[cell.line]) and cell.line < cell.end
    assert all(w.path == PATH for w in warnings)


PROSE = "ab xyz01:'\"#|=.,\\*_$^()/\t{}%<>!-@[];`"


@FUZZ
@given(st.lists(st.text(PROSE, max_size=30), max_size=30))
def test_markdown_without_fences_or_comments_is_unchanged(lines):
    assume(not any(_FENCE.match(line) for line in lines))
    body = "\n".join(lines)
    assume("<!--" not in body)
    doc, cells, warnings = split(body, path=PATH, line_offset=1)
    assert doc == body.split("\n")  # same lines, same number, unchanged
    assert cells == [] and warnings == []


# --- any front matter value, any record.json: nbpress's own errors only -----------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=20), st.dates(), st.datetimes())
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
_KEYS = st.sampled_from(["title", "date", "tags", "categories", "category", "draft", "published",
                         "image", "permalink", "bibliography", "depends", "exclusive", "toc",
                         "author", "last_modified_at", "resources", "slug", "layout",
                         "description", "excerpt", "redirect_from", "redirect_to", "jupyter"])


@FUZZ
@given(front=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_any_front_matter_is_a_post_or_a_clear_error(tmp_path_factory, front: dict) -> None:
    import yaml
    from zoneinfo import ZoneInfo

    from nbpress.config import load_config
    from nbpress.discover import read_post

    root = tmp_path_factory.mktemp("fuzz")
    (root / "posts").mkdir()
    path = root / "posts" / "2024-01-02-fuzz.md"
    try:
        header = yaml.safe_dump(front, allow_unicode=True)
    except yaml.YAMLError:
        assume(False)
    path.write_text(f"---\n{header}---\nBody.\n", encoding="utf-8")
    try:
        read_post(path, load_config(root), ZoneInfo("UTC"))
    except NbpressError:
        pass


@FUZZ
@given(record=st.dictionaries(st.sampled_from(["key", "executed_at", "seconds", "python",
                                               "notebook_sha256", "files", "packages",
                                               "main_packages", "format", "other"]),
                              _VALUES, max_size=9))
def test_any_record_json_is_a_record_or_damage(tmp_path_factory, record: dict) -> None:
    import json

    from nbpress import entries

    root = tmp_path_factory.mktemp("rec")
    folder = entries.entry_dir(root, "a")
    folder.mkdir(parents=True)
    (folder / "record.json").write_text(json.dumps(record, default=str))
    (folder / "notebook.ipynb").write_text("{}")
    found, problem = entries.load_record(root, "a")
    assert found is not None or problem.startswith("cache entry damaged")
