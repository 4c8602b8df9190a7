"""What a long-running ``serve`` keeps in memory from one build to the next.

A one-shot build reads every post, loads the previous build's state and
builds every post's template context; at 2,000 posts that is seconds of work
for a one-word edit.  ``serve`` passes one ``Memo`` to every build it runs:
a post's source and notebook are read again only when its file (or a file
paired with it) changed, the state is reused when the site is still the one
the memo's state describes, and a post's template context is reused while its
rendering and the settings are the same.  A one-shot build passes none and
reads everything, so nothing here can make a build differ from a fresh one:
each entry is keyed by everything its value was computed from.
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")


class Stamper:
    """A post file and the files paired with it (same stem), by size and times; each
    folder is listed once."""

    def __init__(self) -> None:
        self._folders: dict[str, dict[str, tuple]] = {}

    def __call__(self, path: Path) -> tuple:
        # Plain strings: thousands of posts a build, in serve's few hundred milliseconds.
        parent, name = os.path.split(str(path))
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = self._scan(parent)
        return folder.get(os.path.splitext(name)[0], ())

    @staticmethod
    def _scan(parent: str) -> dict[str, tuple]:
        found: dict[str, list] = {}
        with os.scandir(parent) as entries:
            for entry in entries:
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                found.setdefault(os.path.splitext(entry.name)[0], []).append(
                    (entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
        return {stem: tuple(sorted(files)) for stem, files in found.items()}


@dataclass
class Memo:
    """Values of the previous builds in this process, each under the key it was made from."""

    values: dict[str, dict[Hashable, Any]] = field(default_factory=dict)
    used: dict[str, set] = field(default_factory=dict)
    state: Any = None  # the state the last build saved (``state.State``)

    def get(self, kind: str, key: Hashable, make: Callable[[], T]) -> T:
        """The value of ``kind`` made under ``key``, made now if this process has none."""
        table = self.values.setdefault(kind, {})
        self.used.setdefault(kind, set()).add(key)
        if key not in table:
            table[key] = make()
        return table[key]

    def same(self, kind: str, made_from: tuple, settings: Hashable, make: Callable[[], T]) -> T:
        """The value of ``kind`` made from these very objects (``is``) under ``settings``."""
        key = (tuple(map(id, made_from)), settings)
        table = self.values.setdefault(kind, {})
        self.used.setdefault(kind, set()).add(key)
        found = table.get(key)
        if found is None or not all(map(operator.is_, found[0], made_from)):
            found = table[key] = (made_from, make())  # holding them keeps their ids unique
        return found[1]

    def forget_unused(self) -> None:
        """Drop what the build that just ended did not ask for (deleted or edited posts)."""
        for kind, table in self.values.items():
            keep = self.used.get(kind, set())
            for key in [k for k in table if k not in keep]:
                del table[key]
        self.used = {}


def remembered(memo: Memo | None, kind: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or the memo's value for it when there is a memo."""
    return make() if memo is None else memo.get(kind, key, make)


def remembered_same(memo: Memo | None, kind: str, made_from: tuple, settings: Hashable,
                    make: Callable[[], T]) -> T:
    """``make()``, or the memo's value made from these very objects under ``settings``."""
    return make() if memo is None else memo.same(kind, made_from, settings, make)


__all__ = ["Memo", "Stamper", "remembered", "remembered_same"]
