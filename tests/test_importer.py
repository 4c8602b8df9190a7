"""``nbpress import``: a Jekyll blog with nbconvert-exported posts → an nbpress site whose
exported posts keep their recorded outputs as imported runs (importer.py, importposts.py,
importrun.py, nbexport.py)."""

from __future__ import annotations

import base64
import difflib
import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO, Page, png_bytes, run_build
from nbpress import entries
from nbpress.cache import plan
from nbpress.config import load_config
from nbpress.discover import discover
from nbpress.errors import NbpressError
from nbpress.importer import import_site
from nbpress.importposts import jekyll_post_name, jekyll_url
from nbpress.readers import read_post_notebook

SEED = Path(__file__).parent / "fixtures" / "jekyll" / "2024-03-19-pytorch-and-jax.md"

CONFIG = """\
title: Notes on numbers
description: Small experiments, written up.
url: https://ada.example.org
baseurl: ""
permalink: date
paginate: 5
timezone: Europe/Berlin
excerpt_separator: <!--more-->
markdown: kramdown
author:
  name: Ada Example
  email: ada@example.org
theme: minima
plugins:
  - jekyll-feed
  - jekyll-seo-tag
google_analytics: UA-0000000-1
"""

# nbconvert --to markdown: fences, 4-space outputs, _files/ images next to the post, a kramdown
# attribute line after an image, a pandas table as HTML.
FITTING = '''\
---
layout: post
title: "Fitting a line with numpy"
categories: [statistics]
---

We fit a straight line to a handful of points, the classic first regression.

```python
import sys
print(sys.version_info[0])
```

    2


```python
import numpy as np
xs = np.arange(5)
ys = 2 * xs + 1
np.polyfit(xs, ys, 1).round(3).tolist()
```




    [2.0, 1.0]



```python
import matplotlib.pyplot as plt
plt.plot(xs, ys, "o")
plt.show()
```


![png](2019-03-10-fitting-a-line_files/2019-03-10-fitting-a-line_3_0.png)
{: .center-image }


The slope is two, as built.

```python
import pandas as pd
pd.DataFrame({"x": xs[:1], "y": ys[:1]})
```




<div>
<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }
</style>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>x</th>
      <th>y</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>0</td>
      <td>1</td>
    </tr>
  </tbody>
</table>
</div>



That is all for today.
'''

# Images moved to /images/ by the author, one wrapped in a <figure>, one lost since.
DIGITS = '''\
---
layout: post
title: Looking at digits
---

A first look at the digits data set.

```python
print("loading 1797 images")
```

    loading 1797 images


```python
show_digit(0)
```


![png]({{ "/images/2020-01-05-digits_files/2020-01-05-digits_2_0.png" | relative_url }})



```python
show_digit(1)
```

<figure>
  <img src="{{ site.baseurl }}/images/2020-01-05-digits_files/2020-01-05-digits_4_0.png" alt="a one">
  <figcaption>A handwritten one.</figcaption>
</figure>

```python
show_digit(7)
```


![png](/images/2020-01-05-digits_files/2020-01-05-digits_6_0.png)


Sevens are hard to tell from ones, as this grid from an earlier run shows.

![png]({{ site.baseurl }}/images/2020-01-05-digits_files/2020-01-05-digits_8_0.png)
'''

# jupyter nbconvert --to markdown --no-input: only the outputs.
REPORT = '''\
---
layout: post
title: Weekly report
---

Numbers for the week.

    total: 1204 visits



![png](2020-02-01-weekly-report_files/2020-02-01-weekly-report_1_0.png)



![png](2020-02-01-weekly-report_files/2020-02-01-weekly-report_3_0.png)
{: .full-width }


More next week.
'''

OLD_NOTES = ("Some notes from the old theme. See [the archive]({{ BASE_PATH }}/archive.html).\n"
             "\nBy {{ page.author }}.\n")

CHANGELOG = """\
---
layout: single
---

Nothing changed yet.
"""

HELLO = """\
---
layout: post
title: Hello
---

A post written by hand, with a shell command:

```bash
bundle exec jekyll serve
```
"""


# Written by hand: a code fragment the blog showed and never ran (it cannot run alone).
SNIPPET = """\
---
layout: post
title: Training loops
---

The whole loop is one call:

```python
model.fit(train_x, train_y, epochs=3)
```
"""


def blog_files() -> dict[str, str | bytes]:
    """A small Jekyll blog like the ones researchers kept on GitHub Pages."""
    return {
        "_config.yml": CONFIG,
        "_posts/2019-03-10-fitting-a-line.md": FITTING,
        "_posts/2019-03-10-fitting-a-line_files/2019-03-10-fitting-a-line_3_0.png":
            png_bytes(40, 30),
        "_posts/2020-01-05-digits.md": DIGITS,
        "images/2020-01-05-digits_files/2020-01-05-digits_2_0.png": png_bytes(24, 24),
        "images/2020-01-05-digits_files/2020-01-05-digits_4_0.png": png_bytes(26, 24),
        "images/2020-01-05-digits_files/2020-01-05-digits_8_0.png": png_bytes(60, 60),
        "_posts/2020-02-01-weekly-report.md": REPORT,
        "_posts/2020-02-01-weekly-report_files/2020-02-01-weekly-report_1_0.png":
            png_bytes(30, 20),
        "_posts/2018-07-01-Old Notes.md": OLD_NOTES,
        "_posts/2017-05-05-changelog.md.md": CHANGELOG,
        "_posts/2021-06-01-hello.md": HELLO,
        "_posts/2021-06-01-Hello.md": HELLO.replace("title: Hello", "title: Hello again"),
        "_posts/2021-07-01-training-loops.md": SNIPPET,
        "about.md": "---\nlayout: page\ntitle: About\npermalink: /about/\n---\n\nHi.\n",
        "_includes/footer.html": "<footer>{{ site.title }}</footer>\n",
        "_data/authors.yml": "ada:\n  name: Ada Example\n",
        "images/logo.png": png_bytes(8, 8),
        "_layouts/post.html": "{{ content }}\n",
        "_sass/main.scss": "body { margin: 0; }\n",
        "Gemfile": 'source "https://rubygems.org"\ngem "github-pages"\n',
        "templates/notebook.html": "<article>{{ content }}</article>\n",
    }


@pytest.fixture
def make_blog(make_site, tmp_path):
    return lambda: make_site(blog_files(), tmp_path / "blog")


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def imported(tmp_path: Path, make_blog):
    blog = make_blog()
    before = tree_digest(blog)
    report = import_site(blog, tmp_path / "new")
    assert tree_digest(blog) == before  # the source is only read
    return tmp_path / "new", report, blog


def post_report(report, name: str):
    [found] = [p for p in report.posts if p.source == f"_posts/{name}"]
    return found


def stored(root: Path, stem: str):
    record, problem = entries.load_record(root, stem)
    assert record is not None, problem
    return record, entries.load_notebook(root, stem)


def code_outputs(nb) -> list[list[dict]]:
    return [cell.outputs for cell in nb.cells if cell.cell_type == "code"]


def test_config_maps_to_tool_nbpress_and_lists_what_cannot_be_carried(imported) -> None:
    root, report, _ = imported
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["nbpress"]
    assert table == {"title": "Notes on numbers", "description": "Small experiments, written up.",
                     "url": "https://ada.example.org", "baseurl": "", "permalink": "date",
                     "paginate": 5, "timezone": "Europe/Berlin",
                     "excerpt_separator": "<!--more-->", "author": "Ada Example",
                     "static": ["images"]}  # images/logo.png, published as Jekyll does
    config = load_config(root)  # nbpress accepts every key written
    assert (config.title, config.paginate, config.author) == ("Notes on numbers", 5, "Ada Example")
    assert report.not_carried == [
        "the Jekyll theme 'minima' (theme): nbpress uses its own theme; its layouts are not used",
        "plugin jekyll-feed (_config.yml plugins)", "plugin jekyll-seo-tag (_config.yml plugins)",
        "_config.yml setting 'google_analytics'",
        "_layouts/ — the theme's layouts (nbpress uses its own templates/)",
        "_sass/ — Sass sources (nbpress's theme has its own CSS in assets/)",
        "templates/ — nbpress reads its theme's templates there (jinja2, not Liquid)",
        "layout 'single' of the Jekyll theme: templates/single.html added, showing those posts "
        "with nbpress's post layout"]
    assert (root / "templates/single.html").read_text() == '{% extends "post.html" %}\n'
    for name in ("about.md", "_includes/footer.html", "_data/authors.yml", "images/logo.png"):
        assert (root / name).read_bytes() == (imported[2] / name).read_bytes(), name
    assert not (root / "_layouts").exists() and not (root / "Gemfile").exists()
    ignored = (root / ".gitignore").read_text().splitlines()
    assert "_site/" in ignored and "_executed/" not in ignored


def test_settings_nbpress_would_refuse_are_listed_not_written(make_site, tmp_path) -> None:
    blog = make_site({"_config.yml": "title: T\npermalink: /:categories/:slugified_title/\n"
                                     "timezone: Mars/Olympus\npaginate_path: blog/page:num/\n"},
                     tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert report.settings == {"title": "T", "paginate_path": "/blog/page:num/"}
    assert report.not_carried == [
        "_config.yml setting 'permalink': unknown placeholder ':slugified_title' in permalink "
        "'/:categories/:slugified_title/'.",
        "_config.yml setting 'timezone': not a timezone name nbpress knows"]
    assert load_config(tmp_path / "new").paginate_path == "/blog/page:num/"


def test_a_config_jekyll_would_refuse_stops_the_import_with_nothing_written(make_site, tmp_path):
    blog = make_site({"_config.yml": "title: [unclosed\n"}, tmp_path / "blog")
    with pytest.raises(NbpressError) as bad:
        import_site(blog, tmp_path / "new")
    assert str(bad.value).startswith(f"{blog / '_config.yml'}: _config.yml is not valid YAML: ")
    assert str(bad.value).endswith("Fix it (Jekyll would refuse it too), then import again.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blog"]


def test_loop_variables_are_not_old_liquid_and_unreadable_front_matter_is_reported(
        make_site, tmp_path) -> None:
    blog = make_site({
        "_config.yml": "title: T\n",
        "_data/people.yml": "- name: Ada\n  url: https://ada.example\n",
        "_posts/2020-01-01-people.md": """\
            ---
            title: People
            ---
            {% for p in site.data.people %}- [{{ p.name }}]({{ p.url }})
            {% endfor %}
            """,
        "_posts/2020-01-02-old.md": """\
            ---
            title: Old
            ---
            {% for p in site.data.people %}[{{ p.name }}]({{ p.url }}){% endfor %} {{ BASE_PATH }}
            """,
        "_posts/2020-01-03-bad-date.md": "---\ntitle: Bad\ndate: 2020-13-45\n---\nBad date.\n",
        # (a front matter that is a list: the same report)
        "_posts/2020-01-04-list.md": "---\n- a\n- b\n---\nA list.\n",
    }, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert post_report(report, "2020-01-01-people.md").look == []
    assert "liquid_undefined" not in (tmp_path / "new/posts/2020-01-01-people.md").read_text()
    assert post_report(report, "2020-01-02-old.md").look == [
        (0, "old Liquid variables nbpress does not define: shown as empty text "
            "(liquid_undefined: empty added)")]
    assert post_report(report, "2020-01-03-bad-date.md").look == [
        (3, "front matter unreadable (the front matter has a value YAML cannot turn into data "
            "('date: 2020-13-45': month must be in 1..12)); copied as it is")]
    [(line, said)] = post_report(report, "2020-01-04-list.md").look
    assert said.startswith("front matter unreadable (") and said.endswith("); copied as it is")
    for name in ("2020-01-03-bad-date.md", "2020-01-04-list.md"):
        assert (tmp_path / "new/posts" / name).read_text() == (blog / "_posts" / name).read_text()
    (tmp_path / "new/posts/2020-01-03-bad-date.md").unlink()
    (tmp_path / "new/posts/2020-01-04-list.md").unlink()
    result = build_new(tmp_path)
    for day, stem in (("01", "people"), ("02", "old")):
        page = Page.read(tmp_path / f"new/_site/2020/01/{day}/{stem}.html")
        assert ("Ada", "https://ada.example") in [(a.text, a["href"]) for a in page.all(
            "a", inside="article")], stem
    assert ("undefined Liquid variable(s) BASE_PATH shown as empty text" in result.stderr)
    assert "p.name" not in result.stderr


def test_fences_indented_outputs_and_files_images_become_the_imported_run(imported) -> None:
    root, report, blog = imported
    text = (root / "posts/2019-03-10-fitting-a-line.md").read_text()
    assert "    2\n" not in text and "    [2.0, 1.0]" not in text and "![png]" not in text
    assert "{: .center-image }" not in text and "<table" not in text
    for kept in ("We fit a straight line", "The slope is two, as built.", "That is all for today.",
                 "import sys\nprint(sys.version_info[0])\n```", 'plt.plot(xs, ys, "o")'):
        assert kept in text
    assert text.startswith(FITTING.split("\n\n")[0])  # the front matter, as written
    record, nb = stored(root, "2019-03-10-fitting-a-line")
    assert record.imported_from == "_posts/2019-03-10-fitting-a-line.md"
    first, second, third, fourth = code_outputs(nb)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in first] == \
        [("stream", "stdout", "2\n")]
    assert [(o.output_type, o.data) for o in second] == \
        [("execute_result", {"text/plain": "[2.0, 1.0]"})]
    image = blog / "_posts/2019-03-10-fitting-a-line_files/2019-03-10-fitting-a-line_3_0.png"
    assert [(o.output_type, o.data) for o in third] == \
        [("display_data", {"image/png": base64.b64encode(image.read_bytes()).decode()})]
    assert [o.output_type for o in fourth] == ["execute_result"]
    assert '<table border="1" class="dataframe">' in fourth[0].data["text/html"]
    post = post_report(report, "2019-03-10-fitting-a-line.md")
    assert (post.kind, post.outputs, post.look) == ("exported notebook", 4, [])
    assert post.removed == [(14, "indented output block"), (27, "indented output block"),
                            (38, "image line"), (39, "attribute line"),
                            (52, "HTML table output")]


def test_the_imported_run_has_the_key_a_build_computes(imported) -> None:
    root = imported[0]
    config = load_config(root)
    posts, errors = discover(config)
    assert errors == []
    docs = [read_post_notebook(p, keep_comment=config.excerpt_separator)[0] for p in posts]
    by_name = {p.name: p for p in plan(docs, config)}
    for name in ("posts/2019-03-10-fitting-a-line.md", "posts/2020-01-05-digits.md"):
        assert by_name[name].reason == "" and by_name[name].record.imported_from, name


def test_images_in_another_folder_a_figure_and_a_missing_image(imported) -> None:
    root, report, blog = imported
    text = (root / "posts/2020-01-05-digits.md").read_text()
    assert "<figure" not in text and "    loading 1797" not in text
    assert "Sevens are hard to tell from ones" in text
    _, nb = stored(root, "2020-01-05-digits")
    outputs = code_outputs(nb)
    folder = blog / "images/2020-01-05-digits_files"
    assert [[(o.output_type, sorted(o.get("data", {}))) for o in cell] for cell in outputs] == [
        [("stream", [])], [("display_data", ["image/png"])], [("display_data", ["image/png"])],
        []]
    assert outputs[2][0].data["image/png"] == base64.b64encode(
        (folder / "2020-01-05-digits_4_0.png").read_bytes()).decode()
    post = post_report(report, "2020-01-05-digits.md")
    assert post.look == [
        (28, "the removed <figure>'s caption 'A handwritten one.' is not on the page any more; "
             "write it as text after the cell if it matters"),
        (38, "image '/images/2020-01-05-digits_files/2020-01-05-digits_6_0.png' is not in the "
             "blog; left out of the cell's outputs"),
        (43, "export image '{{ site.baseurl }}/images/2020-01-05-digits_files/2020-01-05-digits_"
             "8_0.png' is not right after a code cell: kept in the text as assets/images/"
             "2020-01-05-digits/2020-01-05-digits_8_0.png")]
    assert text.endswith("![png]({{ site.baseurl }}/assets/images/2020-01-05-digits/"
                         "2020-01-05-digits_8_0.png)\n")
    assert (28, "<figure> block") in post.removed and (38, "image line") in post.removed


def test_a_no_input_export_is_a_markdown_post_with_its_images_copied(imported) -> None:
    root, report, blog = imported
    text = (root / "posts/2020-02-01-weekly-report.md").read_text()
    name = "assets/images/2020-02-01-weekly-report/2020-02-01-weekly-report_1_0.png"
    assert f"![png]({{{{ site.baseurl }}}}/{name})" in text
    assert "_3_0.png" not in text and "    total: 1204 visits" in text  # output text stays
    assert "{: .full-width }" not in text
    assert (root / name).read_bytes() == (
        blog / "_posts/2020-02-01-weekly-report_files/2020-02-01-weekly-report_1_0.png"
    ).read_bytes()
    assert not entries.entry_dir(root, "2020-02-01-weekly-report").exists()
    post = post_report(report, "2020-02-01-weekly-report.md")
    assert post.kind == "no-input export"
    assert post.look == [(16, "image '2020-02-01-weekly-report_files/2020-02-01-weekly-report_3_0"
                              ".png' is not in the blog; its line was left out")]


def test_file_names_jekyll_accepts_keep_their_jekyll_urls(imported) -> None:
    root, report, _ = imported
    notes = (root / "posts/2018-07-01-old-notes.md").read_text()
    front = yaml.safe_load(notes.split("---")[1])
    assert front == {"title": "Old notes", "permalink": "/2018/07/01/Old-Notes.html",
                     "liquid_undefined": "empty"}
    assert notes.endswith(OLD_NOTES)
    changelog = (root / "posts/2017-05-05-changelog-md.md").read_text()
    assert yaml.safe_load(changelog.split("---")[1]) == {
        "layout": "single", "title": "Changelog.md", "permalink": "/2017/05/05/changelog.md.html"}
    urls = {p.path.name: p.url for p in discover(load_config(root))[0]}
    assert urls["2018-07-01-old-notes.md"] == "/2018/07/01/Old-Notes.html"
    assert urls["2017-05-05-changelog-md.md"] == "/2017/05/05/changelog.md.html"
    # Hello.md and hello.md: one name once slugified, two URLs in Jekyll, kept apart
    assert (urls["2021-06-01-hello.md"], urls["2021-06-01-hello-2.md"]) == \
        ("/2021/06/01/Hello.html", "/2021/06/01/hello.html")
    assert (root / "posts/2021-06-01-hello-2.md").read_text() == HELLO.replace(
        "title: Hello\n", 'title: Hello\npermalink: "/2021/06/01/hello.html"\n')
    assert post_report(report, "2021-06-01-hello.md").kind == "Markdown"


def test_code_a_hand_written_post_only_showed_is_imported_with_no_outputs(imported) -> None:
    root, report, _ = imported
    assert (root / "posts/2021-07-01-training-loops.md").read_text() == SNIPPET
    record, nb = stored(root, "2021-07-01-training-loops")
    assert record.imported_from == "_posts/2021-07-01-training-loops.md"
    assert code_outputs(nb) == [[]]
    post = post_report(report, "2021-07-01-training-loops.md")
    assert (post.kind, post.look) == ("Markdown with code", [(0, (
        "its 1 Python code cell(s) were shown, never run, on the blog: imported with no "
        "outputs; `--refresh` runs them"))])


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="the jekyll program is not installed "
                    "(CI: apt-get install -y jekyll)")
def test_imported_posts_have_the_urls_real_jekyll_gives_them(imported, tmp_path) -> None:
    root, _, blog = imported
    config = yaml.safe_load((blog / "_config.yml").read_text())
    for key in ("theme", "plugins"):  # gems a bare `jekyll` may not have
        del config[key]
    (blog / "_config.yml").write_text(yaml.safe_dump(config))
    done = subprocess.run(["jekyll", "build", "-q", "-s", str(blog), "-d", str(tmp_path / "j")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    jekyll = {"/" + p.relative_to(tmp_path / "j").as_posix()
              for p in (tmp_path / "j").rglob("*.html")} - {"/about/index.html",
                                                           "/templates/notebook.html"}
    posts, errors = discover(load_config(root))
    assert errors == [] and len(jekyll) == 8
    assert {p.url for p in posts} == jekyll


def build_new(tmp_path: Path) -> subprocess.CompletedProcess:
    """The imported site (``tmp_path/new``) built as a user builds it; it must succeed."""
    result = run_build("--root", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr
    return result


def jekyll_build(blog: Path, into: Path, env: dict | None = None) -> list[str]:
    """Every file real Jekyll writes for ``blog`` (without make_site's posts/), by path."""
    shutil.rmtree(blog / "posts", ignore_errors=True)
    done = subprocess.run(["jekyll", "build", "-q", "-s", str(blog), "-d", str(into)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())


def test_a_blog_jekyll_new_made_keeps_its_urls_and_pages(make_site, tmp_path) -> None:
    # `jekyll new`'s shape: no permalink in _config.yml (Jekyll's default puts categories in
    # the URL), the welcome post with categories, pages in .markdown
    blog = make_site({
        "_config.yml": "title: Your awesome title\n",
        "_posts/2024-03-19-welcome-to-jekyll.markdown":
            '---\nlayout: post\ntitle: "Welcome to Jekyll!"\ndate: 2024-03-19 10:00:00 +0000\n'
            "categories: jekyll update\n---\nYou will find this post in `_posts`.\n",
        "_posts/2024-03-20-notes.mkd": "---\ntitle: Notes\n---\nNotes.\n",
        "about.markdown": "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nAbout me.\n",
        "projects.markdown": "---\ntitle: Projects\n---\nProjects.\n",
    }, tmp_path / "blog")
    jekyll = sorted("/" + name for name in jekyll_build(blog, tmp_path / "j")
                    if name.endswith(".html"))
    import_site(blog, tmp_path / "new")
    assert sorted(p.name for p in (tmp_path / "new").glob("*.md")) == ["about.md", "projects.md"]
    build_new(tmp_path)
    ours = {"/" + p.relative_to(tmp_path / "new/_site").as_posix()
            for p in (tmp_path / "new/_site").rglob("*.html")}
    assert jekyll == ["/2024/03/20/notes.html", "/about/index.html",
                      "/jekyll/update/2024/03/19/welcome-to-jekyll.html", "/projects.html"]
    assert set(jekyll) <= ours


def test_static_files_are_published_and_excluded_ones_are_not(make_site, tmp_path) -> None:
    blog = make_site({
        "_config.yml": "title: T\nexclude: [notes, '*.gemspec', '*.sh', files/private]\n"
                       "future: true\n",
        "deploy.sh": "rsync -a _site/ host:/www\n",
        "files/private/notes.txt": "private\n",
        "_posts/2020-01-01-a.md": "---\ntitle: A\n---\n[CV](/files/cv.pdf)\n",
        "files/cv.pdf": b"%PDF-1.4 a CV\n",
        "files/demo.html": "<p>An iframe's page, no front matter.</p>\n",
        "favicon.ico": b"\x00\x00\x01\x00",
        "CNAME": "blog.example.org\n",
        "google1234.html": "google-site-verification: google1234.html\n",
        "robots.txt": "User-agent: *\nDisallow: /private/\n",
        "notes/private.md": "---\ntitle: Private\n---\nNot for the site.\n",
        "feed.xml": "---\nlayout: null\n---\n<rss>{{ site.title }}</rss>\n",
    }, tmp_path / "blog")
    jekyll = jekyll_build(blog, tmp_path / "j")
    assert jekyll == ["2020/01/01/a.html", "CNAME", "favicon.ico", "feed.xml", "files/cv.pdf",
                      "files/demo.html", "google1234.html", "robots.txt"]
    report = import_site(blog, tmp_path / "new")
    config = tomllib.loads((tmp_path / "new/pyproject.toml").read_text())["tool"]["nbpress"]
    assert config["static"] == ["CNAME", "favicon.ico", "files", "google1234.html", "robots.txt"]
    assert config["exclude"] == ["notes", "files/private"]
    assert report.not_carried == [
        "_config.yml setting 'future: true': nbpress builds posts dated after now only with "
        "--future",
        "_config.yml exclude patterns *.gemspec, *.sh (nbpress's exclude takes paths)",
        "feed.xml — a page with front matter (Liquid) in a file nbpress does not build as a "
        "page; nbpress writes its own feed.xml, sitemap.xml and robots.txt"]
    build_new(tmp_path)
    out = tmp_path / "new/_site"
    for name in jekyll:
        if name.endswith(".html") and "/" in name and name.startswith("20"):
            continue  # the post: rendered by nbpress's theme
        if name != "feed.xml":  # nbpress's own
            assert (out / name).read_bytes() == (tmp_path / "j" / name).read_bytes(), name
    assert not (out / "notes").exists() and not (out / "files/private").exists()
    assert not (out / "deploy.sh").exists() and not (tmp_path / "new/deploy.sh").exists()


@pytest.mark.parametrize("timezone", ["America/New_York", None])
def test_a_date_with_its_own_offset_is_dated_in_the_site_s_timezone(make_site, tmp_path,
                                                                    timezone) -> None:
    # 23:30 at -0700 is 02:30 the next day in New York, and 06:30 the next day in UTC (Jekyll
    # on GitHub Pages): the URL's day is that one
    config = "title: T\npermalink: /:year/:month/:day/:title/\n" + (
        f"timezone: {timezone}\n" if timezone else "")
    blog = make_site({"_config.yml": config, "_posts/2021-05-04-late.md":
                      "---\ntitle: Late\ndate: 2021-05-04 23:30:00 -0700\n---\n"
                      '{{ page.date | date: "%Y-%m-%d %H:%M %z" }}\n'}, tmp_path / "blog")
    env = {**os.environ, "TZ": "UTC"}  # Jekyll without a timezone: the machine's, as on Pages
    jekyll = jekyll_build(blog, tmp_path / "j", env)
    import_site(blog, tmp_path / "new")
    build_new(tmp_path)
    [page] = [name for name in jekyll if name.endswith(".html")]
    assert page == "2021/05/05/late/index.html"
    ours = Page.read(tmp_path / "new/_site" / page).plain
    theirs = Page.read(tmp_path / "j" / page).plain
    shown = "2021-05-05 02:30 -0400" if timezone else "2021-05-05 06:30 +0000"
    assert shown in theirs and shown in ours


def test_a_kramdown_comment_stays_hidden(make_site, tmp_path) -> None:
    blog = make_site({"_config.yml": "title: T\n", "_posts/2020-01-01-a.md":
                      "---\ntitle: A\n---\nShown.\n\n{::comment}\nA secret draft.\n{:/comment}\n"},
                     tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert post_report(report, "2020-01-01-a.md").look[0][1].startswith(
        "1 kramdown comment(s) {::comment}…{:/comment}, hidden on the blog, written as HTML")
    build_new(tmp_path)
    page = Page.read(tmp_path / "new/_site/2020/01/01/a.html")
    assert "Shown." in page.plain and "secret" not in page.plain


def test_fastpages_notebooks_are_posts_with_their_own_outputs(make_site, tmp_path) -> None:
    # fastpages turned _notebooks/*.ipynb into posts when it built: they are the blog's
    import json

    import nbformat

    chart = base64.b64encode(png_bytes(30, 20)).decode()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Fitting a Line\n\n> With numpy.\n- toc: true\n"
                                      "- categories: [numpy]\n- badges: true"),
        nbformat.v4.new_markdown_cell("Our logo: ![logo](my_icons/logo.png)"),
        nbformat.v4.new_code_cell("#hide\nimport numpy as np"),
        nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": "\n".join(  # wrapped, as Colab writes it
                chart[i:i + 76] for i in range(0, len(chart), 76)), "text/plain": "<Figure>"})])])
    blog = make_site({"_config.yml": "title: T\npermalink: /:title/\n",
                      "_notebooks/2020-02-20-Fitting-A-Line.ipynb": nbformat.writes(nb),
                      "_notebooks/my_icons/logo.png": png_bytes(8, 8)}, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    [post] = report.posts
    assert (post.source, post.target, post.kind, post.outputs) == (
        "_notebooks/2020-02-20-Fitting-A-Line.ipynb", "posts/2020-02-20-fitting-a-line.ipynb",
        "fastpages notebook, 2 code cell(s)", 1)
    assert "_notebooks" not in " ".join(report.not_carried)
    first = json.loads((tmp_path / "new/posts/2020-02-20-fitting-a-line.ipynb").read_text())
    assert "".join(first["cells"][0]["source"]).endswith("- permalink: /Fitting-A-Line/")
    explain = run_build("--root", str(tmp_path / "new"), "--explain")
    assert ("posts/2020-02-20-fitting-a-line.ipynb: imported from _notebooks/2020-02-20-"
            "Fitting-A-Line.ipynb (not executed), up to date") in explain.stderr
    result = run_build("--root", str(tmp_path / "new"))
    assert result.returncode == 0 and "executing" not in result.stderr, result.stderr
    page = Page.read(tmp_path / "new/_site/Fitting-A-Line/index.html")
    assert page.all("title")[0].text.startswith("Fitting a Line")
    assert "toc: true" not in page.plain and "import numpy" not in page.plain
    for img in page.imgs:  # (a relative one from the page's folder)
        src = posixpath.normpath(posixpath.join("/Fitting-A-Line/", img["src"]))
        assert (tmp_path / "new/_site" / src.lstrip("/")).is_file(), img["src"]
    assert len(page.imgs) == 2


def test_a_page_listing_the_posts_with_liquid_is_left_to_nbpress(make_site, tmp_path) -> None:
    # the most common Jekyll home page: nbpress's pages have no site.posts in their Liquid
    blog = make_site({
        "_config.yml": "title: T\n",
        "_posts/2020-01-01-a.md": "---\ntitle: A\n---\nA.\n",
        "index.html": "---\nlayout: default\n---\n<ul>{% for post in site.posts %}<li>"
                      "{{ post.title }}</li>{% endfor %}</ul>\n",
        "blog/index.html": "---\n---\n{% for post in paginator.posts %}{{ post.url }}{% endfor %}",
        "about.md": "---\ntitle: About\n---\nAbout.\n",
    }, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert [item.split(" — ")[0] for item in report.not_carried] == ["blog/index.html",
                                                                     "index.html"]
    assert not (tmp_path / "new/index.html").exists() and (tmp_path / "new/about.md").exists()
    build_new(tmp_path)
    assert "/2020/01/01/a.html" in Page.read(tmp_path / "new/_site/index.html").hrefs


def test_fastpages_folder_edge_cases_are_reported_not_published(make_site, tmp_path) -> None:
    import nbformat

    empty = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    blog = make_site({
        "_config.yml": "title: T\n",
        "_notebooks/README.md": "# Auto-convert Jupyter Notebooks To Posts\n",
        "_notebooks/test.ipynb": empty,  # undated: fastpages dated it itself
        "_notebooks/2020-01-01-Broken.ipynb": "version https://git-lfs.github.com/spec/v1\n",
        "_notebooks/2020-01-02-Untitled-Thing.ipynb": empty,
    }, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert sorted(p.name for p in (tmp_path / "new/posts").iterdir()) == [
        "2020-01-02-untitled-thing.ipynb"]
    assert [i.split(" — ")[0] for i in report.not_carried if i.startswith("_notebooks")] == [
        "_notebooks/README.md", "_notebooks/test.ipynb"]
    broken, untitled = report.posts
    assert broken.kind == "not imported" and broken.look[0][1].startswith(
        "not a notebook nbpress can read (JSONDecodeError: ")
    assert untitled.look[0][1].startswith("no title: fastpages titles it from the file name")
    build_new(tmp_path)
    page = Page.read(tmp_path / "new/_site/2020/01/02/Untitled-Thing.html")
    assert page.all("title")[0].text.startswith("Untitled Thing")


def test_a_blog_without_config_gets_jekyll_s_default_permalink(make_site, tmp_path) -> None:
    blog = make_site({"_posts/2024-03-19-welcome.md":
                      "---\ntitle: W\ncategories: jekyll update\n---\nHi.\n"}, tmp_path / "blog")
    import_site(blog, tmp_path / "new")
    [post] = discover(load_config(tmp_path / "new"))[0]
    assert post.url == "/jekyll/update/2024/03/19/welcome.html"  # as Jekyll's "date" style


def test_kramdown_inline_math_is_written_as_inline_math(make_site, tmp_path) -> None:
    # kramdown: $$…$$ in a line of text is inline math; only a paragraph of its own is display
    body = ("The loss is minimised where $$\\theta$$ is the parameter and $$x_t$$ the input.\n\n"
            "$$E = mc^2$$\n\n- $$P_6$$ is a conv on top of $$C_5$$\n\nCode `$$x$$` stays.\n\n"
            "```\n$$y$$ in a fence stays\n```\n")
    blog = make_site({"_config.yml": "title: T\n",
                      "_posts/2021-07-11-m.md": f"---\ntitle: M\n---\n{body}"}, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert post_report(report, "2021-07-11-m.md").look == [
        (0, "4 inline $$…$$ (kramdown's inline math, which nbpress would show as display math) "
            "written as $…$")]
    text = (tmp_path / "new/posts/2021-07-11-m.md").read_text()
    assert "where $\\theta$ is the parameter and $x_t$ the input." in text
    assert "\n$$E = mc^2$$\n" in text and "- $P_6$ is a conv on top of $C_5$" in text
    assert "`$$x$$`" in text and "$$y$$ in a fence" in text
    result = run_build("--root", str(tmp_path / "new"))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    page = Page.read(tmp_path / "new/_site/2021/07/11/m.html")
    assert len(page.all("span", **{"class": "math inline"})) == 4
    assert len(page.all("div", **{"class": "math block"})) == 1


def test_post_url_follows_a_post_whose_file_was_renamed(make_site, tmp_path) -> None:
    blog = make_site({
        "_config.yml": "title: T\n",
        "_posts/2017-08-20-from-GAN-to-WGAN.md": "---\ntitle: GAN\n---\nGANs.\n",
        "_posts/2018-01-01-later.md": "---\ntitle: Later\n---\nSee [the GAN post]"
                                      "({% post_url 2017-08-20-from-GAN-to-WGAN %}).\n",
    }, tmp_path / "blog")
    jekyll = jekyll_build(blog, tmp_path / "j")
    assert "2017/08/20/from-GAN-to-WGAN.html" in jekyll
    import_site(blog, tmp_path / "new")
    assert "{% post_url 2017-08-20-from-gan-to-wgan %}" in (
        tmp_path / "new/posts/2018-01-01-later.md").read_text()
    build_new(tmp_path)
    page = Page.read(tmp_path / "new/_site/2018/01/01/later.html")
    assert "/2017/08/20/from-GAN-to-WGAN.html" in page.hrefs
    assert (tmp_path / "new/_site/2017/08/20/from-GAN-to-WGAN.html").is_file()


def test_pages_a_theme_layout_makes_are_left_out_and_others_get_a_template(make_site,
                                                                          tmp_path) -> None:
    blog = make_site({
        "_config.yml": "title: T\n",
        "_posts/2018-01-01-a.md": "---\ntitle: A\ntags: [nlp]\n---\nA.\n",
        "tag/nlp.md": "---\nlayout: tagpage\ntitle: 'Tag: nlp'\ntag: nlp\n---\n",
        "tags.html": "---\nlayout: default\n---\n{% for tag in site.tags %}{{ tag[0] }}{% endfor %}",
        "notes.md": "---\nlayout: notes\ntitle: Notes\n---\nMy reading notes.\n",
    }, tmp_path / "blog")
    report = import_site(blog, tmp_path / "new")
    assert [i.split(" — ")[0] for i in report.not_carried if " — " in i] == [
        "tag/nlp.md", "tags.html"]
    assert "layout 'notes' of the Jekyll theme: templates/notes.html added, showing those pages " \
           "with nbpress's page layout" in report.not_carried
    build_new(tmp_path)
    assert "My reading notes." in Page.read(tmp_path / "new/_site/notes.html").plain
    assert (tmp_path / "new/_site/tags/nlp/index.html").is_file()  # nbpress's own tag page


def test_jekyll_post_names_and_urls() -> None:
    assert jekyll_post_name("2019-3-5-a b.md") is not None
    assert jekyll_post_name("notes.md") is None and jekyll_post_name("2019-02-30-x.md") is None
    date, title, ext = jekyll_post_name("2017-05-05-changelog.md.md")
    assert (title, ext) == ("changelog.md", ".md")
    assert jekyll_url({"categories": "Machine-Learning tutorial"}, {"permalink": "pretty"},
                      date, "My Post!") == "/machine-learning/tutorial/2017/05/05/My-Post!/"


def test_refuses_an_existing_folder_and_a_folder_that_is_not_a_jekyll_site(tmp_path, make_blog):
    blog = make_blog()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    with pytest.raises(NbpressError) as taken:
        import_site(blog, tmp_path / "taken")
    assert str(taken.value) == (f"{tmp_path / 'taken'} already exists; nbpress import never "
                                "writes into an existing folder. Choose a new folder for "
                                "the imported site, or remove this one first.")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["keep.txt"]
    with pytest.raises(NbpressError, match="is not a Jekyll site"):
        import_site(tmp_path / "taken", tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_the_command_line_imports_and_prints_the_report(tmp_path, make_blog) -> None:
    blog = make_blog()
    result = run_build("import", str(blog), "--to", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr
    assert ("_posts/2020-01-05-digits.md → posts/2020-01-05-digits.md (exported notebook, "
            "3 output(s) imported)") in result.stdout
    assert ("  needs a look: line 38: image '/images/2020-01-05-digits_files/2020-01-05-digits_"
            "6_0.png' is not in the blog; left out of the cell's outputs") in result.stdout
    again = run_build("import", str(blog), "--to", str(tmp_path / "new"))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_seed_post_imports_as_this_repository_holds_it_minus_later_additions(tmp_path):
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_posts" / SEED.name).write_text(SEED.read_text())
    report = import_site(blog, tmp_path / "new")
    imported = (tmp_path / "new" / "posts" / SEED.name).read_text().splitlines()
    ours = (REPO / "posts" / SEED.name).read_text().splitlines()
    changes = difflib.SequenceMatcher(None, imported, ours, autojunk=False).get_opcodes()
    assert [op for op in changes if op[0] not in ("equal", "insert")] == []
    assert not [line for line in imported if re.match(r"!\[(png|svg)\]", line)]
    [post] = report.posts
    assert post.removed == [(109, "image line"), (134, "image line")]
    assert [n for n, _ in post.look] == [109, 134]  # the export's files were never committed


def test_an_imported_blog_builds_without_a_kernel(imported) -> None:
    root = imported[0]
    explain = run_build("--root", str(root), "--explain")
    assert ("posts/2020-01-05-digits.md: imported from _posts/2020-01-05-digits.md (not "
            "executed), up to date") in explain.stderr
    result = run_build("--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "executing" not in result.stderr
    assert "BASE_PATH, page.author shown as empty text" in result.stderr
    for url in ("2017/05/05/changelog.md.html", "2018/07/01/Old-Notes.html",
                "2021/07/01/training-loops.html"):  # a theme layout, no front matter, code
        assert (root / "_site" / url).is_file(), url
    pages = [Page.read(p) for p in sorted((root / "_site").rglob("*.html"))
             if p.stem in ("fitting-a-line", "digits", "weekly-report")]
    assert len(pages) == 3
    images = [img["src"] for page in pages for img in page.imgs]
    assert len(images) == 5  # 1 + 2 recorded outputs, the no-input post's image, the kept one
    for src in images:
        assert (root / "_site" / src.lstrip("/")).is_file() or src.startswith("data:"), src
    fitting = next(p for p in pages if "Fitting a line" in p.plain)
    assert "outputs imported from the original export; not executed by nbpress" in \
        fitting.plain.lower()
    post = root / "posts/2020-01-05-digits.md"
    post.write_text(post.read_text().replace("show_digit(7)", "show_digit(8)"))
    edited = run_build("--root", str(root), "--explain")
    assert "posts/2020-01-05-digits.md: would execute: code changed" in edited.stderr


@pytest.mark.kernel
def test_refresh_replaces_the_imported_outputs_with_a_real_run(imported) -> None:
    root = imported[0]
    result = run_build("--root", str(root), "--refresh", "2019-03-10-fitting-a-line")
    assert result.returncode == 0, result.stderr
    assert "executing posts/2019-03-10-fitting-a-line.md" in result.stderr
    assert "executing posts/2020-01-05-digits.md" not in result.stderr
    record, nb = stored(root, "2019-03-10-fitting-a-line")
    assert record.imported_from == "" and record.python
    first, _, third, _ = code_outputs(nb)
    assert [o.get("text") for o in first] == ["3\n"]  # the export was made with Python 2
    assert [sorted(o.data) for o in third if o.output_type == "display_data"] == \
        [["image/png", "text/plain"]]
    page = Page.read(next((root / "_site").rglob("fitting-a-line.html")))
    assert "not executed by nbpress" not in page.plain
    assert "The code on this page ran on" in page.plain


def test_a_record_without_imported_from_still_loads_and_a_wrong_type_does_not(tmp_path):
    import nbformat

    record = entries.store(tmp_path, "p", nbformat.v4.new_notebook(), key="k", seconds=1.0,
                           python="3.12", files={}, packages={})
    path = entries.entry_dir(tmp_path, "p") / "record.json"
    data = yaml.safe_load(path.read_text())
    assert record.imported_from == "" and data["imported_from"] == ""
    del data["imported_from"]
    path.write_text(__import__("json").dumps(data))
    assert entries.load_record(tmp_path, "p")[0] == record
    path.write_text(__import__("json").dumps({**data, "imported_from": 3}))
    assert entries.load_record(tmp_path, "p") == (
        None, "cache entry damaged (record.json: a field has the wrong type)")



