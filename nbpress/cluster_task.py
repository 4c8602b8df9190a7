"""The half of the Dask executor that runs on a worker: one post, in a kernel there.

Dask imports this module on the worker (so nbpress must be installed there,
see docs/cluster.md) and calls ``run_post`` with the post's notebook and the
site's settings.  The kernel starts on the worker, in the post's folder as
the worker sees it (``[tool.nbpress.execute] worker_root`` when the site is
mounted elsewhere); the result is the same ``ExecResult`` a local run gives,
plus where it ran.  Only Dask's own public task API is used: ``get_worker``
for the worker's name and its record of this task, ``log_event`` to tell the
building machine which worker started which post and which cell runs.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ExecutionError
from .execute import execute
from .model import ExecResult, NotebookDoc, SiteConfig
from .scheduler import RunningKernels

# How often a running post checks that the build still wants it (seconds): a cancelled
# task keeps running in its worker thread, so the post must stop its own kernel.
WATCH_SECONDS = 0.2


@dataclass(frozen=True)
class Failure:
    """A post's failure on a worker, as plain values: the building machine rebuilds the
    ``ExecutionError`` with its own path (exceptions with keyword arguments lose them
    when pickled)."""

    message: str
    line: int | None = None
    cell: int | None = None
    hint: str | None = None
    detail: str | None = None
    kernel_died: bool = False  # worth another try (elsewhere): the code did not fail itself

    def error(self, path: Path) -> ExecutionError:
        return ExecutionError(self.message, path=path, line=self.line, cell=self.cell,
                              hint=self.hint, detail=self.detail)


def on_worker(doc: NotebookDoc, config: SiteConfig, root: str) -> tuple[NotebookDoc, SiteConfig]:
    """The post and settings with the site root moved to ``root`` (where the worker sees it)."""
    if not root or Path(root) == config.root:
        return doc, config
    new_root = Path(root)
    post = replace(doc.post, path=new_root / doc.post.path.relative_to(config.root))
    return replace(doc, post=post), replace(config, root=new_root)


def where(worker) -> dict[str, str]:
    """The worker's name and host, as the page will say it."""
    return {"worker": str(worker.name), "host": socket.gethostname()}


def run_post(doc: NotebookDoc, config: SiteConfig, root: str, topic: str,
             name: str, threads: int | None) -> ExecResult | Failure:
    """Run one post on this worker; its ``ExecResult`` (paths as the building machine
    has them), or a ``Failure``.  Never raises for a post's failure: the building machine
    decides about retries (Python 3.11 < 3.11.8 could corrupt its parser state when Dask
    formats a task's traceback in one thread while another parses code).

    ``threads`` caps the kernel's numeric libraries; 0: the worker's cores shared by
    its task slots; None: no cap (an exclusive post, alone on the cluster)."""
    from distributed import get_worker

    worker = get_worker()
    here, local_config = on_worker(doc, config, root)
    ran_on = where(worker)
    if not here.post.path.parent.is_dir():
        return Failure(f"the Dask worker {ran_on['worker']} on host {ran_on['host']} cannot "
                       f"see the post's folder {here.post.path.parent}.",
                       hint="Mount the site on the workers at the same path, or set "
                            "[tool.nbpress.execute] worker_root to where they see it.")
    # (the scheduler sets an event's "worker" to the worker's address: hence "on")
    worker.log_event(topic, {"post": name, "event": "start",
                             "on": f"{ran_on['worker']} (host {ran_on['host']})"})
    kernels = RunningKernels()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(worker, worker.get_current_task(),
                                                     kernels, stop), daemon=True)
    watcher.start()
    if threads == 0:  # like the local pool: the worker's task slots share its cores
        threads = max(1, (os.cpu_count() or 1) // worker.state.nthreads)
    try:
        result = execute(here, local_config, threads=threads, kernels=kernels,
                         on_cell=lambda n, total: worker.log_event(
                             topic, {"post": name, "event": "cell", "n": n, "total": total}))
    except ExecutionError as exc:
        died = not kernels.cancelled and "kernel died" in exc.message
        message = (f"{exc.message.rstrip('.')} (on the Dask worker {ran_on['worker']}, "
                   f"host {ran_on['host']})") if died else exc.message
        return Failure(message, exc.location.line, exc.location.cell, exc.hint, exc.detail,
                       kernel_died=died)
    finally:
        stop.set()
    return replace(result, doc=doc, ran_on={**ran_on, **result.ran_on})


def _watch(worker, key, kernels: RunningKernels, stop: threading.Event) -> None:
    """Kill the post's kernel as soon as Dask no longer wants its result (the build was
    interrupted, or its client went away), so no kernel outlives its build."""
    while not stop.wait(WATCH_SECONDS):
        task = worker.state.tasks.get(key)
        if task is None or task.state in ("cancelled", "released", "forgotten"):
            kernels.kill_all()
            return


def busy(prefix: str, dask_worker=None) -> int:
    """How many of one build's posts this worker is still running (``Client.run``)."""
    return sum(1 for key, task in dask_worker.state.tasks.items()
               if str(key).startswith(prefix) and task.state in ("executing", "cancelled",
                                                                  "long-running"))


__all__ = ["Failure", "busy", "on_worker", "run_post", "where"]
