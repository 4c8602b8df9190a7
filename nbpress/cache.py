"""The execution cache: ``_executed/`` at the site root, meant to be committed.

Why that name: it holds executed notebooks (what Quarto calls ``_freeze/``),
and the leading underscore keeps it out of Jekyll-style content.  Layout::

    _executed/<post stem>/notebook.ipynb   outputs; images replaced by blob references
    _executed/<post stem>/record.json      key, dependencies, timings, versions
    _executed/_blobs/<sha256>.<ext>         each image once, by content hash

The key covers only what decides the outputs: code cells in order, the tags
that change execution, kernel, Python version, execution settings and this
format's version — never prose, titles or presentation-only tags.  The record
adds what the run was found to depend on (files, local modules, package
versions); any change there makes the entry stale, with a one-line reason.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import environment
from .errors import CacheDamaged, NbpressError
from .fsutil import replace_dir
from .model import CACHE_DIR, STATE_DIR, ExecResult, NotebookDoc, SiteConfig
FORMAT = 1
EXEC_TAGS = ("raises-exception", "skip-execution")  # tags that change what runs
_BLOB_MIMES = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}
_BLOB_PREFIX = "nbpress-blob:"


@dataclass(frozen=True)
class Record:
    """What is stored beside each executed notebook."""

    key: str
    executed_at: str
    seconds: float
    python: str
    notebook_sha256: str
    files: dict[str, list] = field(default_factory=dict)  # path → [size, mtime_ns, sha256]
    packages: dict[str, str] = field(default_factory=dict)
    main_packages: list[str] = field(default_factory=list)
    format: int = FORMAT


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
    versions = environment.load(config.root / STATE_DIR).version
    plans = []
    for doc in docs:
        key = cache_key(doc, config)
        stem = doc.post.path.stem
        name = doc.post.path.relative_to(config.root).as_posix()
        if not doc.cells:  # nothing to run: no kernel, no cache entry
            plans.append(Plan(doc, name, key, "", None))
            continue
        record, reason = load_record(config.root, stem)
        if record is not None:
            reason = stale_reason(record, key, config.root, versions,
                                  missing_ok=config.mode == "never")
        if config.mode == "always":
            reason = "--execute always"
        elif stem in config.refresh or name in config.refresh:
            reason = "--refresh"
        plans.append(Plan(doc, name, key, reason, None if reason else record))
    return plans


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
                      main_packages=tuple(record.main_packages))


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
                 packages=dict(result.packages), main_packages=list(result.main_packages))


def cache_key(doc: NotebookDoc, config: SiteConfig) -> str:
    """The hash of everything that decides a post's outputs (and nothing else)."""
    cells = []
    for cell in doc.notebook.cells:
        if cell.cell_type == "code":
            tags = sorted(t for t in cell.get("metadata", {}).get("tags", []) if t in EXEC_TAGS)
            cells.append([cell.source, tags])
    payload = {
        "format": FORMAT, "kernel": doc.kernel.name, "cwd": config.execute.cwd,
        "python": platform.python_version(), "cells": cells,
        "depends": sorted(doc.post.depends),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(path: Path) -> list:
    """[size, mtime_ns, sha256] of a file."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, _sha256(path)]


def entry_dir(root: Path, stem: str) -> Path:
    return root / CACHE_DIR / stem


def load_record(root: Path, stem: str) -> tuple[Record | None, str]:
    """(record, problem): the record is None when absent or damaged.

    The notebook's bytes are checked against the record's hash here, so a
    damaged entry is found before anything is rendered from it.
    """
    folder = entry_dir(root, stem)
    if not (folder / "record.json").exists():
        return None, "not executed yet"
    try:
        record = Record(**json.loads((folder / "record.json").read_text()))
        raw = (folder / "notebook.ipynb").read_bytes()
    except (OSError, ValueError, TypeError) as exc:
        return None, f"cache entry damaged ({type(exc).__name__}: {exc})"
    if hashlib.sha256(raw).hexdigest() != record.notebook_sha256:
        return None, "cache entry damaged (notebook does not match its record)"
    blobs = root / CACHE_DIR / "_blobs"
    for name in set(re.findall(rb"nbpress-blob:([0-9a-f]{64}\.[a-z]+)", raw)):
        if not (blobs / name.decode()).is_file():
            return None, f"cache entry damaged (image {name.decode()} is missing)"
    return record, ""


def load_notebook(root: Path, stem: str) -> Any:
    """The cached executed notebook with its images put back; ``CacheDamaged`` if damaged."""
    import nbformat

    try:
        raw = (entry_dir(root, stem) / "notebook.ipynb").read_text()
        nb = nbformat.reads(raw, as_version=4)
    except (OSError, ValueError) as exc:
        raise CacheDamaged(f"cache entry damaged ({type(exc).__name__}: {exc})") from None
    try:
        _inline_blobs(nb, root / CACHE_DIR / "_blobs")
    except OSError as exc:
        raise CacheDamaged(f"cache entry damaged (missing image: {exc.filename})") from None
    return nb


def stale_reason(record: Record, key: str, root: Path, versions: Callable[[str], str | None],
                 *, missing_ok: bool = False) -> str:
    """Why ``record`` cannot be used, or "" when it can.

    With ``missing_ok`` (``--execute never``: CI without the datasets), a file the
    run read that is absent here is trusted; one that is present but changed is not.
    """
    if record.format != FORMAT:
        return f"cache format {record.format} → {FORMAT}"
    if record.key != key:
        return "code changed"
    for name, (size, mtime, digest) in sorted(record.files.items()):
        path = root / name
        try:
            stat = path.stat()
        except OSError:
            if missing_ok:
                continue
            return f"{name} is gone"
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime) and \
                (stat.st_size != size or _sha256(path) != digest):
            return f"{name} changed"
    for dist, version in sorted(record.packages.items()):
        now = versions(dist)
        if now != version:
            return f"{dist} {version} → {now or 'not installed'}"
    return ""


def _extract_blobs(nb: Any, blobs: Path) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime, ext in _BLOB_MIMES.items():
                value = output.get("data", {}).get(mime)
                if value is None:
                    continue
                text = "".join(value) if isinstance(value, list) else value
                raw = text.encode() if mime == "image/svg+xml" else base64.b64decode(text)
                digest = hashlib.sha256(raw).hexdigest()
                target = blobs / f"{digest}{ext}"
                if not target.exists():  # stored once, whoever produced it
                    tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
                    tmp.write_bytes(raw)
                    os.replace(tmp, target)
                output["data"][mime] = f"{_BLOB_PREFIX}{digest}{ext}"


def _inline_blobs(nb: Any, blobs: Path) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime in _BLOB_MIMES:
                value = output.get("data", {}).get(mime)
                if isinstance(value, str) and value.startswith(_BLOB_PREFIX):
                    raw = (blobs / value[len(_BLOB_PREFIX):]).read_bytes()
                    output["data"][mime] = raw.decode() if mime == "image/svg+xml" \
                        else base64.b64encode(raw).decode()


def store(root: Path, stem: str, nb: Any, *, key: str, seconds: float, python: str,
          files: dict[str, list], packages: dict[str, str],
          main_packages: list[str] | None = None) -> Record:
    """Write one entry atomically (a new folder swapped in for the old one); return its record."""
    import copy

    import nbformat

    blobs = root / CACHE_DIR / "_blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    nb = copy.deepcopy(nb)
    _extract_blobs(nb, blobs)
    raw = nbformat.writes(nb).encode()
    record = Record(key=key, executed_at=dt.datetime.now(dt.timezone.utc).isoformat(
        timespec="seconds"), seconds=round(seconds, 2), python=python,
        notebook_sha256=hashlib.sha256(raw).hexdigest(), files=files,
        packages=dict(sorted(packages.items())), main_packages=list(main_packages or []))
    final = entry_dir(root, stem)
    tmp = final.with_name(f".{stem}.{os.getpid()}.tmp")
    for stale in final.parent.glob(f".{stem}.*.tmp"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        (tmp / "notebook.ipynb").write_bytes(raw)
        (tmp / "record.json").write_text(json.dumps(asdict(record), indent=1, sort_keys=True)
                                         + "\n")
        replace_dir(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise NbpressError(f"could not save the executed notebook in {CACHE_DIR}/: "
                           f"{exc.strerror or exc}; the cache was left as it was.",
                           path=final, hint="Free some space or fix the folder's permissions, "
                                            "then build again.") from None
    return record


def merge_outputs(doc: NotebookDoc, cached: Any) -> Any:
    """The fresh notebook (prose, tags) with the cached run's outputs in its code cells."""
    import copy

    nb = copy.deepcopy(doc.notebook)
    runs = [c for c in cached.cells if c.cell_type == "code"]
    for cell, run in zip((c for c in nb.cells if c.cell_type == "code"), runs):
        cell.outputs = run.get("outputs", [])
        cell.execution_count = run.get("execution_count")
    nb.metadata["nbpress_execution"] = cached.metadata.get("nbpress_execution", {})
    return nb
