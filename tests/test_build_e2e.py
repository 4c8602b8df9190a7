"""End-to-end builds of small sites through the real command line, with real kernels."""

from __future__ import annotations

import json

import pytest

from conftest import Page

pytestmark = pytest.mark.kernel


POST = """\
---
title: Numbers and a figure
tags: [demo, numpy]
description: A small post.
---

First paragraph with [a link]({{ site.baseurl }}/assets/x.txt) in {{site.title}}.

<!--
```python
open("COMMENT_RAN", "w").write("x")
```
-->

```python
import numpy as np
print("mean is", np.arange(10).mean())
```

```bash
touch BASH_RAN
```

<details>
<summary>Plot</summary>

```python tags=["hide-input"]
import matplotlib.pyplot as plt
plt.plot([1, 4, 9]); plt.show()
```

</details>

```python tags=["raises-exception"]
raise ValueError("shown on purpose")
```

```python tags=["skip-execution"]
open("SKIPPED_RAN", "w").write("x")
```

```python tags=["remove-cell"]
print("REMOVED CELL OUTPUT")
```

```python

```
"""


def _site(make_site, extra=None, pyproject=None):
    files = {"posts/2024-02-03-numbers.md": POST, "assets/x.txt": "asset\n"}
    if pyproject:
        files["pyproject.toml"] = pyproject
    files.update(extra or {})
    return make_site(files)


def test_build_renders_outputs_figures_and_tags(make_site, build):
    root = _site(make_site, pyproject='[tool.nbpress]\ntitle = "Lab notes"\nbaseurl = "/blog"\n')
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    page_path = root / "_site/2024/02/03/numbers.html"
    page = Page.read(page_path)
    assert "mean is 4.5" in page.plain
    assert "Lab notes" in page.plain
    assert "shown on purpose" in page.plain  # the raises-exception cell's error is shown
    imgs = [a for a in page.all("img") if "numbers_files" in a["src"]]
    assert len(imgs) == 1
    src = imgs[0]["src"]
    assert src.startswith("/blog/2024/02/03/numbers_files/numbers_") and src.endswith(".png")
    assert int(imgs[0]["width"]) > 0 and int(imgs[0]["height"]) > 0
    assert (root / "_site" / src.removeprefix("/blog/")).is_file()
    assert len(page.all("div", class_="cell", inside="details")) == 1  # stays inside
    assert page.all("details", **{"class": "hidden-input"})
    links = [a["href"] for a in page.all("a")]
    assert "/blog/assets/x.txt" in links
    assert (root / "_site/assets/x.txt").read_text() == "asset\n"
    # Code in a comment and in a bash fence never ran; the bash block is shown.
    assert not (root / "posts/COMMENT_RAN").exists()
    assert not (root / "posts/BASH_RAN").exists()
    assert not (root / "posts/SKIPPED_RAN").exists()  # skip-execution: shown, not run
    assert 'open("SKIPPED_RAN"' in page.plain
    assert "REMOVED CELL OUTPUT" not in page_path.read_text()  # remove-cell: ran, not shown
    assert "touch BASH_RAN" in page.plain
    assert "COMMENT_RAN" not in page_path.read_text()
    assert "title: Numbers" not in page.plain  # front matter never shown
    # The executed notebook is offered for download, with its outputs.
    nb = json.loads((root / "_site/2024/02/03/numbers_files/numbers.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 5 and code[0]["outputs"]
    index = Page.read(root / "_site/index.html")
    assert "/blog/2024/02/03/numbers.html" in [a["href"] for a in index.all("a")]


FAILING = """\
---
title: Broken
---

Text.

```python
x = 1
```

```python
def f():
    return 1 / 0

f()
```
"""


def test_failing_cell_names_file_line_and_keeps_previous_site(make_site, build):
    root = _site(make_site)
    assert build("--root", str(root)).returncode == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "posts/2024-03-01-broken.md").write_text(FAILING)
    result = build("--root", str(root))
    assert result.returncode == 1
    assert "2024-03-01-broken.md:15 (cell 2): the code raised ZeroDivisionError: division by " \
           "zero." in result.stderr
    assert "\x1b[" not in result.stderr  # traceback without ANSI codes
    assert "Traceback" not in result.stderr.split("ZeroDivisionError")[0]  # none of nbpress's
    after = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    assert after == before


def test_keep_going_reports_every_failure(make_site, build):
    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n```python\nraise KeyError('a')\n```\n",
        "posts/2024-01-02-b.md": "---\ntitle: B\n---\n\n```python\nprint('fine')\n```\n",
        "posts/2024-01-03-c.md": "---\ntitle: C\n---\n\n```python\ninput('name? ')\n```\n",
    })
    result = build("--root", str(root), "--keep-going")
    assert result.returncode == 1
    assert "2024-01-01-a.md:6 (cell 1): the code raised KeyError" in result.stderr
    assert "2024-01-03-c.md:6 (cell 1): the code raised StdinNotImplementedError" in result.stderr
    assert "replace input() with a value" in result.stderr
    assert "2 post(s) failed" in result.stderr
    assert not (root / "_site").exists()


def test_timeout_and_dead_kernel_fail_fast(make_site, build):
    root = make_site({
        "pyproject.toml": "[tool.nbpress.execute]\ntimeout = 3\n",
        "posts/2024-01-01-slow.md": "---\ntitle: Slow\n---\n\n```python\nimport time\n"
                                    "time.sleep(60)\n```\n",
        "posts/2024-01-02-dies.md": "---\ntitle: Dies\n---\n\n```python\nimport os\n"
                                    "os._exit(3)\n```\n",
    })
    result = build("--root", str(root), "--keep-going", timeout=120)
    assert result.returncode == 1
    assert "2024-01-01-slow.md:5 (cell 1): the cell did not finish within 3 s" in result.stderr
    assert "2024-01-02-dies.md:5 (cell 1): the kernel died" in result.stderr


def test_unknown_kernel_and_usage_errors(make_site, build):
    root = make_site({
        "pyproject.toml": '[tool.nbpress.execute]\nkernel = "nope"\n',
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n```python\n1\n```\n",
    })
    result = build("--root", str(root))
    assert result.returncode == 1
    assert "the kernel 'nope' is not installed" in result.stderr and "python3" in result.stderr
    assert build("--no-such-flag").returncode == 2
    assert build("build", "--root", str(root / "missing")).returncode == 1


def test_bad_config_is_one_clear_error(make_site, build):
    root = make_site({"pyproject.toml": "[tool.nbpress]\ntitel = 'x'\n",
                      "posts/2024-01-01-a.md": "---\ntitle: A\n---\ntext\n"})
    result = build("--root", str(root))
    assert result.returncode == 1
    assert "unknown key 'tool.nbpress.titel' (did you mean 'title'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_nbpress_and_theme_override(make_site):
    import subprocess
    import sys

    root = make_site({
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\nHello.\n",
        "templates/index.html": "<!DOCTYPE html><title>custom</title><p>CUSTOM INDEX</p>\n",
    })
    result = subprocess.run([sys.executable, "-m", "nbpress"], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "CUSTOM INDEX" in (root / "_site/index.html").read_text()
    assert "Hello." in (root / "_site/2024/01/01/a.html").read_text()  # default post template
    assert (root / "_site/assets/css/style.css").is_file()  # default theme assets


def test_broken_local_image_is_a_warning(make_site, build):
    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n![png]({{site.baseurl}}"
                                               "/images/old_2_0.png)\n"})
    result = build("--root", str(root))
    assert result.returncode == 0
    assert "2024-01-01-a.md:5: warning: the image '/images/old_2_0.png' is not in the built site" \
        in result.stderr


def test_ipynb_post_and_jupytext_pair(make_site, build):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("---\ntitle: From a notebook\ndate: 2024-05-06\n---"),
                nbformat.v4.new_markdown_cell("Notebook prose."),
                nbformat.v4.new_code_cell("print(6 * 7)", outputs=[]),
                nbformat.v4.new_code_cell("")]
    paired = nbformat.v4.new_notebook()
    paired.cells = [nbformat.v4.new_code_cell("print('stale ipynb copy')")]
    root = make_site({
        "posts/nb-post.ipynb": nbformat.writes(nb),
        "posts/2024-01-01-pair.md": "---\ntitle: Pair\n---\n\n```python\nprint('from md')\n```\n",
        "posts/2024-01-01-pair.ipynb": nbformat.writes(paired),
    })
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    page = Page.read(root / "_site/2024/05/06/nb-post.html")
    assert "Notebook prose." in page.plain and "42" in page.plain
    assert "title: From a notebook" not in page.plain
    pair = Page.read(root / "_site/2024/01/01/pair.html").plain
    assert "from md" in pair and "stale ipynb copy" not in pair
