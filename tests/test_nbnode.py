"""Notebook nodes made at once (nbpress/nbnode.py): nodes shared, plain dictionaries made
nodes, later mappings winning."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nbpress.nbnode import (NBFORMAT, NBFORMAT_MINOR, Node, nbformat_copy, new_notebook, node,
                            writes)


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


# --- nbpress's own nodes: a Markdown post's notebook made without nbformat -----------------

POST = """\
---
title: "Attention, réchauffée"
tags: [transformers]
---

Softmax over $QK^T/\\sqrt{d}$ — a short note.

```python tags=["hide-input"]
import math
print(math.sqrt(2))
```

<!-- #raw -->
Raw text kept as it is.
<!-- #endraw -->

Done.
"""


def read_post(tmp_path: Path, text: str = POST, **options):
    from zoneinfo import ZoneInfo

    from nbpress.config import load_config
    from nbpress.discover import read_post as discover_post
    from nbpress.readers import read_post_notebook

    path = tmp_path / "2024-05-01-attention.md"
    path.write_text(text, encoding="utf-8")
    post = discover_post(path, load_config(tmp_path), ZoneInfo("UTC"))
    return read_post_notebook(post, **options)[0]


def test_an_empty_notebook_is_nbformats() -> None:
    assert (NBFORMAT, NBFORMAT_MINOR) == (nbformat.v4.nbformat, nbformat.v4.nbformat_minor)
    assert new_notebook() == nbformat.v4.new_notebook()


def test_a_markdown_posts_notebook_is_written_as_nbformat_writes_it(tmp_path: Path) -> None:
    doc = read_post(tmp_path)
    assert type(doc.notebook) is Node
    assert [c.cell_type for c in doc.notebook.cells] == ["markdown", "code", "raw", "markdown"]
    assert doc.notebook.cells[1].metadata.tags == ["hide-input"]
    text = writes(doc.notebook)
    assert text == nbformat.writes(nbformat.from_dict(doc.notebook))
    assert "réchauffée" in text  # non-ASCII as it is
    assert nbformat.validate(nbformat.reads(text, as_version=4)) is None


def test_a_notebook_with_outputs_is_written_by_nbformat(tmp_path: Path) -> None:
    doc = read_post(tmp_path)
    nb = copy.deepcopy(doc.notebook)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="1.414\n2\n")]
    assert type(nb.cells[1].outputs[0]) is nbformat.NotebookNode  # kept as nbformat made it
    assert writes(nb) == nbformat.writes(nbformat.from_dict(nb))
    assert '"1.414\\n",' in writes(nb)  # the output's lines split, as nbformat does


def test_a_node_reads_as_attributes_and_makes_dictionaries_nodes() -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "extra": [{"a": 1}, 2]}
    nb.metadata.update({"language_info": {"name": "python"}})
    nb.metadata.setdefault("jupytext", {"formats": "md"})
    assert nb.metadata.kernelspec.name == "python3" and nb.metadata.kernelspec.extra[0].a == 1
    assert nb.metadata.language_info.name == "python" and nb.metadata.jupytext.formats == "md"
    nb.title = "x"
    assert nb["title"] == "x"
    del nb.title
    with pytest.raises(AttributeError, match="title"):
        nb.title  # noqa: B018


def test_a_node_pickles_and_copies_as_a_node() -> None:
    nb = node(new_notebook(), {"metadata": {"kernelspec": {"name": "python3"}}})
    assert type(nb) is Node and type(nb.metadata) is Node
    for again in (pickle.loads(pickle.dumps(nb)), copy.deepcopy(nb), copy.copy(nb), nb.copy()):
        assert type(again) is Node and type(again.metadata.kernelspec) is Node
        assert again == nb
    assert copy.deepcopy(nb).metadata is not nb.metadata
    made = nbformat_copy(nb)
    assert type(made) is nbformat.NotebookNode and type(made.metadata.kernelspec) is \
        nbformat.NotebookNode and made == nb and made.metadata is not nb.metadata
    made.cells.append(nbformat.v4.new_markdown_cell("x"))
    made.metadata.kernelspec.name = "other"
    assert nb.cells == [] and nb.metadata.kernelspec.name == "python3"  # nothing shared


def test_a_build_of_markdown_posts_without_code_does_not_import_nbformat(tmp_path: Path) -> None:
    """nbformat imports jsonschema and compiles its schema (≈0.1 s): a build that runs no
    code does without it (its notebooks to download are written by ``writes``)."""
    (tmp_path / "posts").mkdir()
    plain = "---\ntitle: Attention\n---\n\nSoftmax over $QK^T$.\n\n```text\nshape (8, 64)\n```\n"
    (tmp_path / "posts/2024-05-01-attention.md").write_text(plain)  # (fence options: jupytext)
    script = ("import sys; from nbpress.cli import main; code = main(['build', '--root', "
              f"{str(tmp_path)!r}]); print(sorted(m for m in sys.modules if "
              "m.startswith(('nbformat', 'jsonschema')))); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    download = tmp_path / "_site/2024/05/01/attention_files/attention.ipynb"
    assert nbformat.validate(nbformat.reads(download.read_text(), as_version=4)) is None


def test_options_json_has_not_are_kept_as_a_notebook_file_can_hold_them(tmp_path: Path) -> None:
    """jupytext evaluates an option's Python literal: bytes, a set, a number as a key."""
    doc = read_post(tmp_path, "---\ntitle: Odd options\n---\n\n<!-- #region a=b'xy' -->\n"
                              "Region text.\n<!-- #endregion -->\n\n```python b={1: 2, 'c': 3}\n"
                              "x = 1\n```\n")
    assert doc.notebook.cells[0].metadata.a == "xy"
    assert doc.notebook.cells[1].metadata.b == {"1": 2, "c": 3}
    assert writes(doc.notebook) == nbformat.writes(nbformat.from_dict(doc.notebook))
