"""What the last build of a site read and wrote, so the next one does only what changed.

The state file (in ``.nbpress-cache/`` at the site root, not committed) holds
a fingerprint of every input — the size and mtime of posts, theme files,
configuration, execution records, recorded data files and the installed
packages' folders — and, per post, the rendered HTML with the key it was
rendered under.  When nothing changed, a build stops after a few hundred
``stat`` calls, before importing any heavy library; when something changed,
posts whose render key is unchanged reuse their HTML and their files from
the previous ``_site`` (as hard links).

Only the standard library (and nbpress.errors, nbpress.environment) is
imported here: this is the no-op build's path.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import environment
from .errors import NbpressError
from .formats import POST_SUFFIXES

STATE_DIR = ".nbpress-cache"
_PACKAGE = Path(__file__).resolve().parent


def state_path(root: Path, out: Path) -> Path:
    """One state file per output folder."""
    name = hashlib.sha256(str(out).encode()).hexdigest()[:12]
    return root / STATE_DIR / f"state-{name}.json"


def _walk(folder: Path) -> Iterable[str]:
    """Every file under ``folder`` as 'path size mtime' (symlinked folders not followed)."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(top, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            yield f"{path} {stat.st_size} {stat.st_mtime_ns}"


def _stat(path: Path | str) -> str:
    try:
        stat = os.stat(path)
        return f"{path} {stat.st_size} {stat.st_mtime_ns}"
    except OSError:
        return f"{path} -"


def code_digest() -> str:
    """A hash of nbpress's own source files (by size and mtime): renderings made by
    other code are not reused."""
    return _hash(_walk(_PACKAGE))


def _hash(parts: Iterable[str], seed: Any = None) -> str:
    digest = hashlib.sha256(json.dumps(seed, sort_keys=True, default=str).encode())
    for part in parts:
        digest.update(part.encode() + b"\n")
    return digest.hexdigest()


def input_fingerprint(root: Path, theme_dirs: Iterable[Path], options: Any) -> str:
    """What the user edits: posts, bibliographies, theme, configuration, nbpress, packages.

    Taken before a build reads anything, so an edit made during the build is
    seen by the next one.  ``options`` (JSON-able) are the settings that change output.
    """
    parts: list[str] = [_stat(root / "pyproject.toml")]
    posts = root / "posts"
    parts += sorted(_stat(p) for p in posts.glob("*") if p.suffix in POST_SUFFIXES)
    parts += sorted(_stat(p) for p in (*root.glob("*.bib"), *posts.rglob("*.bib")))
    parts.append(code_digest())
    for theme in theme_dirs:
        parts += _walk(theme / "templates")
        parts += _walk(theme / "assets")
    parts.append(environment.stamp())  # a pip install or upgrade changes it
    return _hash(parts, options)


def execution_fingerprint(root: Path, dependency_files: Iterable[str]) -> str:
    """What executions read and wrote: the cache entries and the files posts depend on.

    Taken after a build, since the build itself writes the cache.
    """
    parts: list[str] = []
    cache = root / "_executed"
    if cache.is_dir():
        for entry in sorted(cache.iterdir()):
            parts += [_stat(entry / "record.json"), _stat(entry / "notebook.ipynb")]
    parts += sorted(_stat(root / f) for f in dependency_files)
    return _hash(parts)


@contextlib.contextmanager
def build_lock(root: Path, log) -> Iterator[None]:
    """Hold the site's build lock; a second build waits for the first, with a message.

    An ``flock`` dies with its process, so a killed build never leaves a stale lock.
    """
    path = root / STATE_DIR / "build.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError as exc:
        raise NbpressError(f"cannot write in the site folder ({exc.strerror}: {path}).",
                           path=root, hint="Build from a folder you can write to, or fix its "
                                           "permissions.") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "another process"
            print(f"another build of this site is running ({other}); waiting for it to finish…",
                  file=log, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def load(path: Path) -> dict[str, Any]:
    """The previous build's state, or an empty one."""
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save(path: Path, data: dict[str, Any]) -> None:
    """Write atomically; a lost state file only costs the next build some work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True))
    os.replace(tmp, path)


def site_matches(out: Path, build_id: str, marker: str) -> bool:
    """Whether ``out`` is still the folder the state describes (nobody replaced it)."""
    try:
        return (out / marker).read_text().strip().endswith(build_id)
    except OSError:
        return False
