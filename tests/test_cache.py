"""Cache key and staleness, without kernels."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from nbpress import cache, kernels
from nbpress.config import load_config
from nbpress.discover import read_post
from nbpress.readers import read_post_notebook

BASE = """\
---
title: T
tags: [a]
---

Prose here.

```python
x = 1
```

```python tags=["hide-input"]
print(x)
```
"""


def _key(tmp_path: Path, text: str, **execute) -> str:
    root = tmp_path / "k"
    (root / "posts").mkdir(parents=True, exist_ok=True)
    if execute:
        lines = "".join(f'{k} = "{v}"\n' for k, v in execute.items())
        (root / "pyproject.toml").write_text("[tool.nbpress.execute]\n" + lines)
    path = root / "posts/2024-01-01-t.md"
    path.write_text(textwrap.dedent(text))
    config = load_config(root)
    from zoneinfo import ZoneInfo

    post = read_post(path, config, ZoneInfo("UTC"))
    doc, _ = read_post_notebook(post)
    chosen, _ = kernels.choose(post, kernels.requested(post, doc.notebook.metadata), config,
                               kernels.installed_kernels)
    return cache.cache_key(kernels.assign(doc, chosen), config)


def test_key_ignores_prose_title_tags_and_presentation_tags(tmp_path):
    base = _key(tmp_path, BASE)
    assert _key(tmp_path, BASE.replace("Prose here.", "Other words.")) == base
    assert _key(tmp_path, BASE.replace("title: T", "title: New title")) == base
    assert _key(tmp_path, BASE.replace("tags: [a]", "tags: [b, c]")) == base
    assert _key(tmp_path, BASE.replace('tags=["hide-input"]', 'tags=["remove-output"]')) == base
    assert _key(tmp_path, BASE.replace('```python tags=["hide-input"]', "```python")) == base


def test_key_changes_with_code_order_exec_tags_and_kernel(tmp_path, extra_kernels):
    base = _key(tmp_path, BASE)
    second = "jupyter:\n  kernelspec: {name: py-second, language: python}\n"
    assert _key(tmp_path, BASE.replace("tags: [a]\n", second)) != base
    missing = "jupyter:\n  kernelspec: {name: python2, language: python}\n"
    assert _key(tmp_path, BASE.replace("tags: [a]\n", missing)) == base  # runs in python3
    assert _key(tmp_path, BASE.replace("x = 1", "x = 2")) != base
    assert _key(tmp_path, BASE.replace('tags=["hide-input"]', 'tags=["raises-exception"]')) != base
    assert _key(tmp_path, BASE.replace('tags=["hide-input"]', 'tags=["skip-execution"]')) != base
    assert _key(tmp_path, BASE, kernel="other") != base
    assert _key(tmp_path, BASE, cwd="root") != base
    assert _key(tmp_path, BASE.replace("tags: [a]", "depends: [data.csv]")) != base


def _record(**overrides) -> cache.Record:
    values = dict(key="k", executed_at="", seconds=1.0, python="3.11", notebook_sha256="",
                  files={}, packages={"torch": "2.14.1"}, main_packages=["torch"])
    values.update(overrides)
    return cache.Record(**values)


def test_stale_reasons_name_what_changed(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("1,2\n")
    record = _record(files={"data.csv": cache.fingerprint(data)})
    same = {"torch": "2.14.1"}.get
    assert cache.stale_reason(record, "k", tmp_path, same) == ""
    assert cache.stale_reason(record, "other", tmp_path, same) == "code changed"
    assert cache.stale_reason(record, "k", tmp_path, {"torch": "2.15.0"}.get) == \
        "torch 2.14.1 → 2.15.0"
    assert cache.stale_reason(record, "k", tmp_path, {}.get) == "torch 2.14.1 → not installed"
    data.write_text("1,3\n")
    assert cache.stale_reason(record, "k", tmp_path, same) == "data.csv changed"
    data.unlink()
    assert cache.stale_reason(record, "k", tmp_path, same) == "data.csv is gone"
    assert cache.stale_reason(_record(format=0), "k", tmp_path, same).startswith("cache format")


def test_store_and_load_keep_images_once_by_hash(tmp_path):
    nb = nbformat.v4.new_notebook()
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    out = nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "fig"})
    nb.cells = [nbformat.v4.new_code_cell("plot()", outputs=[out])]
    for stem in ("a", "b"):
        cache.store(tmp_path, stem, nb, key="k", seconds=1, python="3.11", files={},
                    packages={})
    assert len(list((tmp_path / "_executed/_blobs").iterdir())) == 1
    assert png not in (tmp_path / "_executed/a/notebook.ipynb").read_text()
    record, problem = cache.load_record(tmp_path, "a")
    assert problem == "" and record.key == "k"
    assert cache.load_notebook(tmp_path, "a").cells[0].outputs[0]["data"]["image/png"] == png
    assert cache.load_record(tmp_path, "missing") == (None, "not executed yet")
    blob = next((tmp_path / "_executed/_blobs").iterdir())
    blob.unlink()  # a missing image is found before anything is rendered
    assert cache.load_record(tmp_path, "b")[1].startswith("cache entry damaged (image ")
    (tmp_path / "_executed/a/record.json").write_text("{not json")
    assert cache.load_record(tmp_path, "a")[1].startswith("cache entry damaged")


def test_missing_files_are_trusted_only_when_never_executing(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("1\n")
    record = _record(files={"data.csv": cache.fingerprint(data)}, packages={})
    data.unlink()
    assert cache.stale_reason(record, "k", tmp_path, {}.get) == "data.csv is gone"
    assert cache.stale_reason(record, "k", tmp_path, {}.get, missing_ok=True) == ""
    data.write_text("2\n")
    assert cache.stale_reason(record, "k", tmp_path, {}.get, missing_ok=True) == "data.csv changed"


def test_package_policy_imported_all_ignore_and_never(tmp_path):
    record = _record(packages={"torch": "2.14.1", "PyYAML": "6.0.3"}, main_packages=["torch"])
    now = {"torch": "2.14.1", "PyYAML": "6.0.4"}.get
    assert cache.stale_reason(record, "k", tmp_path, now) == ""  # only what the post imports
    assert cache.stale_reason(record, "k", tmp_path, now, packages="all") == "PyYAML 6.0.3 → 6.0.4"
    newer = {"torch": "2.15.0", "PyYAML": "6.0.3"}.get
    assert cache.stale_reason(record, "k", tmp_path, newer) == "torch 2.14.1 → 2.15.0"
    assert cache.stale_reason(record, "k", tmp_path, newer, packages="ignore") == ""
    assert cache.stale_reason(record, "k", tmp_path, newer, missing_ok=True) == ""
    assert cache.package_drift(record, newer, "all") == ["torch 2.14.1 → 2.15.0"]


def test_key_changes_with_dark_figures_only_when_they_are_on(tmp_path):
    base = _key(tmp_path, BASE)
    (tmp_path / "k/pyproject.toml").write_text("[tool.nbpress]\ndark_figures = false\n")
    assert _key(tmp_path, BASE) == base  # off: the keys of existing runs stay valid
    (tmp_path / "k/pyproject.toml").write_text("[tool.nbpress]\ndark_figures = true\n")
    assert _key(tmp_path, BASE) != base  # on: every post runs again, drawing both


def test_merged_outputs_carry_what_the_run_wrote_into_the_notebook(tmp_path):
    path = tmp_path / "posts/2024-01-01-t.md"
    path.parent.mkdir()
    path.write_text(BASE)
    from zoneinfo import ZoneInfo

    doc, _ = read_post_notebook(read_post(path, load_config(tmp_path), ZoneInfo("UTC")))
    run = nbformat.v4.new_notebook(metadata={
        "language_info": {"name": "python", "version": "3.11.7", "file_extension": ".py"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        "nbpress": {"title": "an older title"}})
    run.cells = [nbformat.v4.new_code_cell("x = 1", execution_count=1),
                 nbformat.v4.new_code_cell("print(x)", execution_count=2, outputs=[
                     nbformat.v4.new_output("stream", name="stdout", text="1\n")])]
    merged = cache.merge_outputs(doc, run)
    assert merged.metadata["language_info"] == run.metadata["language_info"]
    assert merged.metadata["widgets"] == run.metadata["widgets"]
    assert merged.metadata["nbpress"] == doc.notebook.metadata["nbpress"]  # the post's own
    assert [c.source for c in merged.cells] == [c.source for c in doc.notebook.cells]
    assert [c.get("outputs") for c in merged.cells if c.cell_type == "code"] == [
        [], run.cells[1].outputs]
    assert "language_info" not in doc.notebook.metadata  # the read notebook is not changed


def test_a_run_whose_entry_is_gone_at_once_is_shown_as_it_ran(tmp_path):
    """The page right after a run is made from the entry as stored; if another process
    removed it meanwhile, from the run itself (with the time and seconds recorded)."""
    from nbpress.model import ExecResult

    path = tmp_path / "posts/2024-01-01-t.md"
    path.parent.mkdir()
    path.write_text(BASE)
    from zoneinfo import ZoneInfo

    doc, _ = read_post_notebook(read_post(path, load_config(tmp_path), ZoneInfo("UTC")))
    ran = nbformat.v4.new_notebook(cells=[c.copy() for c in doc.notebook.cells])
    ran.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    record = cache.store(tmp_path, "2024-01-01-t", ran, key="k", seconds=2.5, python="3.11",
                         files={}, packages={}, executed_at="2026-12-02T10:00:00+00:00")
    result = ExecResult(doc=doc, notebook=ran, seconds=2.4, executed_at="now")
    stored = cache.as_stored(result, record, tmp_path)
    assert stored.notebook.cells[-1].outputs[0]["text"] == "1\n"
    assert (stored.seconds, stored.executed_at) == (2.5, "2026-12-02T10:00:00+00:00")
    (tmp_path / "_executed/2024-01-01-t/notebook.ipynb").unlink()
    gone = cache.as_stored(result, record, tmp_path)
    assert gone.notebook is ran and (gone.seconds, gone.executed_at) == (
        2.5, "2026-12-02T10:00:00+00:00")
