"""Run a post's notebook in a fresh kernel with nbclient → ``ExecResult``.

One kernel per post, started in the post's folder (as Jupyter does), a
per-cell timeout, no stdin (``input()`` fails at once instead of hanging), and
the kernel always shut down.  Jupyter Book's ``raises-exception`` and
``skip-execution`` tags are honoured by nbclient itself.  Any failure becomes
one ``ExecutionError`` naming the post, the line of the failing cell and the
user's traceback without ANSI codes.
"""

from __future__ import annotations

import copy
import os
import platform
import re
import resource
import signal
import tempfile
import threading
import time

from typing import Callable

from . import environment
from .errors import ExecutionError
from .model import ExecResult, NotebookDoc, SiteConfig
from .tracking import imported_modules, unwrap, wrap

# Variables that cap the threads of the numeric libraries a kernel may load,
# so that N kernels side by side do not each start one thread per core.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


def strip_ansi(text: str) -> str:
    """Terminal colour codes removed, for messages printed to a log or a file."""
    return _ANSI.sub("", text)


def link_data(config: SiteConfig) -> None:
    """Create the ``data_links`` symlinks whose targets exist and whose paths are free.

    This lets a machine without internet find a dataset a post would
    otherwise download (e.g. ``posts/data/FashionMNIST`` → a local copy).
    """
    for link, target in config.execute.data_links.items():
        link_path = config.root / link
        target_path = (config.root / target).resolve()
        if target_path.exists() and not link_path.exists() and not link_path.is_symlink():
            link_path.parent.mkdir(parents=True, exist_ok=True)
            link_path.symlink_to(target_path, target_is_directory=target_path.is_dir())


def _cell_error(doc: NotebookDoc, index: int | None, message: str, hint: str,
                traceback: str = "") -> ExecutionError:
    line = None
    number = None
    for n, cell in enumerate(doc.cells, 1):
        if cell.index == index:
            line, number = cell.line or None, n
            # The first frame is the failing cell's own statement (later frames may be
            # functions defined in other cells): point at that line in the file.
            inner = _CELL_LINE.search(strip_ansi(traceback))
            if line and inner:
                line += int(inner.group(1))
    return ExecutionError(message, path=doc.post.path, line=line, cell=number, hint=hint,
                          detail=strip_ansi(traceback) if traceback else None)


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


def execute(doc: NotebookDoc, config: SiteConfig, *, threads: int | None = None,
            on_cell: Callable[[int, int], None] | None = None,
            kernels: RunningKernels | None = None) -> ExecResult:
    """Execute ``doc`` and return the executed copy; raise ``ExecutionError`` on failure.

    ``threads`` caps each numeric library's threads in the kernel; ``on_cell``
    is called with (cell number, number of cells) as each code cell starts.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(doc.notebook)
    if not doc.cells:  # nothing to run: no kernel to start
        return ExecResult(doc=doc, notebook=nb, seconds=0.0, python=platform.python_version(),
                          executed_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    wrap(nb, config.root)  # tracking cells; notebook indices shift by one while running
    cwd = doc.post.path.parent if config.execute.cwd == "post" else config.root
    current: dict[str, int] = {}
    code_numbers = {cell.index: n for n, cell in enumerate(doc.cells, 1)}

    def on_notebook_start(**_):
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if process is not None:  # kept for the whole-post timeout and for interruptions
            current["pid"] = process.pid
            if kernels is not None:
                kernels.add(process.pid)

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index - 1
        if on_cell and cell_index - 1 in code_numbers:
            on_cell(code_numbers[cell_index - 1], len(doc.cells))

    client = NotebookClient(
        nb, timeout=config.execute.timeout, kernel_name=config.execute.kernel,
        resources={"metadata": {"path": str(cwd)}}, allow_errors=False,
        record_timing=False, on_cell_start=on_cell_start, shutdown_kernel="immediate",
        on_notebook_start=on_notebook_start,
    )
    start = time.perf_counter()
    def index() -> int | None:  # read after a failure: the user's cell that was running
        return current.get("index")

    # The kernel process's own stderr (not the cells' output, which comes over
    # ZeroMQ) holds start-up chatter and, when it dies, the reason: keep it aside.
    kernel_log = tempfile.TemporaryFile(mode="w+b")
    limit = config.execute.memory_bytes
    timer = None
    if config.execute.post_timeout:
        def overtime() -> None:  # the whole post ran too long: end its kernel
            current["overtime"] = 1
            if "pid" in current:
                os.kill(current["pid"], signal.SIGKILL)

        timer = threading.Timer(config.execute.post_timeout, overtime)
        timer.daemon = True
        timer.start()
    try:
        client.execute(env=_kernel_env(threads), stderr=kernel_log,
                       preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
                       if limit else None)
    except NoSuchKernel:
        from jupyter_client.kernelspec import find_kernel_specs

        raise ExecutionError(
            f"the kernel '{config.execute.kernel}' is not installed.", path=doc.post.path,
            hint="Set [tool.nbpress.execute] kernel to one of: "
                 + ", ".join(sorted(find_kernel_specs())) + " (or install it with ipykernel)."
        ) from None
    except CellTimeoutError:
        raise _cell_error(doc, index(), f"the cell did not finish within "
                          f"{config.execute.timeout} s and was stopped.",
                          "Make it faster, or raise [tool.nbpress.execute] timeout.") from None
    except DeadKernelError:
        if "overtime" in current:
            raise _cell_error(doc, index(), f"the post did not finish within "
                              f"{config.execute.post_timeout} s and was stopped.",
                              "Make it faster, or raise [tool.nbpress.execute] post_timeout."
                              ) from None
        kernel_log.seek(0)
        tail = kernel_log.read().decode("utf-8", "replace").strip().splitlines()[-15:]
        raise _cell_error(doc, index(), "the kernel died while running this cell "
                          "(killed by a signal, os._exit() or out of memory).",
                          "Run the post in Jupyter to see what ends the process"
                          + (f"; it may have exceeded memory_limit ({config.execute.memory_limit})."
                             if limit else "."),
                          "\n".join(line for line in tail if "without encryption" not in line)
                          ) from None
    except CellExecutionError as exc:
        name = getattr(exc, "ename", "Error")
        hint = ("Fix the code, or add tags=[\"raises-exception\"] to the cell's fence if the "
                "error is meant to be shown.")
        if name == "StdinNotImplementedError":
            hint = "Posts cannot ask for input at build time: replace input() with a value."
        elif name == "MemoryError" and limit:
            hint = (f"The kernel reached memory_limit ({config.execute.memory_limit}): use less "
                    "memory, or raise [tool.nbpress.execute] memory_limit.")
        trace = "\n".join(nb.cells[index() + 1].get("outputs", [{}])[-1].get("traceback", [])) \
            if index() is not None else str(exc)
        value = strip_ansi(getattr(exc, "evalue", "") or "").strip().rstrip(".")
        raise _cell_error(doc, index(), f"the code raised {name}" + (f": {value}." if value
                                                                     else "."), hint,
                          trace or str(exc)) from None
    except RuntimeError as exc:  # a kernel that failed to start
        raise ExecutionError(f"the kernel could not start: {exc}.", path=doc.post.path,
                             hint="Check that ipykernel is installed in this environment."
                             ) from None
    finally:
        if timer is not None:
            timer.cancel()
        kernel_log.close()
        if kernels is not None and "pid" in current:
            kernels.discard(current["pid"])
    seconds = time.perf_counter() - start
    found = unwrap(nb)
    env = environment.load(config.root / ".nbpress-cache")
    everything = env.packages(found.modules)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    main = [d for d in env.packages(imported_modules(code)) if d in everything]
    return ExecResult(doc=doc, notebook=nb, seconds=seconds, python=found.python,
                      executed_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), files=found.files,
                      packages=everything, main_packages=tuple(main))


def _kernel_env(threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    if threads:
        for name in THREAD_VARIABLES:
            env[name] = str(threads)
        env["NBPRESS_THREADS"] = str(threads)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning on stderr
    return env


__all__ = ["execute", "link_data", "strip_ansi"]
