"""Random edits, each built incrementally, always give the site a fresh build gives.

An incremental build keeps what it can: a post's kept read (``readcache.py``), its rendering
(``state.py``), each page whose reads are unchanged (``pagecache.py``, ``pagereads.py``),
compiled templates, and in ``serve`` whatever its memo holds.  Any key that misses an input
shows up as a stale page, which no fixed list of edits finds for certain.  Here a seeded
random sequence of the edits a blogger makes (prose, excerpts, titles, tags, dates,
categories, drafts, new, deleted and renamed posts, includes, data, a page, a template
that reads posts through the site, settings) is applied to a blog; after each edit the
blog is built incrementally (one-shot builds, and ``serve``'s builds with one memo) and
compared, file by file, with a fresh build of the same sources.  A failure names the seed
and the edits so far, to be replayed.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path
from typing import Callable

import nbformat
import pytest

from nbpress.config import load_config
from nbpress.memo import Memo
from nbpress.model import SITE_MARKER
from nbpress.pipeline import build

WORDS = ("loss batch learning rate optimiser momentum warmup schedule gradient noise "
         "weight decay epoch validation accuracy dropout curvature").split()
TAGS = ["adam", "sgd", "schedules", "C++", "notes", "Notes", "regularisation"]
CATEGORIES = ["ml", "Deep Learning", "notes"]

# A template that reaches posts through the site in several ways (pagereads must see each),
# and an include and a data file the posts and the about page use.
PAGE_TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
<article class="page">
  <h1>{{ page.title }}</h1>
  {{ page.content }}
  <p class="latest">Latest: {{ site.posts[0].title }} ({{ site.posts | length }} posts)</p>
  <ul class="tags">{% for tag in site.tags %}<li>{{ tag.name }}: {{ tag.posts | length }}</li>{% endfor %}</ul>
  <ul class="cats">{% for name, posts in site.categories | dictsort %}<li>{{ name }}: {{ posts | map(attribute="title") | join(", ") }}</li>{% endfor %}</ul>
  <p class="marker">{MARKER}</p>
</article>
{% endblock %}
"""


# Code cells as posts have them (N: a number the edits change): printed text, a widget
# (its state in the notebook's metadata, JSON outputs), a matplotlib figure (a PNG file
# beside the page), a DataFrame (HTML), a Plotly figure, an expected error, hidden input.
CELLS = ["print(N)",
         "import ipywidgets\nipywidgets.IntSlider(value=N, max=2000)",
         "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
         "plt.plot([0, N])\nplt.show()",
         "import pandas as pd\npd.DataFrame({'step': [1, 2], 'loss': [N, 0.5]})",
         "import plotly.graph_objects as go\ngo.Figure(go.Bar(y=[N, 1]))",
         "#| tags: [raises-exception]\nraise ValueError(N)",
         "#| echo: false\nprint('hidden input', N)",
         "rows = open('data/table.csv').read().split()\nprint(len(rows), N, rows[-1])"]


# The jupytext header of a MyST post (its other keys are the front matter).
MYST = ("jupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n")


class Blog:
    """A blog on disk and the edits made to it (``log``, for a failure's message)."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng, self.log = root, rng, []
        self.count = 0
        (root / "posts").mkdir(parents=True)
        (root / "templates").mkdir()
        (root / "_includes").mkdir()
        (root / "_data").mkdir()
        self.settings = {"title": "Field notes", "description": "Small experiments",
                         "paginate": "3", "math_macros": "{ '\\R' = '\\mathbb{R}' }"}
        self._write_settings()
        (root / "_includes" / "note.html").write_text(
            '<aside class="note">{{ include.text }}</aside>\n')
        (root / "_data" / "authors.yml").write_text("lead:\n  name: Mara Ilic\n")
        (root / "about.md").write_text(
            "---\ntitle: About\n---\n\nWritten by {{ site.data.authors.lead.name }}.\n")
        self._bibliography("Adam: a method for stochastic optimization")
        (root / "posts" / "images").mkdir()
        (root / "posts" / "data").mkdir()
        (root / "posts" / "data" / "table.csv").write_text("step,loss\n1,0.9\n")
        self._image(0)
        self._template(0)
        (root / "templates" / "wide.html").write_text(
            '{% extends "post.html" %}{% block content %}<p class="wide">'
            '{{ newer.title if newer else "" }} | {{ older.title if older else "" }}</p>'
            '{{ super() }}{% endblock %}\n')
        for _ in range(7):
            self.add_post()
        # Dated by its file's time, as Jekyll dates a page: no date in its name or text.
        self.write(root / "posts" / "field-log.md",
                   "---\ntitle: Field log\n---\n\nWhat ran this week.\n\n<!--more-->\n\n"
                   "## Details\n\nNothing broke.\n")
        self.log.clear()

    # The blog's files -----------------------------------------------------------------

    def _write_settings(self) -> None:
        lines = [f'{k} = {v}' if k in ("paginate", "math_macros", "csl") else f'{k} = "{v}"'
                 for k, v in self.settings.items()]
        (self.root / "pyproject.toml").write_text(
            "[tool.nbpress]\n" + "\n".join(lines) + '\nurl = "https://example.org"\n'
            "search = false\n")

    def _bibliography(self, title: str) -> None:
        (self.root / "references.bib").write_text(
            f"@article{{kingma2014,\n  title = {{{title}}},\n  author = {{Kingma, Diederik and "
            "Ba, Jimmy}},\n  journal = {arXiv preprint arXiv:1412.6980},\n  year = {2014}\n}\n\n"
            "@inproceedings{loshchilov2019,\n  title = {Decoupled Weight Decay Regularization},"
            "\n  author = {Loshchilov, Ilya and Hutter, Frank},\n  booktitle = {ICLR},\n"
            "  year = {2019}\n}\n")

    def _image(self, shade: int) -> None:
        """A 1×1 PNG of grey ``shade`` that some posts show."""
        import struct
        import zlib

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
        (self.root / "posts" / "images" / "curve.png").write_bytes(
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, shade]))) + chunk(b"IEND", b""))

    def _template(self, marker: int) -> None:
        (self.root / "templates" / "page.html").write_text(
            PAGE_TEMPLATE.replace("{MARKER}", f"template {marker}"))

    def posts(self) -> list[Path]:
        return sorted(p for p in (self.root / "posts").iterdir()
                      if p.suffix in (".md", ".ipynb", ".py"))

    # A post's text as the edits see it (front matter, Markdown, ```python cells), whatever
    # its format: a Markdown post as written, a MyST one with {code-cell} directives and a
    # jupytext header, a notebook as a raw front-matter cell, Markdown and code cells, a
    # percent script as a `# ---` header and `# %%` cells.

    def read(self, path: Path) -> str:
        text = path.read_text()
        if path.suffix == ".py":
            header, *cells = re.split(r"^# %%(?: \[markdown\])?\n", text, flags=re.M)
            kinds = re.findall(r"^# %%( \[markdown\])?\n", text, flags=re.M)
            front = "\n".join(line[2:] for line in header.strip().splitlines()) + "\n"
            return front + "\n" + "\n\n".join(
                re.sub(r"^# ?", "", cell.strip(), flags=re.M) if markdown
                else "```python\n" + cell.strip() + "\n```" for markdown, cell in zip(kinds, cells)
            ) + "\n"
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            return "\n\n".join(
                "".join(c["source"]) if c["cell_type"] != "code"
                else "```python\n" + "".join(c["source"]) + "\n```" for c in cells) + "\n"
        if MYST in text:
            text = text.replace(MYST, "").replace("```{code-cell} ipython3\n", "```python\n")
        return text

    def write(self, path: Path, text: str, myst: bool | None = None) -> None:
        if myst is None:  # as it is written now
            myst = path.suffix == ".md" and path.is_file() and MYST in path.read_text()
        if path.suffix == ".py":
            front, body = text.split("\n---\n", 1)
            script = "".join(f"# {line}".rstrip() + "\n" for line in (front + "\n---").splitlines())
            for block in re.split(r"(```python\n.*?\n```)", body, flags=re.S):
                if block.startswith("```python\n"):
                    script += "\n# %%\n" + block[10:-4] + "\n"
                elif block.strip():
                    script += "\n# %% [markdown]\n" + "".join(
                        f"# {line}".rstrip() + "\n" for line in block.strip().splitlines())
            path.write_text(script)
        elif path.suffix == ".ipynb":
            front, body = text.split("\n---\n", 1)
            cells = [nbformat.v4.new_raw_cell(front + "\n---")]
            for block in re.split(r"(```python\n.*?\n```)", body, flags=re.S):
                if block.startswith("```python\n"):
                    cells.append(nbformat.v4.new_code_cell(block[10:-4]))
                else:
                    cells += [nbformat.v4.new_markdown_cell(part.strip())
                              for part in re.split(r"\n(?=## )", block) if part.strip()]
            notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
                "name": "python3", "display_name": "Python 3", "language": "python"}})
            path.write_text(nbformat.writes(notebook))
        elif myst:
            path.write_text(text.replace("---\n", "---\n" + MYST, 1)
                            .replace("```python\n", "```{code-cell} ipython3\n"))
        else:
            path.write_text(text)

    def _words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    def add_post(self) -> Path:
        self.count += 1
        day = self.rng.randrange(1, 29)
        suffix = self.rng.choice([".md", ".md", "myst", ".ipynb", ".py"])
        path = self.root / "posts" / (f"2024-{self.rng.randrange(1, 13):02d}-{day:02d}-note-"
                                      f"{self.count}{'.md' if suffix == 'myst' else suffix}")
        front = {"title": f'"Note {self.count}: {self.rng.choice(WORDS)}"',
                 "tags": "[" + ", ".join(self.rng.sample(TAGS, self.rng.randrange(0, 3))) + "]"}
        if self.rng.random() < 0.4:
            front["categories"] = "[" + self.rng.choice(CATEGORIES) + "]"
        if self.rng.random() < 0.2:
            front["excerpt"] = f'"A short summary: {self.rng.choice(WORDS)}."'
        drafts = {p.stem for p in self.posts() if "published: false" in self.read(p)}
        others = [p for p in self.posts() if p != path and p.stem not in drafts]  # (no
        # draft to link to: a pair's notebook may say nothing of its text being one)
        link = (f"See [the earlier note]({{% post_url {self.rng.choice(others).stem} %}}).\n\n"
                if others and self.rng.random() < 0.3 else "")
        note = ('{% include note.html text="Runs on a laptop." %}\n\n'
                if self.rng.random() < 0.3 else "")
        extras = self.rng.sample([
            "Adam [@kingma2014] and AdamW [@loshchilov2019] differ in weight decay.\n\n",
            "![The loss curve](images/curve.png)\n\n",
            "The weights live in $\\R^n$.\n\n"], self.rng.randrange(0, 3))
        body = (f"{self._words(12)}\n\n<!--more-->\n\n{link}{note}{''.join(extras)}## Details\n\n"
                f"{self._words(30)}\n")
        self.write(path, "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items())
                   + "---\n\n" + body, myst=suffix == "myst")
        self.log.append(f"add {path.name}")
        return path

    def _linked(self) -> set[str]:
        """Stems other posts link to with ``post_url`` (deleting or renaming those would be
        a build error, not an edit to compare)."""
        return {m for p in self.posts() for m in re.findall(r"post_url (\S+) %", self.read(p))}

    def _front(self, path: Path, key: str, value: str | None) -> None:
        text = self.read(path)
        head, body = text[4:].split("\n---\n", 1)
        lines = [line for line in head.splitlines() if not line.startswith(f"{key}:")]
        if value is not None:
            lines.append(f"{key}: {value}")
        self.write(path, "---\n" + "\n".join(lines) + "\n---\n" + body)

    # The edits ----------------------------------------------------------------------------

    def edit(self, code: bool = False) -> None:
        edits: list[Callable[[], str]] = [self.code] * 24 + [self.table] * 4 if code else []
        edits += [
            self.prose, self.prose, self.excerpt, self.title, self.tags, self.tags, self.date,
            self.categories, self.draft, self.new_post, self.delete, self.rename,
            self.include, self.data, self.about, self.template, self.settings_edit,
            self.settings_edit, self.front_excerpt, self.layout, self.redirect,
            self.bibliography, self.image, self.pair, self.home, self.asset, self.lost_file,
            self.layout_template, self.touch]
        self.log.append(self.rng.choice(edits)())

    def code(self) -> str:
        """A Python cell added to a post (a print, or a widget: JSON outputs and notebook
        metadata), or its number changed (it runs again)."""
        path = self._post()
        number = self.rng.randrange(1000)
        text = self.read(path)
        if "```python" in text:
            text = re.sub(r"\(\d+ \* 2\)", f"({number} * 2)", text)
        else:
            text += "\n```python\n" + self.rng.choice(CELLS).replace("N", f"({number} * 2)") \
                + "\n```\n"
        self.write(path, text)
        return f"code of {path.name}: {number} * 2"

    def _post(self) -> Path:
        return self.rng.choice(self.posts())

    def touch(self) -> str:
        """A post saved again unchanged, some hours later or earlier: only a post dated by
        its file's time (no date in its name or front matter) changes."""
        undated = self.root / "posts" / "field-log.md"
        path = undated if undated.exists() and self.rng.random() < 0.5 else self._post()
        when = path.stat().st_mtime + self.rng.choice([-1, 1]) * self.rng.randrange(3600, 86400)
        os.utime(path, (when, when))
        return f"{path.name} saved at {when:.0f}"

    def prose(self) -> str:
        path = self._post()
        self.write(path, self.read(path).replace("## Details\n\n", f"## Details\n\n{self._words(5)} ",
                                                 1))
        return f"prose below the excerpt of {path.name}"

    def excerpt(self) -> str:
        path = self._post()
        head, rest = self.read(path).split("<!--more-->", 1)
        self.write(path, head.rstrip() + f" {self._words(3)}\n\n<!--more-->" + rest)
        return f"excerpt of {path.name}"

    def title(self) -> str:
        path = self._post()
        self._front(path, "title", f'"Retitled {self.rng.choice(WORDS)} {self.rng.random():.3f}"')
        return f"title of {path.name}"

    def tags(self) -> str:
        path = self._post()
        tags = self.rng.sample(TAGS, self.rng.randrange(0, 4))
        self._front(path, "tags", "[" + ", ".join(tags) + "]")
        return f"tags of {path.name}: {tags}"

    def date(self) -> str:
        path = self._post()
        when = f"2024-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d} 10:00:00"
        self._front(path, "date", when)
        return f"date of {path.name}: {when}"

    def categories(self) -> str:
        path = self._post()
        value = self.rng.choice([None, *CATEGORIES])
        self._front(path, "categories", None if value is None else f"[{value}]")
        return f"categories of {path.name}: {value}"

    def draft(self) -> str:
        path = self._post()
        if path.stem in self._linked():
            return self.prose()
        hidden = "published: false" in self.read(path)
        self._front(path, "published", None if hidden else "false")
        return f"{'published' if hidden else 'unpublished'} {path.name}"

    def new_post(self) -> str:
        self.add_post()
        return self.log.pop()

    def delete(self) -> str:
        choices = [p for p in self.posts() if p.stem not in self._linked()]
        if len(self.posts()) < 4 or not choices:
            return self.new_post()
        path = self.rng.choice(choices)
        path.unlink()
        return f"deleted {path.name}"

    def rename(self) -> str:
        choices = [p for p in self.posts() if p.stem not in self._linked()]
        if not choices:
            return self.prose()
        path = self.rng.choice(choices)
        target = path.with_name(path.name.replace("-note-", "-note-b", 1))
        path.rename(target)
        return f"renamed {path.name} to {target.name}"

    def table(self) -> str:
        """The data file some posts' code reads (a found dependency: they run again)."""
        path = self.root / "posts" / "data" / "table.csv"
        path.write_text(path.read_text() + f"{self.rng.randrange(2, 99)},0.{self.rng.randrange(10)}\n")
        return "the data file the code reads"

    def layout_template(self) -> str:
        (self.root / "templates" / "wide.html").write_text(
            '{% extends "post.html" %}{% block content %}<p class="wide">'
            f'{self.rng.choice(WORDS)}: {{{{ newer.title if newer else "" }}}}</p>'
            '{{ super() }}{% endblock %}\n')
        return "the wide layout's template"

    def home(self) -> str:
        """A home page text above nbpress's list of posts (minima's ``layout: home``)."""
        path = self.root / "index.md"
        if path.exists() and self.rng.random() < 0.3:
            path.unlink()
            return "the home page text removed"
        path.write_text(f"---\nlayout: home\n---\n\n{self._words(8)}\n")
        return "the home page text"

    def asset(self) -> str:
        path = self.root / "assets" / "css" / "extra.css"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f".note {{ color: #{self.rng.randrange(4096):03x}; }}\n")
        return "an asset of the site's own"

    def lost_file(self) -> str:
        """A file of the built site deleted by hand: the next build puts it back."""
        files = sorted(p for p in (self.root / "_site").rglob("*")
                       if p.is_file() and not p.name.startswith("."))
        path = self.rng.choice(files)
        path.unlink()
        return f"deleted _site/{path.relative_to(self.root / '_site')}"

    def pair(self) -> str:
        """A jupytext pair: a notebook beside a text post, with the same stem (the text holds
        the input, the notebook is left alone; deleting the text makes it the post)."""
        choices = [p for p in self.posts() if p.suffix != ".ipynb"
                   and not p.with_suffix(".ipynb").exists()]
        if not choices:
            return self.prose()
        path = self.rng.choice(choices)
        self.write(path.with_suffix(".ipynb"), self.read(path).replace(
            "## Details\n\n", f"## Details\n\nAs paired: {self._words(4)} ", 1))
        return f"paired {path.name} with a notebook"

    def include(self) -> str:
        (self.root / "_includes" / "note.html").write_text(
            f'<aside class="note">{{{{ include.text }}}} ({self.rng.choice(WORDS)})</aside>\n')
        return "the include"

    def data(self) -> str:
        name = f"{self.rng.choice(['Mara', 'Ilse', 'Tomas'])} {self.rng.choice(['Ilic', 'Berg'])}"
        (self.root / "_data" / "authors.yml").write_text(f"lead:\n  name: {name}\n")
        return f"data: {name}"

    def about(self) -> str:
        path = self.root / "about.md"
        path.write_text(path.read_text() + f"\n{self._words(6)}\n")
        return "the about page"

    def template(self) -> str:
        marker = self.rng.randrange(1000)
        self._template(marker)
        return f"the page template ({marker})"

    def settings_edit(self) -> str:
        key = self.rng.choice(["title", "description", "paginate", "permalink",
                               "timezone", "math_macros", "csl"])
        if key == "math_macros":
            self.settings[key] = self.rng.choice([
                "{ '\\R' = '\\mathbb{R}' }", "{ '\\R' = '\\mathcal{R}' }"])
        elif key == "csl":
            self.settings[key] = self.rng.choice(['"apa"', '"ieee"'])
        elif key == "paginate":
            self.settings[key] = str(self.rng.randrange(2, 5))
        elif key == "permalink":
            self.settings[key] = self.rng.choice(["date", "pretty", "/:year/:title/"])
        elif key == "timezone":  # a date's day may change with it
            self.settings[key] = self.rng.choice(["UTC", "Pacific/Auckland", "America/Lima"])
        else:
            self.settings[key] = f"{self.settings[key].split(',')[0]}, {self.rng.choice(WORDS)}"
        self._write_settings()
        return f"setting {key} = {self.settings[key]}"

    def bibliography(self) -> str:
        title = f"Adam, {self.rng.choice(WORDS)} edition"
        self._bibliography(title)
        return f"the bibliography: {title}"

    def image(self) -> str:
        shade = self.rng.randrange(256)
        self._image(shade)
        return f"the image beside the posts: grey {shade}"

    def layout(self) -> str:
        """A post in a layout of the site's own that shows its neighbours' titles."""
        path = self._post()
        value = self.rng.choice([None, "wide"])
        self._front(path, "layout", value)
        return f"layout of {path.name}: {value}"

    def redirect(self) -> str:
        path = self._post()
        value = self.rng.choice([None, f"/old/{path.stem}/"])
        self._front(path, "redirect_from", value)
        return f"redirect_from of {path.name}: {value}"

    def front_excerpt(self) -> str:
        path = self._post()
        value = self.rng.choice([None, f'"Summary: {self.rng.choice(WORDS)}."'])
        self._front(path, "excerpt", value)
        return f"front-matter excerpt of {path.name}: {value}"


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of the site but its marker (the build's id)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != SITE_MARKER}


def differences(ours: dict[str, bytes], fresh: dict[str, bytes]) -> list[str]:
    return sorted(set(ours) ^ set(fresh)) + [
        name for name in sorted(set(ours) & set(fresh)) if ours[name] != fresh[name]]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("builds", ["one-shot", "serve"])
def test_random_edits_built_incrementally_give_the_fresh_build(tmp_path: Path, seed: int,
                                                               builds: str) -> None:
    check_random_edits(tmp_path, seed, builds, steps=14)


@pytest.mark.kernel
@pytest.mark.parametrize("builds", ["one-shot", "serve"])
def test_random_edits_with_code_give_the_fresh_build(tmp_path: Path, builds: str) -> None:
    # Code cells run in real kernels; the fresh build has the committed cache (_executed/),
    # as a fresh clone of the blog has.
    check_random_edits(tmp_path, 7, builds, steps=10, code=True)


def check_random_edits(tmp_path: Path, seed: int, builds: str, steps: int,
                       code: bool = False) -> None:
    rng = random.Random(seed)
    blog = Blog(tmp_path / "blog", rng)
    memo = Memo() if builds == "serve" else None
    build(load_config(blog.root), memo=memo, search_later=memo is not None)
    for step in range(steps):
        blog.edit(code)
        if rng.random() < 0.3:  # two edits between builds, now and then
            blog.edit(code)
        build(load_config(blog.root), memo=memo, search_later=memo is not None)
        # A fresh build: the same sources (and committed cache, _executed/) in a folder of
        # their own, nothing else kept.
        fresh = tmp_path / f"fresh-{step}"
        shutil.copytree(blog.root, fresh, ignore=shutil.ignore_patterns("_site", ".nbpress-cache"))
        build(load_config(fresh))
        wrong = differences(site_files(blog.root / "_site"), site_files(fresh / "_site"))
        assert not wrong, (f"seed {seed}, {builds} builds: after the edits\n  "
                           + "\n  ".join(blog.log) + f"\nthese files differ: {wrong}")
        shutil.rmtree(fresh)
