"""What a one-shot build keeps of its reads for the next one: a post whose files did not
change is not parsed again.

Reading 2,000 posts (YAML front matter, URLs, the Markdown split into cells) takes a
second or more; an edit changes one of them.  Each post read is kept in a database beside
the state's (``.nbpress-cache/reads-*.sqlite``, one row per post file, so that an edit
writes one row) with the stamp it was read under: the
post file's and its paired files' sizes and times (``memo.Stamper``), the settings
(``SiteConfig.shown``: not --jobs and the like), the installed packages (``environment.stamp``) and nbpress's own code.
A row is used only when all of these are the same now, so a build that uses it is the
build that would read the file again; anything unreadable is read again.

What is kept is the post as discovery made it, its notebook as the reader made it, before
the kernel is chosen (installed kernels are looked at each build), and its render key
with the run and site settings it was made for.  Each is packed on its own in the row, and
unpacked when first asked for: discovery unpacks a post without its notebook, and a kept
notebook (with its Markdown) is unpacked only when used (``KeptDoc``) — for a post that
runs code or is rendered again, not for the 1,999 others of a prose edit.  The values are
pickled, as Sphinx keeps its environment: the database is this machine's
(``.nbpress-cache/``, never committed, the rows written by this build's own code), and
one that is not the user's own, or that others may write, is not read.
``serve`` keeps its reads in memory (``memo.py``); its first build uses these.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import pickle
import sqlite3
import sys
import zlib
from pathlib import Path
from typing import Any, Callable

from . import environment
from .fsutil import private
from .memo import Stamper
from .model import NotebookDoc
from .nbnode import node
from .state import code_digest, render_key

_SCHEMA = "CREATE TABLE IF NOT EXISTS reads (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, " \
          "value BLOB NOT NULL)"


class Reads:
    """The previous build's reads (loaded once, unpacked only when used) and this build's."""

    def __init__(self, state_file: Path, settings: str) -> None:
        """``settings``: the site's (``SiteConfig.shown``), which rows were read under."""
        # Its own file: the state stays small, and losing this costs only reading time.
        self.database = database = state_file.with_name(
            state_file.name.replace("state-", "reads-", 1))
        self._settings = hashlib.sha256(
            f"{settings}\n{environment.stamp()}\n{code_digest()}".encode()).hexdigest()
        self._stamp = Stamper()
        self._old: dict[str, tuple[str, bytes | None]] = {}  # path → (stamp, value)
        self._new: dict[str, list] = {}  # path → [stamp, values, whether to write them]
        with contextlib.suppress(sqlite3.Error, OSError):
            if database.is_file() and private(database):
                with contextlib.closing(sqlite3.connect(database)) as db:
                    self._old = {path: (stamp, value) for path, stamp, value in
                                 db.execute("SELECT path, stamp, value FROM reads")}

    def _key(self, path: Path) -> str:
        """The stamp a row is kept under, as a short digest (rows stay small)."""
        return hashlib.blake2b(f"{self._settings} {self._stamp(path)!r}".encode(),
                               digest_size=16).hexdigest()

    def _entry(self, path: Path) -> list:
        """This build's entry for ``path``: the previous build's values when its stamp is
        the same (each value still packed: unpacked when asked for), else none yet."""
        name = str(path)
        found = self._new.get(name)
        if found is None:
            key = self._key(path)
            values: dict[str, Any] = {}
            old = self._old.get(name)
            if old is not None and old[0] == key and old[1] is not None:
                try:
                    values = {kind: _Packed(blob) for kind, blob in pickle.loads(old[1]).items()}
                except Exception:  # noqa: BLE001 - a damaged or foreign row: read again
                    values = {}
                self._old[name] = (old[0], None)  # its bytes are not needed again
            found = self._new[name] = [key, values, not values]
        return found

    def get(self, kind: str, path: Path, make: Callable[[], Any],
            valid: Callable[[Any], bool] = lambda value: True) -> Any:
        """The value of ``kind`` ("post", "doc", "notebook", "render-key") for the file
        ``path``: kept (if ``valid`` says it may be used), or made now.  Values are made in
        that order, each from the ones before: one made again makes those after it go (a
        post read again makes its kept notebook go, a notebook its render key)."""
        entry = self._entry(path)
        values = entry[1]
        if kind in values and type(values[kind]) is _Packed:
            try:
                values[kind] = values[kind].unpack(lambda: _unpacked(values, "post"))
            except Exception:  # noqa: BLE001 - a damaged or foreign value: made again
                del values[kind]
        if kind not in values or not valid(values[kind]):
            kinds = list(values)
            for later in kinds[kinds.index(kind):] if kind in values else []:
                del values[later]
            values[kind] = make()
            entry[2] = True
        return values[kind]

    def save(self) -> None:
        """Keep this build's reads for the next build: the rows that changed are written,
        those of files no longer read removed.  A failure only costs the next build time.
        The values are let go: what the build holds of them after, it holds itself."""
        changed = [(name, key, values) for name, (key, values, made) in sorted(self._new.items())
                   if made]
        gone = [(name,) for name in self._old if name not in self._new]
        self._new, self._old = {}, {}
        if not changed and not gone:
            return
        # Packed one row at a time as SQLite takes them: 2,000 rows at once were ≈15 MB.
        rows = ((name, key, pickle.dumps({kind: _pack(value, values.get("post"))
                                          for kind, value in values.items()}, protocol=5))
                for name, key, values in changed)
        with contextlib.suppress(sqlite3.Error, OSError, pickle.PicklingError):
            self.database.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.database)) as db, db:
                # For a new file only (they must come before the table): pages of 16 KB,
                # which hold a row of 2 KB seven times (a 4 KB page holds it once when it is
                # a little over half a page); and rows rewritten after a settings change give
                # their old pages back at once.
                db.execute("PRAGMA page_size = 16384")
                db.execute("PRAGMA auto_vacuum = FULL")
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute(_SCHEMA)
                db.executemany("DELETE FROM reads WHERE path = ?", gone)
                db.executemany("INSERT OR REPLACE INTO reads VALUES (?, ?, ?)", rows)


class _Pickler(pickle.Pickler):
    """Pickles a notebook's nodes as plain dictionaries: unpickled, a ``NotebookNode`` would
    be filled key by key through its Python ``__setitem__`` (converting what is already
    converted), which took a third of loading 2,000 kept posts.  The row's post (``shared``),
    found in another value (a notebook's ``doc.post``), is pickled as a reference to it."""

    def __init__(self, file: io.BytesIO, shared: Any = None) -> None:
        super().__init__(file, protocol=5)
        # (None made while nbformat is not imported; nbpress's own nodes pickle themselves)
        nodes = sys.modules.get("nbformat.notebooknode")
        self._node_type = nodes.NotebookNode if nodes is not None else None
        self._shared = shared

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is self._node_type:
            return _node, (dict(obj),)
        return NotImplemented

    def persistent_id(self, obj: Any) -> str | None:
        return "post" if obj is self._shared and obj is not None else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, shared: Callable[[], Any]) -> None:
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, pid: Any) -> Any:
        if pid != "post":
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self._shared()


def _node(items: dict) -> Any:
    """A ``NotebookNode`` holding ``items`` (whose dictionaries are nodes already)."""
    return node(items, nodes=True)


_SMALL = 4096  # a value pickled to fewer bytes (a post of ~500 words) is kept uncompressed


class _Packed:
    """A kept value as stored: a row holds each kind of value packed on its own, so that
    discovery unpacks a post without its notebook; small values are not compressed
    (decompressing took as long as unpickling)."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def unpack(self, shared: Callable[[], Any]) -> Any:
        data = zlib.decompress(self.blob[1:]) if self.blob[:1] == b"z" else self.blob[1:]
        return _Unpickler(io.BytesIO(data), shared).load()


def _pack(value: Any, shared: Any) -> bytes:
    """``value`` as a row keeps it (a value never unpacked is written back as it was)."""
    if type(value) is _Packed:
        return value.blob
    buffer = io.BytesIO()
    _Pickler(buffer, shared if value is not shared else None).dump(value)
    data = buffer.getvalue()
    return b"z" + zlib.compress(data, 6) if len(data) > _SMALL else b"p" + data


def _unpacked(values: dict[str, Any], kind: str) -> Any:
    """The row's value of ``kind``, unpacked (an error when it has none)."""
    value = values[kind]
    if type(value) is _Packed:
        value = values[kind] = value.unpack(lambda: None)
    return value


def kept(reads: Reads | None, kind: str, path: Path, make: Callable[[], Any],
         valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """``make()``, or the value ``reads`` kept for it when there are reads."""
    return make() if reads is None else reads.get(kind, path, make, valid)


class KeptDoc(NotebookDoc):
    """A kept read (``NotebookDoc``) whose notebook and Markdown are unpacked only when
    first used: a post kept unchanged is not rendered again, and one without code is not
    run, so most never need them (unpacking 2,000 notebooks took a fifth of a prose edit's
    build).  Pending changes (``changed``: the kernel chosen) are made then.  Pickled (for
    a render worker) as the ``NotebookDoc`` it stands for."""

    def __getattr__(self, name: str) -> Any:  # only for what the instance lacks
        if name not in _LAZY or "_load" not in self.__dict__:
            raise AttributeError(name)
        notebook, markdown = self.__dict__.pop("_load")()  # (the reads it held: let go)
        object.__setattr__(self, "notebook", notebook)
        object.__setattr__(self, "markdown", markdown)
        return getattr(self, name)

    @classmethod
    def of(cls, doc: NotebookDoc, load: Callable[[], tuple[Any, str]], **fields: Any
           ) -> "KeptDoc":
        """``doc`` with ``fields`` replaced, and the notebook and Markdown ``load()`` gives."""
        made = object.__new__(cls)
        for name in _FIELDS:
            if name not in _LAZY:
                object.__setattr__(made, name, fields[name] if name in fields else
                                   getattr(doc, name))
        object.__setattr__(made, "_load", load)
        return made

    def changed(self, change: Callable[[Any], Any], **fields: Any) -> NotebookDoc:
        if "_load" not in self.__dict__:  # unpacked already
            return super().changed(change, **fields)
        load = self.__dict__["_load"]

        def later() -> tuple[Any, str]:
            notebook, markdown = load()
            return change(notebook), markdown

        return KeptDoc.of(self, later, **fields)

    def __reduce__(self) -> tuple:
        return NotebookDoc, tuple(getattr(self, name) for name in _FIELDS)


_FIELDS = tuple(f.name for f in dataclasses.fields(NotebookDoc))
_LAZY = ("notebook", "markdown")


def kept_doc(reads: Reads | None, post: Any, make: Callable[[], tuple]) -> tuple:
    """``make()`` — a post's notebook as read (``NotebookDoc``) and what comes with it —, or
    what ``reads`` kept of it for this very post, its notebook and Markdown kept apart and
    unpacked when first used (``KeptDoc``)."""
    if reads is None:
        return make()
    made: list[tuple] = []

    def fresh() -> tuple:
        made.append(make())
        doc, *rest = made[0]
        # The notebook and Markdown go in a value of their own.
        return (dataclasses.replace(doc, notebook=None, markdown=""), *rest)

    found = reads.get("doc", post.path, fresh, valid=lambda value: value[0].post == post)
    if made:
        doc = made[0][0]
        reads.get("notebook", post.path, lambda: (doc.notebook, doc.markdown))
        return made[0]
    shell, *rest = found

    def load() -> tuple[Any, str]:
        def again() -> tuple[Any, str]:  # a damaged value: the file is the same, read again
            doc = make()[0]
            return doc.notebook, doc.markdown

        return reads.get("notebook", post.path, again)

    return (KeptDoc.of(shell, load), *rest)


def kept_render_key(reads: Reads | None, doc: Any, run: str, digest: str) -> str:
    """The post's render key (``state.render_key``), kept by ``reads`` with the run, the site
    settings and the kernel it was made for (the kernel is chosen again each build)."""
    made_for = (run, digest, repr(doc.kernel))
    return kept(reads, "render-key", doc.post.path,
                lambda: (*made_for, render_key(doc, run, digest)),
                valid=lambda found: found[:3] == made_for)[3]


__all__ = ["KeptDoc", "Reads", "kept", "kept_doc", "kept_render_key"]
