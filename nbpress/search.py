"""Site search: Pagefind indexes the built site, in shards that are rebuilt only when
one of their pages changed.

Pagefind (``pagefind[bin]`` on PyPI ships its binary in a wheel: no Node.js, no
network) writes a compressed index in fragments and its search UI.  Only post bodies
are indexed (``data-pagefind-body`` in post.html), so a word finds the post it is in, not
the index pages that show its excerpt; the reproducibility box and post navigation carry
``data-pagefind-ignore``.

Pagefind has no incremental mode: indexing 2,000 pages takes seconds, and one edited
post would pay for all of them.  So the pages are cut into shards and each shard is its
own Pagefind bundle, ``_pagefind/<id>/``; the search box (``assets/js/search.js``) reads
``_pagefind/shards.json`` and merges them in the browser with the UI's ``mergeIndex``.
Shards are cut where a page's path hashes to a boundary (content-defined, as rsync cuts
files), walking the pages in path order: a page added or removed changes the shard it
falls in (rarely a neighbour too: shards have a minimum and maximum size), and posts of
the same period (date-based URLs) share a shard.
``_pagefind/.pages.json`` keeps each shard's pages with a digest of what Pagefind reads
of them (``searchpage.py``: the body element, the language, the first ``<h1>`` — not the
header, footer or ``<head>`` around them); a shard whose pages all kept theirs is not
indexed again, so a base template edit re-indexes nothing.  Files are read only when
their size, time or inode changed.  Each shard is indexed from a folder holding, for each of its pages,
only what Pagefind reads of it (a quarter faster; the same index), written from the
version read, so what is indexed is exactly the version recorded, even while a build
replaces pages meanwhile.  A site of a few dozen pages is one shard.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .errors import NbpressError
from .forkmap import forked_map
from .fsutil import replace_dir
from .searchpage import read_for_index, read_page
from .model import SEARCH_PENDING, SITE_MARKER

BUNDLE = "_pagefind"
SHARDS = "shards.json"  # what the search box reads: the bundles to merge
PAGES = ".pages.json"  # each shard's pages and their signatures: what was indexed
# Pages per shard: 64 on average (shards hold 16 to 128), 26 shards at 2,000 posts; an edit
# re-indexes the one its page is in, ≈95 pages on average (0.1 s; Pagefind takes ≈17 ms and
# ≈0.85 ms per page here).  With 128 (16 to 512) it was 12 shards and ≈220 pages (0.2 s).
SHARD_AVERAGE = 64
SHARD_MIN, SHARD_MAX = 16, 128
# Pagefind's UI files: kept once at _pagefind/, dropped from each shard's bundle
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
            "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-highlight.js")
_TIMEOUT_S = 600
_KEPT = "the previous site was left as it was"


@dataclass(frozen=True)
class Page:
    """One HTML file of the site: its path under the site, the signature of the file
    version seen, whether it marks a body to index (``data-pagefind-body``), and the
    digest of what Pagefind reads of it."""
    path: str
    signature: str
    body: bool
    digest: str


@dataclass(frozen=True)
class Shard:
    id: str
    pages: tuple[Page, ...]

    def record(self) -> list[list[str]]:
        return [[p.path, p.digest] for p in self.pages]


def _signature(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _html_files(folder: Path) -> Iterable[tuple[str, os.stat_result]]:
    """Every HTML file Pagefind would read (its default glob, ``**/*.html``), but not the
    index's own folder; paths relative to ``folder``, with ``/``."""
    stack = [("", str(folder))]
    while stack:
        prefix, top = stack.pop()
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=True):
                    if prefix or entry.name != BUNDLE:
                        stack.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.name.endswith(".html"):
                    yield prefix + entry.name, entry.stat()


def site_pages(folder: Path, known: dict[str, tuple[str, bool, str]],
               seen: dict[str, tuple[str, bool, str]], workers: int = 1) -> list[Page]:
    """The pages Pagefind indexes, in path order: those marking a body when any page does
    (as Pagefind decides), else all.  ``known``: path → (signature, body, digest) from the
    last index, so that only files changed since are read (shared with ``workers - 1``
    forked copies of this process when there are many: a template edit changes them all);
    ``seen`` gets every HTML file's."""
    pages, unread = [], []
    for path, st in _html_files(folder):
        signature = _signature(st)
        last = known.get(path)
        if last is not None and last[0] == signature:
            pages.append(Page(path, signature, last[1], last[2]))
        else:
            unread.append((path, signature))
    for (path, signature), found in zip(unread, forked_map(
            lambda item: _read_page(folder / item[0]), unread, workers)):
        if found is not None:
            pages.append(Page(path, signature, *found))
    for page in pages:
        seen[page.path] = (page.signature, page.body, page.digest)
    pages.sort(key=lambda p: p.path)
    if any(p.body for p in pages):
        return [p for p in pages if p.body]
    return pages


def _read_page(path: Path) -> tuple[bool, str] | None:
    """``read_page`` of the file, or None when it was removed since the folder was listed."""
    try:
        return read_page(path.read_bytes())
    except FileNotFoundError:
        return None


def _hash(text: str, size: int) -> bytes:
    # surrogateescape: a file name that is not UTF-8 is hashed by its bytes
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=size).digest()


def shards(pages: list[Page]) -> list[Shard]:
    """``pages`` (in path order) cut into shards: a page whose path hashes to a boundary
    starts a new one (once the current one holds ``SHARD_MIN`` pages), and none grows past
    ``SHARD_MAX``.  A shard is named by its first page."""
    cut: list[list[Page]] = []
    for page in pages:
        if cut and (len(cut[-1]) >= SHARD_MAX or len(cut[-1]) >= SHARD_MIN and
                    int.from_bytes(_hash(page.path, 4), "big") % SHARD_AVERAGE == 0):
            cut.append([])
        if not cut:
            cut.append([])
        cut[-1].append(page)
    return [Shard(_hash(group[0].path, 5).hex(), tuple(group)) for group in cut]


def _pagefind() -> list[str]:
    """The Pagefind binary of ``pagefind[bin]`` (called directly: ``python -m pagefind``
    costs an interpreter start per shard), else ``python -m pagefind``, whose message says
    what is missing."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


def _run_pagefind(source: Path, into: Path, kept: str) -> None:
    command = [*_pagefind(), "--site", str(source), "--output-path", str(into), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        raise NbpressError(f"the search index took over {_TIMEOUT_S} s to build; {kept}.",
                           hint="Report this with the site's size; build with search = false "
                                "in [tool.nbpress] meanwhile.") from None
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[-400:]
        raise NbpressError(f"Pagefind could not build the search index ({detail or 'exit code '}"
                           f"{'' if detail else done.returncode}); {kept}.",
                           hint="Check that 'pagefind[bin]' is installed (pip install "
                                "'pagefind[bin]'), or set search = false in [tool.nbpress].")


def _index_shard(folder: Path, shard: Shard, work: Path, kept: str) -> Shard:
    """Index ``shard``'s pages into ``work/bundle`` from ``work/site``, where each page is
    written as Pagefind needs it (``searchpage.read_for_index``); returns the shard as indexed: each page's
    signature and digest are those of the very version read (a build may have replaced it
    since the shard was cut)."""
    source = work / "site"
    indexed = []
    for page in shard.pages:
        try:
            with open(folder / page.path, "rb") as handle:
                signature, data = _signature(os.fstat(handle.fileno())), handle.read()
        except FileNotFoundError:  # removed meanwhile: the next index sees it gone
            continue
        body, digest, shown = read_for_index(data)
        target = source / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown)
        indexed.append(Page(page.path, signature, body, digest))
    if indexed:
        _run_pagefind(source, work / "bundle", kept)
    return Shard(shard.id, tuple(indexed))


def _read_pages(bundle: Path) -> tuple[dict[str, tuple[str, bool, str]], dict[str, list]]:
    """What the last index recorded: each HTML file's signature, body flag and digest, and
    each shard's pages; nothing when it is missing, unreadable or made by another
    Pagefind."""
    try:
        data = json.loads((bundle / PAGES).read_text())
        if data.get("pagefind") != _version():
            return {}, {}
        return ({path: (sig, bool(body), digest)
                 for path, (sig, body, digest) in data["files"].items()},
                dict(data["shards"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}


def _version() -> str:
    """The Pagefind binary's identity: another version makes every shard be indexed again."""
    try:
        return _signature(Path(_pagefind()[0]).stat())
    except OSError:
        return ""


def _write_text(path: Path, text: str) -> None:
    """``path`` replaced at once: a reader sees the old text or the new one."""
    new = path.with_name(path.name + ".new")
    new.write_text(text)
    os.replace(new, path)


def _write_json(path: Path, data: object) -> None:
    _write_text(path, json.dumps(data, separators=(",", ":")))


def index_site(folder: Path, kept: str = _KEPT, workers: int = 1) -> list[str]:
    """Bring the search index of the site in ``folder`` up to date: the shards whose pages
    changed are indexed again (all of them the first time), the others kept; a site
    without pages gets no index (Pagefind refuses those).  ``kept``: what a failure leaves,
    for its message; ``workers``: processes reading the changed pages (``site_pages``).
    Returns the ids of the shards indexed."""
    bundle = folder / BUNDLE
    files, recorded = _read_pages(bundle)
    seen: dict[str, tuple[str, bool, str]] = {}
    all_pages = site_pages(folder, files, seen, workers)
    cut = shards(all_pages)
    if not cut:
        shutil.rmtree(bundle, ignore_errors=True)
        return []
    todo = [s for s in cut if recorded.get(s.id) != s.record() or not (bundle / s.id).is_dir()]
    if not todo and not (bundle / UI_FILES[0]).is_file():
        todo = cut[:1]
    bundle.mkdir(exist_ok=True)
    # Work folders inside the bundle: one a killed build left is swept below, next time.
    works = {s.id: Path(tempfile.mkdtemp(dir=bundle, prefix=".work-")) for s in todo}
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            indexed = {s.id: s for s in pool.map(
                lambda s: _index_shard(folder, s, works[s.id], kept), todo)}
        ui = False
        for shard in todo:
            made = works[shard.id] / "bundle"
            if not indexed[shard.id].pages:  # its pages all went meanwhile: no bundle
                continue
            for name in UI_FILES:
                if not ui and (made / name).is_file():
                    os.replace(made / name, bundle / name)
                else:
                    (made / name).unlink(missing_ok=True)
            ui = True
            replace_dir(made, bundle / shard.id)
    finally:
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)
    final = [found for found in (indexed.get(s.id, s) for s in cut) if found.pages]
    _write_json(bundle / SHARDS, {"bundles": [s.id for s in final]})
    wanted = {s.id for s in final} | set(UI_FILES) | {SHARDS, PAGES}
    for entry in bundle.iterdir():
        if entry.name not in wanted:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for shard in final:  # the versions indexed, where a build replaced a page meanwhile
        for page in shard.pages:
            seen[page.path] = (page.signature, page.body, page.digest)
    _write_json(bundle / PAGES, {"pagefind": _version(),
                                 "files": {p: [s, int(b), d] for p, (s, b, d) in seen.items()},
                                 "shards": {s.id: s.record() for s in final}})
    return [s.id for s in todo]


def reindex_site(folder: Path, workers: int = 1) -> None:
    """Index ``folder`` (a site updated in place) again; a failure says the pages are this
    build's and the index the previous one."""
    index_site(folder, kept="the pages are this build's, the search index is the previous "
                            "one (it may miss this build's changes until the next build)",
               workers=workers)


class Reindexer:
    """``serve``'s search index: brought up to date in a background thread once a page has
    reloaded, so that the save need not wait for it; a request made while it runs makes it
    run once more when it is done (the pages it read may have changed).  It holds the
    site's build lock while it works: no build changes the site under it (``serve`` waits
    for it before its next build; a build in another terminal waits at the lock)."""

    def __init__(self, folder: Path, root: Path, on_error: Callable[[NbpressError], None]
                 ) -> None:
        self.folder, self.root, self._on_error = folder, root, on_error
        self._lock = threading.Lock()
        self._wanted = False
        self._running = False  # a thread is working or about to (is_alive() can lag)
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        with self._lock:
            self._wanted = True
            if not self._running:
                self._running = True
                self._thread = threading.Thread(target=self._run, name="search-index",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if not self._wanted:
                        self._running = False
                        return
                    self._wanted = False
                self._index()
        finally:
            with self._lock:
                self._running = False

    def _index(self) -> None:
        """The index brought up to date, then the marker no longer says it is pending."""
        from .state import build_lock

        marker = self.folder / SITE_MARKER
        try:
            with build_lock(self.root, io.StringIO()):  # no build changes the site meanwhile
                before = marker.read_text()
                reindex_site(self.folder)
                _write_text(marker, before.removesuffix(f"{SEARCH_PENDING}\n"))
        except NbpressError as exc:
            self._on_error(exc)
        except OSError:  # no site yet, or it went: the next build or request sees to it
            pass

    def wait(self, timeout: float | None = None) -> None:
        """Until the index being built (and any asked for meanwhile) is in place."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


__all__ = ["index_site", "reindex_site", "shards", "site_pages", "Reindexer", "BUNDLE", "SHARDS"]
