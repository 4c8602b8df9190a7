"""Front matter: the YAML block between two ``---`` lines that opens a post, and a
notebook's (its first raw cell, Quarto's first Markdown cell, or its metadata).

Read with libyaml when PyYAML has it; a block it refuses is read again by PyYAML's
own loader, whose messages name the line.  Every mistake is a ``PostError`` naming
the file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import PostError
from .formats import page_front_matter

# libyaml's loader when PyYAML has it: the same safe loading, ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^---\s*$")
_HINT_YAML = "Front matter is YAML between two '---' lines at the very top of the post."


def _load_yaml(text: str) -> Any:
    """YAML with libyaml when it can; a document it refuses is read again by PyYAML's own
    loader, whose messages (what users see) are the ones documented."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except Exception:  # any failure: the pure-Python loader raises the error to report
        return yaml.safe_load(text)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, 1-based line where the body starts)."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1  # jupytext tolerates blank lines before the front matter; so do we
    if start >= len(lines) or not _FENCE.match(lines[start]):
        return {}, text, 1
    for end in range(start + 1, len(lines)):
        if _FENCE.match(lines[end]) or lines[end].rstrip() == "...":
            break
    else:
        raise PostError("the front matter starting here has no closing '---' line.",
                        path=path, line=start + 1, hint=_HINT_YAML)
    block = "".join(lines[start + 1:end])
    try:
        data = _load_yaml(block) if block.strip() else {}
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # The loader builds dates and tagged values itself: 2024-02-30 is a ValueError.
        line, text = _bad_value_line(lines[start + 1:end], start + 2)
        raise PostError(f"the front matter has a value YAML cannot turn into data "
                        f"('{text}': {exc}).", path=path, line=line,
                        hint="Check dates (a real YYYY-MM-DD) and '!!' tags; quote a value to "
                             "keep it as text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 2 + mark.line if mark is not None else start + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PostError(f"the front matter is not valid YAML: {problem}.", path=path, line=line,
                        hint="Check quoting and indentation; a value containing ': ' "
                             "must be quoted.") from None
    if not isinstance(data, dict):
        raise PostError(f"the front matter must be a mapping of keys to values, not a "
                        f"{type(data).__name__}.", path=path, line=start + 2,
                        hint="Write 'key: value' lines, e.g. 'title: My post'.")
    return data, "".join(lines[end + 1:]), end + 2


# fastpages' (nbdev 1's) front matter cell: "# Title", "> summary", then "- key: value" lines
_FASTPAGES_ITEM = re.compile(r"- ([\w-]+): (.*)")
_FASTPAGES_KEYS = {"toc", "badges", "comments", "categories", "image", "hide", "author",
                   "search_exclude", "permalink", "layout", "branch", "sticky_rank",
                   "hide_binder_badge", "hide_colab_badge", "hide_github_badge",
                   "hide_deepnote_badge", "hide_gitpod_badge", "description", "title"}


def _unquoted(text: str) -> str:
    """A fastpages title or summary: quoted (as its docs ask when it holds a colon) or not."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        try:
            value = _load_yaml(text)
        except yaml.YAMLError:
            return text
        return value if isinstance(value, str) else text
    return text


def _fastpages(source: str) -> dict[str, Any] | None:
    """The front matter of fastpages' first cell (``# Title``, ``> summary``, then only
    ``- key: value`` lines, one of them a key fastpages knows); None for any other cell
    (a title and a list without the summary line is a notebook's own first cell)."""
    lines = [line.strip() for line in source.split("\n") if line.strip()]
    if len(lines) < 3 or not lines[0].startswith("# ") or not lines[1].startswith(">"):
        return None
    found = [_FASTPAGES_ITEM.fullmatch(line) for line in lines[2:]]
    if None in found or not any(m.group(1) in _FASTPAGES_KEYS for m in found):
        return None
    front: dict[str, Any] = {"title": _unquoted(lines[0][2:])}
    if lines[1][1:].strip():
        front["description"] = _unquoted(lines[1][1:])
    for key, value in (m.groups() for m in found):
        try:
            loaded = _load_yaml(value) if value.strip() else ""
        except yaml.YAMLError:
            loaded = value.strip()
        front[key] = value.strip() if isinstance(loaded, dict) else loaded  # ("a: b" is text)
    return front


def cell_front_matter(cell: Any, path: Path) -> tuple[dict[str, Any], str] | None:
    """(front matter, the rest of the cell) when a notebook's first Markdown cell opens with
    a ``---`` YAML block, as Quarto reads one (a rule and text are not: the block must be a
    mapping), or is fastpages' front matter cell (``_fastpages``); else None."""
    source = cell.get("source", "") if cell.get("cell_type") == "markdown" else ""
    source = "".join(source) if isinstance(source, list) else str(source)
    fastpages = _fastpages(source) if source.lstrip().startswith("# ") else None
    if fastpages is not None:
        return fastpages, ""
    if not source.lstrip().startswith("---"):
        return None
    try:
        front, rest, _ = split_front_matter(source, path)
    except PostError:
        return None
    return (front, rest) if front else None


def _bad_value_line(lines: list[str], first: int) -> tuple[int, str]:
    """(line number, text) of the first front matter line that fails to load on its own."""
    for number, line in enumerate(lines, first):
        try:
            yaml.safe_load(line)
        except Exception:  # any failure points at the line we are looking for
            return number, line.strip()
    return first - 1, "---"


def ipynb_front_matter(path: Path) -> dict[str, Any]:
    """A notebook's front matter: its first raw cell of ``---`` YAML, or Quarto's in its
    first Markdown cell, else the metadata's title, authors, date and tags (and
    ``metadata.nbpress``)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PostError(f"this notebook is not valid JSON: {exc}.", path=path,
                        hint="Open and save it in Jupyter, or restore it from version control.") from None
    if isinstance(nb, dict) and "worksheets" in nb and "cells" not in nb:  # nbformat 3
        from .readers.ipynb import upgrade_v3  # (nbformat: imported only for these)

        nb = upgrade_v3(nb, path)
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise PostError("this file is JSON but not a Jupyter notebook (no list of cells).",
                        path=path, hint="Open and save it in Jupyter, or restore it from "
                                        "version control.")
    first = cells[0] if cells else {}
    source = first.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    if first.get("cell_type") == "raw" and source.lstrip().startswith("---"):
        return split_front_matter(source, path)[0]
    quarto = cell_front_matter(first, path)
    if quarto is not None:
        return quarto[0]
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    # nbformat's documented title and authors, the keys tools add, then nbpress's own.
    front = {k: metadata[k] for k in ("title", "authors", "date", "tags") if k in metadata}
    own = metadata.get("nbpress")
    return page_front_matter({**front, **(own if isinstance(own, dict) else {})})


__all__ = ["cell_front_matter", "ipynb_front_matter", "split_front_matter"]
