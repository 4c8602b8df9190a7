"""Work split between this process and forked copies of it: the site stage's pages.

Rendering the site's pages (Jinja, ≈1 ms a page) needs the whole site's context: every
post's fields and HTML.  Sending that to worker processes would cost more than the
rendering; a forked copy already has it, unchanged (copy-on-write).  Each copy does
every ``workers``-th item and sends back its results (small: digests and the names of what
a page read) through a pipe, pickled.

Only where it is safe: on Linux (on macOS a copy of a process that started Apple's
frameworks may crash, which is why ``multiprocessing`` spawns there), and where no thread
of the caller's may hold a lock the copy needs.  The site stage and the search index fork
in one-shot builds only, not under ``serve``'s server, watcher and index threads; the
threads a one-shot build may still have (ZeroMQ's after kernels ran, V8's after math, a
Dask client's event loop) hold no lock that rendering a template or reading a file takes.
Templates must not change what they are given (``site.data.x.append(…)``): such a change
would be seen only by the pages rendered after it in the same process (the page cache
already assumes templates have no side effects).  A copy runs nothing but ``work`` and leaves with
``os._exit``: no buffers flushed twice, no exit handlers run twice, no lock of the
build's released (``flock`` locks are the parent's as long as it holds them).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import traceback
import warnings
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_SHARE = 32  # the fewest items a process is given: a fork and its pipe cost more than
MIN_ITEMS = 2 * MIN_SHARE  # fewer save, so fewer than this are all done here
MAX_COPIES = 4  # each copy's memory grows as it touches the site (reference counts): a
# many-core machine must not multiply the build's memory by its cores


def workers_here() -> int:
    """The cores this process may run on: how many forked copies (and render workers,
    ``renderpool``) a build uses."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def forked_map(work: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[work(item) for item in items]``, the items shared between this process and
    ``workers - 1`` forked copies of it.  An exception in a copy is raised here (the
    first copy's first); every copy has ended when this returns or raises."""
    workers = min(workers, MAX_COPIES + 1, len(items) // MIN_SHARE)
    if workers < 2 or not sys.platform.startswith("linux"):
        return [work(item) for item in items]  # (macOS: a forked copy may crash; see above)
    children: list[tuple[int, int]] = []
    gc.freeze()  # the objects there are now: no copy's collector walks (and copies) them
    was = gc.isenabled()
    gc.enable()  # many items' work here and in the copies: its cycles collected (gcpolicy.py)
    try:
        for n in range(1, workers):
            children.append(_start(work, items[n::workers]))
        shares = [[work(item) for item in items[0::workers]]]
        while children:
            shares.append(_collect(*children.pop(0)))
    finally:
        gc.enable() if was else gc.disable()
        gc.unfreeze()
        for pid, fd in children:  # an exception here or in a copy: end the others now
            _end(pid, fd)
    results: list = [None] * len(items)
    for n, share in enumerate(shares):
        results[n::workers] = share
    return results


def _start(work: Callable, share: Sequence) -> tuple[int, int]:
    """Fork a copy doing ``work`` over ``share``; returns its pid and the pipe's read end."""
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns of any thread (see the docstring)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    status = 1
    try:  # the copy: never returns from here
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it; this process says why
        try:
            outcome: tuple = ("done", [work(item) for item in share])
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
            outcome = ("failed", with_traceback_note(exc))
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle
            data = pickle.dumps(("failed", RuntimeError(
                f"{outcome[1]!r} ({exc})\n{''.join(getattr(outcome[1], '__notes__', []))}")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, fd: int) -> list:
    """A copy's results (raising its exception), once it has ended."""
    try:
        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    how = f"killed by signal {-code}: out of memory?" if code < 0 else f"exit status {code}"
    try:
        kind, value = pickle.loads(data) if data and code == 0 else ("lost", None)
    except Exception as exc:  # noqa: BLE001 - results cut short, or an exception not rebuilt
        kind, value = "lost", exc
    if kind == "lost":
        raise RuntimeError(f"a forked copy of the build (rendering pages or reading them for "
                           f"the search index) ended without its results ({how}"
                           f"{f'; {value}' if value else ''}); the site and the state were not "
                           "changed. Build again; if it happens again, report it.")
    if kind == "failed":
        raise value
    return value


def with_traceback_note(exc: BaseException) -> BaseException:
    """``exc`` with its traceback as a note: a pickled exception loses its traceback, and
    ``--debug`` must still show where in the copy it was raised."""
    exc.add_note("Raised in a forked copy of the build:\n" + "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
    return exc


def _end(pid: int, fd: int) -> None:
    """End a copy whose results are no longer wanted (not yet collected: not yet reaped)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    os.close(fd)


__all__ = ["MAX_COPIES", "MIN_ITEMS", "forked_map", "with_traceback_note", "workers_here"]
