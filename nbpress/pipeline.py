"""The only orchestrator: config → discover → read → plan → execute → render → site → write.

``_build`` is the stage list; each step is one call with typed input and
output.  Errors are values collected per post; with ``keep_going`` every post
is tried and all failures are reported together.  ``_site`` is replaced only
by a build in which every post succeeded.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import sys
import time
from dataclasses import dataclass, replace
from typing import TextIO

from . import cache, entries, kernels, noop, state
from .config import site_variables
from .errors import (BuildFailed, BuildWarning, ExecutionError, NbpressError,
                     each_error)
from .execute import execute, link_data
from .explain import explain_plans
from .gcpolicy import collecting
from .memo import Memo, remembered, remembered_same
from .model import CACHE_DIR, BuildReport, ExecResult, NotebookDoc, RenderedPost, SiteConfig
from .readcache import Reads, kept_doc, kept_render_key
from .progress import PostReport, make_progress, post_report, report_lines
from .scheduler import Executor, LocalExecutor
from .writer import spool_dir, write_output

__all__ = ["BuildFailed", "build"]


@dataclass(frozen=True)
class Rendered:
    """The render stage's output: every post's page, its warnings and report lines."""

    posts: tuple[RenderedPost, ...]
    records: dict[str, state.RenderRecord]  # by post name, in posts' order; for the next build
    warnings: tuple[BuildWarning, ...]
    reports: tuple[PostReport, ...]


def build(config: SiteConfig, *, log: TextIO = sys.stderr, executor=None,
          explain: bool = False, memo: Memo | None = None, search_later: bool = False,
          fingerprint: str = "") -> BuildReport:
    """Build the whole site into ``config.out``; raise ``BuildFailed`` or ``NbpressError``.

    ``executor`` is an ``Executor`` (``scheduler.LocalExecutor`` by default, a
    ``cluster.DaskExecutor`` when ``[tool.nbpress.execute] scheduler`` is set), or a
    function running one post like ``execute.execute``, run in the local pool.
    When no input changed since the last build into the same folder, return at
    once (``BuildReport.up_to_date``) without importing the heavy stages.
    ``serve`` passes a ``memo`` (what its previous builds read, kept in memory) and
    ``search_later``: a site updated in place then leaves its search index to
    ``search.Reindexer``, run once the browser has reloaded
    (``BuildReport.search_pending``).  ``fingerprint``: the inputs' (``noop.fingerprint``),
    when the caller took it for a no-op check of its own (the command line): not taken, nor
    checked, again.
    """
    start = time.perf_counter()
    state_file = state.state_path(config.root, config.out)
    checked, fingerprint = bool(fingerprint), fingerprint or noop.fingerprint(config)
    # serve's first build reads everything, so that its memo holds the site for the next edit.
    warm = memo is None or memo.state is not None
    if not explain and warm and not checked:
        report = noop.up_to_date(config, fingerprint)
        if report is not None:
            return replace(report, seconds=time.perf_counter() - start)
    if executor is None and config.execute.scheduler:
        from .cluster import DaskExecutor  # Dask is imported only when a cluster is asked for

        executor = DaskExecutor(config.execute.scheduler)
    if not hasattr(executor, "run_all"):
        executor = LocalExecutor(executor or execute)
    with state.build_lock(config.root, log), collecting(False):
        previous = _previous(state_file, memo)  # again: another build may have ended since
        # The previous build's reads; serve keeps its own after its first build.
        reads = Reads(state_file, config.shown()) if memo is None or memo.state is None else None
        report = _build(config, log=log, executor=executor, explain=explain, previous=previous,
                        fingerprint=fingerprint, state_file=state_file, start=start,
                        memo=memo, reads=reads, search_later=search_later)
    if memo is not None:
        memo.forget_unused()
    return report


def _previous(state_file, memo: Memo | None) -> state.State:
    """The previous build's state: the memo's when it is the one on disk, else read."""
    if memo is not None:
        meta = state.load(state_file, posts=False)
        kept = memo.state
        if kept is not None and meta.build_id and (kept.build_id, kept.fingerprint) == (
                meta.build_id, meta.fingerprint):
            return kept
    return state.load(state_file)


def _build(config: SiteConfig, *, log: TextIO, executor: Executor, explain: bool,
           previous: state.State, fingerprint: str, state_file, start: float,
           memo: Memo | None, reads: Reads | None, search_later: bool) -> BuildReport:
    # Stages that import heavy libraries (YAML, jupytext, nbformat, markdown-it,
    # Pygments, jinja2) are imported here, so that a no-op build never pays for them.
    from .discover import discover
    from .pages import discover_pages, liquid_pages, stem_clashes, url_clashes
    from .pagecache import template_digest
    from .preflight import refresh_errors
    from .site import layout_errors
    from .sitedata import load_data
    from .templates import make_environment

    posts, errors = discover(config, memo, reads)
    pages, more = discover_pages(config)  # pages go through the same stages as posts
    errors += more + url_clashes(posts, pages, config) + refresh_errors(config, posts + pages)
    _stop_if(errors, config.keep_going)
    docs, warnings = _read(posts + pages, config, errors, memo, reads)
    # Keyed by every template's text: Jinja would miss a new file overriding the theme's.
    templates = template_digest(config.theme_dirs)  # also in every page's digest
    env = remembered(memo, "templates", (config.theme_dirs, templates),
                     lambda: make_environment(config.theme_dirs, state_file.parent))
    errors += layout_errors(env, posts + pages) + stem_clashes(docs)
    _stop_if(errors, config.keep_going)
    link_data(config)  # before planning: a linked dataset is a file the cache checks
    plans = cache.plan(docs, config)
    if explain:
        explain_plans(plans, config, log)
        return BuildReport(posts=(), warnings=tuple(warnings), seconds=0.0)
    variables = {**site_variables(config), "data": load_data(config.root),
                 "pages": liquid_pages(pages, config.root)}  # templates get richer ones
    links = _links(plans, config.baseurl)
    plans = _precheck(plans, config, variables, links, errors)
    runs = _execute(plans, config, executor, log, errors)
    spool = spool_dir(config.out)  # rendered files wait there, not in memory, until written
    try:
        rendered = _render(plans, runs, config, variables, links, previous, memo, spool, reads)
        warnings += rendered.warnings
        if reads is not None:
            reads.save()  # for the next build: only the posts read again are written
        records = [runs[p.name][1] if p.name in runs else p.record for p in plans]
        dependency_files = tuple(sorted({f for r in records if r for f in r.files}))
        del docs, plans, runs  # the site stage needs no notebook (≈30 MB at 2,000 posts)
        if config.output_format == "jekyll":  # the other writer: posts into a Jekyll site
            report = _jekyll_site(rendered, config)
        else:
            report = _site(config, (env, templates), variables, rendered, previous, memo,
                           search_later, spool,
                           lambda build_id, **site: _save_state(
                               state_file, config, fingerprint, build_id, rendered,
                               dependency_files, previous, **site))
            warnings += report.warnings
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    kept = cache.post_stems(config.root) | {p.path.stem for p in pages}  # pages' runs too
    entries.remove(sum(entries.unused(config.root, kept), []))
    seconds = time.perf_counter() - start
    return replace(report, posts=tuple(rendered.records), warnings=tuple(warnings),
                   seconds=seconds, lines=tuple(report_lines(rendered.reports, seconds)))


def _site(config: SiteConfig, templates: tuple, variables: dict, rendered: Rendered,
          previous: state.State, memo: Memo | None, search_later: bool, spool, save
          ) -> BuildReport:
    """The site stage and the writer: every page around the posts (``templates``: the
    environment and the digest of its files; ``spool``: where rendered pages wait),
    written (only what changed, where it can), then the state saved with ``save``.
    Returns what it rendered and wrote, and its warnings."""
    from .forkmap import workers_here
    from .pagecache import page_maker
    from .resources import missing_images
    from .site import context_digests, site_context, site_files
    from .sitepages import redirect_outputs

    site = site_context(config, variables, rendered.posts, memo)
    made = context_digests(site, config, variables, rendered.posts,
                           [r.render_key for r in rendered.records.values()])
    workers = workers_here() if memo is None else 1  # forkmap.py: never serve's threads
    make = page_maker(*templates, site, config, previous, memo, spool, workers, made)
    files, warnings = redirect_outputs(make, site, rendered.posts,
                                       site_files(make, config, site, rendered.posts))
    files = make.finish(files)  # the pages it set aside, rendered (in forked copies)
    warnings += missing_images(rendered.posts, {f.path for f in files}, config.baseurl)
    build_id = hashlib.sha256(f"{previous.build_id}{time.time()}".encode()).hexdigest()[:16]
    signatures, written, pending = write_output(files, config, build_id, previous.files,
                                                make.reusable, search_later, workers)
    saved = save(build_id, pages=make.records_for(files), files=signatures, page_base=make.base)
    if memo is not None:
        memo.state = saved
    return BuildReport(posts=(), warnings=tuple(warnings), seconds=0.0,
                       rendered=tuple(make.rendered), written=tuple(written),
                       search_pending=pending)


def _stop_if(errors: list[NbpressError], keep_going: bool) -> None:
    """Stop the build now when there are errors and the user did not ask to keep going."""
    if errors and not keep_going:
        raise BuildFailed(errors)


def _read(posts, config: SiteConfig, errors: list[NbpressError], memo: Memo | None = None,
          reads: Reads | None = None) -> tuple[list[NotebookDoc], list[BuildWarning]]:
    """Each post's text → its unexecuted notebook (the read stage); failures go to ``errors``.
    With a ``memo`` (serve) or ``reads`` (the previous build's), a post whose files and
    settings are unchanged is not read again."""
    from .environment import stamp
    from .memo import Stamper

    docs, warnings, file_stamp = [], [], Stamper()
    find_installed = functools.cache(kernels.installed_kernels)
    settings = (repr(config), stamp()) if memo is not None else ()
    for post in posts:
        try:
            # Keyed by the post itself too: a file saved between discovery and reading is
            # read with the front matter discovery saw only until the next build.
            doc, found = remembered_same(memo, "doc", (post,), (file_stamp(post.path), settings),
                                         lambda: _read_one(post, config, find_installed, reads,
                                                           whole=memo is not None))
        except NbpressError as exc:
            errors.append(exc)
            _stop_if(errors, config.keep_going)
            continue
        docs.append(doc)
        warnings += [BuildWarning(note, post.path) for note in post.notes] + found
    return docs, warnings


def _read_one(post, config: SiteConfig, find_installed, reads: Reads | None = None,
              whole: bool = False) -> tuple[NotebookDoc, list]:
    """One post's notebook, to run in the kernel chosen for it, and the warnings (the
    notebook as the previous build read it when ``reads`` kept it for this very post; the
    kernel is chosen again: kernels may have been installed since)."""
    def read() -> tuple:
        from .readers import read_post_notebook  # (jupytext, nbformat: only when one is read)

        doc, found = read_post_notebook(post, keep_comment=config.excerpt_separator)
        return doc, found, kernels.requested(post, doc.notebook.metadata, bool(doc.cells))

    doc, found, wanted = kept_doc(reads, post, read)  # (its notebook unpacked when used)
    kernel, more = kernels.choose(post, wanted, config, find_installed)
    doc = kernels.assign(doc, kernel)
    if whole:  # serve's first build: its memo keeps the doc after the reads are gone
        doc.notebook  # noqa: B018 - unpacked now
    return doc, found + more


def _nbformat_ready() -> None:
    """nbformat imported and its notebook schema compiled (≈10 MB while it is done) before
    the runs start to hold their outputs, not by the first run to store one."""
    from nbformat.validator import get_validator

    get_validator()


def _execute(plans: list[cache.Plan], config: SiteConfig, executor: Executor, log: TextIO,
             errors: list[NbpressError]) -> dict[str, tuple[ExecResult, cache.Record]]:
    """Run the stale posts (the execute stage); each success is stored in the cache at once.

    Returns each run with its new cache record, by post name.  Nothing is
    rendered unless every post (read, planned or run) succeeded.
    """
    stale = [p for p in plans if p.reason]
    if config.mode == "never" and stale:
        lines = "\n".join(f"  {p.name}: {p.reason}" for p in stale)
        raise BuildFailed([ExecutionError(
            f"--execute never, but {len(stale)} post(s) have no up-to-date execution in "
            f"{CACHE_DIR}/:", hint="Build once where the posts can run (with their data) and "
            f"commit {CACHE_DIR}/, or drop --execute never.", detail=lines)])
    if not stale:
        _stop_if(errors, False)
        return {}
    _nbformat_ready()
    records: dict[str, cache.Record] = {}

    def on_done(job: cache.Plan, result: ExecResult) -> None:
        records[job.name] = cache.save_run(job, result, config.root)

    progress = make_progress(log)
    try:
        with collecting(True):  # (gcpolicy.py)
            results, failures = executor.run_all(stale, config, progress, on_done)
    finally:
        progress.close()
    _stop_if(errors + failures, False)
    # The page shows the run as its cache entry holds it (its notebook as stored, its time
    # and seconds as recorded), so that a later build from the cache makes the very same page.
    return {name: (cache.as_stored(result, records[name], config.root), records[name])
            for name, result in results.items()}


def _links(plans: list[cache.Plan], baseurl: str) -> dict[str, str]:
    """Each post's URL by stem and by path, for ``{% post_url %}`` and ``{% link %}`` (pages
    by path only: ``post_url`` names posts)."""
    links = {p.doc.post.path.stem: baseurl + p.doc.post.url for p in plans
             if p.doc.post.kind == "post"}
    links.update({p.name: baseurl + p.doc.post.url for p in plans})
    return links


def _precheck(plans: list[cache.Plan], config: SiteConfig, variables: dict, links: dict,
              errors: list[NbpressError]) -> list[cache.Plan]:
    """Render each post that must run once without outputs, so that a Liquid, citation or
    bibliography mistake is reported before any kernel starts (a typo must never cost a
    training run).  Returns the plans still worth running; failures go to ``errors``."""
    from .bibliography import site_references
    from .render import render_post

    stale = [p for p in plans if p.reason]
    if not stale:
        return plans
    try:
        references = site_references(config.root)
    except NbpressError as exc:
        errors.append(exc)
        _stop_if(errors, config.keep_going)
        return plans
    failed = set()
    for item in stale:
        try:
            render_post(ExecResult(doc=item.doc, notebook=item.doc.notebook, seconds=0.0),
                        config=config, variables=variables, links=links,
                        site_references=references)
        except NbpressError as exc:
            errors.extend(each_error(exc))  # every Liquid mistake of a post, not one
            failed.add(item.name)
    _stop_if(errors, config.keep_going)
    return [p for p in plans if p.name not in failed]


def _render(plans: list[cache.Plan], runs: dict[str, tuple[ExecResult, cache.Record]],
            config: SiteConfig, variables: dict, links: dict, previous: state.State,
            memo: Memo | None = None, spool=None, reads: Reads | None = None) -> Rendered:
    """Every post's page (the render stage): the previous build's when its key is unchanged;
    the others rendered in worker processes when there are many (their files set aside in
    ``spool``)."""
    from .cslstyle import style_digest
    from .renderpool import render_changed

    digest = state.site_digest(config.root, variables, links, config.excerpt_separator,
                               style_digest(config.csl))  # the citation style's text too
    keys, kept, reused = {}, {}, {}
    # A post's files are taken from _site only when it is the site the state describes.
    trusted = state.site_matches(config.out, previous.build_id, search_behind=True)
    for item in plans:
        run, record = runs.get(item.name, (None, item.record))
        sha = cache.run_digest(record)
        keys[item.name] = remembered_same(memo, "render-key", (item.doc,), (sha, digest),
                                          lambda: kept_render_key(reads, item.doc, sha, digest))
        old = previous.posts.get(item.name) if trusted else None
        # serve: the same page object while its record and post are the same objects (its
        # files are looked for every build)
        page = remembered_same(memo, "reused", (old, item.doc.post), config.out,
                               lambda: old.rendered(item.doc.post, config.out)) \
            if old and old.render_key == keys[item.name] and old.present(config.out) else None
        if page is not None:  # the warnings its rendering gave, said again
            kept[item.name] = (page, [BuildWarning(m, item.doc.post.path, line)
                                      for m, line in old.warnings], 0.0)
            reused[item.name] = old  # its record stays the same (object: serve's memo)
    fresh = render_changed([p for p in plans if p.name not in kept], runs, config, variables,
                           links, spool)
    pages, records, warnings, reports, errors = [], {}, [], [], []
    for item in plans:
        found = kept.get(item.name) or fresh[item.name]
        if isinstance(found, NbpressError):
            errors.extend(each_error(found))
            continue
        page, more, seconds = found
        warnings += more
        pages.append(page)
        records[item.name] = reused.get(item.name) or state.RenderRecord.of(keys[item.name],
                                                                             page, more)
        run, record = runs.get(item.name, (None, item.record))
        reports.append(post_report(item.name, item.reason, bool(item.doc.cells), run,
                                   record, seconds))
    _stop_if(errors, False)
    return Rendered(tuple(pages), records, tuple(warnings), tuple(reports))


def _jekyll_site(rendered: Rendered, config: SiteConfig) -> BuildReport:
    """The other writer: the posts written into a Jekyll site (``output_format = jekyll``)."""
    from .jekyll import write_jekyll

    write_jekyll([p for p in rendered.posts if p.post.kind == "post"], config.out,
                 config.baseurl)
    return BuildReport(posts=(), warnings=(), seconds=0.0)


def _save_state(state_file, config: SiteConfig, fingerprint: str, build_id: str,
                rendered: Rendered, dependency_files: tuple[str, ...], previous: state.State,
                **site: object) -> state.State:
    """What this build saw (``dependency_files``: the files its posts' runs read), for the
    next build to do only what changed (only the records that differ are written)."""
    if not all(r.kept for r in rendered.records.values()):
        fingerprint = ""  # a rendering is made again (``RenderRecord.of``): no no-op next
    saved = state.State(
        fingerprint=fingerprint, build_id=build_id, posts=rendered.records,
        dependency_files=dependency_files,
        executions=state.execution_fingerprint(config.root, dependency_files), **site)
    state.save(state_file, saved, previous)
    return saved
