"""The local executor (nbpress/scheduler.py): pool sizing, exclusive posts, failures, interruption.

No kernel: ``run_post`` is a plain function, as an executor's contract allows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from nbpress.errors import ExecutionError
from nbpress.model import ExecResult, SiteConfig
from nbpress.scheduler import LocalExecutor, RunningKernels, pool_size


@dataclass(frozen=True)
class FakePost:
    exclusive: bool = False


@dataclass(frozen=True)
class FakeDoc:
    post: FakePost
    cells: tuple = (1, 2)


@dataclass(frozen=True)
class Job:
    doc: FakeDoc
    name: str
    reason: str = "code changed"


class Progress:
    """Records the calls an executor makes."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.lock = threading.Lock()

    def __getattr__(self, name):
        def record(*args):
            with self.lock:
                self.calls.append((name, *args))
        return record


def config(**kwargs) -> SiteConfig:
    return SiteConfig(root=Path("."), out=Path("_site"), theme_dirs=(), **kwargs)


def test_pool_size_is_cores_plus_one_and_threads_share_the_cores(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert pool_size(config(), 20) == (5, 1)
    assert pool_size(config(), 2) == (2, 2)
    assert pool_size(config(), 1) == (1, None)  # one post alone: no cap
    assert pool_size(config(jobs=2), 20) == (2, 2)


def test_exclusive_posts_run_after_the_others_with_every_core() -> None:
    order: list[tuple[str, int | None]] = []

    def run_post(doc, config, *, threads, kernels, on_cell):
        name = "alone" if doc.post.exclusive else "shared"
        order.append((name, threads))
        on_cell(1, 2)
        return ExecResult(doc=doc, notebook=None, seconds=0.5)

    jobs = [Job(FakeDoc(FakePost(exclusive=True)), "posts/a.md"),
            Job(FakeDoc(FakePost()), "posts/b.md"), Job(FakeDoc(FakePost()), "posts/c.md")]
    done: list[str] = []
    progress = Progress()
    results, errors = LocalExecutor(run_post).run_all(
        jobs, config(), progress, lambda job, result: done.append(job.name))
    assert errors == []
    assert order[-1] == ("alone", None) and [n for n, _ in order[:2]] == ["shared", "shared"]
    assert sorted(results) == ["posts/a.md", "posts/b.md", "posts/c.md"]
    assert results["posts/b.md"].reason == "code changed"
    assert sorted(done) == sorted(results)
    assert ("cell", "posts/a.md", 1, 2) in progress.calls
    assert ("done", "posts/a.md", 0.5) in progress.calls


@pytest.mark.parametrize("keep_going, runs", [(False, 1), (True, 3)])
def test_a_failure_stops_further_posts_unless_keep_going(keep_going: bool, runs: int) -> None:
    ran: list[str] = []

    def run_post(doc, config, **_):
        ran.append("x")
        raise ExecutionError("the code raised ValueError.", path=Path("posts/x.md"))

    jobs = [Job(FakeDoc(FakePost(exclusive=True)), f"posts/{n}.md") for n in "abc"]
    results, errors = LocalExecutor(run_post).run_all(
        jobs, config(keep_going=keep_going), Progress(), lambda *_: None)
    assert results == {} and len(ran) == runs and len(errors) == runs
    assert str(errors[0]) == "posts/x.md: the code raised ValueError."


def test_an_interruption_kills_every_kernel_and_propagates(monkeypatch) -> None:
    killed: list[bool] = []

    class Kernels(RunningKernels):
        def kill_all(self) -> None:
            killed.append(True)
            super().kill_all()

    def run_post(doc, config, **_):
        raise KeyboardInterrupt

    monkeypatch.setattr("nbpress.scheduler.RunningKernels", Kernels)
    with pytest.raises(KeyboardInterrupt):
        LocalExecutor(run_post).run_all([Job(FakeDoc(FakePost(exclusive=True)), "p")],
                                        config(), Progress(), lambda *_: None)
    assert killed == [True]


def test_running_kernels_kills_a_kernel_registered_after_cancel() -> None:
    import subprocess

    kernels = RunningKernels()
    kernels.kill_all()
    process = subprocess.Popen(["sleep", "30"])
    kernels.add(process.pid)
    assert process.wait(timeout=5) == -9
