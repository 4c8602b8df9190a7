"""Notebook nodes made at once (nbpress/nbnode.py): nodes shared, plain dictionaries made
nodes, later mappings winning."""

from __future__ import annotations

import nbformat

from nbpress.nbnode import node


def test_a_node_shares_the_nodes_it_is_given_and_converts_plain_dictionaries() -> None:
    read = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    made = node(read, {"metadata": {"kernelspec": {"name": "python3"}},
                       "extra": [{"a": 1}, 2]})
    assert type(made) is nbformat.NotebookNode and made is not read
    assert made.cells is read.cells  # shared, not copied
    assert made.metadata.kernelspec.name == "python3"  # a later mapping wins, made a node
    assert made.extra[0].a == 1 and made.extra[1] == 2
    assert "kernelspec" not in read.metadata  # the node given is left as it was
    assert nbformat.validate(node(read)) is None


def test_values_known_to_be_nodes_are_not_looked_at() -> None:
    """Unpickling (readcache) passes nodes only: nothing is converted, nothing copied."""
    inner = {"plain": True}
    made = node({"metadata": inner}, nodes=True)
    assert type(made) is nbformat.NotebookNode and made["metadata"] is inner
