"""The bad-input catalogue: every mistake a user can make gets one clear message, never a traceback.

Each case writes a tiny site, runs the real command line (``python build.py``)
and checks that it exits with status 1, that nbpress's own traceback is not
shown, and that the one-paragraph message names the file, the line (or the
setting) and says what to do.  docs/errors.md lists the same cases for users.
Cases that fail before execution start no kernel; the others are marked
``kernel``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import nbpress_traceback

POST = "posts/2024-01-01-a.md"
TEXT_POST = "---\ntitle: A\n---\n\nSome text.\n"  # no code: builds without starting a kernel


def error_message(stderr: str) -> str:
    """The first "error: …" paragraph of stderr, as one line."""
    found = re.search(r"^error: (.*?)(?:\n\n|\n\d+ post\(s\) failed|\Z)", stderr, re.S | re.M)
    assert found, f"no 'error:' message in stderr:\n{stderr}"
    return found.group(1)


def failed_build(root: Path, build, *args: str) -> str:
    """Build ``root``; assert the failure is reported properly; return the error message."""
    result = build("build", "--root", str(root), *args)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert not nbpress_traceback(result.stderr), result.stderr
    assert not (root / "_site").exists()  # a failed first build writes no site
    return error_message(result.stderr)


BIB_MALFORMED = (Path(__file__).parent / "fixtures/citations/malformed.bib").read_text()

# name: (files of the site, phrases the message must hold); the first phrase is "file:line: what".
CASES = {
    "malformed YAML front matter": (
        {POST: "---\ntitle: PyTorch: a tour\ntags: [a]\n---\nText\n"},
        [f"{POST}:2: the front matter is not valid YAML: mapping values are not allowed here.",
         "a value containing ': ' must be quoted."]),
    "unbalanced YAML front matter": (
        {POST: "---\ntitle: A\ntags: [a, b\ndate: 2024-01-01\n---\nText\n"},
        [f"{POST}:4: the front matter is not valid YAML", "Check quoting and indentation"]),
    "front matter that is a list": (
        {POST: "---\n- title\n- A\n---\nText\n"},
        [f"{POST}:2: the front matter must be a mapping of keys to values, not a list.",
         "Write 'key: value' lines, e.g. 'title: My post'."]),
    "front matter that is a sentence": (
        {POST: "---\njust some text\n---\nText\n"},
        [f"{POST}:2: the front matter must be a mapping of keys to values, not a str.",
         "Write 'key: value' lines"]),
    "front matter never closed": (
        {POST: "---\ntitle: A\n\nText\n"},
        [f"{POST}:1: the front matter starting here has no closing '---' line.",
         "Front matter is YAML between two '---' lines at the very top of the post."]),
    "missing title": (
        {POST: "---\ntags: [a]\n---\nText\n"},
        [f"{POST}:1: the post has no title.", "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading."]),
    "empty title": (
        {POST: '---\ntags: [a]\ntitle: "  "\n---\nText\n'},
        [f"{POST}:3: the post has no title.", "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading."]),
    "impossible date in the front matter": (  # YAML itself builds dates: 2024-02-30 fails there
        {POST: "---\ntitle: A\ndate: 2024-02-30\n---\nText\n"},
        [f"{POST}:3: ", "2024-02-30", "YYYY-MM-DD"]),
    "impossible date and time in the front matter": (
        {"posts/a.md": "---\ntitle: A\ndate: 2024-13-01 10:00:00\n---\nText\n"},
        ["posts/a.md:3: ", "2024-13-01", "YYYY-MM-DD"]),
    "unparseable date in the front matter": (
        {POST: "---\ntitle: A\ndate: last tuesday\n---\nText\n"},
        [f"{POST}:3: 'date: last tuesday' is not a date.",
         "Write it as YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS +0000'."]),
    "impossible date in the file name": (
        {"posts/2024-02-30-x.md": "---\ntitle: A\n---\nText\n"},
        ["posts/2024-02-30-x.md: the date in the file name '2024-02-30-x.md' is impossible.",
         "Rename it to YYYY-MM-DD-slug with a real date."]),
    "a post that is not UTF-8": (
        {POST: b"---\ntitle: A\n---\nline\ncaf\xe9\n"},
        [f"{POST}:5: the file is not UTF-8 text (byte 25).", "Save it as UTF-8 in your editor."]),
    "an .ipynb post that is not JSON": (
        {"posts/2024-01-01-a.ipynb": '{"cells": ['},
        ["posts/2024-01-01-a.ipynb: this notebook is not valid JSON", "line 1 column",
         "Open and save it in Jupyter, or restore it from version control."]),
    "an .ipynb post that is JSON but not a notebook": (
        {"posts/2024-01-01-a.ipynb": "[1, 2]"},
        ["posts/2024-01-01-a.ipynb: ", "Open and save it in Jupyter, or restore it from "
                                       "version control."]),
    "an .ipynb post whose cells are not cells": (
        {"posts/2024-01-01-a.ipynb": '{"cells": [1], "metadata": {}}'},
        ["posts/2024-01-01-a.ipynb: ", "Open and save it in Jupyter"]),
    "two posts with the same permalink (slug)": (
        {POST: TEXT_POST, "posts/2024-01-01-b.md": "---\ntitle: B\nslug: a\n---\nText\n"},
        ["posts/2024-01-01-b.md: this post has the same URL (/2024/01/01/a.html) as ",
         "posts/2024-01-01-a.md", "Give one of them another 'permalink:' or 'slug:'."]),
    "two posts with the same permalink (front matter)": (
        {POST: "---\ntitle: A\npermalink: /same.html\n---\nText\n",
         "posts/2024-01-02-b.md": "---\ntitle: B\npermalink: /same.html\n---\nText\n"},
        ["posts/2024-01-02-b.md", "the same URL (/same.html) as ", "posts/2024-01-01-a.md",
         "Give one of them another 'permalink:' or 'slug:'."]),
    "a permalink that collides with the index page": (
        {POST: "---\ntitle: A\npermalink: /index.html\n---\nText\n"},
        [f"{POST}", "index.html", "permalink"]),
    "a permalink that leaves the site": (
        {POST: "---\ntitle: A\npermalink: /../../escape.html\n---\nText\n"},
        [f"{POST}", "outside the site folder", "permalink"]),
    "unknown permalink placeholder in pyproject.toml": (
        {"pyproject.toml": '[tool.nbpress]\npermalink = "/:year/:nope/:title.html"\n',
         POST: TEXT_POST},
        ["pyproject.toml: unknown placeholder ':nope' in permalink '/:year/:nope/:title.html'.",
         "Known placeholders: :categories, :day", ":title", "named styles: date, pretty"]),
    "unknown permalink placeholder in the front matter": (
        {POST: "---\ntitle: A\npermalink: /:year/:nope/:title.html\n---\nText\n"},
        [f"{POST}:3: unknown placeholder ':nope' in permalink '/:year/:nope/:title.html'.",
         "Known placeholders: :categories, :day"]),
    "a template with a syntax error": (
        {POST: TEXT_POST, "templates/post.html": "<html>\n<body>\n{% if %}\n</body>\n"},
        ["templates/post.html:3: template syntax error: Expected an expression",
         "Fix the template"]),
    "a template using an undefined variable": (
        {POST: TEXT_POST, "templates/post.html": "<html>\n<body>\n{{ nosuch }}\n</body>\n"},
        ["templates/post.html:3: template uses an undefined variable: 'nosuch' is undefined.",
         "Check the variable's spelling"]),
    "a layout that does not exist": (
        {POST: "---\ntitle: A\nlayout: nosuch\n---\nText\n"},
        [f"{POST}:3: 'layout: nosuch' names no template of the theme.",
         "Add templates/nosuch.html, or use 'layout: post'."]),
    "an unknown Liquid variable": (
        {POST: "---\ntitle: A\n---\n\nText\n\nSee {{ site.titel }} here.\n"},
        [f"{POST}:7: unknown Liquid variable '{{{{ site.titel }}}}' (titel is not defined).",
         "Did you mean '{{ site.title }}'?", "wrap them in {% raw %}…{% endraw %}."]),
    "an unknown Liquid tag (a Jekyll plugin's)": (
        {POST: "---\ntitle: A\n---\n\nText\n{% gist 5555251 %}\n"},
        [f"{POST}:6: unknown Liquid tag '{{% gist 5555251 %}}'.",
         "for code use a ``` fence (or {% highlight %})",
         "wrap them in {% raw %}…{% endraw %}."]),
    "an include that is not in _includes/": (
        {POST: "---\ntitle: A\n---\n\nText\n{% include footer.html %}\n",
         "_includes/header.html": "<header></header>\n"},
        [f"{POST}:6: '{{% include footer.html %}}': there is no _includes/footer.html. "
         "Files in _includes/: header.html."]),
    "Liquid-looking text in a shown (not run) code block": (  # as on Jekyll: use {% raw %}
        {POST: "---\ntitle: A\n---\n\nText\n\n```bash\necho \"{{ name }}\"\n```\n"},
        [f"{POST}:8: unknown Liquid variable '{{{{ name }}}}' (name is not defined).",
         "wrap them in {% raw %}…{% endraw %}."]),
    "an unclosed code fence": (
        {POST: "---\ntitle: A\n---\n\nText\n\n```python\nprint(1)\n\nMore text\n"},
        [f"{POST}:7: this ``` code fence is never closed, so it would swallow the rest of the "
         "post.", "Close it with a line of 3 '`' characters."]),
    "an unclosed tilde fence": (
        {POST: "---\ntitle: A\n---\n\n~~~~bash\nls\n~~~\n"},
        [f"{POST}:5: this ~~~~ code fence is never closed",
         "Close it with a line of 4 '~' characters."]),
    "a citation key that no source defines": (
        {POST: "---\ntitle: A\n---\n\nText\n\nAs shown [@nobody2020].\n"},
        [f"{POST}:7: unknown citation key @nobody2020",
         "Add an entry with key nobody2020 to references.bib or to the front matter "
         "`references:` list (- id: nobody2020)"]),
    "a citation key with a typo": (
        {"references.bib": "@article{paszke2019,\n title={PyTorch},\n year={2019}}\n",
         POST: "---\ntitle: A\n---\n\nText [@paszke2109].\n"},
        [f"{POST}:5: unknown citation key @paszke2109; did you mean @paszke2019?",
         "Add an entry with key paszke2109"]),
    "a malformed references.bib": (
        {"references.bib": BIB_MALFORMED, POST: "---\ntitle: A\n---\n\nText [@fine2020].\n"},
        ["references.bib:9: bad BibTeX: syntax error in line 9: '}' expected",
         "Entries look like @article{key, title = {...}, year = {2020}}."]),
    "a references.bib that is not UTF-8": (
        {"references.bib": b"@article{a,\n title={caf\xe9}}\n",
         POST: "---\ntitle: A\n---\n\nText [@a].\n"},
        ["references.bib:2: the bibliography is not UTF-8 text.", "Save it as UTF-8"]),
    "a bibliography: file that does not exist": (
        {POST: "---\ntitle: A\nbibliography: missing.bib\n---\n\nText [@a].\n"},
        [f"{POST}: the bibliography 'missing.bib' does not exist",
         "Give its path relative to the post's folder."]),
    "a references: item without id": (
        {POST: "---\ntitle: A\nreferences:\n  - title: No id\n---\n\nText [@a].\n"},
        [f"{POST}: front matter `references:` item 1: `id` must be a citation key",
         "Items look like {id: doe2020"]),
    "a kernel name that does not exist": (
        {"pyproject.toml": '[tool.nbpress.execute]\nkernel = "no-such-kernel"\n',
         POST: "---\ntitle: A\n---\n\n```python\nprint(1)\n```\n"},
        [f"{POST}: the kernel 'no-such-kernel' is not installed.",
         "Set [tool.nbpress.execute] kernel to one of: ", "python3"]),
}
NEEDS_KERNEL = {"a kernel name that does not exist"}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=[pytest.mark.kernel] if name in NEEDS_KERNEL else [])
    for name in CASES])
def test_bad_input_is_one_clear_message(name, make_site, build):
    files, phrases = CASES[name]
    message = failed_build(make_site(files), build)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"


# Messages are "what is wrong." then "what to do." as separate sentences.
SENTENCES = {
    "a citation key that no source defines": "@nobody2020. Add an entry",
    "a malformed references.bib": "'}' expected. Entries look like",
    "a references: item without id": "got None. Items look like",
}


@pytest.mark.parametrize("name", SENTENCES)
def test_message_and_hint_are_separate_sentences(name, make_site, build):
    message = failed_build(make_site(CASES[name][0]), build)
    assert SENTENCES[name] in message, message


def test_a_title_that_yaml_reads_as_a_number_is_not_missing(make_site, build):
    """``title: 1984`` is a title, as on Jekyll."""
    root = make_site({POST: "---\ntitle: 1984\n---\nText\n"})
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert '<h1 class="post-title">1984' in (root / "_site/2024/01/01/a.html").read_text()


def test_a_failed_rebuild_names_the_file_and_keeps_the_site(make_site, build):
    """The same errors on a second build leave the first build's site untouched."""
    root = make_site({POST: TEXT_POST})
    assert build("build", "--root", str(root)).returncode == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / POST).write_text("---\ntitle: A\n---\n\nSee {{ page.nope }}.\n")
    result = build("build", "--root", str(root))
    assert result.returncode == 1 and not nbpress_traceback(result.stderr)
    assert f"{POST}:5: unknown Liquid variable" in error_message(result.stderr)
    assert "the previous site was left as it was" in result.stderr
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == before


STRAY = """\
---
title: Stray writes
---

```python
open("../stray.txt", "w").write("x")
open("../../out.txt", "w").write("y")
print("wrote both")
```
"""


@pytest.mark.kernel
def test_a_post_writing_outside_its_folder_leaves_site_and_cache_intact(make_site, build):
    from nbpress.check import check_site

    root = make_site({POST: STRAY})
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert not nbpress_traceback(result.stderr)
    # The cell ran where Jupyter would run it: in posts/, so ../ is the site root.
    assert (root / "stray.txt").read_text() == "x"
    assert (root.parent / "out.txt").read_text() == "y"
    page = (root / "_site/2024/01/01/a.html").read_text()
    assert "wrote both" in page
    site_files = {p.relative_to(root / "_site").as_posix() for p in (root / "_site").rglob("*")}
    assert not {"stray.txt", "out.txt"} & site_files
    assert check_site(root / "_site", "") == []
    record = root / "_executed/2024-01-01-a/record.json"
    assert record.is_file() and (root / "_executed/2024-01-01-a/notebook.ipynb").is_file()
    assert not list((root / "_executed").rglob("*.txt"))
    # The cache is complete: a build that may not execute anything still succeeds.
    (root / "stray.txt").unlink()
    result = build("build", "--root", str(root), "--execute", "never")
    assert result.returncode == 0, result.stderr
    assert "wrote both" in (root / "_site/2024/01/01/a.html").read_text()
