"""posts/ → [PostSource]: front matter, dates, slugs, URLs (nbpress/discover.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
import pytest

from nbpress.config import load_config
from nbpress.discover import discover, split_front_matter
from nbpress.errors import ConfigError, PostError

UTC = ZoneInfo("UTC")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    monkeypatch.chdir(site)  # messages name files relative to the working folder
    return site


def post(root: Path, name: str, text: str) -> Path:
    path = root / "posts" / name
    path.write_text(text, encoding="utf-8")
    return path


def ipynb(root: Path, name: str, cells: list, metadata: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata.update(metadata or {})
    path = root / "posts" / name
    nbformat.write(nb, path)
    return path


def posts_of(root: Path, **kwargs) -> list:
    """The posts discover finds, asserting it found no bad post."""
    posts, errors = discover(load_config(root, **kwargs))
    assert errors == []
    return posts


def only(root: Path, **kwargs):
    posts = posts_of(root, **kwargs)
    assert len(posts) == 1
    return posts[0]


def error(root: Path, **kwargs) -> str:
    """The one error discover reports."""
    posts, errors = discover(load_config(root, **kwargs))
    assert len(errors) == 1 and isinstance(errors[0], PostError)
    return str(errors[0])


# --- front matter ---------------------------------------------------------------------------

def test_front_matter_fields(root: Path) -> None:
    path = post(root, "2024-03-19-pytorch-and-jax.md",
                "---\ntitle: PyTorch and JAX\nlayout: page\ntags: [ml, jax]\n"
                "description: Two frameworks\n---\nFirst line of the body.\n")
    found = only(root)
    assert found.path == path
    assert found.title == "PyTorch and JAX"
    assert found.slug == "pytorch-and-jax"
    assert found.url == "/2024/03/19/pytorch-and-jax.html"
    assert found.output_path == "2024/03/19/pytorch-and-jax.html"
    assert found.files_dir == "2024/03/19/pytorch-and-jax_files"
    assert found.date == dt.datetime(2024, 3, 19, tzinfo=UTC)
    assert found.layout == "page"
    assert found.tags == ("ml", "jax")
    assert found.description == "Two frameworks"
    assert found.draft is False
    assert found.front_matter == {"title": "PyTorch and JAX", "layout": "page",
                                  "tags": ["ml", "jax"], "description": "Two frameworks"}
    # The body is what follows the front matter, never the front matter itself.
    assert found.body == "First line of the body.\n"
    assert found.body_line == 7


def test_defaults_for_optional_fields(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\nbody\n")
    found = only(root)
    assert (found.layout, found.tags, found.description) == ("post", (), "")


def test_tags_as_space_separated_string(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\ntags: one two\n---\n")
    assert only(root).tags == ("one", "two")


def test_title_is_stripped(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: '  Spaced  '\n---\n")
    assert only(root).title == "Spaced"


def test_slug_from_front_matter(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\nslug: Other Name\n---\n")
    found = only(root)
    assert found.slug == "other-name"
    # jekyll 4.3.1 builds this post at /2024/01/02/Other-Name.html: :title keeps the case.
    assert found.url == "/2024/01/02/Other-Name.html"


def test_permalink_from_front_matter_and_categories(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\ncategories: [ML, Deep Learning]\n"
                                  "permalink: /:categories/:title/\n---\n")
    found = only(root)
    # Jekyll 4 lower-cases categories without slugifying them (checked with jekyll 4.3.1).
    assert found.url == "/ml/deep%20learning/a/"
    assert found.output_path == "ml/deep learning/a/index.html"
    assert found.files_dir == "ml/deep learning/a/a_files"


def test_site_permalink_and_baseurl_not_in_url(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.nbpress]\npermalink = "pretty"\nbaseurl = "/b"\n')
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    assert only(root).url == "/2024/01/02/a/"


def test_blank_lines_before_front_matter(root: Path) -> None:
    post(root, "2024-01-02-a.md", "\n\n---\ntitle: ok\n---\nbody\n")
    found = only(root)
    assert found.title == "ok"
    assert found.body == "body\n"
    assert found.body_line == 6


def test_utf8_byte_order_mark_is_ignored(root: Path) -> None:
    # Editors on Windows save UTF-8 with a BOM; Jekyll reads such files ("bom|utf-8").
    (root / "posts" / "2024-01-02-a.md").write_bytes("\ufeff---\ntitle: ok\n---\nbody\n".encode())
    found = only(root)
    assert found.title == "ok"
    assert found.body == "body\n"


def test_windows_line_endings(root: Path) -> None:
    (root / "posts" / "2024-01-02-a.md").write_bytes(b"---\r\ntitle: ok\r\n---\r\nbody\r\n")
    found = only(root)
    assert (found.title, found.body, found.body_line) == ("ok", "body\n", 4)


def test_split_front_matter_without_front_matter() -> None:
    assert split_front_matter("just text\n", Path("x.md")) == ({}, "just text\n", 1)


def test_front_matter_closed_by_yaml_document_end() -> None:
    assert split_front_matter("---\ntitle: x\n...\nbody\n", Path("x.md")) == \
        ({"title": "x"}, "body\n", 4)


def test_empty_front_matter_has_no_title(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\n---\nbody\n")
    assert error(root) == ("posts/2024-01-02-a.md:1: the post has no title. "
                           "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading.")


# --- errors ---------------------------------------------------------------------------------

def test_missing_title(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntags: [x]\n---\nbody\n")
    assert error(root) == ("posts/2024-01-02-a.md:1: the post has no title. "
                           "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading.")


def test_no_front_matter_at_all_takes_the_first_heading(root: Path) -> None:
    post(root, "2024-01-02-a.md", "```python\n# not a heading\n```\n\n# The *real* title\n\nText.\n")
    found = only(root)
    assert (found.title, found.notes) == ("The real title", ())


def test_notebook_and_script_titles_from_their_first_heading(root: Path) -> None:
    ipynb(root, "2024-01-02-nb.ipynb", [nbformat.v4.new_markdown_cell("Intro\n\n# Notebook title"),
                                        nbformat.v4.new_code_cell("x = 1")])
    post(root, "2024-01-03-script.py", "# %% [markdown]\n# # Script title\n\n# %%\nx = 1\n")
    assert sorted(p.title for p in posts_of(root)) == ["Notebook title", "Script title"]


def test_a_heading_in_a_cell_tagged_remove_cell_is_not_the_title(root: Path) -> None:
    # Jupyter Book chapters open with a removed cell of LaTeX macros under a heading
    ipynb(root, "2024-01-02-nb.ipynb", [
        nbformat.v4.new_markdown_cell("# Latex Headers", metadata={"tags": ["remove_cell"]}),
        nbformat.v4.new_markdown_cell("# Notebook title")])
    post(root, "2024-01-03-myst.md", "---\njupytext:\n  text_representation:\n"
         "    format_name: myst\n---\n\n+++ {\"tags\": [\"remove-cell\"]}\n\n# Latex Headers\n\n"
         "+++\n\n# MyST title\n")
    post(root, "2024-01-04-script.py", "# %% [markdown] tags=[\"remove-cell\"]\n# # Notes\n\n"
         "# %% [markdown]\n# # Script title\n\n# %%\nx = 1\n")
    post(root, "2024-01-05-md.md", "<!-- #region tags=[\"remove-cell\"] -->\n# Draft\n"
         "<!-- #endregion -->\n\n# Markdown title\n")
    assert sorted(p.title for p in posts_of(root)) == [
        "Markdown title", "MyST title", "Notebook title", "Script title"]


@pytest.mark.parametrize("value", ['""', "'   '", "", "~"])
def test_empty_title(root: Path, value: str) -> None:
    post(root, "2024-01-02-a.md", f"---\nlayout: post\ntitle: {value}\n---\nbody\n")
    assert error(root) == ("posts/2024-01-02-a.md:3: the post has no title. "
                           "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading.")


def test_title_not_a_string(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: [a, b]\n---\n")
    assert error(root) == ("posts/2024-01-02-a.md:2: the title must be text, not a list. "
                           'Quote it: title: "…".')


def test_title_read_as_a_date_is_text(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: 2024-01-01\n---\n")
    assert only(root).title == "2024-01-01"


@pytest.mark.parametrize("block, kind", [("- a\n- b\n", "list"), ("just words\n", "str"),
                                         ("42\n", "int")])
def test_front_matter_not_a_mapping(root: Path, block: str, kind: str) -> None:
    post(root, "2024-01-02-a.md", f"---\n{block}---\nbody\n")
    assert error(root) == (f"posts/2024-01-02-a.md:2: the front matter must be a mapping of keys "
                           f"to values, not a {kind}. Write 'key: value' lines, "
                           f"e.g. 'title: My post'.")


def test_malformed_yaml_names_the_line(root: Path) -> None:
    post(root, "2024-01-02-a.md",
         "---\ntitle: ok\nlayout: post\ndescription: a: b\ntags: []\n---\nbody\n")
    assert error(root) == ("posts/2024-01-02-a.md:4: the front matter is not valid YAML: "
                           "mapping values are not allowed here. Check quoting and indentation; "
                           "a value containing ': ' must be quoted.")


def test_malformed_yaml_line_counts_leading_blank_lines(root: Path) -> None:
    post(root, "2024-01-02-a.md", "\n\n---\ntitle: ok\ndescription: a: b\n---\nbody\n")
    assert error(root).startswith("posts/2024-01-02-a.md:5: the front matter is not valid YAML")


def test_unclosed_front_matter(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: ok\n\nbody\n")
    assert error(root) == ("posts/2024-01-02-a.md:1: the front matter starting here has no "
                           "closing '---' line. Front matter is YAML between two '---' lines "
                           "at the very top of the post.")


def test_not_utf8(root: Path) -> None:
    (root / "posts" / "2024-01-02-a.md").write_bytes(b"---\ntitle: ok\n---\nline\ncaf\xe9\n")
    assert error(root) == ("posts/2024-01-02-a.md:5: the file is not UTF-8 text (byte 26). "
                           "Save it as UTF-8 in your editor.")


@pytest.mark.parametrize("name", ["2024-02-30-a.md", "2023-13-01-a.md", "2024-00-10-a.md"])
def test_impossible_date_in_file_name(root: Path, name: str) -> None:
    post(root, name, "---\ntitle: ok\n---\n")
    assert error(root) == (f"posts/{name}: the date in the file name '{name}' is impossible. "
                           "Rename it to YYYY-MM-DD-slug with a real date.")


def test_no_date_anywhere_uses_the_files_time_with_a_warning(root: Path) -> None:
    import os

    path = post(root, "a.md", "---\ntitle: A\n---\nbody\n")
    os.utime(path, (1709251200, 1709251200))  # 2024-03-01 00:00 UTC
    found = only(root)
    assert found.date.isoformat() == "2024-03-01T00:00:00+00:00"
    assert found.notes == ("the post has no date; its file's modification time (2024-03-01) is "
                           "used, so its URL may change. Name the file YYYY-MM-DD-slug or add "
                           "'date: YYYY-MM-DD' to the front matter.",)


def test_date_that_is_not_a_date(root: Path) -> None:
    post(root, "a.md", "---\ntitle: A\ndate: yesterday\n---\n")
    assert error(root) == ("posts/a.md:3: 'date: yesterday' is not a date. Write it as YYYY-MM-DD "
                           "or 'YYYY-MM-DD HH:MM:SS +0000'.")


def test_unknown_placeholder_in_front_matter_permalink(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\npermalink: /:foo/\n---\n")
    text = error(root)
    assert text.startswith("posts/2024-01-02-a.md:3: unknown placeholder ':foo' in permalink "
                           "'/:foo/'. Known placeholders: ")


def test_unknown_placeholder_in_site_permalink_names_pyproject(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.nbpress]\npermalink = "/:foo/:title.html"\n')
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    with pytest.raises(ConfigError) as info:
        discover(load_config(root))
    # Every message about the user's input names the file it is in.
    assert re.match(r"pyproject\.toml(:\d+)?: unknown placeholder ':foo' in permalink "
                    r"'/:foo/:title\.html'\. Known placeholders: ", str(info.value)), str(info.value)


def test_unknown_timezone(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntimezone = "Mars/Base"\n')
    with pytest.raises(ConfigError) as info:
        discover(load_config(root))
    assert str(info.value) == ("pyproject.toml: unknown timezone 'Mars/Base'. Use an IANA name "
                               "such as 'Europe/Paris' or 'UTC'.")


# --- dates ----------------------------------------------------------------------------------

def test_date_from_file_name(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    assert only(root).date == dt.datetime(2024, 1, 2, tzinfo=UTC)


def test_date_from_front_matter_overrides_file_name(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\ndate: 2023-12-31\n---\n")
    found = only(root)
    assert found.date == dt.datetime(2023, 12, 31, tzinfo=UTC)
    assert found.url == "/2023/12/31/a.html"
    assert found.slug == "a"


def test_date_in_front_matter_only(root: Path) -> None:
    post(root, "undated-name.md", "---\ntitle: A\ndate: 2024-05-06\n---\n")
    found = only(root)
    assert found.date == dt.datetime(2024, 5, 6, tzinfo=UTC)
    assert found.slug == "undated-name"
    assert found.url == "/2024/05/06/undated-name.html"


def test_an_offset_that_moves_the_day_is_said(root: Path) -> None:
    post(root, "a.md", "---\ntitle: A\ndate: 2024-03-19 21:00:00 -0500\n---\n")
    found = only(root)
    assert found.url == "/2024/03/20/a.html"  # 02:00 UTC, the next day: Jekyll's URL
    assert found.notes == ("'date: 2024-03-19 21:00:00 -0500' is 2024-03-20 02:00 in the site's "
                           "timezone (UTC), so its URL has that day, as Jekyll gives it; set "
                           "[tool.nbpress] timezone to its own, or write it without an offset, "
                           "to keep the day as written.",)


def test_jekyll_datetime_with_timezone_offset(root: Path) -> None:
    post(root, "a.md", "---\ntitle: A\ndate: 2024-05-06 10:11:12 +0200\n---\n")
    found = only(root)
    assert found.date == dt.datetime(2024, 5, 6, 10, 11, 12,
                                     tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert found.date.utcoffset() == dt.timedelta(0)  # the same moment, in the site's timezone
    assert found.url == "/2024/05/06/a.html"


def test_iso_datetime_with_timezone(root: Path) -> None:
    post(root, "a.md", "---\ntitle: A\ndate: 2024-05-06T10:11:12+02:00\n---\n")
    found = only(root)
    assert found.date == dt.datetime(2024, 5, 6, 8, 11, 12, tzinfo=dt.timezone.utc)
    assert found.date.utcoffset() is not None


def test_naive_datetime_uses_site_timezone(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntimezone = "Europe/Paris"\n')
    post(root, "a.md", "---\ntitle: A\ndate: 2024-05-06 10:11\n---\n")
    found = only(root)
    assert found.date == dt.datetime(2024, 5, 6, 10, 11, tzinfo=ZoneInfo("Europe/Paris"))
    assert found.date.utcoffset() == dt.timedelta(hours=2)


# --- drafts ---------------------------------------------------------------------------------

def test_drafts_left_out_unless_asked(root: Path) -> None:
    post(root, "2024-01-01-live.md", "---\ntitle: Live\n---\n")
    post(root, "2024-02-01-draft.md", "---\ntitle: D\ndraft: true\n---\n")
    post(root, "2024-02-02-unpublished.md", "---\ntitle: U\npublished: false\n---\n")
    post(root, "2024-02-03-published.md", "---\ntitle: P\npublished: true\ndraft: false\n---\n")
    names = [p.path.name for p in posts_of(root)]
    assert names == ["2024-02-03-published.md", "2024-01-01-live.md"]
    with_drafts = posts_of(root, drafts=True)
    assert [(p.path.name, p.draft) for p in with_drafts] == [
        ("2024-02-03-published.md", False),
        ("2024-02-02-unpublished.md", True),
        ("2024-02-01-draft.md", True),
        ("2024-01-01-live.md", False),
    ]


def test_left_out_draft_does_not_collide(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    post(root, "2024-01-02-b.md", "---\ntitle: B\nslug: a\ndraft: true\n---\n")
    assert only(root).path.name == "2024-01-02-a.md"


# --- notebooks ------------------------------------------------------------------------------

def test_md_and_ipynb_pair_is_one_post_from_the_md(root: Path) -> None:
    md = post(root, "2024-01-02-a.md", "---\ntitle: From md\n---\nbody\n")
    ipynb(root, "2024-01-02-a.ipynb", [nbformat.v4.new_raw_cell("---\ntitle: From nb\n---"),
                                       nbformat.v4.new_code_cell("1")])
    found = only(root)
    assert found.path == md
    assert found.title == "From md"


def test_ipynb_alone_with_front_matter_in_first_raw_cell(root: Path) -> None:
    path = ipynb(root, "2024-03-01-nb.ipynb", [
        nbformat.v4.new_raw_cell("---\ntitle: From nb\ntags: [x]\n---"),
        nbformat.v4.new_markdown_cell("Hello"),
    ])
    found = only(root)
    assert found.path == path
    assert (found.title, found.slug, found.url) == ("From nb", "nb", "/2024/03/01/nb.html")
    assert found.tags == ("x",)
    assert found.front_matter == {"title": "From nb", "tags": ["x"]}


def test_ipynb_front_matter_from_metadata(root: Path) -> None:
    ipynb(root, "2024-03-01-nb.ipynb", [nbformat.v4.new_markdown_cell("Hi")],
          metadata={"nbpress": {"title": "Meta title"}})
    assert only(root).title == "Meta title"


def test_ipynb_not_json(root: Path) -> None:
    (root / "posts" / "2024-03-01-nb.ipynb").write_text("{not json", encoding="utf-8")
    assert error(root).startswith("posts/2024-03-01-nb.ipynb: this notebook is not valid JSON: ")


# --- the set of posts -----------------------------------------------------------------------

def test_two_posts_with_the_same_url(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    post(root, "2024-01-02-b.md", "---\ntitle: B\nslug: a\n---\n")
    text = error(root)
    assert text.startswith("posts/2024-01-02-b.md: this post has the same URL "
                           "(/2024/01/02/a.html) as ")
    assert "2024-01-02-a.md" in text
    assert text.endswith(". Give one of them another 'permalink:' or 'slug:'.")


def test_newest_first(root: Path) -> None:
    post(root, "2023-06-01-middle.md", "---\ntitle: M\n---\n")
    post(root, "2024-01-01-newest.md", "---\ntitle: N\n---\n")
    post(root, "2020-01-01-oldest.md", "---\ntitle: O\n---\n")
    post(root, "zz-dated.md", "---\ntitle: Z\ndate: 2023-07-01 12:00:00\n---\n")
    names = [p.path.name for p in posts_of(root)]
    assert names == ["2024-01-01-newest.md", "zz-dated.md", "2023-06-01-middle.md",
                     "2020-01-01-oldest.md"]


def test_ignored_files(root: Path) -> None:
    post(root, "2024-01-02-a.md", "---\ntitle: A\n---\n")
    post(root, "_partial.md", "no front matter")
    post(root, ".hidden.md", "no front matter")
    post(root, "notes.txt", "no front matter")
    (root / "posts" / "data").mkdir()
    (root / "posts" / "data" / "2024-01-01-x.md").write_text("not a post")
    assert only(root).path.name == "2024-01-02-a.md"


def test_no_posts(root: Path) -> None:
    assert posts_of(root) == []


# --- front matter types (issue 19, items 7 and 10) ---------------------------------------------

def test_scalar_tags_and_categories_are_one_element_lists(root: Path) -> None:
    post(root, "2024-01-01-a.md", "---\ntitle: A\ntags: 2024\ncategories: 5\n"
                                  "permalink: /:categories/:title.html\n---\n")
    found = only(root)
    assert (found.tags, found.url) == (("2024",), "/5/a.html")


@pytest.mark.parametrize("front,message", [
    ("tags: true", "2: 'tags:' must be a list of names or names separated by spaces. "
                   "Write e.g. 'tags: [machine-learning, jax]'."),
    ("bibliography: 5", "2: 'bibliography:' must be a file name or a list of file names. "
                        "Write e.g. 'bibliography: [data/table.csv]', paths relative to the "
                        "post's folder."),
    ('draft: "false"', "2: 'draft: false' must be true or false. Write 'draft: true' or "
                       "'draft: false' without quotes."),
    ('published: "false"', "2: 'published: false' must be true or false. Write 'published: "
                           "true' or 'published: false' without quotes."),
    ('image: "javascript:alert(1)"', "2: 'image: javascript:alert(1)' is not an image path or "
                                     "an http(s) URL. Give a path such as /assets/images/x.png, "
                                     "or an https:// URL."),
])
def test_front_matter_of_the_wrong_type_is_one_message(root: Path, front: str,
                                                       message: str) -> None:
    post(root, "2024-01-01-a.md", f"---\n{front}\ntitle: A\n---\n")
    assert error(root) == f"posts/2024-01-01-a.md:{message}"


def test_an_empty_tag_is_dropped_not_an_empty_link(root: Path) -> None:
    post(root, "2024-01-01-a.md", '---\ntitle: A\ntags: ["", " ", tag]\n---\n')
    assert only(root).tags == ("tag",)


@pytest.mark.parametrize("front, categories, url", [
    # Each checked with jekyll 4.3.1 (permalink: date).
    ("categories: [Machine Learning, JAX, jax]\ncategory: Extra Cat",
     ("Machine Learning", "JAX", "jax", "Extra Cat"),
     "/machine%20learning/jax/extra%20cat/2019/03/10/a.html"),
    ("category: Deep Learning", ("Deep Learning",), "/deep%20learning/2019/03/10/a.html"),
    ("categories: a b", ("a", "b"), "/a/b/2019/03/10/a.html"),
])
def test_categories_and_category_as_jekyll_reads_them(root: Path, front: str,
                                                     categories: tuple, url: str) -> None:
    (root / "pyproject.toml").write_text('[tool.nbpress]\npermalink = "date"\n')
    post(root, "2019-03-10-a.md", f"---\ntitle: A\n{front}\n---\n")
    found = only(root)
    assert (found.categories, found.url) == (categories, url)
    assert found.output_path == url.replace("%20", " ").lstrip("/")


def test_future_posts_only_with_future(root: Path) -> None:
    post(root, "2024-01-02-now.md", "---\ntitle: Now\n---\n")
    post(root, "2999-01-01-later.md", "---\ntitle: Later\n---\n")
    assert [p.slug for p in discover(load_config(root))[0]] == ["now"]
    assert [p.slug for p in discover(load_config(root, future=True))[0]] == ["later", "now"]
