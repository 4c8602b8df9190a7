"""An ``.html`` page (Jekyll's ``about.html``) → a notebook with no code.

Its body is HTML, shown as written after Liquid: it is never parsed as
Markdown (an indented block in HTML is not a code block) and has no cells.
"""

from __future__ import annotations

from ..model import NotebookDoc, PostSource
from ..nbnode import cell, new_notebook
from .doc import set_metadata, stable_ids


def read_html_page(post: PostSource) -> NotebookDoc:
    """One Markdown-less document: the page's HTML body, in one raw cell of the notebook."""
    nb = new_notebook()
    nb.cells.append(cell("raw", post.body, {"raw_mimetype": "text/html"}))
    set_metadata(nb, post)
    stable_ids(nb)
    return NotebookDoc(post=post, notebook=nb, markdown=post.body, cells=(), format="html")
