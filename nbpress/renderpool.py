"""Rendering the posts whose pages changed: here, or in worker processes when there are many.

Each post's rendering (Markdown, highlighting, math, citations, the outline
of its HTML) depends on nothing but the post, its run and the site's
settings, so a cold build of a large site renders them in parallel, one
worker per core.  Workers come from a ``forkserver`` (a clean process that
has imported the renderer once, without the build's threads or its math
engine), and take the posts in order, in chunks.  A post that fails in a
worker is rendered again here, so its error is exactly the one a serial
build gives; a pool that cannot start leaves the work to this process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any, Sequence

from . import cache
from .errors import BuildWarning, CacheDamaged, ExecutionError, NbpressError
from .model import CACHE_DIR, ExecResult, OutputFile, RenderedPost, SiteConfig

PARALLEL_FROM = 48  # posts to render before starting workers pays off
_CHUNKS_PER_WORKER = 4  # small enough to share the work evenly, large enough to be cheap
_PRELOAD = ["nbpress.render", "nbpress.site", "nbpress.renderpool"]


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
    import nbformat

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
                          nbformat.writes(without_dark(shown.notebook)).encode())
    return replace(page, files=page.files + (download,)), found


def workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _chunk(jobs: Sequence[Job], settings: Settings) -> list[Result | None]:
    """In a worker: each job's result, or None where it failed (rendered again at home)."""
    from .bibliography import site_references

    try:
        references = site_references(settings.config.root)
    except NbpressError:
        return [None] * len(jobs)
    found: list[Result | None] = []
    for job in jobs:
        try:
            found.append(timed_render(job, settings, references))
        except NbpressError:
            found.append(None)
    return found


def render_in_workers(jobs: Sequence[Job], settings: Settings, count: int
                      ) -> list[Result | None] | None:
    """Every job's result in order (None: render it here), or None when no pool could run."""
    size = max(1, len(jobs) // (count * _CHUNKS_PER_WORKER))
    chunks = [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]
    context: Any = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            done = list(pool.map(_chunk, chunks, [settings] * len(chunks)))
    except (BrokenProcessPool, OSError, pickle.PicklingError, TypeError, AttributeError):
        # a killed worker, or something of the build that cannot be pickled: render here
        return None
    return [result for chunk in done for result in chunk]


__all__ = ["Job", "PARALLEL_FROM", "Settings", "render_in_workers", "render_one", "timed_render",
           "workers"]
