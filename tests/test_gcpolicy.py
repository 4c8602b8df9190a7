"""When the cycle collector runs during a build (nbpress/gcpolicy.py): never in an edit's
build.  (That it runs while many posts or pages are rendered in one process was measured:
a cold build of 2,000 posts on one core peaked at 126 MB, the day's starting code at 128.)"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from nbpress.config import load_config
from nbpress.gcpolicy import MANY, collecting
from nbpress.pipeline import build

POST = """\
---
title: "Reading log {n}"
tags: [log]
---

Week {n}: what I read about learning-rate schedules, and what I tried.
"""


def test_collecting_sets_the_collector_and_puts_it_back() -> None:
    assert gc.isenabled()
    with collecting(False):
        assert not gc.isenabled()
        with collecting(True):
            assert gc.isenabled()
        assert not gc.isenabled()
        with pytest.raises(KeyError), collecting(True):
            raise KeyError("x")
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.fixture
def collections():
    """The collector's runs, counted while the test runs."""
    runs = []

    def seen(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(seen)
    yield runs
    gc.callbacks.remove(seen)


def test_an_edit_runs_no_collection(
        tmp_path: Path, monkeypatch, collections) -> None:
    monkeypatch.setattr("nbpress.renderpool.workers_here", lambda: 1)  # all rendered here
    monkeypatch.setattr("nbpress.forkmap.workers_here", lambda: 1)
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Log"\nsearch = false\n')
    for n in range(MANY + 12):
        (root / "posts" / f"2024-05-{1 + n % 28:02d}-log-{n}.md").write_text(POST.format(n=n))
    build(load_config(root))
    (root / "posts/2024-05-03-log-2.md").write_text(POST.format(n="two, again"))
    collections.clear()
    with collecting(False):  # as ``nbpress build`` runs it (``cli.run``): none at its end
        build(load_config(root))
        assert collections == []
    assert "two, again" in (root / "_site/2024/05/03/log-2.html").read_text()
    assert gc.isenabled()
