"""Where and when stale posts run: the local pool of kernels (the default executor).

The cache decides *whether* a post runs (``cache.plan``); an executor decides
*where*.  ``LocalExecutor`` runs posts in parallel kernels on this machine:
one kernel more than cores by default, numeric libraries capped at
cores/jobs threads each, and posts marked ``exclusive: true`` afterwards,
one at a time, with every core.  Another executor (a cluster) implements the
same ``run_all`` and the pipeline does not know which one it has.

An interruption (Ctrl-C, SIGTERM) kills every running kernel at once, so
nothing half-run is ever cached.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Callable, Protocol, Sequence

from .errors import NbpressError
from .model import ExecResult, NotebookDoc, SiteConfig


class Job(Protocol):
    """What an executor needs of a planned post (``cache.Plan`` has these)."""

    doc: NotebookDoc
    name: str
    reason: str


# Runs one post: (doc, config, threads=…, kernels=…, on_cell=…) → ExecResult; execute.execute.
RunPost = Callable[..., ExecResult]
# Called with each successful run, on the executor's thread (the pipeline stores it in the cache).
OnDone = Callable[[Job, ExecResult], None]


class Executor(Protocol):
    """Runs the stale posts and returns their results by name, and the failures."""

    def run_all(self, jobs: Sequence[Job], config: SiteConfig, progress,
                on_done: OnDone) -> tuple[dict[str, ExecResult], list[NbpressError]]: ...


class RunningKernels:
    """The kernel processes of one build, so an interruption can stop them all at once.

    Killing the process makes nbclient raise ``DeadKernelError`` in the thread
    running that post, so every worker ends promptly and nothing is cached.
    """

    def __init__(self) -> None:
        self._pids: set[int] = set()
        self._lock = threading.Lock()
        self.cancelled = False

    def add(self, pid: int) -> None:
        with self._lock:
            if self.cancelled:
                os.kill(pid, signal.SIGKILL)
            self._pids.add(pid)

    def discard(self, pid: int) -> None:
        with self._lock:
            self._pids.discard(pid)

    def kill_all(self) -> None:
        with self._lock:
            self.cancelled = True
            for pid in self._pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


_PR_SET_CHILD_SUBREAPER = 36


def _children() -> set[int]:
    """This process's child processes (Linux /proc; empty elsewhere)."""
    me, found = os.getpid(), set()
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                if int(fields[1]) == me:
                    found.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def adopt_orphans() -> set[int]:
    """Make processes that a post's cells leave behind (a daemon, ``start_new_session=True``)
    children of this process when their kernel ends (Linux's child subreaper), so they can be
    ended with the build's kernels.  Returns the children that existed before."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    return _children()


def end_leftovers(before: set[int]) -> None:
    """End every child process that appeared while posts ran and outlived its kernel."""
    for pid in _children() - before:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def pool_size(config: SiteConfig, posts: int) -> tuple[int, int | None]:
    """(kernels at once, threads per kernel) for ``posts`` posts run side by side.

    One kernel more than cores by default: a kernel starting up waits on I/O and
    messages, so the next post's start-up hides behind the others' work.
    """
    cores = os.cpu_count() or 1
    jobs = min(config.jobs or cores + 1, max(1, posts))
    return jobs, (max(1, cores // jobs) if jobs > 1 else None)


@dataclass
class LocalExecutor:
    """Posts in parallel kernels on this machine; ``run_post`` runs one (``execute.execute``)."""

    run_post: RunPost

    def run_all(self, jobs: Sequence[Job], config: SiteConfig, progress,
                on_done: OnDone) -> tuple[dict[str, ExecResult], list[NbpressError]]:
        shared = [j for j in jobs if not j.doc.post.exclusive]
        alone = [j for j in jobs if j.doc.post.exclusive]  # they time things: machine to themselves
        size, threads = pool_size(config, len(shared))
        results: dict[str, ExecResult] = {}
        errors: list[NbpressError] = []
        kernels = RunningKernels()
        before = adopt_orphans()

        def run(job: Job, threads: int | None) -> None:
            progress.start(job.name, len(job.doc.cells), job.reason)
            try:
                result = self.run_post(job.doc, config, threads=threads, kernels=kernels,
                                       on_cell=lambda n, total: progress.cell(job.name, n, total))
            except BaseException:
                progress.failed(job.name)
                raise
            progress.done(job.name, result.seconds)
            on_done(job, result)
            results[job.name] = replace(result, reason=job.reason)

        pool = ThreadPoolExecutor(max_workers=size)
        try:
            _run_pool(pool, [lambda j=j: run(j, threads) for j in shared], errors,
                      config.keep_going)
            for job in alone:
                if errors and not config.keep_going:
                    break
                try:
                    run(job, None)  # every core for an exclusive post
                except NbpressError as exc:
                    errors.append(exc)
        except BaseException:  # Ctrl-C, SIGTERM: stop every kernel now, cache nothing more
            kernels.kill_all()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            end_leftovers(before)
        return results, errors


def _run_pool(pool: ThreadPoolExecutor, tasks: list[Callable[[], None]],
              errors: list[NbpressError], keep_going: bool) -> None:
    """Run ``tasks`` on ``pool``; on the first failure, unless ``keep_going``, start no more."""
    pending = {pool.submit(task) for task in tasks}
    while pending:
        done, pending = wait(pending, return_when=FIRST_EXCEPTION)
        for future in done:
            try:
                future.result()
            except NbpressError as exc:
                errors.append(exc)
        if errors and not keep_going:
            for future in pending:
                future.cancel()  # posts not started yet; running kernels finish
