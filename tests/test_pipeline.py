"""The orchestrator (nbpress/pipeline.py): stages in order, errors collected, reports.

No kernel: the fake executor from conftest stands in for nbpress.execute.execute.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nbpress.config import load_config
from nbpress.errors import BuildFailed
from nbpress.pipeline import build

CODE_POST = """\
---
title: With code
---
Some prose.

```python
print(1)
```
"""
PROSE_POST = """\
---
title: Only prose
---
Nothing to run here.
"""


class CountingExecutor:
    """Counts the posts handed to it; runs them with the fake executor."""

    def __init__(self, run) -> None:
        self.run, self.names = run, []

    def __call__(self, doc, config, **options):
        self.names.append(doc.post.path.name)
        return self.run(doc, config, **options)


def test_a_post_without_code_starts_nothing_and_says_no_code(make_site, fake_executor) -> None:
    root = make_site({"posts/2024-01-01-code.md": CODE_POST,
                      "posts/2024-01-02-prose.md": PROSE_POST})
    counting = CountingExecutor(fake_executor)
    log = io.StringIO()
    report = build(load_config(root), executor=counting, log=log)
    assert counting.names == ["2024-01-01-code.md"]
    assert report.posts == ("posts/2024-01-02-prose.md", "posts/2024-01-01-code.md")
    lines = "\n".join(report.lines)
    assert "posts/2024-01-02-prose.md" in lines and "no code" in lines
    assert "executing posts/2024-01-02-prose.md" not in log.getvalue()
    assert (root / "_site/2024/01/02/prose.html").is_file()
    assert not (root / "_executed/2024-01-02-prose").exists()
    # The second build reuses everything and is a no-op.
    again = build(load_config(root), executor=counting, log=io.StringIO())
    assert again.up_to_date and sorted(again.posts) == sorted(report.posts)
    assert counting.names == ["2024-01-01-code.md"]


def test_every_bad_post_is_reported_at_once(make_site, fake_executor) -> None:
    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: [unclosed\n---\n",
                      "posts/2024-01-02-b.md": "---\ndate: 2024-01-02\n---\nNo title.\n",
                      "posts/2024-01-03-c.md": CODE_POST})
    counting = CountingExecutor(fake_executor)
    with pytest.raises(BuildFailed) as info:
        build(load_config(root), executor=counting, log=io.StringIO())
    messages = [str(e) for e in info.value.errors]
    assert len(messages) == 2, messages
    assert "2024-01-01-a.md:3: the front matter is not valid YAML" in messages[0]
    assert messages[1].endswith("2024-01-02-b.md:1: the post has no title. "
                                "Add 'title: Your title' to the front matter, or start the post with a '# Title' heading.")
    assert counting.names == []  # no kernel for a build that cannot succeed
    assert not (root / "_site").exists()


def test_keep_going_runs_the_good_posts_and_still_fails(make_site, fake_executor) -> None:
    root = make_site({"posts/2024-01-01-a.md": "---\ntags: true\ntitle: A\n---\n",
                      "posts/2024-01-03-c.md": CODE_POST})
    counting = CountingExecutor(fake_executor)
    with pytest.raises(BuildFailed) as info:
        build(load_config(root, keep_going=True), executor=counting, log=io.StringIO())
    assert len(info.value.errors) == 1
    assert str(info.value.errors[0]).endswith(
        "2024-01-01-a.md:2: 'tags:' must be a list of names or names separated by spaces. "
        "Write e.g. 'tags: [machine-learning, jax]'.")
    assert counting.names == ["2024-01-03-c.md"]  # its run is cached for next time
    assert (root / "_executed/2024-01-03-c/record.json").is_file()
    assert not (root / "_site").exists()


def test_explain_says_what_would_run_and_changes_nothing(make_site, fake_executor) -> None:
    root = make_site({"posts/2024-01-01-code.md": CODE_POST,
                      "posts/2024-01-02-prose.md": PROSE_POST})
    log = io.StringIO()
    build(load_config(root), executor=fake_executor, log=log, explain=True)
    assert log.getvalue().splitlines() == [
        "posts/2024-01-02-prose.md: cached, up to date",
        "posts/2024-01-01-code.md: would execute: not executed yet"]
    assert not (root / "_site").exists() and not (root / "_executed").exists()


def test_liquid_and_citation_mistakes_stop_the_build_before_any_kernel(
        make_site, fake_executor) -> None:
    root = make_site({
        "posts/2024-01-01-a.md": CODE_POST + "\nSee {{ site.titel }}.\n",
        "posts/2024-01-02-b.md": CODE_POST + "\nAs shown in [@nobody2020].\n",
        "posts/2024-01-03-c.md": CODE_POST})
    counting = CountingExecutor(fake_executor)
    with pytest.raises(BuildFailed) as info:
        build(load_config(root), executor=counting, log=io.StringIO())
    assert counting.names == []
    messages = sorted(str(e) for e in info.value.errors)
    assert len(messages) == 2
    assert "2024-01-01-a.md:10:" in messages[0] and "site.titel" in messages[0]
    assert "2024-01-02-b.md:10:" in messages[1] and "nobody2020" in messages[1]


def test_jekyll_scholar_bibliography_and_cite_tag(make_site, fake_executor) -> None:
    root = make_site({
        "_bibliography/references.bib": "@article{kingma2014,\n  title={Adam: A Method for "
                                        "Stochastic Optimization},\n  author={Kingma, Diederik "
                                        "and Ba, Jimmy},\n  year={2014}\n}\n",
        "posts/2024-01-01-a.md": "---\ntitle: A\n---\nWe train with Adam {% cite kingma2014 %}."
                                 "\n\n{% bibliography %}\n"})
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    html = (root / "_site/2024/01/01/a.html").read_text()
    assert 'href="#ref-1"' in html and "Adam: A Method for Stochastic Optimization" in html


def test_the_page_a_run_makes_is_the_page_its_cache_entry_makes(tmp_path: Path,
                                                                fake_executor) -> None:
    """The run's time and seconds as its record stores them, and the notebook download
    without metadata the run did not write: a later build from the cache (here into
    another folder) makes the very same files."""
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.nbpress]\nsearch = false\n")
    (root / "posts" / "2024-05-01-lr.md").write_text(
        "---\ntitle: LR finder\n---\n\nSweep.\n\n```python\nprint(3e-4)\n```\n")
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    build(load_config(root, out=tmp_path / "again"), executor=fake_executor, log=io.StringIO())
    for name in ("2024/05/01/lr.html", "2024/05/01/lr_files/lr.ipynb"):
        assert (root / "_site" / name).read_text() == (tmp_path / "again" / name).read_text()


def test_the_site_stage_runs_without_the_posts_notebooks(make_site, fake_executor,
                                                          monkeypatch) -> None:
    """The build lets go of every notebook (read, planned, run) before the site stage, which
    needs none: ≈30 MB of a 2,000-post build's peak."""
    import gc
    import weakref

    import nbpress.pipeline as pipeline

    root = make_site({"posts/2024-01-01-code.md": CODE_POST,
                      "posts/2024-01-02-prose.md": PROSE_POST})
    docs: list = []
    read, site = pipeline._read, pipeline._site

    def reading(*args, **kwargs):
        found, warnings = read(*args, **kwargs)
        docs.extend(weakref.ref(doc.notebook) for doc in found)
        docs.extend(weakref.ref(doc) for doc in found)
        return found, warnings

    def site_stage(*args, **kwargs):
        gc.collect()
        assert len(docs) == 4 and [ref() for ref in docs] == [None] * 4
        return site(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_read", reading)
    monkeypatch.setattr(pipeline, "_site", site_stage)
    report = build(load_config(root), executor=fake_executor, log=io.StringIO())
    assert len(report.posts) == 2 and (root / "_site/2024/01/02/prose.html").is_file()
