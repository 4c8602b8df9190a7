"""The Python environment posts run in: its installed distributions and their versions.

Reading every installed distribution's metadata takes 0.2-0.5 s, so the map
is kept in the site's ``.nbpress-cache/`` until the distributions' metadata
on ``sys.path`` changes, which is what installing or upgrading a package does.  The same
stamp tells a no-op build that packages changed.  Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path


_METADATA = (".dist-info", ".egg-info")  # what importlib.metadata reads distributions from


def stamp() -> str:
    """A hash of the names of the distributions' metadata on ``sys.path``.

    Installing, removing or upgrading a distribution adds, removes or renames one of
    them (the name holds the version).  The folders' own modification times are not
    used: under ``python -m`` the current folder is on ``sys.path``, and every build
    changes it; folders without distributions (the script's, the current one) count
    for nothing, so ``nbpress`` and ``python -m nbpress`` see the same stamp.
    """
    parts = []
    # sys.path[0] is the script's folder or the current one (python -m, python -c): where
    # nbpress was started from, not where packages are installed (an editable install's
    # folder is on sys.path again through its .pth file).
    for folder in sys.path[1:]:
        try:
            with os.scandir(folder or ".") as entries:
                names = sorted(e.name for e in entries if e.name.endswith(_METADATA))
            if names:  # the same stamp whichever script or folder sys.path starts with
                parts.append(f"{folder} {' '.join(names)}")
        except NotADirectoryError:  # a zip archive on sys.path: replaced as a whole
            with contextlib.suppress(OSError):
                parts.append(f"{folder} {os.stat(folder).st_mtime_ns}")
        except OSError:
            continue
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Environment:
    """module → distributions providing it, and distribution → version."""

    owners: dict[str, list[str]] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    def packages(self, modules: tuple[str, ...] | list[str]) -> dict[str, str]:
        """Distributions (name → version) providing these top-level modules, in their order."""
        found: dict[str, str] = {}
        for module in modules:
            for dist in self.owners.get(module, ()):
                if dist in self.versions:
                    found.setdefault(dist, self.versions[dist])
        return found

    def version(self, dist: str) -> str | None:
        return self.versions.get(dist)


def load(cache_dir: Path) -> Environment:
    """This environment's map, from ``cache_dir`` when still current, else read and kept."""
    key = stamp()
    path = cache_dir / "distributions.json"
    try:
        data = json.loads(path.read_text())
        if data["key"] == key:
            return Environment(data["owners"], data["versions"])
    except (OSError, ValueError, KeyError, TypeError):  # absent, damaged or not a map: read again
        pass
    import importlib.metadata  # only here: the no-op build's stamp needs none of it

    owners = importlib.metadata.packages_distributions()
    versions = {d.metadata["Name"]: d.version for d in importlib.metadata.distributions()
                if d.metadata["Name"]}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(json.dumps({"key": key, "owners": owners, "versions": versions}))
        os.replace(tmp, path)
    except OSError:
        pass  # only a speed-up
    return Environment(owners, versions)
