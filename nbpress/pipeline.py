"""The only orchestrator: config → discover → read → execute (cache) → render → site → write.

Errors are values collected per post; with ``keep_going`` every post is tried
and all failures are reported together.  ``_site`` is replaced only by a
build in which every post succeeded.  Posts that must run execute in
parallel kernels; the others come from the execution cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import sys
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Callable, TextIO

from . import __version__, cache, environment, state
from .config import site_variables
from .errors import BuildWarning, ExecutionError, NbpressError
from .execute import RunningKernels, execute, link_data
from .model import BuildReport, ExecResult, NotebookDoc, OutputFile, RenderedPost, SiteConfig
from .progress import PostReport, make_progress, report_lines
from .writer import MARKER, write_site


class BuildFailed(Exception):
    """Raised with every post's error when a build cannot produce a site."""

    def __init__(self, errors: list[NbpressError]) -> None:
        self.errors = errors
        super().__init__("\n\n".join(map(str, errors)))


@dataclass(frozen=True)
class Plan:
    """What to do with one post: use the cached run, or execute and why."""

    doc: NotebookDoc
    key: str
    reason: str  # "" when the cached run can be used
    record: cache.Record | None  # the cached run's record, when usable


def check_local_images(posts: list[RenderedPost], paths: set[str], baseurl: str
                       ) -> list[BuildWarning]:
    """Warn about images in posts that point at files the site does not have."""
    warnings = []
    for item in posts:
        page_dir = PurePosixPath("/" + item.post.output_path).parent
        for url, line in item.local_links:
            target = url.split("#")[0].split("?")[0]
            if baseurl and target.startswith(baseurl + "/"):
                target = target[len(baseurl):]
            full = target if target.startswith("/") else str(page_dir / target)
            if posixpath.normpath(full).lstrip("/") not in paths:
                warnings.append(BuildWarning(
                    f"the image '{url}' is not in the built site; fix its path or remove it "
                    "(nbpress shows the cells' real outputs, so images exported by hand "
                    "are not needed).", item.post.path, line))
    return warnings


def _name(doc: NotebookDoc, config: SiteConfig) -> str:
    return doc.post.path.relative_to(config.root).as_posix()


def plan(docs: list[NotebookDoc], config: SiteConfig) -> list[Plan]:
    """Decide, per post, whether its cached run is usable, without starting any kernel."""
    versions = environment.load(config.root / state.STATE_DIR).version
    plans = []
    for doc in docs:
        key = cache.cache_key(doc, config)
        stem = doc.post.path.stem
        record, reason = cache.load_record(config.root, stem)
        if record is not None:
            reason = cache.stale_reason(record, key, config.root, versions,
                                        missing_ok=config.mode == "never")
        if config.mode == "always":
            reason = "--execute always"
        elif stem in config.refresh or _name(doc, config) in config.refresh:
            reason = "--refresh"
        plans.append(Plan(doc, key, reason, None if reason else record))
    return plans


def _from_cache(item: Plan, record: cache.Record, config: SiteConfig) -> ExecResult:
    """The cached run of a post, merged into its freshly read notebook."""
    nb = cache.load_notebook(config.root, item.doc.post.path.stem)
    return ExecResult(doc=item.doc, notebook=cache.merge_outputs(item.doc, nb),
                      seconds=record.seconds, from_cache=True, reason="cached",
                      executed_at=record.executed_at, python=record.python,
                      files=tuple(record.files), packages=record.packages,
                      main_packages=tuple(record.main_packages))


def _declared(doc: NotebookDoc, config: SiteConfig) -> list[str]:
    """``depends:`` files of the front matter, relative to the site root."""
    depends = doc.post.front_matter.get("depends") or []
    found = []
    for name in depends if isinstance(depends, list) else [depends]:
        path = (doc.post.path.parent / str(name)).resolve()
        try:
            found.append(path.relative_to(config.root).as_posix())
        except ValueError:
            continue  # outside the site: nothing a clone could check
    return found


def execute_all(plans: list[Plan], config: SiteConfig, progress, executor: Callable
                ) -> tuple[dict[str, ExecResult], dict[str, cache.Record], list[NbpressError]]:
    """Run the stale posts in parallel kernels; store each success in the cache.

    Returns the runs and their cache records by post stem, and the failures.
    """
    todo = [p for p in plans if p.reason and not p.doc.post.front_matter.get("exclusive")]
    # Posts that time things ask for the machine to themselves: they run after
    # the others, one at a time, with every core.
    alone = [p for p in plans if p.reason and p.doc.post.front_matter.get("exclusive")]
    # One kernel more than cores by default: a kernel starting up waits on I/O and
    # messages, so the next post's start-up hides behind the others' work.
    jobs = min(config.jobs or (os.cpu_count() or 1) + 1, max(1, len(todo)))
    threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None
    results: dict[str, ExecResult] = {}
    records: dict[str, cache.Record] = {}
    errors: list[NbpressError] = []
    kernels = RunningKernels()

    def run(item: Plan, threads: int | None) -> None:
        name = _name(item.doc, config)
        progress.start(name, len(item.doc.cells), item.reason)
        try:
            result = executor(item.doc, config, threads=threads, kernels=kernels,
                              on_cell=lambda n, total: progress.cell(name, n, total))
        except BaseException:
            progress.failed(name)
            raise
        progress.done(name, result.seconds)
        files = sorted(set(result.files) | set(_declared(item.doc, config)))
        prints = {f: cache.fingerprint(config.root / f) for f in files
                  if (config.root / f).is_file()}
        stem = item.doc.post.path.stem
        records[stem] = cache.store(
            config.root, stem, result.notebook, key=item.key, seconds=result.seconds,
            python=result.python, files=prints, packages=dict(result.packages),
            main_packages=list(result.main_packages))
        results[stem] = replace(result, reason=item.reason)

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        pending = {pool.submit(run, item, threads) for item in todo}
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                try:
                    future.result()
                except NbpressError as exc:
                    errors.append(exc)
            if errors and not config.keep_going:
                for future in pending:
                    future.cancel()  # posts not started yet; running kernels finish
        for item in alone:
            if errors and not config.keep_going:
                break
            try:
                run(item, None)  # every core for an exclusive post
            except NbpressError as exc:
                errors.append(exc)
    except BaseException:  # Ctrl-C, SIGTERM: stop every kernel now, cache nothing more
        kernels.kill_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results, records, errors


def _bib_digest(root: Path) -> str:
    """A hash of every bibliography of the site (they are small)."""
    digest = hashlib.sha256()
    for path in sorted({*root.glob("*.bib"), *(root / "posts").rglob("*.bib")}):
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def render_key(doc: NotebookDoc, record: cache.Record, site: str) -> str:
    """What a post's rendered HTML depends on: its Markdown, cells' tags, front matter and
    URL, the executed outputs (the cached notebook's hash), and ``site``: a digest of the
    site's variables, links, bibliographies and nbpress's own code."""
    tags = [c.get("metadata", {}) for c in doc.notebook.cells if c.cell_type == "code"]
    raw = [c.source for c in doc.notebook.cells if c.cell_type == "raw"]  # shown, not executed
    payload = [doc.markdown, tags, raw, doc.post.front_matter, doc.post.url,
               record.notebook_sha256, site]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _reuse(entry: dict, post, out: Path) -> RenderedPost | None:
    """The previous build's rendering of a post, if every file it wrote is still there."""
    sources = [OutputFile(path, source=out / path) for path in entry["files"]]
    if not all(f.source.is_file() for f in sources):
        return None
    return RenderedPost(post=post, html=entry["html"], excerpt=entry["excerpt"],
                        files=tuple(sources), local_links=tuple(map(tuple, entry["links"])),
                        execution=entry["execution"], analysis=entry["analysis"])


def build(config: SiteConfig, *, log: TextIO = sys.stderr, executor: Callable | None = None,
          explain: bool = False) -> BuildReport:
    """Build the whole site into ``config.out``; raise ``BuildFailed`` or ``NbpressError``.

    When no input changed since the last build into the same folder, return at
    once (``BuildReport.up_to_date``) without importing the heavy stages.
    """
    start = time.perf_counter()
    state_file = state.state_path(config.root, config.out)
    previous = state.load(state_file)
    options = {"version": __version__, "out": str(config.out), "drafts": config.drafts,
               "baseurl": config.baseurl}
    fingerprint = state.input_fingerprint(config.root, config.theme_dirs, options)
    if (not explain and config.mode != "always" and not config.refresh
            and previous.get("fingerprint") == fingerprint
            and previous.get("executions") == state.execution_fingerprint(
                config.root, previous.get("dependency_files", []))
            and state.site_matches(config.out, previous.get("build_id", ""), MARKER)):
        return BuildReport(posts=tuple(previous.get("posts", {})), errors=(), warnings=(),
                           seconds=time.perf_counter() - start, up_to_date=True)
    with state.build_lock(config.root, log):
        return _build(config, log=log, executor=executor or execute, explain=explain,
                      previous=state.load(state_file), fingerprint=fingerprint,
                      state_file=state_file, start=start)


def _build(config: SiteConfig, *, log: TextIO, executor: Callable, explain: bool,
           previous: dict, fingerprint: str, state_file: Path, start: float) -> BuildReport:
    # The stages that import heavy libraries (YAML, jupytext, nbformat, markdown-it,
    # Pygments, jinja2) are imported here, so that a no-op build never pays for them.
    import nbformat

    from . import citations
    from .discover import discover
    from .readers import read_post_notebook
    from .render import render_post
    from .site import analyze, layout_errors, site_context, site_files
    from .templates import make_environment

    posts = discover(config)
    variables = site_variables(config)
    links = {p.path.stem: config.baseurl + p.url for p in posts}
    links.update({p.path.relative_to(config.root).as_posix(): config.baseurl + p.url for p in posts})
    errors: list[NbpressError] = []
    warnings: list[BuildWarning] = []
    docs: list[NotebookDoc] = []
    for post in posts:
        try:
            doc, found = read_post_notebook(post, kernel=config.execute.kernel,
                                            keep_comment=config.excerpt_separator)
        except NbpressError as exc:
            errors.append(exc)
            if not config.keep_going:
                raise BuildFailed(errors) from None
            continue
        docs.append(doc)
        warnings += found
    env = make_environment(config.theme_dirs)
    errors += layout_errors(env, posts)
    if errors and not config.keep_going:
        raise BuildFailed(errors)
    plans = plan(docs, config)
    if explain:
        for item in plans:
            state_text = f"would execute: {item.reason}" if item.reason else "cached, up to date"
            print(f"{_name(item.doc, config)}: {state_text}", file=log)
        return BuildReport(posts=(), errors=(), warnings=tuple(warnings), seconds=0.0)
    stale = [p for p in plans if p.reason]
    if config.mode == "never" and stale:
        lines = "\n".join(f"  {_name(p.doc, config)}: {p.reason}" for p in stale)
        raise BuildFailed([ExecutionError(
            f"--execute never, but {len(stale)} post(s) have no up-to-date execution in "
            f"{cache.CACHE_DIR}/:", hint="Build once where the posts can run (with their data) and "
            f"commit {cache.CACHE_DIR}/, or drop --execute never.", detail=lines)])
    if stale:
        link_data(config)
    progress = make_progress(log)
    try:
        executed, records, failures = execute_all(plans, config, progress, executor)
    finally:
        progress.close()
    errors += failures
    if errors:
        raise BuildFailed(errors)
    site_id = hashlib.sha256(json.dumps(
        [variables, links, _bib_digest(config.root), config.excerpt_separator,
         state.code_digest()], sort_keys=True, default=str).encode()).hexdigest()
    site_bib = config.root / "references.bib"
    site_references: dict | None = None  # loaded when a post first needs rendering
    old_posts = previous.get("posts", {})
    rendered: list[RenderedPost] = []
    reports: list[PostReport] = []
    new_posts: dict[str, dict] = {}
    for item in plans:
        stem = item.doc.post.path.stem
        begin = time.perf_counter()
        record = item.record or records[stem]
        key = render_key(item.doc, record, site_id)
        old = old_posts.get(stem, {})
        page = _reuse(old, item.doc.post, config.out) if old.get("render_key") == key else None
        result = executed.get(stem)
        found: list[BuildWarning] = []
        if page is not None:  # the warnings its rendering gave, said again
            found = [BuildWarning(m, item.doc.post.path, line) for m, line in old["warnings"]]
        else:
            try:
                if site_references is None:
                    site_references = {}  # a broken references.bib is reported once
                    site_references = citations.load_references(
                        [site_bib] if site_bib.is_file() else [], None, origin=site_bib)
                shown = result or _from_cache(item, record, config)
                page, found = render_post(shown, config=config, site=variables, links=links,
                                          site_references=site_references)
            except NbpressError as exc:
                errors.append(exc)
                continue
            except ValueError as exc:  # a cache entry damaged since planning
                errors.append(ExecutionError(str(exc), path=item.doc.post.path,
                                             hint="Build again: the post will be executed."))
                continue
            download = OutputFile(f"{page.post.files_dir}/{page.post.slug}.ipynb",
                                  nbformat.writes(shown.notebook).encode())
            page = replace(page, files=page.files + (download,),
                           analysis=analyze(page, variables))
        warnings += found
        rendered.append(page)
        reports.append(PostReport(_name(item.doc, config),
                                  "executed" if result else "cached", item.reason or "cached",
                                  result.seconds if result else 0.0, time.perf_counter() - begin))
        new_posts[stem] = {"render_key": key, "html": page.html, "excerpt": page.excerpt,
                           "links": page.local_links, "execution": dict(page.execution),
                           "files": [f.path for f in page.files], "analysis": page.analysis,
                           "warnings": [[w.message, w.line] for w in found]}
    if errors:
        raise BuildFailed(errors)
    site = site_context(variables, rendered)
    files = site_files(env, config, site, rendered)
    warnings += check_local_images(rendered, {f.path for f in files}, config.baseurl)
    build_id = hashlib.sha256(f"{fingerprint}{time.time()}".encode()).hexdigest()[:16]
    write_site(files, config.out, build_id)
    dependency_files = sorted({f for item in plans for f in (item.record or records[
        item.doc.post.path.stem]).files})
    state.save(state_file, {"fingerprint": fingerprint, "build_id": build_id, "posts": new_posts,
                            "dependency_files": dependency_files,
                            "executions": state.execution_fingerprint(config.root,
                                                                      dependency_files)})
    seconds = time.perf_counter() - start
    return BuildReport(posts=tuple(str(p.post.path) for p in rendered), errors=(),
                       warnings=tuple(warnings), seconds=seconds,
                       lines=tuple(report_lines(reports, seconds)))
