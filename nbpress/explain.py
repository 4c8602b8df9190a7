"""``build --explain``: what a build would run and why, and what it would remove, without
running, rendering or writing anything."""

from __future__ import annotations

from typing import TextIO

from . import cache, entries
from .model import STATE_DIR, SiteConfig


def explain_plans(plans: list[cache.Plan], config: SiteConfig, log: TextIO) -> None:
    """``--explain``: what would run and why, package drift, and what the cache would drop."""
    from .environment import load

    versions = load(config.root / STATE_DIR).version
    for item in plans:
        text = f"would execute: {item.reason}" if item.reason else "cached, up to date"
        if not item.reason and item.record is not None and item.record.imported_from:
            text = f"imported from {item.record.imported_from} (not executed), up to date"
        if item.record is not None:
            drift = cache.package_drift(item.record, versions, "all")
            if drift:
                text += " (packages differ, not checked by the policy: " + ", ".join(drift) + ")"
        print(f"{item.name}: {text}", file=log)
    kept = cache.post_stems(config.root) | {p.doc.post.path.stem for p in plans}
    for path in sum(entries.unused(config.root, kept), []):
        print(f"would remove {path.relative_to(config.root).as_posix()} (no post uses it)",
              file=log)


__all__ = ["explain_plans"]
