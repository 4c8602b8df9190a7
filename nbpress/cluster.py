"""Posts run on a Dask cluster (``--scheduler``): the executor the building machine uses.

Each stale post is one task, ``Client.submit``-ted with the post's resource
request (front matter ``resources: {GPU: 1}``); the worker runs it in a kernel
of its own (``cluster_task.run_post``) and sends back the same ``ExecResult``
a local run gives.  The cache, rendering and ``_site`` stay here.  As in the
local pool, posts marked ``exclusive: true`` run afterwards, one at a time, so
each has the cluster to itself.

A request no worker offers is an error before anything runs; a worker that
dies mid-post is Dask's to retry (the scheduler's ``allowed-failures``); a post
whose kernel died is tried again ``[tool.nbpress.execute] retries`` times; Ctrl-C cancels every
task and waits until the workers have killed their kernels.  ``local:N``
starts a ``LocalCluster`` of N worker processes on this machine.
"""

from __future__ import annotations

import importlib.util
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from .cluster_task import Failure, busy, run_post
from .errors import NbpressError, PostError
from .model import ExecResult, SiteConfig
from .scheduler import Job, OnDone

CONNECT_SECONDS = 10  # to reach the scheduler, and for a first worker to be there
CHECK_SECONDS = 10  # how often a build checks that its waiting posts can still run
CANCEL_SECONDS = 15  # after Ctrl-C, for the workers to stop the kernels they run
INSTALL_HINT = ('Install it with `pip install "nbpress[dask]"` (on the workers too: they need '
                'nbpress and the posts\' packages; see docs/cluster.md), or drop --scheduler '
                'to run the posts on this machine.')


def _distributed():
    try:
        import distributed
    except ImportError:
        raise NbpressError("--scheduler runs the posts on a Dask cluster, but Dask is not "
                           "installed.", hint=INSTALL_HINT) from None
    return distributed


@contextmanager
def connect(address: str, retries: int, timeout: float = CONNECT_SECONDS) -> Iterator:
    """A Dask ``Client`` of the scheduler at ``address`` (for ``local:N``, of a new
    ``LocalCluster``), closed afterwards; ``NbpressError`` when it cannot be reached."""
    distributed = _distributed()
    cluster = None
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise NbpressError(f"--scheduler {address}: local:N needs a number of worker "
                               "processes, e.g. local:2.")
        import dask

        # Same meaning as on a real cluster: a post whose worker dies runs retries more times.
        # The workers are threads of this process (each post still runs in a kernel process
        # of its own): worker processes took 8 s to start on a busy 2-core machine, and
        # would re-run an unguarded calling script (multiprocessing's spawn).
        # Dask's statistical profiler samples every thread's stack each 10 ms: in the
        # building process, that slowed the kernels' message handling (posts took 1.5x).
        with dask.config.set({"distributed.scheduler.allowed-failures": retries,
                              "distributed.worker.profile.enabled": False,
                              "distributed.admin.system-monitor.gil.enabled": False}):
            cluster = distributed.LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=False,
                dashboard_address=":0" if importlib.util.find_spec("bokeh") else None)
        address = cluster.scheduler_address
    try:
        client = distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise NbpressError(f"could not reach the Dask scheduler at {address} within "
                           f"{timeout:g} s ({exc}).",
                           hint="Check that `dask scheduler` runs there and the address and "
                                "port are right (tcp://HOST:8786), or drop --scheduler to run "
                                "the posts on this machine.") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def offers(client) -> list[dict[str, float]]:
    """The resources each worker of the cluster offers (``--resources GPU=1``)."""
    workers = client.scheduler_info(n_workers=-1)["workers"].values()
    return [dict(info.get("resources") or {}) for info in workers]


def placeable(need: dict[str, float], offered: list[dict[str, float]]) -> bool:
    """Whether one worker offers all of ``need`` (any worker, when it asks for nothing)."""
    return any(all(o.get(k, 0) >= v for k, v in need.items()) for o in offered)


def unplaceable(jobs: Sequence[Job], client, address: str,
                timeout: float = CONNECT_SECONDS) -> list[NbpressError]:
    """An error per post whose ``resources:`` request no worker of the cluster offers."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise NbpressError(f"the Dask scheduler at {address} has no workers (none joined within "
                           f"{timeout:g} s).", hint="Start one there: `dask worker "
                           f"{address}` (see docs/cluster.md).") from None
    offered = offers(client)
    every = sorted({f"{k}={v:g}" for o in offered for k, v in o.items()})
    errors: list[NbpressError] = []
    for job in jobs:
        need = dict(job.doc.post.resources)
        if placeable(need, offered):
            continue
        lacking = [k for k, v in need.items() if not any(o.get(k, 0) >= v for o in offered)]
        asked = ", ".join(f"{k}={need[k]:g}" for k in (lacking or need))
        errors.append(PostError(
            f"'resources:' asks for {asked}, but no worker of the Dask cluster at {address} "
            f"offers {'it' if len(lacking) < 2 else 'them'}"
            f"{' together' if not lacking else ''} (its {len(offered)} worker(s) offer: "
            f"{', '.join(every) or 'no resources'}).", path=job.doc.post.path,
            line=job.doc.post.line_of("resources"),
            hint="Start a worker that has it (`dask worker ADDRESS --resources \"GPU=1\"`), "
                 "or change the post's request."))
    return errors


def dashboard(client) -> str:
    """The cluster's dashboard address, or a note saying there is none."""
    services = client.scheduler_info(n_workers=0).get("services", {})
    return client.dashboard_link if "dashboard" in services else "none (bokeh not installed)"


@dataclass
class DaskExecutor:
    """Runs the stale posts as Dask tasks on the cluster at ``address`` (``--scheduler``)."""

    address: str

    def run_all(self, jobs: Sequence[Job], config: SiteConfig, progress,
                on_done: OnDone) -> tuple[dict[str, ExecResult], list[NbpressError]]:
        with connect(self.address, config.execute.retries) as client:
            errors = unplaceable(jobs, client, self.address)
            if errors:  # before anything runs: a missing GPU must not cost the other runs
                return {}, errors
            workers = len(client.scheduler_info(n_workers=-1)["workers"])
            progress.say(f"running {len(jobs)} post(s) on the Dask cluster at {self.address} "
                         f"({workers} workers); dashboard: {dashboard(client)}")
            return _ClusterRun(client, config, progress, on_done, jobs,
                               local=self.address.startswith("local:")).run()


class _ClusterRun:
    """One build's tasks on the cluster: submitted, followed, collected or cancelled."""

    def __init__(self, client, config: SiteConfig, progress, on_done: OnDone,
                 jobs: Sequence[Job], local: bool) -> None:
        self.client, self.config, self.progress, self.on_done = client, config, progress, on_done
        self.jobs = {job.name: job for job in jobs}
        self.prefix = f"nbpress-{uuid.uuid4().hex[:12]}-"  # this build's task keys
        self.topic = self.prefix + "events"
        self.futures: dict = {}  # every future submitted → (job, exclusive, attempt)
        self.results: dict[str, ExecResult] = {}
        self.errors: list[NbpressError] = []
        self.stranded: set[str] = set()  # posts said to be waiting for a missing resource
        # Each kernel's share of the cores: local:N workers share this machine's; a real
        # cluster's worker knows its own (0).
        self.threads = max(1, (os.cpu_count() or 1) // len(offers(client))) if local else 0

    def run(self) -> tuple[dict[str, ExecResult], list[NbpressError]]:
        jobs = list(self.jobs.values())
        self.client.subscribe_topic(self.topic, self._event)
        try:
            self._collect([self._submit(j, False) for j in jobs if not j.doc.post.exclusive])
            for job in (j for j in jobs if j.doc.post.exclusive):
                if self.errors and not self.config.keep_going:
                    break
                self._collect([self._submit(job, True)])
        except BaseException:  # Ctrl-C, SIGTERM: no kernel may outlive the build
            self._cancel()
            raise
        finally:
            self.client.unsubscribe_topic(self.topic)
        return self.results, self.errors

    def _submit(self, job: Job, exclusive: bool, attempt: int = 0):
        future = self.client.submit(
            run_post, job.doc, self.config, self.config.execute.worker_root, self.topic,
            job.name, None if exclusive else self.threads, pure=False,
            key=f"{self.prefix}{job.name}-{attempt}",
            resources=dict(job.doc.post.resources) or None)
        self.futures[future] = (job, exclusive, attempt)
        return future

    def _event(self, event) -> None:
        """A worker's news about a post (Dask calls this on its own thread)."""
        _, msg = event
        job = self.jobs.get(msg.get("post"))
        if job is None:
            return
        if msg["event"] == "start":
            self.progress.start(job.name, len(job.doc.cells),
                                f"{job.reason}; on the Dask worker {msg['on']}")
        elif msg["event"] == "cell":
            self.progress.cell(job.name, msg["n"], msg["total"])

    def _collect(self, futures: list) -> None:
        """Wait for ``futures``; on the first failure, unless keep_going, cancel the rest."""
        from distributed import wait

        pending = set(futures)
        while pending:
            try:
                done, pending = wait(pending, timeout=CHECK_SECONDS,
                                     return_when="FIRST_COMPLETED")
            except TimeoutError:
                self._say_stranded(pending)
                continue
            for future in done:
                if not future.cancelled():
                    pending |= self._finish(future)
            if self.errors and not self.config.keep_going and pending:
                self._cancel(list(pending))
                return

    def _say_stranded(self, pending: set) -> None:
        """Say (once per post) when a post waits for a resource no worker offers any more:
        Dask waits for such a worker to join (its GPU worker died), silently."""
        offered = offers(self.client)
        for future in pending:
            job = self.futures[future][0]
            need = dict(job.doc.post.resources)
            if job.name not in self.stranded and not placeable(need, offered):
                self.stranded.add(job.name)
                asked = ", ".join(f"{k}={v:g}" for k, v in need.items())
                self.progress.say(f"{job.name} waits for a worker offering {asked}: none of "
                                  "the cluster's workers offers it now (did one die?); start "
                                  "one, or press Ctrl-C to stop the build.")

    def _finish(self, future) -> set:
        """Take one finished task's result; returns the task trying it again, if any."""
        from distributed import KilledWorker

        job, exclusive, attempt = self.futures[future]
        tries = self.config.execute.retries + 1
        try:
            value = future.result()
        except KilledWorker as exc:
            last = getattr(exc, "last_worker", None)
            value = Failure(f"the Dask worker running it died, each time it was tried (the "
                            f"last one: {getattr(last, 'name', None) or last}); nothing of it "
                            "was kept.", hint="See the worker's log (killed for memory? "
                            "preempted?); the scheduler's allowed-failures sets how often Dask "
                            "tries a post whose worker died.")
        except Exception as exc:  # the task could not run there at all (unpicklable, import)
            value = Failure(f"the Dask task failed: {type(exc).__name__}: {exc}.",
                            hint="Check that the workers have nbpress and the posts' packages "
                                 "installed (docs/cluster.md).")
        if isinstance(value, Failure) and value.kernel_died and attempt + 1 < tries:
            return {self._submit(job, exclusive, attempt + 1)}  # on any worker, maybe another
        if isinstance(value, Failure):
            if value.kernel_died:
                value = replace(value, message=f"its kernel died on every one of {tries} "
                                f"tries: {value.message}.", hint="Run the post in Jupyter on "
                                "such a worker to see what ends the kernel (memory? a crash "
                                "in a native library?).")
            self.progress.failed(job.name)
            self.errors.append(value.error(job.doc.post.path))
            return set()
        self.progress.done(job.name, value.seconds)
        self.on_done(job, value)
        self.results[job.name] = replace(value, reason=job.reason)
        return set()

    def _cancel(self, futures: list | None = None) -> None:
        """Cancel ``futures`` (every one by default) and wait until no worker runs a post of
        this build any more: each running post's watcher kills its kernel (cluster_task)."""
        try:
            self.client.cancel(futures or list(self.futures), force=True)
            deadline = time.monotonic() + CANCEL_SECONDS
            while time.monotonic() < deadline and any(
                    self.client.run(busy, self.prefix).values()):
                time.sleep(0.2)
        except (OSError, TimeoutError):  # the cluster is gone: nothing runs there any more
            pass


__all__ = ["DaskExecutor", "connect", "unplaceable", "INSTALL_HINT"]
