"""What the last build of a site read and wrote, so the next one does only what changed.

The state (an SQLite database in ``.nbpress-cache/`` at the site root, not
committed) holds a fingerprint of every input — the size and mtime of posts,
theme files, configuration, execution records, recorded data files and the
installed packages — and one small compressed record per post: its rendered
HTML with the key it was rendered under.  When nothing changed, a build stops
after a few hundred ``stat`` calls, reading only the fingerprints; when
something changed, posts whose render key is unchanged reuse their HTML and
their files from the previous ``_site`` (as hard links), and saving writes
only the records that changed, in one transaction.

Only the standard library (and nbpress.errors, nbpress.environment) is
imported here: this is the no-op build's path.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from . import environment
from .errors import NbpressError
from .formats import POST_SUFFIXES
from .model import (CACHE_DIR, SEARCH_PENDING, SITE_MARKER, STATE_DIR, Analysis, Execution,
                    NotebookDoc, OutputFile, PageRecord, PostSource, RenderedPost)

_PACKAGE = Path(__file__).resolve().parent
UNKEPT = "not kept:"  # starts the key of a rendering the next build makes again


@dataclass(frozen=True)
class RenderRecord:
    """One post's rendering as the last build made it, to reuse while its key is unchanged."""

    render_key: str
    html: str
    excerpt: str
    links: tuple[tuple[str, int], ...]
    execution: Execution
    files: tuple[str, ...]  # paths relative to the site folder
    analysis: Analysis
    warnings: tuple[tuple[str, int | None], ...]  # (message, line) its rendering gave

    @classmethod
    def of(cls, key: str, page: RenderedPost, warnings: Iterable[Any]) -> "RenderRecord":
        """One that met a failure the next build tries again (``BuildWarning.passing``)
        gets a key no build makes: rendered again, its page too (its key is in the page's)."""
        assert page.analysis is not None, "records are made of analysed pages"
        warnings = tuple(warnings)
        key = UNKEPT + key if any(w.passing for w in warnings) else key
        return cls(key, page.html, page.excerpt, tuple(page.local_links), page.execution,
                   tuple(f.path for f in page.files), page.analysis,
                   tuple((w.message, w.line) for w in warnings))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RenderRecord":
        execution = dict(data["execution"])
        execution["main_packages"] = tuple(execution["main_packages"])
        analysis = dict(data["analysis"])
        analysis["toc"] = tuple(analysis["toc"])
        return cls(data["render_key"], data["html"], data["excerpt"],
                   tuple(tuple(x) for x in data["links"]), Execution(**execution),
                   tuple(data["files"]), Analysis(**analysis),
                   tuple(tuple(x) for x in data["warnings"]))

    @property
    def kept(self) -> bool:  # whether a later build may reuse it (``of``)
        return not self.render_key.startswith(UNKEPT)

    def present(self, out: Path) -> bool:
        """Whether every file the rendering wrote is still in ``out``."""
        return all(os.path.isfile(f"{out}/{path}") for path in self.files)

    def rendered(self, post: PostSource, out: Path) -> RenderedPost:
        """The rendering again, its files taken from ``out`` (``present``: they are there)."""
        sources = [OutputFile(path, source=out / path) for path in self.files]
        return RenderedPost(post=post, html=self.html, excerpt=self.excerpt, files=tuple(sources),
                            local_links=self.links, execution=self.execution,
                            analysis=self.analysis)


@dataclass(frozen=True)
class State:
    """What the last build into one output folder saw and wrote."""

    fingerprint: str = ""  # of the inputs, taken before it read them
    build_id: str = ""  # written into the site's marker file
    posts: dict[str, RenderRecord] = field(default_factory=dict)  # by post stem
    dependency_files: tuple[str, ...] = ()
    executions: str = ""  # fingerprint of the cache entries and dependency files after it
    pages: dict[str, PageRecord] = field(default_factory=dict)  # by path in the site
    files: dict[str, str] = field(default_factory=dict)  # every file it wrote: its signature
    page_base: str = ""  # what every page's digest starts from (``pagecache``): templates, code

    def up_to_date(self, fingerprint: str, root: Path, out: Path) -> bool:
        """Nothing changed since this state was saved: same inputs, same cache, same site."""
        return (self.fingerprint == fingerprint and self.executions == execution_fingerprint(
            root, self.dependency_files) and site_matches(out, self.build_id))


def state_path(root: Path, out: Path) -> Path:
    """One state file per output folder."""
    name = hashlib.sha256(str(out).encode()).hexdigest()[:12]
    return root / STATE_DIR / f"state-{name}.sqlite"


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


def input_fingerprint(root: Path, theme_dirs: Iterable[Path], options: Any,
                      extra: Iterable[Path] = ()) -> str:
    """What the user edits: posts, bibliographies, theme, configuration, nbpress, packages.

    Taken before a build reads anything, so an edit made during the build is
    seen by the next one.  ``options`` (JSON-able) are the settings that change output;
    ``extra`` more files the build reads (pages, data files).
    """
    parts: list[str] = [_stat(root / "pyproject.toml")]
    parts += sorted(_stat(p) for p in extra)
    posts = root / "posts"
    parts += sorted(_stat(p) for p in posts.glob("*") if p.suffix in POST_SUFFIXES)
    parts += sorted(_stat(p) for p in (*root.glob("*.bib"), *posts.rglob("*.bib"),
                                       *(root / "_bibliography").glob("*.bib")))
    parts += _walk(root / "_includes")  # {% include %}d by posts
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
    cache = root / CACHE_DIR
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


# Small rows keyed by a path are WITHOUT ROWID: the path is stored once, not again in an
# index (posts' large records are not: such rows would spill out of the tree's pages).
_SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
           "CREATE TABLE IF NOT EXISTS posts (name TEXT PRIMARY KEY, record BLOB NOT NULL);"
           # What a page read is the same for most pages: each set once, by number.
           "CREATE TABLE IF NOT EXISTS readsets (id INTEGER PRIMARY KEY, reads TEXT UNIQUE);"
           "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, digest TEXT NOT NULL, "
           "readset INTEGER NOT NULL) WITHOUT ROWID;"
           "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, signature TEXT NOT NULL)"
           " WITHOUT ROWID;")


def _pack(record: RenderRecord) -> bytes:
    data = asdict(record)
    if data["analysis"]["content"] == data["html"]:  # most posts: the same HTML, kept once
        data["analysis"]["content"] = None
    return zlib.compress(json.dumps(data).encode(), 6)


def _unpack(blob: bytes) -> RenderRecord:
    data = json.loads(zlib.decompress(blob))
    if data["analysis"]["content"] is None:
        data["analysis"]["content"] = data["html"]
    return RenderRecord.from_json(data)


def load(path: Path, *, posts: bool = True) -> State:
    """The previous build's state, or an empty one (a lost or old state costs only work).

    With ``posts=False`` only the fingerprints are read (the no-op check).
    """
    if not path.is_file():
        return State()
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
            records = {name: _unpack(blob) for name, blob in
                       db.execute("SELECT name, record FROM posts")} if posts else {}
            pages = {path: PageRecord(digest, tuple(filter(None, reads.split("\n"))))
                     for path, digest, reads in db.execute(
                         "SELECT path, digest, reads FROM pages JOIN readsets "
                         "ON readset = readsets.id")} if posts else {}
            files = dict(db.execute("SELECT path, signature FROM files")) if posts else {}
        return State(posts=records, fingerprint=meta["fingerprint"], build_id=meta["build_id"],
                     dependency_files=tuple(meta["dependency_files"]),
                     executions=meta["executions"], pages=pages, files=files,
                     page_base=meta.get("page_base", ""))
    except (sqlite3.Error, OSError, ValueError, TypeError, KeyError, AttributeError,
            zlib.error):
        return State()


def files_present(path: Path, out: Path) -> bool:
    """Whether every file the last build wrote into ``out`` is still there (one deleted by
    hand is written again by the next build, not left out by a no-op)."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            paths = [p for (p,) in db.execute("SELECT path FROM files")]
    except sqlite3.Error:
        return False
    return all(os.path.isfile(f"{out}/{p}") for p in paths)


def post_names(path: Path) -> tuple[str, ...]:
    """The names of the posts the last build wrote (for a no-op build's report)."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return tuple(name for (name,) in db.execute("SELECT name FROM posts ORDER BY name"))
    except sqlite3.Error:
        return ()


def save(path: Path, state: State, previous: State | None = None) -> None:
    """Write the records that differ from ``previous`` and the fingerprints, in one
    transaction; a lost or damaged state only costs the next build some work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = previous.posts if previous is not None else {}
    try:
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            # A write-ahead log synced at checkpoints: a power cut may lose the last build's
            # state (it costs the next build some work), never damage it.
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            if previous is None:
                db.execute("DELETE FROM posts")
            db.executemany("DELETE FROM posts WHERE name = ?",
                           [(n,) for n in old if n not in state.posts])
            # Rows in key order: SQLite then fills its pages instead of splitting them.
            # Packed one at a time as SQLite takes them, not all held at once.
            db.executemany("INSERT OR REPLACE INTO posts VALUES (?, ?)",
                           ((n, _pack(r)) for n, r in sorted(state.posts.items())
                            if old.get(n) != r))
            old_pages, old_files = (previous.pages, previous.files) if previous else (None, None)
            pages = _changed(state.pages, old_pages)
            db.executemany("INSERT OR IGNORE INTO readsets (reads) VALUES (?)",
                           [(r,) for r in {"\n".join(r.reads) for r in pages.values()}])
            ids = dict(db.execute("SELECT reads, id FROM readsets"))
            _save_rows(db, "pages", pages, state.pages, old_pages,
                       lambda r: (r.digest, ids.get("\n".join(r.reads), -1)))
            _save_rows(db, "files", _changed(state.files, old_files), state.files, old_files,
                       lambda signature: (signature,))
            db.execute("DELETE FROM readsets WHERE id NOT IN (SELECT readset FROM pages)")
            meta = {"fingerprint": state.fingerprint, "build_id": state.build_id,
                    "dependency_files": list(state.dependency_files),
                    "executions": state.executions, "page_base": state.page_base}
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [(k, json.dumps(v)) for k, v in meta.items()])
    except sqlite3.DatabaseError:  # a damaged file: start again from nothing
        for damaged in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            damaged.unlink(missing_ok=True)
        if previous is not None:
            save(path, state)


_NONE = object()


def _changed(new: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """The entries of ``new`` that ``old`` lacks or holds another value for (a kept page's
    record is the previous build's very object: compared by identity first)."""
    if old is None:
        return dict(new)
    return {key: value for key, value in new.items()
            if (found := old.get(key, _NONE)) is not value and found != value}


def _save_rows(db: sqlite3.Connection, table: str, changed: Mapping[str, Any],
               new: Mapping[str, Any], old: Mapping[str, Any] | None,
               row: Callable[[Any], tuple]) -> None:
    """Write ``changed`` (path → value, as ``row`` makes it) into ``table`` and remove the
    paths of ``old`` that ``new`` no longer has (every row, without an ``old``)."""
    if old is None:
        db.execute(f"DELETE FROM {table}")
    else:
        db.executemany(f"DELETE FROM {table} WHERE path = ?", [(p,) for p in old if p not in new])
    rows = [(path, *row(value)) for path, value in sorted(changed.items())]
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)


def render_key(doc: NotebookDoc, run: str, site_digest: str) -> str:
    """What a post's rendered HTML and files depend on: its Markdown, front matter, URL and
    where its body starts (the lines its warnings name), the whole notebook as read and
    given its kernel (cells' tags, ids and attachments, raw cells, metadata: a pasted image
    and the notebook offered for download come from it), its ``run`` (``cache.run_digest``:
    the outputs and the record the page shows), and ``site_digest`` (the site's variables,
    links, bibliographies and nbpress's own code)."""
    payload = [doc.markdown, doc.notebook, doc.post.front_matter, doc.post.url,
               doc.post.body_line, doc.post.key_lines, run, site_digest]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def site_digest(root: Path, *parts: Any) -> str:
    """A hash of what every post's rendering depends on: ``parts`` (JSON-able), the site's
    bibliographies and ``_includes/`` files, and nbpress's own code."""
    bibs = hashlib.sha256()
    includes = (p for p in (root / "_includes").rglob("*") if p.is_file())
    for path in sorted({*root.glob("*.bib"), *(root / "posts").rglob("*.bib"),
                        *(root / "_bibliography").glob("*.bib"), *includes}):
        bibs.update(str(path).encode() + path.read_bytes())
    return hashlib.sha256(json.dumps([parts, bibs.hexdigest(), code_digest()], sort_keys=True,
                                     default=str).encode()).hexdigest()


def site_matches(out: Path, build_id: str, *, search_behind: bool = False) -> bool:
    """Whether ``out`` is still the folder the state describes (nobody replaced it); with
    ``search_behind``, also while its search index is still to be rebuilt (its pages are
    that build's: they can be kept, but the site is not up to date)."""
    try:
        text = (out / SITE_MARKER).read_text().strip()
    except OSError:
        return False
    if search_behind:
        text = text.removesuffix(SEARCH_PENDING).strip()
    return bool(build_id) and text.endswith(f"build {build_id}")
