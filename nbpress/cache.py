"""The execution cache's policy: which posts can use their cached run, and why not.

``_executed/`` at the site root (its entries: ``entries.py``) is meant to be
committed; it holds executed notebooks (what Quarto calls ``_freeze/``).  The
key covers only what decides the outputs: code cells in order, the tags that
change execution, the kernel, Python's minor version, execution settings and
the format's version — never prose, titles or presentation-only tags.  The
record adds what the run was found to depend on (files, package versions);
a change there makes the entry stale, with a one-line reason.

Which package changes count (``[tool.nbpress.execute] packages``):
``"imported"`` (default) the distributions of the modules the post's code
imports itself; ``"all"`` every distribution the kernel loaded; ``"ignore"``
none.  Under ``--execute never`` (publishing from the cache) packages never
make a post stale: the differences are only listed.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

from . import environment
from .entries import (FORMAT, Record, entry_dir, fingerprint, load_notebook, load_record,
                      safe_file, sha256_file, store, unused)
from .errors import CacheDamaged
from .model import STATE_DIR, ExecResult, NotebookDoc, SiteConfig
from .tracking import UNTRACKED

EXEC_TAGS = ("raises-exception", "skip-execution")  # tags that change what runs


@dataclass(frozen=True)
class Plan:
    """What to do with one post: use the cached run, or execute and why."""

    doc: NotebookDoc
    name: str  # the post's path relative to the site root, for messages
    key: str
    reason: str  # "" when the cached run can be used
    record: Record | None  # the cached run's record, when usable


def plan(docs: list[NotebookDoc], config: SiteConfig) -> list[Plan]:
    """Decide, per post, whether its cached run is usable, without starting any kernel."""
    # The installed packages are read only when some post runs code (a cold read of every
    # distribution's metadata costs a second or more).
    versions = (environment.load(config.root / STATE_DIR).version
                if any(doc.cells for doc in docs) else {}.get)
    orphans = unused(config.root, post_stems(config.root))[0]
    plans = []
    for doc in docs:
        stem = doc.post.path.stem
        name = doc.post.path.relative_to(config.root).as_posix()
        if not doc.cells:  # nothing to run: no kernel, no cache entry, no key
            plans.append(Plan(doc, name, "", "", None))
            continue
        key = cache_key(doc, config)
        record, reason = load_record(config.root, stem)
        if record is None and reason == "not executed yet":
            record, reason = _renamed(config.root, stem, key, orphans)
        if record is not None:
            reason = stale_reason(record, key, config.root, versions,
                                  missing_ok=config.mode == "never",
                                  packages=config.execute.packages)
        if config.mode == "always":
            reason = "--execute always"
        elif stem in config.refresh or name in config.refresh:
            reason = "--refresh"
        plans.append(Plan(doc, name, key, reason, None if reason else record))
    return plans


def post_stems(root: Path) -> set[str]:
    """Stems of every file in ``posts/`` (drafts included): entries the cache keeps."""
    folder = root / "posts"
    return {p.stem for p in folder.iterdir()} if folder.is_dir() else set()


def _renamed(root: Path, stem: str, key: str, orphans: list[Path]) -> tuple[Record | None, str]:
    """The entry of a post renamed since its run (same code key, old name gone), moved to
    the new name; else (None, "not executed yet")."""
    for folder in orphans:
        record, _ = load_record(root, folder.name)
        if record is not None and record.key == key:
            try:
                folder.rename(entry_dir(root, stem))
            except OSError:
                break
            orphans.remove(folder)
            return record, ""
    return None, "not executed yet"


def restore(item: Plan, root: Path) -> ExecResult:
    """The cached run of a post, merged into its freshly read notebook.

    Raises ``CacheDamaged`` when the entry was damaged since planning.
    """
    record = item.record
    if record is None:  # a post without code: its notebook is its own "run"
        return ExecResult(doc=item.doc, notebook=item.doc.notebook, seconds=0.0,
                          reason="no code")
    nb = load_notebook(root, item.doc.post.path.stem)
    return ExecResult(doc=item.doc, notebook=merge_outputs(item.doc, nb),
                      seconds=record.seconds, from_cache=True, reason="cached",
                      executed_at=record.executed_at, python=record.python,
                      files=tuple(record.files), packages=record.packages,
                      main_packages=tuple(record.main_packages),
                      imported_from=record.imported_from, ran_on=dict(record.ran_on))


def declared_files(doc: NotebookDoc, root: Path) -> list[str]:
    """``depends:`` files of the front matter, relative to the site root."""
    found = []
    for name in doc.post.depends:
        path = (doc.post.path.parent / name).resolve()
        try:
            found.append(path.relative_to(root).as_posix())
        except ValueError:
            continue  # outside the site: nothing a clone could check
    return found


def save_run(item: Plan, result: ExecResult, root: Path) -> Record:
    """Store a successful run of a planned post, with the files it read or declared."""
    files = sorted(set(result.files) | set(declared_files(item.doc, root)))
    prints = {f: fingerprint(root / f) for f in files if (root / f).is_file()}
    return store(root, item.doc.post.path.stem, result.notebook, key=item.key,
                 seconds=result.seconds, python=result.python, files=prints,
                 packages=dict(result.packages), main_packages=list(result.main_packages),
                 ran_on=dict(result.ran_on), executed_at=result.executed_at)


def as_stored(result: ExecResult, record: Record, root: Path) -> ExecResult:
    """A run as its cache entry (just stored, as ``record``) gives it back to later builds:
    the outputs and metadata as stored (the notebook file's key order, no cell timings), the
    time and seconds as recorded."""
    result = replace(result, executed_at=record.executed_at, seconds=record.seconds)
    try:
        stored = load_notebook(root, result.doc.post.path.stem)
    except CacheDamaged:  # removed or changed since (another process): the run as it ran
        return result
    return replace(result, notebook=merge_outputs(result.doc, stored))


def run_digest(record: Record | None) -> str:
    """What a page shows of a post's run: its outputs (the stored notebook's hash) and its
    record (when it ran, how long, on which Python, with which packages, where); "" for a
    post without code.  A run again with the same outputs changes it (the time shown)."""
    if record is None:
        return ""
    return hashlib.sha256(json.dumps(asdict(record), sort_keys=True, default=str).encode()
                          ).hexdigest()


def cache_key(doc: NotebookDoc, config: SiteConfig) -> str:
    """The hash of everything that decides a post's outputs (and nothing else)."""
    cells = []
    for cell in doc.notebook.cells:
        if cell.cell_type == "code":
            tags = sorted(t for t in cell.get("metadata", {}).get("tags", []) if t in EXEC_TAGS)
            cells.append([cell.source, tags])
    payload = {
        "format": FORMAT, "kernel": doc.kernel.name, "cwd": config.execute.cwd,
        "python": ".".join(platform.python_version_tuple()[:2]), "cells": cells,
        "depends": sorted(doc.post.depends),
    }
    if config.dark_figures:  # only when on: the keys of runs without it stay as they were
        payload["dark_figures"] = True
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def stale_reason(record: Record, key: str, root: Path, versions: Callable[[str], str | None],
                 *, missing_ok: bool = False, packages: str = "imported") -> str:
    """Why ``record`` cannot be used, or "" when it can.

    With ``missing_ok`` (``--execute never``: CI without the datasets), a file the
    run read that is absent here is trusted, one present but changed is not, and
    package versions are not checked.  ``packages`` is the policy (module docstring).
    """
    if record.format != FORMAT:
        return f"cache format {record.format} → {FORMAT}"
    if record.key != key:
        return "code changed"
    for name, (size, mtime, digest) in sorted(record.files.items()):
        path = safe_file(root, name)  # a regular file inside the site, or None
        if path is None:
            if missing_ok and not (root / name).exists() and ".." not in name:
                continue
            return f"{name} is gone"
        stat = path.stat()
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime) and \
                (stat.st_size != size or sha256_file(path) != digest):
            return f"{name} changed"
    if missing_ok:
        return ""
    drift = package_drift(record, versions, packages)
    return drift[0] if drift else ""


def package_drift(record: Record, versions: Callable[[str], str | None], packages: str
                  ) -> list[str]:
    """The recorded packages whose installed version differs, under the ``packages`` policy."""
    if packages == "ignore":
        return []
    names = record.packages if packages == "all" else \
        [d for d in record.main_packages if d in record.packages]
    return [f"{dist} {record.packages[dist]} → {versions(dist) or 'not installed'}"
            for dist in sorted(names) if versions(dist) != record.packages[dist]]


# What a run writes into the notebook's own metadata: the kernel's language_info
# (nbclient), the widgets' saved state (without it a widget is not shown), whether its
# dependencies are not all known (a warning, UNTRACKED); and nbpress_execution, which
# entries of older versions hold.
RUN_METADATA = ("language_info", "widgets", UNTRACKED, "nbpress_execution")


def merge_outputs(doc: NotebookDoc, cached: Any) -> Any:
    """The fresh notebook (prose, tags) with the cached run's outputs in its code cells and
    the metadata the run wrote (``RUN_METADATA``): a page made from the cache is the page
    the run made."""
    import copy

    nb = copy.deepcopy(doc.notebook)
    runs = [c for c in cached.cells if c.cell_type == "code"]
    for cell, run in zip((c for c in nb.cells if c.cell_type == "code"), runs):
        cell.outputs = run.get("outputs", [])
        cell.execution_count = run.get("execution_count")
    for key in RUN_METADATA:
        if key in cached.metadata:
            nb.metadata[key] = cached.metadata[key]
    return nb
