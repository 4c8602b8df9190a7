"""The worker's half of the Dask executor (nbpress/cluster_task.py): paths as the worker sees
them, and failures that cross the wire as values.  Running on real workers: test_cluster*.py."""

from __future__ import annotations

import pickle
from pathlib import Path

from nbpress.cluster_task import Failure, on_worker
from nbpress.config import load_config
from nbpress.discover import discover
from nbpress.readers import read_post_notebook


def test_on_worker_moves_the_post_under_worker_root_and_the_doc_pickles(make_site, tmp_path):
    root = make_site({"posts/2024-06-01-fit.md": "---\ntitle: Fit\n---\n\n```python\n1 + 1\n```\n"})
    config = load_config(root)
    [post], errors = discover(config)
    doc, _ = read_post_notebook(post, keep_comment=config.excerpt_separator)
    assert errors == []
    # What Client.submit sends: the notebook, its front matter and the settings.
    assert pickle.loads(pickle.dumps((doc, config))) == (doc, config)
    moved, moved_config = on_worker(doc, config, "/mnt/blog")
    assert moved.post.path == Path("/mnt/blog/posts/2024-06-01-fit.md")
    assert moved_config.root == Path("/mnt/blog") and moved_config.out == config.out
    assert on_worker(doc, config, "") == (doc, config)
    assert on_worker(doc, config, str(root)) == (doc, config)


def test_a_failure_becomes_the_error_with_the_building_machines_path() -> None:
    failure = pickle.loads(pickle.dumps(Failure("the code raised ValueError: bad shape.", line=12,
                                                cell=2, hint="Fix the code.", detail="trace")))
    error = failure.error(Path("/blog/posts/2024-06-01-fit.md"))
    assert str(error) == ("/blog/posts/2024-06-01-fit.md:12 (cell 2): the code raised "
                          "ValueError: bad shape. Fix the code.\ntrace")
