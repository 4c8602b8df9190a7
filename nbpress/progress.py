"""What a build shows while it runs, and its one-screen report at the end.

On a terminal a live rich display shows each executing post, the cell it is
on and the elapsed time; elsewhere (CI logs, pipes) plain lines are printed.
Calls come from the worker threads that run kernels, so both are thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Sequence, TextIO


@dataclass(frozen=True)
class PostReport:
    """One post's line in the build report."""

    name: str
    status: str  # "cached", "executed", "failed"
    reason: str
    execute_seconds: float
    render_seconds: float


def post_report(name: str, reason: str, has_code: bool, run, record,
                seconds: float) -> PostReport:
    """A post's line in the build's report: its run this build (an ``ExecResult``) or its
    cache record, why it ran, and ``seconds`` of rendering."""
    status = "executed" if run else "cached" if has_code else "no code"
    if status == "cached" and record is not None and record.imported_from:
        status = "imported"
    return PostReport(name, status, reason or status, run.seconds if run else 0.0, seconds)


class Progress:
    """Plain log lines: one when a post starts executing, one when it ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}

    def say(self, text: str) -> None:
        with self.lock:
            print(text, file=self.stream, flush=True)

    def start(self, name: str, cells: int, reason: str) -> None:
        self.started[name] = time.perf_counter()
        self.say(f"executing {name} ({cells} code cells): {reason}")

    def cell(self, name: str, number: int, total: int) -> None:
        """Plain logs stay quiet per cell; the live display shows it."""

    def done(self, name: str, seconds: float) -> None:
        self.say(f"  {name} done in {seconds:.1f} s")

    def failed(self, name: str) -> None:
        self.say(f"  {name} failed after {time.perf_counter() - self.started.get(name, 0):.1f} s")

    def close(self) -> None:
        pass


class LiveProgress(Progress):
    """A rich progress display: which post, which cell of how many, elapsed time."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                   TextColumn, TimeElapsedColumn)

        self.console = Console(file=stream)
        self.rich = RichProgress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("cells"), TimeElapsedColumn(),
                                 console=self.console, transient=False)
        self.tasks: dict[str, int] = {}
        self.rich.start()

    def say(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def start(self, name: str, cells: int, reason: str) -> None:
        self.started[name] = time.perf_counter()
        self.say(f"executing {name}: {reason}")
        self.tasks[name] = self.rich.add_task(name, total=cells)

    def cell(self, name: str, number: int, total: int) -> None:
        self.rich.update(self.tasks[name], completed=number - 1, total=total)

    def done(self, name: str, seconds: float) -> None:
        task = self.tasks[name]
        self.rich.update(task, completed=self.rich.tasks[task].total)
        self.rich.stop_task(task)

    def failed(self, name: str) -> None:
        self.rich.stop_task(self.tasks[name])

    def close(self) -> None:
        self.rich.stop()


def make_progress(stream: TextIO) -> Progress:
    """The live display on a terminal, plain lines elsewhere."""
    return LiveProgress(stream) if stream.isatty() else Progress(stream)


LIST_ALL = 50  # a longer report lists only the posts this build ran or rendered


def report_lines(reports: Sequence[PostReport], total_seconds: float) -> list[str]:
    """The build report: per post, cache hit or miss with its reason and the times.  Past
    ``LIST_ALL`` posts, those whose run and rendering were both kept are counted in one
    line instead (an edit at 2,000 posts shows its post, not 2,000 lines)."""
    if not reports:
        return []
    kept = [] if len(reports) <= LIST_ALL else [
        r.status for r in reports if not _made(r)]
    shown = [r for r in reports if not kept or _made(r)]
    lines = []
    if shown:
        width = max(len(r.name) for r in shown)
        lines.append(f"{'post':<{width}}  {'status':<8}  {'execute':>8}  {'render':>7}  reason")
    for r in shown:
        lines.append(f"{r.name:<{width}}  {r.status:<8}  {r.execute_seconds:>7.1f}s  "
                     f"{r.render_seconds:>6.2f}s  {r.reason}")
    if kept:
        lines.append(f"{len(kept):,} other post(s) neither run nor rendered again: " + ", ".join(
            f"{n:,} {status}" for status, n in sorted(Counter(kept).items())))
    lines.append(f"total {total_seconds:.1f} s")
    return lines


def _made(report: PostReport) -> bool:
    """Whether this build ran or rendered the post."""
    return report.status in ("executed", "failed") or report.render_seconds > 0
