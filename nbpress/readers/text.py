"""jupytext's text notebooks (MyST, percent and light scripts, R Markdown…) → ``NotebookDoc``.

jupytext reads them: the cells, their metadata and tags are exactly its
reading, so no ``{code-cell}``, ``:tags:``, ``+++`` or ``# %%`` line ever
reaches the page.  Its cells carry no line numbers, so each cell is found
again in the file (its first lines, in order), and the Markdown document and
the code cells keep the file's lines, as the plain Markdown reader does.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any, Sequence

import jupytext
import nbformat

from ..errors import BuildWarning, PostError
from ..model import NotebookDoc, PostSource
from .doc import assemble, json_safe, set_metadata, stable_ids

_TRIES = 3  # a cell's first lines tried in turn (jupytext adds a first "%%R" line, for one)


def _same(line: str, target: str, script: bool) -> bool:
    """Whether a file line holds a cell's (stripped) source line: verbatim, or in a
    script, behind the ``#`` that jupytext removed (Markdown, commented magics)."""
    text = line.strip()
    return text == target or (script and text.startswith("#") and text[1:].strip() == target)


def locate(cells: Sequence[Any], lines: Sequence[str], script: bool) -> list[int]:
    """The file line (0-based) where each cell's first source line stands.

    Cells are searched in order, each after the one before; jupytext keeps a
    cell's lines one for one, so a cell found at line ``i`` ends at ``i`` plus its
    length.  A cell not found is put where the one before it ended.
    """
    rows: list[int] = []
    pos = 0
    for cell in cells:
        source = cell.source.split("\n")
        tried = [(k, s.strip()) for k, s in enumerate(source) if s.strip()][:_TRIES]
        row = None
        for k, target in tried:
            row = next((i - k for i in range(pos + k, len(lines))
                        if _same(lines[i], target, script)), None)
            if row is not None:
                break
        rows.append(pos if row is None else row)
        pos = pos if row is None else row + len(source)
    return rows


def nested_directives(text: str) -> list[int]:
    """Lines (1-based) of MyST ``{code-cell}``/``{raw-cell}`` directives that jupytext leaves
    in the Markdown, never run: those nested in a list item or a quote."""
    from jupytext.myst import get_parser

    found, level = [], 0
    for token in get_parser().parse(text + "\n"):
        level += token.nesting  # as jupytext counts it: only top-level fences are cells
        if level and token.type == "fence" and token.info.startswith(("{code-cell}", "{raw-cell}")):
            found.append(token.map[0] + 1)
    return found


def _named_kernel(text: str, post: PostSource) -> str:
    """A MyST header whose ``kernelspec`` has no ``display_name`` (MyST-NB's own docs write
    ``kernelspec: {name: python3}``; nbformat, which jupytext validates with, requires one)
    given its name as one, the header rewritten as one JSON line so that every line after it
    stays where it is; any other text as it is."""
    from ..frontmatter import split_front_matter

    if "kernelspec" not in text or "display_name" in text.split("\n---", 1)[0]:
        return text
    try:
        header, body, body_line = split_front_matter(text, post.path)
    except PostError:
        return text  # jupytext says what is wrong
    spec = header.get("kernelspec")
    if not isinstance(spec, dict) or not spec.get("name") or "display_name" in spec:
        return text
    header["kernelspec"] = {**spec, "display_name": str(spec["name"])}
    lines = json.dumps(json_safe(header)) + "\n" * (body_line - 4)  # "---", it, …, "---"
    return f"---\n{lines}\n---\n{body}"


def read_text_post(post: PostSource, text: str, fmt: str
                   ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """A text notebook in jupytext format ``fmt`` → notebook and one Markdown document.

    ``text`` is the whole file.  The header's raw cell (the front matter, which
    ``discover`` read) and empty code cells are left out.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # By extension: jupytext detects the format, with its options, as it always does;
        # but a MyST header without its 'extension:' (MyST-NB's own docs write them so) it
        # reads as plain Markdown, whose {code-cell}s never run: MyST is said.
        spec = "md:myst" if fmt == "myst" and post.path.suffix == ".md" else \
            post.path.suffix.lstrip(".")
        try:
            nb = jupytext.reads(_named_kernel(text, post) if fmt == "myst" else text, fmt=spec)
        except Exception as exc:  # jupytext raises many kinds for a malformed notebook
            where = re.search(r"at line (\d+)", str(exc))  # MyST's metadata errors say where
            raise PostError(f"jupytext cannot read this {fmt} notebook: {exc}.", path=post.path,
                            line=int(where.group(1)) if where else None,
                            hint="Fix the cell marker or metadata it names.") from None
    # jupytext's own messages (UserWarning); libraries' deprecation notices are not the user's.
    found = [BuildWarning(f"jupytext: {w.message}", post.path) for w in caught
             if issubclass(w.category, UserWarning)]
    found += [BuildWarning("this {code-cell} is inside a list item or a quote, where MyST "
                           "notebooks have no cells: it is shown, never run; move it to the "
                           "top level.", post.path, line)
              for line in (nested_directives(text) if fmt == "myst" else [])]
    # YAML in MyST headers and cell options gives dates, which notebook JSON cannot hold.
    nb = nbformat.from_dict(json_safe(nb))
    rows = locate(nb.cells, text.split("\n"), script=post.path.suffix == ".py")
    header = post.body_line - 1  # the file's lines before the body: its YAML header
    kept = [(cell, row - header) for cell, row in zip(nb.cells, rows)
            if not (cell.cell_type == "raw" and row < header)
            and not (cell.cell_type == "code" and not cell.source.strip())]
    nb.cells = [cell for cell, _ in kept]
    markdown, code = assemble(nb.cells, [row for _, row in kept], post.body_line)
    stable_ids(nb)
    set_metadata(nb, post)
    return NotebookDoc(post, nb, markdown, code, format=fmt), found
