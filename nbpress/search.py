"""Site search: Pagefind indexes the built staging folder before it is swapped in.

Pagefind (``pagefind[bin]`` on PyPI ships its binary in a wheel: no Node.js, no
network) writes ``_pagefind/`` — a compressed index in fragments and its search UI —
into the site.  Only post bodies are indexed (``data-pagefind-body`` in post.html),
so a word finds the post it is in, not the index pages that show its excerpt; the
reproducibility box and post navigation carry ``data-pagefind-ignore``.  The theme's
search box loads the UI from ``{baseurl}/_pagefind/`` and gives it ``baseUrl``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from .errors import NbpressError
from .model import SEARCH_PENDING, SITE_MARKER

BUNDLE = "_pagefind"
_TIMEOUT_S = 600


_KEPT = "the previous site was left as it was"


def index_site(folder: Path, into: Path | None = None, kept: str = _KEPT) -> None:
    """Build the search index of the site in ``folder`` (the staging folder) into its
    ``_pagefind/``, or into the folder ``into``; a folder without pages (Pagefind refuses
    those) gets none.  ``kept``: what a failure leaves, for its message."""
    if not any(folder.rglob("*.html")):
        return
    where = ["--output-path", str(into)] if into else ["--output-subdir", BUNDLE]
    command = [sys.executable, "-m", "pagefind", "--site", str(folder), *where, "--silent"]
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


def reindex_site(folder: Path, still: Callable[[], bool] = lambda: True) -> bool:
    """Index ``folder`` (a site updated in place) again, replacing its ``_pagefind/`` at once
    when the new index is complete and ``still()`` says the site is the one indexed (a
    build may have changed it meanwhile).  Returns whether it was replaced."""
    from .fsutil import replace_dir

    new = folder.parent / f".{folder.name}.{BUNDLE}-new"
    shutil.rmtree(new, ignore_errors=True)
    try:
        index_site(folder, into=new, kept="the pages are this build's, the search index "
                                          "is the previous one (it may miss this build's "
                                          "changes until the next build)")
        if not (new.is_dir() and still()):
            return False
        replace_dir(new, folder / BUNDLE)
        return True
    finally:
        shutil.rmtree(new, ignore_errors=True)


def _replace_text(path: Path, text: str, expected: str) -> None:
    """Write ``text`` to ``path`` if it still holds ``expected`` (a build may have won)."""
    new = path.with_name(path.name + ".search")
    new.write_text(text)
    if path.read_text() == expected:
        os.replace(new, path)
    else:
        new.unlink()


class Reindexer:
    """``serve``'s search index: rebuilt in a background thread once a page has reloaded, so
    that the next save need not wait for it; a request made while it runs makes it run once
    more when it is done (the pages it read may have changed)."""

    def __init__(self, folder: Path, on_error: Callable[[NbpressError], None]) -> None:
        self.folder, self._on_error = folder, on_error
        self._lock = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        with self._lock:
            self._wanted = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-index",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    return
                self._wanted = False
            # The site as it is now; the new index replaces the old one only if no build
            # changed it meanwhile (that build asked for another run), and then the marker
            # stops saying the index is behind.
            marker = self.folder / SITE_MARKER
            try:
                before = marker.read_text()
                if reindex_site(self.folder, lambda: marker.read_text() == before):
                    _replace_text(marker, before.removesuffix(f"{SEARCH_PENDING}\n"), before)
            except NbpressError as exc:
                self._on_error(exc)
            except OSError:  # the site was replaced meanwhile: the next request indexes it
                pass

    def wait(self, timeout: float | None = None) -> None:
        """Until the index being built (and any asked for meanwhile) is in place."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


__all__ = ["index_site", "reindex_site", "Reindexer", "BUNDLE"]
