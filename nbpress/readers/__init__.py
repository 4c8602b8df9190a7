"""Readers: one per kind of post file, each returning the same ``NotebookDoc``.

``nbpress.formats.detect_format`` decides which reads a post: ``.ipynb`` files
(``ipynb.py``), plain Markdown with nbpress's safety rules (``markdown.py``),
and every other jupytext text format, read by jupytext (``text.py``).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..cellopts import normalise
from ..errors import BuildWarning
from ..formats import detect_format
from ..model import NotebookDoc, PostSource
from .doc import CELL_MARK, CELL_MARK_RE
from .html import read_html_page
from .markdown import read_markdown_post

__all__ = ["CELL_MARK", "CELL_MARK_RE", "read_post_notebook"]


def read_post_notebook(post: PostSource, *, keep_comment: str = ""
                       ) -> tuple[NotebookDoc, list[BuildWarning]]:
    """Read a post of any kind into its unexecuted notebook and Markdown document, its
    other tools' tags and options mapped onto nbpress's (cellopts).

    ``keep_comment`` is the HTML comment that plain Markdown keeps (the excerpt
    separator).  The notebook's metadata keeps the kernelspec the post names, for
    the read stage to choose its kernel (kernels.py).
    """
    if post.path.suffix == ".ipynb":
        from .ipynb import read_ipynb_post  # (nbformat: imported only when a notebook is read)

        return normalise(read_ipynb_post(post))
    if post.path.suffix == ".html":  # a standalone page written in HTML (pages.py)
        return read_html_page(post), []
    text = post.path.read_text(encoding="utf-8").replace("\r\n", "\n").removeprefix("\ufeff")
    fmt = detect_format(post.path, text)
    if fmt != "markdown":
        from .text import read_text_post  # jupytext: imported only for the formats it reads

        return normalise(*read_text_post(post, text, fmt))
    spec: Any = None
    if "kernelspec" in text:  # the header's jupyter: block names the kernel
        from jupytext.formats import read_metadata

        spec = read_metadata(text, post.path.suffix).get("kernelspec")
    return normalise(*read_markdown_post(post, keep_comment=keep_comment,
                                         kernelspec=spec if isinstance(spec, Mapping) else None))
