"""An exported post's recorded outputs → its entry in ``_executed/``, as if nbpress had run it.

The importer writes the post's text first; here it is read back exactly as a
build reads it (discover → reader → kernel choice), so the entry's key is the
key a build computes and the imported run is used until the code changes.
Each cell's recorded outputs (``nbexport.Output``) become nbformat outputs:
text → ``stream`` (or ``execute_result`` when the cell ends in an expression),
an image file → ``display_data``, a pandas table → ``execute_result`` HTML.
The record names the export file (``Record.imported_from``); nothing is invented:
outputs that match no code cell are returned as problems, not stored.
"""

from __future__ import annotations

import ast
import base64
import functools
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from . import kernels
from .cache import cache_key
from .config import load_config
from .discover import read_post
from .entries import store
from .nbexport import Cell, Output
from .nbnode import nbformat_copy

IMAGE_MIMES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}


def _ends_in_expression(code: str) -> bool:
    """Whether Jupyter would show the cell's last line as its result."""
    try:
        body = ast.parse(code).body
    except SyntaxError:  # IPython magics: say stream, the text is the same
        return False
    last = body[-1] if body else None
    if not isinstance(last, ast.Expr):
        return False
    call = last.value
    return not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id in ("print", "display"))


def _text_output(text: str, result: bool) -> Any:
    import nbformat

    if text.lstrip().startswith("----------") or "Traceback (most recent call last)" in text:
        return nbformat.v4.new_output("stream", name="stderr", text=text + "\n")
    if result:
        return nbformat.v4.new_output("execute_result", data={"text/plain": text},
                                      execution_count=None)
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


def _image_output(path: Path) -> Any:
    import nbformat

    mime = IMAGE_MIMES[path.suffix.lower()]
    raw = path.read_bytes()
    # an SVG saved in another encoding is still shown (as the browser would) rather than lost
    data = raw.decode("utf-8", errors="replace") if mime == "image/svg+xml" \
        else base64.b64encode(raw).decode()
    return nbformat.v4.new_output("display_data", data={mime: data}, metadata={})


def cell_outputs(cell: Cell, images: Mapping[str, Path]) -> list[Any]:
    """nbformat outputs of one exported cell; images not in ``images`` (missing) are left out."""
    import nbformat

    texts = [o for o in cell.outputs if o.kind == "text"]
    result = _ends_in_expression(cell.code)
    outputs = []
    for output in cell.outputs:
        if output.kind == "text":
            outputs.append(_text_output(output.value, result and output is texts[-1]))
        elif output.kind == "html":
            outputs.append(nbformat.v4.new_output("execute_result", execution_count=None,
                                                  data={"text/html": output.value}))
        elif output.value in images:
            outputs.append(_image_output(images[output.value]))
    return outputs


def _read_doc(post_path: Path, root: Path):
    """The post as a build reads it, and the site's settings."""
    from .readers import read_post_notebook

    config = load_config(root)
    post = read_post(post_path, config, ZoneInfo(config.timezone))
    doc, _ = read_post_notebook(post, keep_comment=config.excerpt_separator)
    wanted = kernels.requested(post, doc.notebook.metadata, bool(doc.cells))
    kernel, _ = kernels.choose(post, wanted, config, functools.cache(kernels.installed_kernels))
    return kernels.assign(doc, kernel), config


def store_import(post_path: Path, root: Path, cells: list[Cell], images: Mapping[str, Path],
                 source: str) -> tuple[int, int, list[Output]]:
    """Store the recorded run of the post at ``post_path`` (inside ``root``); return how many
    code cells nbpress runs in it, how many outputs were stored, and the outputs of exported
    cells that match no code cell of the post as read (not stored).  A post without code
    cells gets no entry (a build runs nothing for it)."""
    doc, config = _read_doc(post_path, root)
    nb = nbformat_copy(doc.notebook)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not doc.cells:
        return 0, 0, [o for cell in cells for o in cell.outputs]
    unmatched: list[Output] = []
    position = stored = 0
    for cell in cells:
        match = next((i for i in range(position, len(code_cells))
                      if code_cells[i].source.strip() == cell.code.strip()), None)
        if match is None:
            unmatched += cell.outputs
            continue
        code_cells[match].outputs = cell_outputs(cell, images)
        stored += len(code_cells[match].outputs)
        position = match + 1
    store(root, post_path.stem, nb, key=cache_key(doc, config), seconds=0.0, python="",
          files={}, packages={}, imported_from=source)
    return len(doc.cells), stored, unmatched


def store_notebook_import(post_path: Path, root: Path, source: str) -> tuple[int, int]:
    """Store an imported ``.ipynb``'s own outputs (a fastpages notebook, run by its author)
    as its run, keyed as a build keys it; return its code cells and outputs stored."""
    doc, config = _read_doc(post_path, root)
    if not doc.cells:
        return 0, 0
    nb = nbformat_copy(doc.notebook)
    stored = sum(len(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")
    store(root, post_path.stem, nb, key=cache_key(doc, config), seconds=0.0, python="",
          files={}, packages={}, imported_from=source)
    return len(doc.cells), stored


__all__ = ["store_import", "store_notebook_import", "cell_outputs"]
