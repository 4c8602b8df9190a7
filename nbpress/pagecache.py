"""The site's pages rendered again only when something they read changed.

Every template rendering of the site stage (post pages, the home page and its
following pages, tag pages, archive, 404, feed, sitemap, standalone pages,
redirects) goes through ``PageMaker``.  While a template renders, the posts
it is given are ``Tracked`` views that record which of their fields it reads
(``post.title``, ``post.excerpt``…) and the site records which of its entries
it reads (``site.title``, ``site.posts``, ``site.tags``…).  A page's digest
hashes the theme's templates and nbpress's code, the page's own arguments
(posts in them by URL, the page itself in full), and, for each recorded
read, that value: a site entry, the two neighbours' field, or one field
across every post (one digest per field and build).  The next build computes
the digest from the same recorded reads; when it is equal, the page is
exactly what the previous build wrote and the file already in ``_site`` is
kept.

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
from .memo import Memo, remembered
from .model import OutputFile, PageRecord, SiteConfig
from .state import State, code_digest, site_matches
from .templates import render_template
from .writer import content_digest

ALL = "*"  # a template walked every field (``{% for k in post %}``, ``tojson``)
_MISSING = "<nbpress: no such field>"  # stable in a digest, unlike object()
_OWN = ("page",)  # the page itself: hashed in full
_NEIGHBOURS = ("newer", "older")  # a post page's neighbours: their fields hashed one by one
_COLLECTIONS = ("posts", "pages")  # site entries whose items are posts and pages

MakePage = Callable[[str, str, Mapping[str, Any]], OutputFile]  # (template, path, context)


class _Sink:
    """Where the reads of the rendering under way go (one per ``PageMaker``)."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        self.reads: set[str] = set()


class Tracked(dict):
    """A template's view of a post (or of the site) that records the fields read."""

    __slots__ = ("_role", "_sink")

    def __init__(self, data: Mapping[str, Any], role: str, sink: _Sink) -> None:
        super().__init__(data)
        self._role, self._sink = role, sink

    def _read(self, key: Any) -> None:
        self._sink.reads.add(f"{self._role}.{key}")

    def _all(self) -> None:
        self._sink.reads.add(f"{self._role}.{ALL}")

    def __getitem__(self, key):
        self._read(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._read(key)
        return super().__contains__(key)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def __bool__(self) -> bool:  # ``{% if newer %}``: a post is never empty, nothing to record
        return super().__len__() > 0

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()

    def __eq__(self, other) -> bool:
        self._all()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # as dict's

    def __repr__(self) -> str:
        self._all()
        return super().__repr__()

    __str__ = __repr__

    def copy(self) -> dict:
        self._all()
        return dict(super().items())


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _canon(value: Any, ids: Mapping[int, str]) -> Any:
    """``value`` as plain data whose ``repr`` is its digest input; a post as its URL."""
    if id(value) in ids:
        return ("post", ids[id(value)])
    if isinstance(value, dict):
        if all(type(v) in _PLAIN for v in value.values()):  # a sitemap's 2,000 entries
            return ("plain", repr(value))
        return tuple((repr(k), _canon(v, ids)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        urls = [ids.get(id(v)) for v in value]
        if urls and None not in urls:  # a list of posts (a tag's, a page of the home's)
            return ("posts", urls)
        return [_canon(v, ids) for v in value]
    return value


def _hash(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _fields_digest(page: Mapping[str, Any]) -> str:
    """A digest of a page's fields: long text (the post's HTML) as its bytes, the rest as
    its ``repr`` (``repr`` of the whole page spent most of its time escaping the HTML)."""
    digest = hashlib.sha256()
    for key, value in page.items():
        if type(value) is str and len(value) > 256:
            data, kind = value.encode("utf-8", "surrogatepass"), "s"
        else:
            data, kind = repr(value).encode(), "r"
        digest.update(f"\0{key!r}\0{kind}{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


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
                 memo: Memo | None = None, spool: Path | None = None, workers: int = 1
                 ) -> None:
        self.env, self.base, self.out, self.reusable = env, base, out, reusable
        self.workers = workers  # processes rendering pages (``finish``); 1: here, at once
        self._waiting: list[tuple[OutputFile, _Job]] = []
        self._pid = os.getpid()  # a page rendered in another process is in a forked copy
        self.spool = spool  # a folder for rendered pages (on the site's file system), or None
        self.previous = previous if reusable else {}
        self._made: dict[str, list[tuple[OutputFile, PageRecord]]] = {}
        self.rendered: list[str] = []  # paths rendered by this build, in order
        self._sink = _Sink()
        self._site = site
        items = [p for name in _COLLECTIONS for p in site.get(name, ())]
        self._items = items
        self._ids = {id(p): p["url"] for p in items}
        self._views = {id(p): Tracked(p, "post", self._sink) for p in items}
        self._tracked_site = Tracked({k: self._swap(v) for k, v in site.items()}, "site",
                                     self._sink)
        self._memo: dict[str, str] = {}
        self._sets: dict[tuple[str, ...], tuple] = {}
        self._kept = memo  # serve's: a page's own digest while it is the same object

    def __call__(self, name: str, path: str, context: Mapping[str, Any]) -> OutputFile:
        """The file at ``path``: ``name`` rendered with ``context``, or the kept one.  With
        ``workers``, a page to render is only set aside: ``finish`` renders them all."""
        old = self.previous.get(path)
        digest = None if old is None else self._digest(name, path, context, old.reads)
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
        self._sink.reads = set()
        try:
            data = render_template(self.env, job.name, self._view(job.context)).encode()
        except NbpressError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - a filter's bug in a theme: said in order
            return exc if os.getpid() == self._pid else with_traceback_note(exc)
        reads = tuple(sorted(self._sink.reads))
        digest = job.digest if job.old is not None and reads == job.old.reads \
            else self._digest(job.name, job.path, job.context, reads)  # (else: made already)
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

    def _swap(self, value: Any) -> Any:
        """``value`` with each post in it replaced by its recording view."""
        view = self._views.get(id(value))
        if view is not None:
            return view
        if isinstance(value, dict) and not isinstance(value, Tracked):
            return {k: self._swap(v) for k, v in value.items()}
        if isinstance(value, list) or type(value) is tuple:  # (a named tuple stays as it is)
            return type(value)(self._swap(v) for v in value)
        return value

    def _view(self, context: Mapping[str, Any]) -> dict[str, Any]:
        view = {}
        for key, value in context.items():
            if key == "site" and value is self._site:
                view[key] = self._tracked_site
            elif key in _OWN:
                view[key] = value  # its own fields are hashed in full: no need to record
            elif key in _NEIGHBOURS and isinstance(value, dict):
                view[key] = Tracked(value, "neighbour", self._sink)
            else:
                view[key] = self._swap(value)
        return view

    def _digest(self, name: str, path: str, context: Mapping[str, Any],
                reads: Sequence[str]) -> str:
        if self._kept is None:
            return self._hash(name, path, context, reads)
        # serve: the same objects (contexts are never changed once made) and the same values
        # of the site's fields it read give the digest computed last time.
        objects = tuple(v for k, v in context.items() if not (k == "site" and v is self._site))
        return self._kept.same("page", objects, (self.base, name, path, tuple(context),
                                                 self._shared(tuple(reads), context)),
                               lambda: self._hash(name, path, context, reads))

    def _shared(self, reads: tuple[str, ...], context: Mapping[str, Any]) -> tuple:
        """The values of the site's and the posts' fields in ``reads`` (the same for every
        page that read them: computed once per set of reads and build)."""
        found = self._sets.get(reads)
        if found is None:
            found = self._sets[reads] = (reads, tuple(
                self._value(r, context) for r in reads if not r.startswith("neighbour.")))
        return found

    def _hash(self, name: str, path: str, context: Mapping[str, Any],
              reads: Sequence[str]) -> str:
        digest = hashlib.sha256(repr((self.base, name, path)).encode())
        for key, value in sorted(context.items()):
            if key == "site" and value is self._site:
                continue  # what it read of the site counts, below
            # A post's fields never hold other posts: its own are hashed whole, as text;
            # neighbours count by URL (or None), the fields read of them below.
            text = self._own(value) if key in _OWN else repr(_canon(value, self._ids))
            digest.update(f"\0{key}\0{len(text)}\0".encode() + text.encode())
        for read in reads:
            digest.update(f"\0{read}\0{self._value(read, context)}".encode())
        return digest.hexdigest()[:32]  # 128 bits: plenty to tell two renderings apart

    def _own(self, page: Any) -> str:
        """The digest of a page's own fields (the same with or without a memo)."""
        def digest() -> str:
            return _fields_digest(page)

        return digest() if self._kept is None else self._kept.same("page-digest", (page,),
                                                                   None, digest)

    def _value(self, read: str, context: Mapping[str, Any]) -> Any:
        role, _, key = read.partition(".")
        if role == "neighbour":
            return repr([self._field(n, key) for n in (context.get(k) for k in _NEIGHBOURS)
                         if isinstance(n, dict)])
        if read not in self._memo:
            if role == "site":
                value = self._site if key == ALL else self._site.get(key, _MISSING)
                self._memo[read] = _hash(_canon(value, self._ids))
            else:
                self._memo[read] = _hash([self._field(p, key) for p in self._items])
        return self._memo[read]

    @staticmethod
    def _field(post: Mapping[str, Any], key: str) -> Any:
        return post if key == ALL else post.get(key, _MISSING)


def page_maker(env: jinja2.Environment, templates: str, site: Mapping[str, Any],
               config: SiteConfig, previous: State, memo: Memo | None = None,
               spool: Path | None = None, workers: int = 1) -> PageMaker:
    """The site stage's renderer for one build (``templates``: ``template_digest`` of the
    theme): it keeps the previous build's pages whose reads are unchanged when ``_site`` is
    still as the previous build wrote it, and renders the others with ``workers``
    processes."""
    reusable = bool(previous.files) and site_matches(config.out, previous.build_id,
                                                     search_behind=True)
    base = hashlib.sha256((templates + code_digest()).encode()).hexdigest()
    # Every digest starts from ``base``: when it changed (a template edited), no page can be
    # kept, and computing each one's digest before rendering it is work thrown away.
    records = previous.pages if previous.page_base in ("", base) else {}
    return PageMaker(env, site, base=base, previous=records, out=config.out,
                     reusable=reusable, memo=memo, spool=spool, workers=workers)


__all__ = ["ALL", "MakePage", "PageMaker", "PageRecord", "Tracked", "page_maker",
           "template_digest"]
