"""The site's pages rendered again only when something they read changed.

Every template rendering of the site stage (post pages, the home page and its
following pages, tag pages, archive, 404, feed, sitemap, standalone pages,
redirects) goes through ``PageMaker``.  What the template read is recorded and
digested (``pagereads.py``); the next build computes the digest from the same
recorded reads, and when it is equal, the page is exactly what the previous
build wrote and the file already in ``_site`` is kept.

This is sound by the usual argument for recorded dependencies: a rendering
that reads the same values follows the same path and writes the same text.
The mistake it can make is only ever in the safe direction: a value whose
``repr`` is not stable changes the digest, so that page is rendered again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import jinja2

from .errors import NbpressError
from .forkmap import forked_map, with_traceback_note
from .gcpolicy import collecting_for
from .memo import Memo, remembered
from .model import OutputFile, PageRecord, SiteConfig
from .pagereads import PageReads
from .state import State, code_digest, site_matches
from .templates import render_template
from .writer import content_digest

MakePage = Callable[[str, str, Mapping[str, Any]], OutputFile]  # (template, path, context)


def template_digest(theme_dirs: Iterable[Path]) -> str:
    """A hash of every template of the theme (a template may include or extend any)."""
    digest = hashlib.sha256()
    for theme in theme_dirs:
        folder = theme / "templates"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class _Job:
    """A page to render: its template, path and context, the previous build's record and
    the digest of its reads now (None without one), and where its bytes go."""

    name: str
    path: str
    context: Mapping[str, Any]
    old: PageRecord | None
    digest: str | None
    spooled: Path | None


class PageMaker:
    """Renders the site's pages, or keeps the previous build's file when nothing it read
    changed.  ``reusable``: the previous build's pages are in ``out`` as it wrote them."""

    def __init__(self, env: jinja2.Environment, site: Mapping[str, Any], *, base: str,
                 previous: Mapping[str, PageRecord], out: Path, reusable: bool,
                 memo: Memo | None = None, spool: Path | None = None, workers: int = 1,
                 made: Mapping[int, str] | None = None) -> None:
        self.env, self.base, self.out, self.reusable = env, base, out, reusable
        self.workers = workers  # processes rendering pages (``finish``); 1: here, at once
        self._waiting: list[tuple[OutputFile, _Job]] = []
        self._pid = os.getpid()  # a page rendered in another process is in a forked copy
        self.spool = spool  # a folder for rendered pages (on the site's file system), or None
        self.previous = previous if reusable else {}
        self._made: dict[str, list[tuple[OutputFile, PageRecord]]] = {}
        self.rendered: list[str] = []  # paths rendered by this build, in order
        self.reads = PageReads(site, base, memo, made)  # (made: its posts' digests)
        self._kept = memo  # serve's: a kept page's path object made once

    def __call__(self, name: str, path: str, context: Mapping[str, Any]) -> OutputFile:
        """The file at ``path``: ``name`` rendered with ``context``, or the kept one.  With
        ``workers``, a page to render is only set aside: ``finish`` renders them all."""
        old = self.previous.get(path)
        digest = None if old is None else self.reads.digest(name, path, context, old.reads)
        if old is not None and old.digest == digest and os.path.isfile(f"{self.out}/{path}"):
            return self._made_(self._kept_file(path), old)
        self.rendered.append(path)
        # Set aside on disk until the site is written: thousands of pages need not all be
        # in memory at once.
        spooled = None if self.spool is None else self.spool / str(len(self.rendered))
        job = _Job(name, path, context, old, digest, spooled)
        if self.workers < 2 or spooled is None:
            return self._done(job, self._render(job))
        waiting = OutputFile(path, source=spooled)  # replaced by ``finish``
        self._waiting.append((waiting, job))
        return waiting

    def _render(self, job: _Job) -> tuple | Exception:
        """(bytes, or None once spooled; their digest; what it read; the page's digest), or
        the template's error: raised by ``_done`` in the site's order, wherever it was
        rendered (an unexpected one with its traceback as a note, for ``--debug``)."""
        self.reads.sink.reads = set()
        try:
            # Many pages rendered here (one core, serve): the collector runs (gcpolicy.py).
            with collecting_for(len(self.rendered)):
                data = render_template(self.env, job.name, self.reads.view(job.context)).encode()
        except NbpressError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - a filter's bug in a theme: said in order
            return exc if os.getpid() == self._pid else with_traceback_note(exc)
        reads = tuple(sorted(self.reads.sink.reads))
        digest = job.digest if job.old is not None and reads == job.old.reads \
            else self.reads.digest(job.name, job.path, job.context, reads)  # (else: made already)
        if job.spooled is None:
            return data, "", reads, digest
        job.spooled.write_bytes(data)
        return None, content_digest(data), reads, digest

    def _done(self, job: _Job, result: tuple | Exception) -> OutputFile:
        if isinstance(result, Exception):
            raise result
        data, written, reads, digest = result
        file = OutputFile(job.path, data) if data is not None else \
            OutputFile(job.path, source=job.spooled, digest=written)
        return self._made_(file, PageRecord(digest, reads))

    def finish(self, files: Sequence[OutputFile]) -> list[OutputFile]:
        """``files`` with the pages set aside rendered in their place: shared between this
        process and forked copies of it (``forkmap``) when there are many; the first page's
        error (in the site's order) is raised."""
        waiting, self._waiting = self._waiting, []
        results = forked_map(self._render, [job for _, job in waiting], self.workers)
        done = {id(file): self._done(job, result)
                for (file, job), result in zip(waiting, results)}
        return [done.get(id(file), file) for file in files]

    def _kept_file(self, path: str) -> OutputFile:
        """The file at ``path`` in ``out``, kept (serve: its path object made once)."""
        return OutputFile(path, source=remembered(self._kept, "kept-path", (str(self.out), path),
                                                  lambda: self.out / path))

    def _made_(self, file: OutputFile, record: PageRecord) -> OutputFile:
        self._made.setdefault(file.path, []).append((file, record))
        return file

    def records_for(self, files: Sequence[OutputFile]) -> dict[str, PageRecord]:
        """The records of the pages that are in the site (``files``): a page another one
        replaced at its path (a ``404.md`` over the theme's 404) must not leave its record
        behind, or the next build would keep the other page's file as its own."""
        found = {}
        for file in files:
            for made, record in self._made.get(file.path, ()):
                if made is file:
                    found[file.path] = record
        return found

def page_maker(env: jinja2.Environment, templates: str, site: Mapping[str, Any],
               config: SiteConfig, previous: State, memo: Memo | None = None,
               spool: Path | None = None, workers: int = 1,
               made: Mapping[int, str] | None = None) -> PageMaker:
    """The site stage's renderer for one build (``templates``: ``template_digest`` of the
    theme): it keeps the previous build's pages whose reads are unchanged when ``_site`` is
    still as the previous build wrote it, and renders the others with ``workers``
    processes (``made``: ``PageReads``')."""
    reusable = bool(previous.files) and site_matches(config.out, previous.build_id,
                                                     search_behind=True)
    base = hashlib.sha256((templates + code_digest()).encode()).hexdigest()
    # Every digest starts from ``base``: when it changed (a template edited), no page can be
    # kept, and computing each one's digest before rendering it is work thrown away.
    records = previous.pages if previous.page_base in ("", base) else {}
    return PageMaker(env, site, base=base, previous=records, out=config.out,
                     reusable=reusable, memo=memo, spool=spool, workers=workers, made=made)


__all__ = ["MakePage", "PageMaker", "PageRecord", "page_maker", "template_digest"]
