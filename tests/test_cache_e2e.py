"""The execution cache with real kernels: found dependencies, damage, clones, --execute."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

import pytest

pytestmark = pytest.mark.kernel

POST = """\
---
title: Reads data
---

Some prose.

```python
import helper
rows = open("table.csv").read().splitlines()
print("rows:", len(rows), helper.double(len(rows)))
```
"""


@pytest.fixture
def site(make_site):
    return make_site({
        "posts/2024-01-01-data.md": POST,
        "posts/table.csv": "a,b\n1,2\n",
        "posts/helper.py": "def double(x):\n    return 2 * x\n",
    })


def _executed(stderr: str) -> bool:
    return "executing posts/2024-01-01-data.md" in stderr


def test_found_dependencies_decide_reexecution(site, build):
    first = build("--root", str(site))
    assert first.returncode == 0, first.stderr
    assert _executed(first.stderr)
    page = site / "_site/2024/01/01/data.html"
    assert "rows: 2 4" in page.read_text()
    record = json.loads((site / "_executed/2024-01-01-data/record.json").read_text())
    assert set(record["files"]) == {"posts/table.csv", "posts/helper.py"}

    # Prose edit: re-rendered, no kernel.
    text = (site / "posts/2024-01-01-data.md").read_text().replace("Some prose.", "New prose.")
    (site / "posts/2024-01-01-data.md").write_text(text)
    second = build("--root", str(site))
    assert second.returncode == 0 and not _executed(second.stderr)
    assert "New prose." in page.read_text() and "rows: 2 4" in page.read_text()

    # The data file changes: the reason is named, by --explain and by the build.
    (site / "posts/table.csv").write_text("a,b\n1,2\n3,4\n")
    explain = build("--root", str(site), "--explain")
    assert "posts/2024-01-01-data.md: would execute: posts/table.csv changed" in explain.stdout \
        + explain.stderr
    third = build("--root", str(site))
    assert "executing posts/2024-01-01-data.md (1 code cells): posts/table.csv changed" \
        in third.stderr
    assert "rows: 3 6" in page.read_text()

    # A local module changes.
    (site / "posts/helper.py").write_text("def double(x):\n    return 20 * x\n")
    fourth = build("--root", str(site))
    assert "posts/helper.py changed" in fourth.stderr and "rows: 3 60" in page.read_text()

    # Touching a file without changing it does not re-run (content hash after mtime).
    os.utime(site / "posts/table.csv", (1, 1))
    touched = build("--root", str(site))
    assert touched.returncode == 0 and not _executed(touched.stderr), touched.stderr


def test_damaged_entry_is_reexecuted_never_rendered(site, build):
    assert build("--root", str(site)).returncode == 0
    nb = site / "_executed/2024-01-01-data/notebook.ipynb"
    nb.write_text(nb.read_text().replace("rows: 2 4", "rows: 666"))
    result = build("--root", str(site))
    assert "cache entry damaged" in result.stderr and _executed(result.stderr)
    assert "rows: 2 4" in (site / "_site/2024/01/01/data.html").read_text()


def test_clone_builds_from_cache_and_never_fails_when_stale(site, build, tmp_path):
    assert build("--root", str(site)).returncode == 0
    clone = tmp_path / "clone"
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("_site"))
    for path in clone.rglob("*"):  # a fresh checkout has new mtimes
        os.utime(path, (2, 2))
    result = build("--root", str(clone), "--execute", "never")
    assert result.returncode == 0, result.stderr
    assert not _executed(result.stderr)
    assert "rows: 2 4" in (clone / "_site/2024/01/01/data.html").read_text()

    (clone / "posts/2024-01-01-data.md").write_text(POST.replace("len(rows)", "len(rows) + 1", 1))
    stale = build("--root", str(clone), "--execute", "never")
    assert stale.returncode == 1
    assert "--execute never, but 1 post(s) have no up-to-date execution in _executed/:" \
        in stale.stderr
    assert "posts/2024-01-01-data.md: code changed" in stale.stderr

    forced = build("--root", str(site), "--refresh", "2024-01-01-data")
    assert forced.returncode == 0, forced.stderr
    assert "executing posts/2024-01-01-data.md (1 code cells): --refresh" in forced.stderr


def test_a_run_again_with_the_same_outputs_shows_its_own_time(site, build, tmp_path):
    """--refresh runs a post again; its outputs are the same, its time is not: the page
    says when the code last ran, as a fresh build from the cache does."""
    assert build("--root", str(site)).returncode == 0
    page = site / "_site/2024/01/01/data.html"
    first = re.search(r'ran on <time datetime="([^"]+)"', page.read_text()).group(1)
    time.sleep(1.1)  # (the time is shown to the second in the page's markup)
    again = build("--root", str(site), "--refresh", "2024-01-01-data")
    assert again.returncode == 0 and _executed(again.stderr), again.stderr
    record = json.loads((site / "_executed/2024-01-01-data/record.json").read_text())
    shown = re.search(r'ran on <time datetime="([^"]+)"', page.read_text()).group(1)
    assert shown != first and shown[:19] == record["executed_at"][:19]
    clone = tmp_path / "clone"
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("_site", ".nbpress-cache"))
    assert build("--root", str(clone), "--execute", "never").returncode == 0
    assert (clone / "_site/2024/01/01/data.html").read_bytes() == page.read_bytes()


WIDGET_POST = """\
---
title: A slider
---

Drag it.

```python
import ipywidgets as widgets
widgets.IntSlider(value=3, description="epochs")
```
"""


def test_a_page_from_the_cache_keeps_the_widgets_and_notebook_its_run_made(make_site, build,
                                                                           tmp_path):
    site = make_site({"posts/2024-01-01-slider.md": WIDGET_POST})
    page, download = "_site/2024/01/01/slider.html", "_site/2024/01/01/slider_files/slider.ipynb"
    first = build("--root", str(site))
    assert first.returncode == 0 and "warning" not in first.stderr, first.stderr
    ran = (site / page).read_text()
    assert '<script type="application/vnd.jupyter.widget-state+json">' in ran
    assert json.loads((site / download).read_text())["metadata"]["language_info"][
        "file_extension"] == ".py"  # the kernel's, as Jupyter saves it

    # A prose edit renders the page from the cache: the widget and the download are kept.
    text = (site / "posts/2024-01-01-slider.md").read_text()
    (site / "posts/2024-01-01-slider.md").write_text(text.replace("Drag it.", "Drag it!"))
    again = build("--root", str(site))
    assert again.returncode == 0 and "warning" not in again.stderr, again.stderr
    assert not _executed(again.stderr) and "Drag it!" in (site / page).read_text()
    assert (site / page).read_text() == ran.replace("Drag it.", "Drag it!")

    # Published from a clone's committed cache, without running anything: the same site.
    clone = tmp_path / "clone"
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("_site", ".nbpress-cache"))
    published = build("--root", str(clone), "--execute", "never")
    assert published.returncode == 0 and "warning" not in published.stderr, published.stderr
    for name in (page, download):
        assert (clone / name).read_bytes() == (site / name).read_bytes(), name


def test_failed_runs_are_never_cached(make_site, build):
    root = make_site({"posts/2024-01-01-x.md": "---\ntitle: X\n---\n\n```python\n1/0\n```\n"})
    assert build("--root", str(root)).returncode == 1
    assert not (root / "_executed/2024-01-01-x").exists()


def test_parallel_and_serial_builds_are_identical(make_site, build, tmp_path):
    files = {f"posts/2024-01-0{i}-p{i}.md":
             f"---\ntitle: P{i}\n---\n\nText {i}.\n\n```python\nimport matplotlib.pyplot as plt\n"
             f"plt.plot(range({i + 2})); plt.show()\nprint({i} * 7)\n```\n" for i in range(1, 5)}
    serial = make_site(files, tmp_path / "serial")
    parallel = make_site(files, tmp_path / "parallel")
    assert build("--root", str(serial), "--jobs", "1").returncode == 0
    assert build("--root", str(parallel), "--jobs", "4").returncode == 0

    def tree(root):
        # The marker file names the build (an id), the search index's record names the files
        # it indexed (inode, time), and the reproducibility line says when and how long each
        # post ran; everything else must be byte-identical.
        return {p.relative_to(root): re.sub(rb'<aside class="repro".*?</aside>', b"", p.read_bytes(),
                                            flags=re.S)
                for p in sorted(root.rglob("*"))
                if p.is_file() and p.name not in (".nbpress-site", ".pages.json")}

    assert tree(serial / "_site") == tree(parallel / "_site")


def test_incremental_builds_do_only_what_changed(make_site, build):
    files = {f"posts/2024-01-0{i}-p{i}.md": f"---\ntitle: P{i}\n---\n\nText {i}.\n\n```python\n"
             f"print({i} * 11)\n```\n" for i in range(1, 4)}
    root = make_site(files)
    assert build("--root", str(root)).returncode == 0
    site = root / "_site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    reused, rewritten = (site / "2024/01/01/p1_files/p1.ipynb",
                         site / "2024/01/02/p2_files/p2.ipynb")
    inodes = (reused.stat().st_ino, rewritten.stat().st_ino)

    noop = build("--root", str(root))
    assert noop.returncode == 0 and "is up to date" in noop.stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before

    # A prose edit re-renders that post only; the others' files are reused as they were.
    post = root / "posts/2024-01-02-p2.md"
    post.write_text(post.read_text().replace("Text 2.", "Edited text."))
    edit = build("--root", str(root))
    assert edit.returncode == 0 and "executing" not in edit.stderr
    assert "Edited text." in (site / "2024/01/02/p2.html").read_text()
    assert reused.stat().st_ino == inodes[0]  # p1's files hard-linked from the previous site
    assert rewritten.stat().st_ino != inodes[1]  # p2 was rendered again

    # A template change re-renders pages, executes nothing.
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>NEW LAYOUT</p>'
        '{{ page.content | safe }}{% endblock %}\n')
    themed = build("--root", str(root))
    assert themed.returncode == 0 and "executing" not in themed.stderr
    for i in range(1, 4):
        page = (site / f"2024/01/0{i}/p{i}.html").read_text()
        assert "NEW LAYOUT" in page and f"{i * 11}" in page

    # A deleted _site or a lost state file is rebuilt, still without kernels.
    import shutil

    shutil.rmtree(site)
    rebuilt = build("--root", str(root))
    assert rebuilt.returncode == 0 and "executing" not in rebuilt.stderr, rebuilt.stderr
    assert (site / "2024/01/03/p3.html").is_file()
    shutil.rmtree(root / ".nbpress-cache")
    again = build("--root", str(root))
    assert again.returncode == 0 and "executing" not in again.stderr
    assert "Edited text." in (site / "2024/01/02/p2.html").read_text()
