"""An ``.ipynb`` post → ``NotebookDoc``: its Markdown cells joined into one document."""

from __future__ import annotations

import nbformat

from ..frontmatter import cell_front_matter
from ..errors import PostError
from ..model import NotebookDoc, PostSource
from .doc import join_cells, set_metadata


def read_ipynb_post(post: PostSource) -> NotebookDoc:
    """Read a notebook file; its front matter raw cell (read by ``discover``) is left out,
    and so are empty code cells."""
    try:
        nb = nbformat.read(post.path, as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a damaged file
        raise PostError(f"this notebook cannot be read: {exc}.", path=post.path,
                        hint="Open and save it in Jupyter, or restore it from version control."
                        ) from None
    first = nb.cells[0] if nb.cells else None
    quarto = cell_front_matter(first, post.path) if first else None
    if first and first.cell_type == "raw" and first.source.lstrip().startswith("---"):
        nb.cells.pop(0)  # the front matter is metadata, never a cell
    elif quarto is not None:  # Quarto's in a first Markdown cell: what follows it stays
        if quarto[1].strip():
            first.source = quarto[1].lstrip("\n")
        else:
            nb.cells.pop(0)
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.source.strip()]
    markdown, code = join_cells(nb.cells)
    set_metadata(nb, post)
    return NotebookDoc(post, nb, markdown, code, format="ipynb")


def upgrade_v3(nb: dict, path) -> dict:
    """An nbformat 3 notebook (IPython 1–2: cells inside worksheets) as nbformat 4, as
    nbformat converts it; ``PostError`` when its converter cannot."""
    try:
        return nbformat.convert(nbformat.from_dict(nb), 4)
    except Exception as exc:  # nbformat's converter raises whatever a bad field causes
        raise PostError(f"this nbformat 3 notebook could not be upgraded to nbformat 4 "
                        f"({type(exc).__name__}: {exc}).", path=path,
                        hint="Open and save it in Jupyter, which writes nbformat 4.") from None
