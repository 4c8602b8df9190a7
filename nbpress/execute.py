"""Run a post's notebook in a fresh kernel with nbclient → ``ExecResult``.

One kernel per post, started in the post's folder (as Jupyter does), a
per-cell timeout, no stdin (``input()`` fails at once instead of hanging), and
the kernel always shut down.  Jupyter Book's ``raises-exception`` and
``skip-execution`` tags are honoured by nbclient itself.  Any failure becomes
one ``ExecutionError`` naming the post, the line of the failing cell and the
user's traceback without ANSI codes.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import resource
import signal
import tempfile
import threading
import time

from typing import Callable

from . import darkfig, environment
from .errors import ExecutionError
from .model import STATE_DIR, ExecResult, NotebookDoc, SiteConfig
from .nbnode import nbformat_copy
from .tracking import UNTRACKED, imported_modules, unwrap, wrap

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


class _Run:
    """One post's run: the nbclient client, the kernel's pid, the cell running, the timer."""

    def __init__(self, doc: NotebookDoc, config: SiteConfig, nb, *, kernels,
                 on_cell: Callable[[int, int], None] | None, shift: int) -> None:
        from .client import Client as NotebookClient  # nbclient's, tolerant of bad outputs

        self.doc, self.config, self.nb = doc, config, nb
        self.kernels, self.on_cell = kernels, on_cell
        self.pid: int | None = None
        self.index: int | None = None  # the user's cell running (index in doc.notebook)
        self.overtime = False
        self.timer: threading.Timer | None = None  # the whole-post timeout, once the kernel runs
        self.shift = shift  # the tracking cell before the user's cells, when there is one
        self.numbers = {cell.index: n for n, cell in enumerate(doc.cells, 1)}
        cwd = doc.post.path.parent if config.execute.cwd == "post" else config.root
        self.client = NotebookClient(
            nb, timeout=config.execute.timeout, kernel_name=doc.kernel.name,
            resources={"metadata": {"path": str(cwd)}}, allow_errors=False,
            record_timing=False, on_cell_start=self._cell_start, shutdown_kernel="immediate",
            on_notebook_start=self._notebook_start)
        self.client.output_bytes = config.output_bytes  # long prints never reach the cache

    def _notebook_start(self, **_) -> None:
        process = getattr(getattr(self.client.km, "provisioner", None), "process", None)
        if process is not None:  # kept for the whole-post timeout and for interruptions
            self.pid = process.pid
            if self.kernels is not None:
                self.kernels.add(process.pid)
            if self.config.execute.post_timeout:  # the post's own time: from here on
                self.timer = threading.Timer(self.config.execute.post_timeout,
                                             self._stop_overtime)
                self.timer.daemon = True
                self.timer.start()

    def _cell_start(self, cell, cell_index: int, **_) -> None:
        self.index = cell_index - self.shift
        if self.on_cell and self.index in self.numbers:
            self.on_cell(self.numbers[self.index], len(self.doc.cells))

    def _stop_overtime(self) -> None:  # the whole post ran too long: end its kernel
        self.overtime = True
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)

    def run(self, threads: int | None, kernel_log) -> None:
        """Execute every cell; nbclient's exceptions propagate to ``failure``."""
        limit = self.config.execute.memory_bytes
        try:
            self.client.execute(
                env=_kernel_env(threads), stderr=kernel_log,
                preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
                if limit else None)
        finally:
            if self.timer is not None:
                self.timer.cancel()
            if self.kernels is not None and self.pid is not None:
                self.kernels.discard(self.pid)
            _close_thread_loop()

    def failure(self, exc: BaseException, kernel_log) -> ExecutionError | None:
        """The user's message for what nbclient raised; None when it is not a post's failure."""
        from jupyter_client.kernelspec import NoSuchKernel
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        execute = self.config.execute
        if isinstance(exc, NoSuchKernel):
            from .kernels import spec_manager

            return ExecutionError(
                f"the kernel '{self.doc.kernel.name}' is not installed.", path=self.doc.post.path,
                hint="Set [tool.nbpress.execute] kernel to one of: "
                     + ", ".join(sorted(spec_manager().find_kernel_specs()))
                     + " (or install it with ipykernel).")
        if isinstance(exc, CellTimeoutError):
            return _cell_error(self.doc, self.index, f"the cell did not finish within "
                               f"{execute.timeout} s and was stopped.",
                               "Make it faster, or raise [tool.nbpress.execute] timeout.")
        if isinstance(exc, DeadKernelError):
            return self._dead(kernel_log)
        if isinstance(exc, CellExecutionError):
            return self._raised(exc)
        if isinstance(exc, RuntimeError):  # a kernel that failed to start
            return ExecutionError(f"the kernel could not start: {exc}.", path=self.doc.post.path,
                                  hint="Check that ipykernel is installed in this environment.")
        return None

    def _dead(self, kernel_log) -> ExecutionError:
        execute = self.config.execute
        if self.overtime:
            return _cell_error(self.doc, self.index, f"the post did not finish within "
                               f"{execute.post_timeout} s and was stopped.",
                               "Make it faster, or raise [tool.nbpress.execute] post_timeout.")
        kernel_log.seek(0)
        tail = kernel_log.read().decode("utf-8", "replace").strip().splitlines()[-15:]
        return _cell_error(self.doc, self.index, "the kernel died while running this cell "
                           "(killed by a signal, os._exit() or out of memory).",
                           "Run the post in Jupyter to see what ends the process"
                           + (f"; it may have exceeded memory_limit ({execute.memory_limit})."
                              if execute.memory_bytes else "."),
                           "\n".join(line for line in tail if "without encryption" not in line))

    def _raised(self, exc) -> ExecutionError:
        outputs = self.nb.cells[self.index + self.shift].get("outputs", []) \
            if self.index is not None else []
        shown = [o for o in outputs if o.get("output_type") == "error"]
        name, evalue = getattr(exc, "ename", "Error"), getattr(exc, "evalue", "") or ""
        if name in ("NoneType", "Error", "", None) and shown:  # a display formatter failed:
            # the kernel's reply names no exception; the error outputs it printed do
            name, evalue = shown[-1].get("ename") or name, shown[-1].get("evalue") or evalue
        hint = ("Fix the code, or add tags=[\"raises-exception\"] to the cell's fence if the "
                "error is meant to be shown.")
        if name == "StdinNotImplementedError":
            hint = "Posts cannot ask for input at build time: replace input() with a value."
        elif name == "MemoryError" and self.config.execute.memory_bytes:
            hint = (f"The kernel reached memory_limit ({self.config.execute.memory_limit}): use "
                    "less memory, or raise [tool.nbpress.execute] memory_limit.")
        else:
            hint = _cause_hint(name, strip_ansi(evalue)) or hint
        trace = "\n".join((shown or outputs or [{}])[-1].get("traceback", [])) \
            if self.index is not None else str(exc)
        value = strip_ansi(evalue).strip().rstrip(".")
        return _cell_error(self.doc, self.index, f"the code raised {name}"
                           + (f": {value}." if value else "."), hint, trace or str(exc))


def execute(doc: NotebookDoc, config: SiteConfig, *, threads: int | None = None,
            on_cell: Callable[[int, int], None] | None = None, kernels=None) -> ExecResult:
    """Execute ``doc`` and return the executed copy; raise ``ExecutionError`` on failure.

    ``threads`` caps each numeric library's threads in the kernel; ``on_cell``
    is called with (cell number, number of cells) as each code cell starts;
    ``kernels`` (``scheduler.RunningKernels``) is told the kernel's pid.
    """
    nb = nbformat_copy(doc.notebook)
    executed_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    if not doc.cells:  # nothing to run: no kernel to start
        return ExecResult(doc=doc, notebook=nb, seconds=0.0, python=platform.python_version(),
                          executed_at=executed_at)
    tracked = doc.kernel.is_python  # the tracking cells are Python
    if tracked:
        # tracking cells; notebook indices shift by one while running
        wrap(nb, config.root, darkfig.kernel_setup() if config.dark_figures else "")
    run = _Run(doc, config, nb, kernels=kernels, on_cell=on_cell, shift=int(tracked))
    start = time.perf_counter()
    # The kernel process's own stderr (not the cells' output, which comes over
    # ZeroMQ) holds start-up chatter and, when it dies, the reason: keep it aside.
    with tempfile.TemporaryFile(mode="w+b") as kernel_log:
        try:
            run.run(threads, kernel_log)
        except Exception as exc:
            error = run.failure(exc, kernel_log)
            if error is None:
                raise
            raise error from None
    seconds = time.perf_counter() - start
    if not tracked:
        return ExecResult(doc=doc, notebook=nb, seconds=seconds, executed_at=executed_at)
    found = unwrap(nb)
    if not found.complete:
        nb.metadata[UNTRACKED] = True  # rendering warns (from the cache too)
    env = environment.load(config.root / STATE_DIR)
    everything = env.packages(found.modules)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    main = [d for d in env.packages(imported_modules(code)) if d in everything]
    return ExecResult(doc=doc, notebook=nb, seconds=seconds, python=found.python,
                      executed_at=executed_at, files=found.files,
                      packages=everything, main_packages=tuple(main),
                      ran_on={"gpu": found.gpu} if found.gpu else {})


# Modules whose package has another name on PyPI (`pip install sklearn` installs nothing)
_PACKAGES = {"sklearn": "scikit-learn", "skimage": "scikit-image", "cv2": "opencv-python",
             "PIL": "pillow", "yaml": "pyyaml", "bs4": "beautifulsoup4", "Bio": "biopython",
             "dateutil": "python-dateutil", "attr": "attrs", "jwt": "pyjwt",
             "OpenSSL": "pyopenssl", "serial": "pyserial"}


def _cause_hint(name: str, value: str) -> str:
    """What to do about the failures old posts meet most: a module or a file that is not
    here, or a download on a machine without network."""
    module = re.search(r"No module named '([\w.]+)'", value)
    if name == "ModuleNotFoundError" and module:
        top = module.group(1).split(".")[0]
        package = _PACKAGES.get(top, top)
        return (f"The module '{top}' is not installed where the site is built: install the "
                f"package that provides it ({'' if top in _PACKAGES else 'often '}"
                f"`pip install {package}`), and list it with the blog's dependencies.")
    if name == "FileNotFoundError":
        return ("The post reads a file that is not there: the post runs in its own folder, so "
                "check the path, add the file, or link a local copy with "
                "[tool.nbpress.execute] data_links.")
    if name in ("URLError", "ConnectionError", "gaierror", "ConnectTimeout", "HTTPError") or \
            "Name or service not known" in value or "Temporary failure in name" in value:
        return ("The post downloads something and this machine cannot reach it: keep a local "
                "copy and point the post at it (or use [tool.nbpress.execute] data_links).")
    return ""


def _close_thread_loop() -> None:
    """Close the event loop nbclient (jupyter_core's run_sync) made for this thread.

    It is kept per thread and never closed; a pool's worker threads would leave
    one open loop and socket pair each.  A closed loop is replaced on next use.
    """
    import asyncio

    with contextlib.suppress(RuntimeError):
        loop = asyncio.get_event_loop_policy().get_event_loop()
        if not loop.is_running() and not loop.is_closed():
            loop.close()


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
