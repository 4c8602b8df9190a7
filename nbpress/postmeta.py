"""What a post page shows around its body: table of contents, reproducibility line, Colab link.

Part of the site stage; pure functions of a rendered post's HTML, its code
and its execution record (``RenderedPost.execution``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence
from urllib.parse import quote

from .htmlrewrite import Heading, headings
from .model import Execution

TOC_MIN_HEADINGS = 3  # a post gets a table of contents from this many headings on
MAIN_PACKAGES = 8  # at most this many packages in the short list


def table_of_contents(html: str | Sequence[Heading], setting: Any = None
                      ) -> list[dict[str, Any]]:
    """Nested ``[{id, text, children}]`` of the post's two top heading levels (of its HTML,
    or of its headings when the caller has them).

    ``setting`` is the front matter's ``toc``: False turns it off, True on;
    by default a post with at least ``TOC_MIN_HEADINGS`` headings gets one.
    """
    found = [h for h in (headings(html) if isinstance(html, str) else html) if h.text]
    if setting is False or not found or (setting is not True and len(found) < TOC_MIN_HEADINGS):
        return []
    top = min(h.level for h in found)
    items: list[dict[str, Any]] = []
    for heading in found:
        entry = {"id": heading.id, "text": heading.text, "children": []}
        if heading.level == top or not items:
            items.append(entry)
        elif heading.level == top + 1:
            items[-1]["children"].append(entry)
    return items


def duration(seconds: float) -> str:
    """Seconds as people say them: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def reproducibility(execution: Execution) -> dict[str, Any] | None:
    """When, how long, which Python and which packages ran the post; None if it has no run."""
    executed_at = execution.executed_at
    if not executed_at or not execution.code_cells:
        return None
    try:
        when = dt.datetime.fromisoformat(executed_at)
        label, iso = f"{when:%B} {when.day}, {when.year}", when.isoformat()
    except ValueError:
        label, iso = executed_at, ""
    packages = dict(execution.packages)
    everything = [{"name": k, "version": v} for k, v in sorted(packages.items(),
                                                                key=lambda kv: kv[0].lower())]
    return {
        "executed_at": iso,
        "executed_label": label,
        "seconds": execution.seconds,
        "duration": duration(execution.seconds),
        "python": execution.python,
        "main": [{"name": n, "version": packages[n]} for n in execution.main_packages
                 if n in packages][:MAIN_PACKAGES],
        "all": everything,
        # outputs imported from an nbconvert export (importer.py): no run to describe
        "imported_from": execution.imported_from,
        "ran_on": ran_on(execution.ran_on),
    }


def ran_on(where) -> str:
    """Where the post ran, as the page says it: "the Dask worker gpu-1 on host box (NVIDIA
    A100)", "a GPU (NVIDIA A100)" for a local run that used a GPU; "" when nothing is known."""
    gpu = where.get("gpu", "")
    if where.get("worker"):
        host = f" on host {where['host']}" if where.get("host") else ""
        return f"the Dask worker {where['worker']}{host}" + (f" ({gpu})" if gpu else "")
    return f"a GPU ({gpu})" if gpu else ""


def colab_url(repository: str, branch: str, path: str) -> str:
    """Colab's URL for a file of a GitHub repository ("" without a repository)."""
    if not repository:
        return ""
    # quoted: a file name with '#' or '?' would otherwise end the path there
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{quote(path)}"


__all__ = ["table_of_contents", "reproducibility", "colab_url", "duration", "Heading"]
