"""The Dask executor (nbpress/cluster.py) through ``local:N`` clusters it starts itself:
the settings in pyproject.toml, ``worker_root``, and the errors before anything runs.

The command-line builds against a separate scheduler and worker processes are in
test_cluster_e2e.py.
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from conftest import run_build

from nbpress.config import load_config
from nbpress.errors import BuildFailed, NbpressError
from nbpress.pipeline import build

pytest.importorskip("distributed")
pytestmark = [pytest.mark.dask, pytest.mark.kernel]

WHERE = """\
    ---
    title: Where am I
    ---

    ```python
    import os
    print("working in", os.getcwd())
    ```
    """


def site_with(make_site, tmp_path, execute: str):
    return make_site({"pyproject.toml": f'[tool.nbpress]\ntitle = "T"\n\n'
                                        f'[tool.nbpress.execute]\n{execute}\n',
                      "posts/2024-05-01-where.md": WHERE}, tmp_path / "site")


def test_scheduler_in_pyproject_runs_posts_on_a_local_cluster_of_its_own(make_site, tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    root = site_with(make_site, tmp_path, 'scheduler = "local:1"')
    log = io.StringIO()
    build(load_config(root), log=log)
    assert re.search(r"running 1 post\(s\) on the Dask cluster at local:1 \(1 workers\); "
                     r"dashboard: ", log.getvalue())
    page = (root / "_site/2024/05/01/where.html").read_text()
    assert f"working in {root}/posts" in page
    assert re.search(r'<span class="ran-on">the Dask worker \S+ on host \S+</span>', page)
    record = (root / "_executed/2024-05-01-where/record.json").read_text()
    assert '"ran_on": {' in record and '"worker": ' in record


def test_worker_root_is_where_the_workers_see_the_site(make_site, tmp_path, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    mount = tmp_path / "mnt" / "blog"  # the site as the workers see it: its own copy here
    root = site_with(make_site, tmp_path, f'scheduler = "local:1"\nworker_root = "{mount}"')
    (root / "posts/2024-05-01-where.md").write_text(
        "---\ntitle: Which copy\n---\n\n```python\nprint(open('notes.txt').read())\n```\n")
    shutil.copytree(root, mount)
    (root / "posts/notes.txt").write_text("the builder's copy\n")
    (mount / "posts/notes.txt").write_text("the workers' copy\n")
    build(load_config(root), log=io.StringIO())
    assert "the workers' copy</pre>" in (root / "_site/2024/05/01/where.html").read_text()
    # What it read is reported relative to the root, whichever path the worker knew it by.
    assert '"posts/notes.txt"' in (root / "_executed/2024-05-01-where/record.json").read_text()


def test_a_worker_that_cannot_see_the_site_fails_the_post_saying_so(make_site, tmp_path,
                                                                    monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    root = site_with(make_site, tmp_path,
                     f'scheduler = "local:1"\nworker_root = "{tmp_path}/not-mounted"')
    with pytest.raises(BuildFailed) as info:
        build(load_config(root), log=io.StringIO())
    [error] = info.value.errors
    assert re.fullmatch(
        rf"{root}/posts/2024-05-01-where.md: the Dask worker \S+ on host \S+ cannot see the "
        rf"post's folder {tmp_path}/not-mounted/posts\. Mount the site on the workers at the "
        r"same path, or set \[tool\.nbpress\.execute\] worker_root to where they see it\.",
        str(error))
    assert not (root / "_site").exists()


@pytest.mark.parametrize("address", ["local:0", "local:two"])
def test_local_needs_a_number_of_workers(make_site, tmp_path, address, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    root = site_with(make_site, tmp_path, f'scheduler = "{address}"')
    with pytest.raises(NbpressError) as info:
        build(load_config(root), log=io.StringIO())
    assert str(info.value) == (f"--scheduler {address}: local:N needs a number of worker "
                               "processes, e.g. local:2.")


def test_a_kernel_that_dies_is_retried_then_the_post_fails_naming_the_worker(make_site,
                                                                             tmp_path):
    # Through the command line: a dying kernel under in-process Dask workers, inside pytest,
    # once left Python 3.11.7's parser state corrupted for the rest of the session.
    root = site_with(make_site, tmp_path, 'scheduler = "local:1"\nretries = 1')
    (root / "posts/2024-05-01-where.md").write_text(
        "---\ntitle: Crash\n---\n\n```python\nimport os\nwith open('tries.txt', 'a') as f:\n"
        "    f.write('try\\n')\nos._exit(1)\n```\n")
    done = run_build("--root", str(root))
    assert done.returncode == 1
    assert re.search(rf"error: {root}/posts/2024-05-01-where\.md:5 \(cell 1\): its kernel died "
                     r"on every one of 2 tries: the kernel died while running this cell \(killed "
                     r"by a signal, os\._exit\(\) or out of memory\) \(on the Dask worker \S+, "
                     r"host \S+\)\. Run the post in Jupyter on such a worker", done.stderr)
    assert (root / "posts/tries.txt").read_text() == "try\ntry\n"  # once, then once more


def test_the_gpu_a_post_used_is_named_on_its_page(make_site, tmp_path, monkeypatch):
    # No GPU here: the post stands in a module with torch.cuda's API for the one the kernel
    # report asks (is CUDA initialised, which device); a real GPU run is bench/gpu_dask.py.
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    root = site_with(make_site, tmp_path, 'scheduler = "local:1"')
    (root / "posts/2024-05-01-where.md").write_text(
        "---\ntitle: On the GPU\n---\n\n```python\nimport sys, types\n"
        "cuda = types.SimpleNamespace(is_initialized=lambda: True, current_device=lambda: 0,\n"
        "                             get_device_name=lambda i: 'NVIDIA H200')\n"
        "sys.modules['torch'] = types.SimpleNamespace(cuda=cuda)\n```\n")
    build(load_config(root), log=io.StringIO())
    page = (root / "_site/2024/05/01/where.html").read_text()
    assert re.search(r'<span class="ran-on">the Dask worker \S+ on host \S+ \(NVIDIA H200\)'
                     r'</span>', page)
    assert '"gpu": "NVIDIA H200"' in (root / "_executed/2024-05-01-where/record.json").read_text()
