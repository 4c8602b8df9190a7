"""Cell tags and options written for other tools → the Jupyter Book tags nbpress renders.

A post moved from another tool keeps its way of hiding things:

- nbconvert's TagRemovePreprocessor names (``remove_cell``, ``remove_input``,
  ``remove_output``) and old Jupyter Book's ``hide_input``/``hide_output``/``hide_cell``;
- fastpages' (nbdev 1's) first-line flags: ``#hide``, ``#hide_input``,
  ``#collapse-hide``, ``#collapse-show``, ``#collapse-output``… (either spelling);
- Quarto's (and nbdev 2's) ``#|`` cell options: ``echo: false``, ``eval: false``,
  ``fig-cap: …``, ``label: …``, ``#| hide``….

``normalise`` runs when a post is read, before the execution cache's key is
computed, so ``eval: false`` and ``error: true`` (which change what runs) are
already ``skip-execution`` and ``raises-exception`` there.  The flag and
option lines stay in the source the kernel runs (they are comments, and the
traceback line numbers stay right); ``cell_options`` strips them from the
source that is *shown*, and gives the renderer the caption, label and fold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable

import yaml

from .errors import BuildWarning
from .model import NotebookDoc
from .nbnode import node

# Other spellings of the Jupyter Book tags: nbconvert's documented
# TagRemovePreprocessor names and Jupyter Book 0.6's underscore tags.
TAG_ALIASES = {
    "remove_cell": "remove-cell", "remove_input": "remove-input", "remove_output": "remove-output",
    "hide_cell": "hide-cell", "hide_input": "hide-input", "hide_output": "hide-output",
    "full-width": "column-page", "full_width": "column-page",  # Jupyter Book / Tufte spellings
}

# fastpages' flags (nbdev 1's comment flags), each spelling → the tag it means.
FLAGS = {
    "hide": "remove-cell",
    "hide_input": "remove-input", "hide-input": "remove-input",
    "hide_output": "remove-output", "hide-output": "remove-output",
    "collapse": "hide-input", "collapse_hide": "hide-input", "collapse-hide": "hide-input",
    "collapse_input": "hide-input", "collapse-input": "hide-input",
    "collapse_show": "hide-input", "collapse-show": "hide-input",
    "collapse_output": "hide-output", "collapse-output": "hide-output",
}
_OPEN_FLAGS = {"collapse_show", "collapse-show"}  # folded, but open at first

# Quarto/nbdev options: (name, value) → tag.  Values listed in _DEFAULTS change nothing.
OPTION_TAGS = {
    ("echo", False): "remove-input",
    ("output", False): "remove-output",
    ("include", False): "remove-cell",
    ("eval", False): "skip-execution",
    ("error", True): "raises-exception",
    ("warning", False): "remove-stderr",  # Python's warnings are printed to stderr
    ("code-fold", True): "hide-input",
    ("code-fold", "show"): "hide-input",
    ("hide", True): "remove-cell",  # nbdev 2's "#| hide"
    # Quarto's wider columns: the cell's outputs take the page's width on wide screens.
    **{("column", wide): "column-page" for wide in ("page", "page-inset", "screen",
                                                    "screen-inset", "body-outset")},
}
_DEFAULTS = {("echo", True), ("echo", "fenced"), ("output", True), ("include", True),
             ("eval", True), ("error", False), ("warning", True), ("code-fold", False),
             ("column", "body")}
# Options the renderer reads (caption, id, alt text, fold summary), merged tags, and the
# notebook cell id (which has no effect on a page).
_USED = {"fig-cap", "tbl-cap", "label", "fig-alt", "code-summary", "tags", "id"}

_FLAG_LINE = re.compile(r"^#\s*([\w-]+)\s*$")
_OPTION_LINE = re.compile(r"^#\s*\|\s?(.*)$")
_KEY_VALUE = re.compile(r"^([A-Za-z][\w.-]*)\s*:(\s|$)")


@dataclass(frozen=True)
class CellOptions:
    """What a code cell's leading flag and ``#|`` option lines say.

    ``source`` is the code as shown (those lines removed); ``problems`` are
    options nbpress does not use or cannot read, for one warning per cell.
    """

    source: str
    tags: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    alts: tuple[str, ...] = ()
    label: str = ""
    table_caption: str = ""  # Quarto's tbl-cap: the caption of the table a cell prints
    fold_open: bool = False
    summary: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)
    names: tuple[str, ...] = ()  # the options it sets (over the front matter's ``execute:``)


def _as_texts(value: Any) -> tuple[str, ...]:
    """A string or a list of strings (Quarto's ``maybeArrayOf: string``) as a tuple."""
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _option_groups(lines: list[str]) -> list[list[str]]:
    """``#|`` payloads grouped per option: indented or ``- `` lines continue the last one."""
    groups: list[list[str]] = []
    for line in lines:
        if groups and (line[:1].isspace() or line.startswith("- ")):
            groups[-1].append(line)
        elif line.strip():
            groups.append([line])
    return groups


def _read_options(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """``#|`` payloads → {name: value} and the lines that could not be read."""
    options: dict[str, Any] = {}
    bad: list[str] = []
    for group in _option_groups(lines):
        if not _KEY_VALUE.match(group[0]):  # nbdev's "#| hide", "#| export mod"
            name, _, rest = group[0].strip().partition(" ")
            options[name] = rest.strip() or True
            continue
        try:
            value = yaml.safe_load("\n".join(group))
        except yaml.YAMLError as exc:
            problem = str(getattr(exc, "problem", "") or "not YAML").strip()
            bad.append(f"'#| {group[0].strip()}' cannot be read ({problem})")
            continue
        options.update(value if isinstance(value, dict) else {})
    return options, bad


def _option_tags(options: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Tags meant by the options, and the options nbpress does not use."""
    tags, unused = [], []
    for name, value in options.items():
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"  # nbdev writes "#| echo false"
        key = (name, value) if isinstance(value, (str, bool, int, float)) else (name, None)
        if key in OPTION_TAGS:
            tags.append(OPTION_TAGS[key])
        elif name == "tags" and isinstance(value, list):
            tags += [TAG_ALIASES.get(str(t), str(t)) for t in value]
        elif key not in _DEFAULTS and name not in _USED:
            unused.append(f"{name}: {value}" if value is not True else name)
    return tags, unused


@lru_cache(maxsize=2048)
def cell_options(source: str) -> CellOptions:
    """Read the flag and option lines at the top of a code cell (pure; cached per source)."""
    lines = source.split("\n")
    flags: list[str] = []
    option_lines: list[str] = []
    count = 0
    for line in lines:
        option = _OPTION_LINE.match(line)
        flag = _FLAG_LINE.match(line)
        if option:
            option_lines.append(option.group(1))
        elif flag and flag.group(1).lower() in FLAGS:
            flags.append(flag.group(1).lower())
        else:
            break
        count += 1
    if not count:
        return CellOptions(source)
    shown = "\n".join(lines[count:]).lstrip("\n")
    options, problems = _read_options(option_lines)
    tags, unused = _option_tags(options)
    return CellOptions(
        source=shown,
        tags=tuple(dict.fromkeys([FLAGS[f] for f in flags] + tags)),
        captions=_as_texts(options.get("fig-cap")),
        alts=_as_texts(options.get("fig-alt")),
        label=str(options.get("label") or ""),
        table_caption=str(options.get("tbl-cap") or ""),
        fold_open=bool(_OPEN_FLAGS & set(flags)) or options.get("code-fold") == "show",
        summary=str(options.get("code-summary") or ""),
        problems=tuple(problems + [f"'{u}'" for u in unused]),
        names=tuple(options),
    )


def cell_tags(cell: Any) -> list[str]:
    """The cell's tags in nbpress's spelling, with those its flags and options mean (and the
    classic notebook's "Hide input" extension's ``hide_input: true`` metadata, which its
    nbconvert template honours: ``remove-input``)."""
    metadata = cell.get("metadata", {})
    tags = [TAG_ALIASES.get(str(t), str(t)) for t in metadata.get("tags", [])]
    tags += ["remove-input"] if metadata.get("hide_input") is True else []
    return list(dict.fromkeys(tags + list(cell_options(cell.get("source", "")).tags)))


def _warning(problems: Iterable[str], number: int, doc: NotebookDoc, line: int | None
             ) -> BuildWarning:
    listed = ", ".join(problems)
    return BuildWarning(
        f"code cell {number}: cell options nbpress does not use: {listed}; they are ignored "
        "(the README's table 'Tags and options from other tools' lists those it maps).",
        doc.post.path, line)


def _document_options(doc: NotebookDoc, found: list[BuildWarning]) -> dict[str, list[str]]:
    """Quarto's document-wide cell options (front matter ``execute: {echo: false}``): each
    option's tags, by name; a warning for those nbpress does not use."""
    options = doc.post.front_matter.get("execute")
    if not isinstance(options, dict):
        return {}
    by_name, unused = {}, []
    for name, value in options.items():
        tags, ignored = _option_tags({str(name): value})
        by_name[str(name)] = tags
        unused += ignored
    if unused:
        found.append(BuildWarning(
            f"front matter 'execute:' options nbpress does not use: {', '.join(unused)}; they "
            "are ignored (the README's table 'Tags and options from other tools' lists those "
            "it maps).", doc.post.path, doc.post.line_of("execute")))
    return by_name


def normalise(doc: NotebookDoc, warnings: Iterable[BuildWarning] = ()
              ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """``doc`` with every code cell's tags in nbpress's spelling (a new notebook; ``doc``
    is not changed) — with the front matter's ``execute:`` options where the cell sets no
    option of that name — and ``warnings`` plus one per cell whose options are not all
    used."""
    found = list(warnings)
    document = _document_options(doc, found)
    lines = {cell.index: cell.line for cell in doc.cells}
    numbers = {cell.index: n for n, cell in enumerate(doc.cells, 1)}
    cells = []
    for index, cell in enumerate(doc.notebook.cells):
        if cell.get("cell_type") == "code":
            options = cell_options(cell.get("source", ""))
            if options.problems:
                found.append(_warning(options.problems, numbers.get(index, index + 1), doc,
                                      lines.get(index) or None))
            tags = list(dict.fromkeys(cell_tags(cell) + [
                tag for name, more in document.items() if name not in options.names
                for tag in more]))
            if tags != list(cell.get("metadata", {}).get("tags", [])):
                # A shallow copy: the outputs (possibly large, in an .ipynb) are shared.
                metadata = node(cell.get("metadata", {}), {"tags": tags})
                cell = node(cell, {"metadata": metadata})
        cells.append(cell)
    notebook = node(doc.notebook, {"cells": cells})  # (nbformat's or nbpress's, as it was)
    return replace(doc, notebook=notebook), found
