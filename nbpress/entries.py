"""The entries of the execution cache on disk, read as untrusted input.

``_executed/`` arrives by ``git pull``; a pull request can carry it.  So every
entry is checked before anything of it is used: the record's fields and
types, the notebook against its hash, each image reference against the blob
name pattern (never a path), each blob against its own hash, and the files
a run read must be regular files inside the site.  Anything else makes the
entry "damaged": the post is executed again (or, under ``--execute never``,
the build says so), and nothing of it reaches ``_site``.  Layout::

    _executed/<post stem>/notebook.ipynb   outputs; images replaced by blob references
    _executed/<post stem>/record.json      key, dependencies, timings, versions
    _executed/_blobs/<sha256>.<ext>         each image once, by content hash
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat as stat_module
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any

from .darkfig_kernel import MIME as DARK_FIGURE
from .errors import CacheDamaged, NbpressError
from .fsutil import replace_dir
from .model import CACHE_DIR
from .nbnode import nbformat_copy
from .media import base64_bytes

FORMAT = 2  # 2: Python's minor version (not its patch release) in the key
BLOB_MIMES = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg",
              DARK_FIGURE: ".png"}
BLOB_PREFIX = "nbpress-blob:"
_BLOB_NAME = re.compile(r"[0-9a-f]{64}\.(png|jpg|svg)")
_BLOB_REF = re.compile(rb"nbpress-blob:([^\"\\]*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")


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
    # Set when the outputs were imported from an nbconvert export (importer.py), never run
    # here: the file they came from.  Absent in records of real runs and older records.
    imported_from: str = ""
    ran_on: dict[str, str] = field(default_factory=dict)  # worker, host, gpu (when known)


def blobs_dir(root: Path) -> Path:
    return root / CACHE_DIR / "_blobs"


def entry_dir(root: Path, stem: str) -> Path:
    return root / CACHE_DIR / stem


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(path: Path) -> list:
    """[size, mtime_ns, sha256] of a file."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, sha256_file(path)]


def safe_file(root: Path, name: str) -> Path | None:
    """``root/name`` when ``name`` is a relative path inside the site to a regular file
    (not ``/dev/zero``, ``/proc/…``, ``../secret`` or a link to a device); None otherwise."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
        return None
    path = root / name
    try:  # a symlink inside the site may point at a dataset elsewhere (data_links): fine
        return path if stat_module.S_ISREG(path.stat().st_mode) else None
    except OSError:
        return None


def _check_types(data: Any) -> Record:
    """The record, if every field has the type nbpress writes; ``ValueError`` otherwise."""
    if not isinstance(data, dict) or set(data) - {f.name for f in fields(Record)}:
        raise ValueError("not a record")
    record = Record(**data)
    number = (int, float)
    ok = (all(isinstance(getattr(record, n), str) for n in
              ("key", "executed_at", "python", "notebook_sha256", "imported_from"))
          and isinstance(record.seconds, number) and not isinstance(record.seconds, bool)
          and isinstance(record.format, int)
          and isinstance(record.files, dict) and all(
              isinstance(k, str) and isinstance(v, list) and len(v) == 3
              and all(isinstance(x, int) for x in v[:2]) and isinstance(v[2], str)
              for k, v in record.files.items())
          and isinstance(record.packages, dict)
          and all(isinstance(k, str) and isinstance(v, str) for k, v in record.packages.items())
          and isinstance(record.main_packages, list)
          and all(isinstance(p, str) for p in record.main_packages)
          and isinstance(record.ran_on, dict)
          and all(isinstance(k, str) and isinstance(v, str) for k, v in record.ran_on.items()))
    if not ok:
        raise ValueError("a field has the wrong type")
    return record


def load_record(root: Path, stem: str) -> tuple[Record | None, str]:
    """(record, problem): the record is None when absent or damaged.

    The notebook is checked against the record's hash and every image it
    references against its blob's hash here, so a damaged entry is found before
    anything is rendered from it.
    """
    folder = entry_dir(root, stem)
    if not (folder / "record.json").exists():
        return None, "not executed yet"
    try:
        record = _check_types(json.loads((folder / "record.json").read_text()))
        raw = (folder / "notebook.ipynb").read_bytes()
    except (OSError, ValueError, TypeError) as exc:
        return None, f"cache entry damaged (record.json: {exc})"
    if hashlib.sha256(raw).hexdigest() != record.notebook_sha256:
        return None, "cache entry damaged (notebook does not match its record)"
    for ref in sorted(set(_BLOB_REF.findall(raw))):
        name = ref.decode("utf-8", "replace")
        if not _BLOB_NAME.fullmatch(name):
            return None, f"cache entry damaged (image reference '{name[:80]}' is not a blob name)"
        path = blobs_dir(root) / name
        if not path.is_file():
            return None, f"cache entry damaged (image {name} is missing)"
        if sha256_file(path) != name.partition(".")[0]:
            return None, f"cache entry damaged (image {name} does not match its hash)"
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
        _inline_blobs(nb, blobs_dir(root))
    except OSError as exc:
        raise CacheDamaged(f"cache entry damaged (missing image: {exc.filename})") from None
    return nb


def _extract_blobs(nb: Any, blobs: Path) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime, ext in BLOB_MIMES.items():
                value = output.get("data", {}).get(mime)
                if value is None:
                    continue
                text = "".join(value) if isinstance(value, list) else value
                try:
                    raw = text.encode() if mime == "image/svg+xml" else \
                        base64_bytes(text)
                except (binascii.Error, ValueError):  # not an image: kept inline, and
                    continue  # rendering warns that it is not shown (outputs._image)
                digest = hashlib.sha256(raw).hexdigest()
                target = blobs / f"{digest}{ext}"
                if not target.exists():  # stored once, whoever produced it
                    tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
                    tmp.write_bytes(raw)
                    os.replace(tmp, target)
                output["data"][mime] = f"{BLOB_PREFIX}{digest}{ext}"


def _inline_blobs(nb: Any, blobs: Path) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime in BLOB_MIMES:
                value = output.get("data", {}).get(mime)
                if isinstance(value, str) and value.startswith(BLOB_PREFIX):
                    name = value[len(BLOB_PREFIX):]
                    if not _BLOB_NAME.fullmatch(name):  # a path, never followed
                        raise CacheDamaged(f"cache entry damaged (image reference '{name[:80]}' "
                                           "is not a blob name)")
                    raw = (blobs / name).read_bytes()
                    output["data"][mime] = raw.decode() if mime == "image/svg+xml" \
                        else base64.b64encode(raw).decode()


def store(root: Path, stem: str, nb: Any, *, key: str, seconds: float, python: str,
          files: dict[str, list], packages: dict[str, str],
          main_packages: list[str] | None = None, imported_from: str = "",
          ran_on: dict[str, str] | None = None, executed_at: str = "") -> Record:
    """Write one entry atomically (a new folder swapped in for the old one); return its record.

    ``imported_from`` names the export file of outputs that were imported, not run;
    ``ran_on`` where a run on a cluster happened (worker, host, GPU); ``executed_at`` when
    the run happened (ISO 8601; now when not given)."""
    import nbformat

    blobs = blobs_dir(root)
    blobs.mkdir(parents=True, exist_ok=True)
    nb = nbformat_copy(nb)
    _extract_blobs(nb, blobs)
    raw = nbformat.writes(nb).encode()
    try:  # the run's own time and offset, written as every record writes it
        when = dt.datetime.fromisoformat(executed_at)
    except ValueError:
        when = dt.datetime.now(dt.timezone.utc)
    record = Record(
        key=key, executed_at=when.isoformat(timespec="seconds"), seconds=round(seconds, 2),
        python=python, notebook_sha256=hashlib.sha256(raw).hexdigest(), files=files,
        packages=dict(sorted(packages.items())), main_packages=list(main_packages or []),
        imported_from=imported_from, ran_on=dict(ran_on or {}))
    final = entry_dir(root, stem)
    tmp = final.with_name(f".{stem}.{os.getpid()}.tmp")
    for stale in final.parent.glob(f".{stem}.*.tmp"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        (tmp / "notebook.ipynb").write_bytes(raw)
        data = asdict(record)
        if not record.ran_on:  # local runs: records stay as they were before clusters
            del data["ran_on"]
        (tmp / "record.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        replace_dir(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise NbpressError(f"could not save the executed notebook in {CACHE_DIR}/: "
                           f"{exc.strerror or exc}; the cache was left as it was.",
                           path=final, hint="Free some space or fix the folder's permissions, "
                                            "then build again.") from None
    return record


def unused(root: Path, keep_stems: set[str]) -> tuple[list[Path], list[Path]]:
    """(entries, blobs) that no post references: entries whose stem is no post file's,
    and blobs no remaining entry's notebook names."""
    cache = root / CACHE_DIR
    if not cache.is_dir():
        return [], []
    entries = [p for p in sorted(cache.iterdir()) if p.is_dir() and p.name != "_blobs"
               and not p.name.startswith(".") and p.name not in keep_stems]
    used: set[str] = set()
    for folder in cache.iterdir():
        if folder.is_dir() and folder not in entries and folder.name != "_blobs":
            try:
                raw = (folder / "notebook.ipynb").read_bytes()
            except OSError:
                continue
            used.update(r.decode("utf-8", "replace") for r in _BLOB_REF.findall(raw))
    blobs = [p for p in sorted(blobs_dir(root).glob("*")) if p.name not in used] \
        if blobs_dir(root).is_dir() else []
    return entries, blobs


def remove(paths: list[Path]) -> None:
    """Remove unused entries (folders) and blobs; what cannot be removed stays."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
