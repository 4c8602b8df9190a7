"""Notebook nodes made at once, sharing the nodes they are given; notebooks made without
nbformat.

nbformat fills a ``NotebookNode`` key by key through its Python ``__setitem__``, which
converts every nested dictionary again: copying a notebook (``copy.copy``) or unpickling
one that way converts every cell, ≈0.1 s per 1,000 posts.  ``node`` makes one from
mappings whose nested values are nodes already (a notebook read by a reader, one just
unpickled), converting only a plain dictionary it finds among them.

``Node`` is a node of nbpress's own, for the notebooks its readers build (a Markdown
post's): a dictionary whose keys read as attributes, equal to a ``NotebookNode`` holding the
same, made without importing nbformat (which imports jsonschema and compiles its schema to
validate a new notebook: ≈0.1 s of an edit's build).  ``writes`` writes one as nbformat
does.  Code that runs or stores a notebook takes it as nbformat's (``nbformat_copy``).
"""

from __future__ import annotations

import copy
import functools
import json
import sys
from typing import Any, Mapping

NBFORMAT, NBFORMAT_MINOR = 4, 5  # what nbformat.v4.new_notebook says (a test holds it)


class Node(dict):
    """A notebook, cell or output: ``nb.cells`` is ``nb["cells"]``; a dictionary put in
    one (directly, or in a list put in one) is made a ``Node``, as nbformat's do."""

    __slots__ = ("__weakref__",)  # weak references to notebooks, as to nbformat's

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, _converted(value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def copy(self) -> "Node":  # a shallow copy that is a node still (as nbformat's)
        return _made(dict(self))

    __copy__ = copy

    def __reduce__(self) -> tuple:
        return _made, (dict(self),)


def _made(items: dict) -> Node:
    """A ``Node`` holding ``items`` as they are (unpickling, copying)."""
    made = Node()
    dict.update(made, items)
    return made


def _converted(value: Any) -> Any:
    """``value`` with its dictionaries made nodes (one of nbformat's stays as it is)."""
    if isinstance(value, Mapping) and not _is_node(value):
        return _made({k: _converted(v) for k, v in value.items()})
    if type(value) is list:
        return [_converted(v) if isinstance(v, Mapping) else v for v in value]
    return value


def _is_node(value: Any) -> bool:
    if isinstance(value, Node):
        return True
    nbformat_nodes = sys.modules.get("nbformat.notebooknode")  # none made before it is imported
    return nbformat_nodes is not None and isinstance(value, nbformat_nodes.NotebookNode)


def new_notebook() -> Node:
    """An empty notebook of nbformat 4.5, as ``nbformat.v4.new_notebook()`` (not
    validated: there is nothing in it)."""
    return _made({"nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR,
                  "metadata": Node(), "cells": []})


def cell(kind: str, source: str, metadata: Mapping[str, Any]) -> Node:
    """A new cell of ``kind`` (``markdown``, ``code``, ``raw``), as nbformat.v4 makes one."""
    extra = {"execution_count": None, "outputs": []} if kind == "code" else {}
    return _converted({"cell_type": kind, "metadata": metadata, "source": source, **extra})


def nbformat_copy(nb: Any) -> Any:
    """A deep copy of ``nb`` as nbformat's ``NotebookNode`` (for code that runs, converts or
    stores it): ``from_dict`` makes every dictionary and list anew (a ``Node`` holds only
    JSON's values: its leaves are not changed in place)."""
    if not isinstance(nb, Node):
        return copy.deepcopy(nb)
    from nbformat import from_dict

    return from_dict(nb)


def writes(nb: Any) -> str:
    """``nb`` as ``nbformat.writes`` writes it; one nbpress made with no outputs or
    attachments (a Markdown post's) without nbformat: its text in lists of lines, JSON
    indented by one with sorted keys, non-ASCII as it is (a test holds the two the same)."""
    if not isinstance(nb, Node) or any(c.get("outputs") or c.get("attachments")
                                       for c in nb["cells"]):
        import nbformat

        return nbformat.writes(nb)  # (it reads a Node as it reads its own; no copy to make)
    nb = copy.deepcopy(nb)
    for each in nb["cells"]:
        if isinstance(each.get("source"), str):
            each["source"] = each["source"].splitlines(True)
        each.get("metadata", {}).pop("trusted", None)
    for transient in ("orig_nbformat", "orig_nbformat_minor", "signature"):
        nb["metadata"].pop(transient, None)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": "))


def node(*items: Mapping, nodes: bool = False) -> Any:
    """A ``NotebookNode`` with the entries of ``items`` (a later one's win): their nodes
    shared, not copied; a plain dictionary among the values (or in a list) made a node,
    so attribute access (``nb.metadata.kernelspec``) works throughout — not looked for
    when the caller knows the values are ``nodes`` already (unpickling)."""
    node_type, from_dict = (Node, _converted) if isinstance(items[0], Node) else _nbformat()
    made = node_type.__new__(node_type)
    for found in items:
        dict.update(made, found if nodes else {
            key: from_dict(value) if _plain(value) else value for key, value in found.items()})
    return made


@functools.cache
def _nbformat() -> tuple:
    from nbformat.notebooknode import NotebookNode, from_dict  # (not on the no-op path)

    return NotebookNode, from_dict


def _plain(value: Any) -> bool:
    return type(value) is dict or type(value) is list and any(type(v) is dict for v in value)


__all__ = ["Node", "cell", "nbformat_copy", "new_notebook", "node", "writes"]
