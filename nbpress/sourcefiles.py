"""Which files under the site root are pages' candidates: cheap (no YAML, no file read), so
the no-op build check can stat them and the page stage can read them.

Left out, as Jekyll does: folders and files whose name starts with ``_`` or
``.``, Jekyll's default ``exclude:`` and the site's ``exclude``; and, for
nbpress, ``posts/``, the theme (``templates/``, ``assets/``), the site folder,
and nested projects (a folder with its own ``pyproject.toml``, ``_config.yml``
or ``pyvenv.cfg`` is another site, package or virtualenv, not pages of this one).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from .model import SiteConfig

PAGE_SUFFIXES = (".md", ".html")
# Jekyll's default `exclude:` (its Configuration::DEFAULTS), less what underscores already hide.
DEFAULT_EXCLUDE = ("node_modules", "vendor", "Gemfile", "Gemfile.lock")
# A folder holding one of these is another project (a site, a package, a virtualenv).
NESTED_MARKERS = ("pyproject.toml", "_config.yml", "pyvenv.cfg")


def _skipped(folder: Path, config: SiteConfig, excluded: set[Path]) -> bool:
    """Whether a folder under the root holds no pages of this site."""
    if folder.name.startswith(("_", ".")) or folder in excluded:
        return True
    return any((folder / name).is_file() for name in NESTED_MARKERS)


def candidate_files(config: SiteConfig) -> Iterator[Path]:
    """``.md``/``.html`` files that may be pages (their front matter is not read here)."""
    root = config.root
    excluded = {root / name for name in (*DEFAULT_EXCLUDE, *config.exclude)}
    excluded |= {root / "posts", root / "templates", root / "assets", config.out}
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not _skipped(here / d, config, excluded))
        for name in sorted(names):
            path = here / name
            if path.suffix in PAGE_SUFFIXES and not name.startswith(("_", ".")) \
                    and path not in excluded:
                yield path


def has_front_matter(path: Path) -> bool:
    """Whether the file starts with a ``---`` line (Jekyll's test for a page, not a static
    file)."""
    with path.open("rb") as handle:
        return re.match(rb"---\s*\r?\n", handle.readline()) is not None

