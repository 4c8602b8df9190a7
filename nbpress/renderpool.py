"""Rendering the posts whose pages changed: here, or in worker processes when there are many.

Each post's rendering (Markdown, highlighting, math, citations, the outline
of its HTML) depends on nothing but the post, its run and the site's
settings, so a cold build of a large site renders them in parallel, one
worker process per core, each taking every n-th post.  A post that fails in
a worker is rendered again here, so its error is exactly the one a serial
build gives; workers that fail leave the work to this process.  A worker writes
the files of its posts (notebooks to download, images) into the build's spool
folder and sends back where they are, not their bytes: the build's process
need not hold them all until the site is written.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from . import cache
from .errors import BuildWarning, CacheDamaged, ExecutionError, NbpressError
from .forkmap import workers_here
from .gcpolicy import collecting_for
from .model import CACHE_DIR, ExecResult, OutputFile, RenderedPost, SiteConfig

PARALLEL_FROM = 48  # posts to render before starting workers pays off


@dataclass(frozen=True)
class Job:
    """One post to render: its plan and, when it ran in this build, its run."""

    item: cache.Plan
    run: ExecResult | None


@dataclass(frozen=True)
class Settings:
    """What every post's rendering shares."""

    config: SiteConfig
    variables: dict
    links: dict


Result = tuple[RenderedPost, list[BuildWarning], float]  # page, warnings, seconds


def timed_render(job: Job, settings: Settings, references: dict) -> Result:
    """``render_one``, with the seconds it took (for the build's report)."""
    begin = time.perf_counter()
    page, found = render_one(job, settings, references)
    return page, found, time.perf_counter() - begin


def render_one(job: Job, settings: Settings, references: dict
               ) -> tuple[RenderedPost, list[BuildWarning]]:
    """One post's page (analysed) and files, with its executed notebook to download."""
    from . import nbnode
    from .darkfig import without_dark
    from .render import render_post
    from .site import analyze

    item, config = job.item, settings.config
    try:
        shown = job.run or cache.restore(item, config.root)
    except CacheDamaged as exc:  # damaged since planning: a post's code can delete _executed/
        raise ExecutionError(f"the cached run of this post in {CACHE_DIR}/"
                             f"{item.doc.post.path.stem}/ was removed or changed while this "
                             f"build ran ({exc}); a post's code may have deleted it.",
                             path=item.doc.post.path,
                             hint="Build again: the post will be executed.") from None
    page, found = render_post(shown, config=config, variables=settings.variables,
                              links=settings.links, site_references=references)
    page = replace(page, analysis=analyze(page, settings.variables))
    if page.post.kind == "page" and not item.doc.cells:
        return page, found  # a page without code has no notebook to download
    download = OutputFile(f"{page.post.files_dir}/{page.post.slug}.ipynb",
                          nbnode.writes(without_dark(shown.notebook)).encode())
    return replace(page, files=page.files + (download,)), found


def _chunk(jobs: Sequence[Job], settings: Settings, spool: Path | None = None
           ) -> list[Result | None]:
    """In a worker: each job's result, or None where it failed (rendered again at home);
    with a ``spool`` folder, the results' files written there."""
    from .bibliography import site_references

    try:
        references = site_references(settings.config.root)
    except NbpressError:
        return [None] * len(jobs)
    found: list[Result | None] = []
    for job in jobs:
        try:
            page, warnings, seconds = timed_render(job, settings, references)
        except NbpressError:
            found.append(None)
            continue
        if spool is not None:
            page = replace(page, files=tuple(_set_aside(f, spool) for f in page.files))
        found.append((page, warnings, seconds))
    return found


def _set_aside(file: OutputFile, spool: Path) -> OutputFile:
    """``file`` written into ``spool`` (a new name), as a file the writer links in."""
    from .writer import content_digest

    if file.source is not None:
        return file
    fd, name = tempfile.mkstemp(dir=spool, prefix="file-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(file.data)
    return OutputFile(file.path, source=Path(name), digest=content_digest(file.data))


def render_in_workers(jobs: Sequence[Job], settings: Settings, count: int,
                      spool: Path | None = None) -> list[Result | None] | None:
    """Every job's result in order (None: render it here), or None when the workers failed.

    Each worker is ``python -m nbpress.renderpool``, given its share of the posts on its
    standard input; a fresh interpreter, so nothing of this process (its threads, its math
    engine, the script that started it) is copied or run again there.
    """
    shares = [list(range(i, len(jobs), count)) for i in range(count)]  # long and short alike
    # The workers import the very nbpress this process runs, wherever it was started from.
    here = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [here, *filter(None, [os.environ.get("PYTHONPATH")])])}
    with tempfile.TemporaryDirectory(prefix="nbpress-render-") as folder:
        running: list[tuple[subprocess.Popen, Path]] = []
        try:
            for number, share in enumerate(shares):
                out = Path(folder) / f"{number}.pickle"
                running.append((subprocess.Popen(
                    [sys.executable, "-m", "nbpress.renderpool", str(out),
                     *([str(spool)] if spool is not None else [])], env=env,
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL), out))
                _send(running[-1][0], [jobs[i] for i in share], settings)
            return _collect(running, shares, len(jobs))
        finally:
            for process, _ in running:
                if process.poll() is None:  # an early return or Ctrl-C: none left behind
                    process.kill()
                process.wait()


def _send(process: subprocess.Popen, jobs: list[Job], settings: Settings) -> None:
    try:
        with process.stdin:
            pickle.dump((jobs, settings), process.stdin)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # it sees a broken input and fails; rendered here instead


def _collect(running: list[tuple[subprocess.Popen, Path]], shares: list[list[int]],
             total: int) -> list[Result | None] | None:
    """The workers' results in the jobs' order, or None when one of them failed."""
    results: list[Result | None] = [None] * total
    for (process, out), share in zip(running, shares):
        if process.wait() != 0:
            return None
        try:
            with open(out, "rb") as handle:
                found = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        for index, result in zip(share, found):
            results[index] = result
    return results


def _worker(out: str, spool: str | None = None) -> None:
    """``python -m nbpress.renderpool OUT [SPOOL]``: render the posts given on standard
    input (their files into SPOOL)."""
    from .texmath import bulk

    bulk()  # hundreds of expressions to render: V8's compiler pays for its start
    jobs, settings = pickle.load(sys.stdin.buffer)
    found = _chunk(jobs, settings, Path(spool) if spool else None)
    with open(out, "wb") as handle:
        pickle.dump(found, handle)


def render_changed(plans: Sequence[cache.Plan], runs: dict, config: SiteConfig,
                   variables: dict, links: dict, spool: Path | None = None
                   ) -> dict[str, Result | NbpressError]:
    """Each post's (page, warnings, seconds), or its error, by name: many in worker
    processes (their files set aside in ``spool``), the others (and those that failed
    there) here."""
    jobs = [Job(p, runs.get(p.name, (None, None))[0]) for p in plans]
    settings = Settings(config, variables, links)
    results = None
    if len(jobs) >= PARALLEL_FROM and workers_here() > 1:
        results = render_in_workers(jobs, settings, workers_here(), spool)
    results = results or [None] * len(jobs)
    found: dict = {}
    here = sum(result is None for result in results)  # rendered in this process
    with collecting_for(here):  # (gcpolicy.py)
        _render_here(jobs, results, settings, config, found)
    return found


def _render_here(jobs: list, results: list, settings: Settings, config: SiteConfig,
                 found: dict) -> None:
    """Into ``found``: each job's result, rendered here where it has none yet."""
    from .bibliography import site_references

    references = None  # the site's references.bib, loaded when a post first needs rendering
    for job, result in zip(jobs, results):
        try:
            if result is None:
                if references is None:
                    references = {}  # a broken references.bib is reported once
                    references = site_references(config.root)
                result = timed_render(job, settings, references)
        except NbpressError as exc:
            result = exc
        found[job.item.name] = result


__all__ = ["Job", "PARALLEL_FROM", "Settings", "render_changed", "render_in_workers",
           "render_one", "timed_render"]


if __name__ == "__main__":
    _worker(*sys.argv[1:3])
