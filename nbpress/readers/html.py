"""An ``.html`` page (Jekyll's ``about.html``) → a notebook with no code.

Its body is HTML, shown as written after Liquid: it is never parsed as
Markdown (an indented block in HTML is not a code block) and has no cells.
"""

from __future__ import annotations

import nbformat

from ..model import NotebookDoc, PostSource
from .doc import set_metadata, stable_ids


def read_html_page(post: PostSource) -> NotebookDoc:
    """One Markdown-less document: the page's HTML body, in one raw cell of the notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_raw_cell(post.body, metadata={"raw_mimetype": "text/html"}))
    set_metadata(nb, post)
    stable_ids(nb)
    return NotebookDoc(post=post, notebook=nb, markdown=post.body, cells=(), format="html")
