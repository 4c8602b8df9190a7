"""Readers: one per kind of post file, each returning the same ``NotebookDoc``."""

from .markdown import CELL_MARK, CELL_MARK_RE, read_post_notebook

__all__ = ["CELL_MARK", "CELL_MARK_RE", "read_post_notebook"]
