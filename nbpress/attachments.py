"""Cell attachments (images pasted into Jupyter's Markdown cells) → files next to the page.

A notebook keeps a pasted image inside the Markdown cell that shows it:
``cell["attachments"][name][mime]`` holds base64 data and the text refers to
it as ``![alt](attachment:name)``.  Each attachment referred to is written to
the post's files folder, named like outputs (``<slug>_<cell>_<name>``, so a
name used by several cells — Jupyter calls every pasted image ``image.png`` —
is one file per cell), and the reference becomes its URL with baseurl: the
page, its ``og:image`` and its JSON-LD then point at a real file.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from typing import Any
from urllib.parse import unquote

from .model import OutputFile
from .media import base64_bytes

# A reference where an image's URL goes: ![alt](attachment:x.png) or <img src="attachment:x.png">.
_REFERENCE = re.compile(r"(\]\(\s*<?|\bsrc\s*=\s*[\"']?)attachment:([^\s)\"'<>]+)")
_PREFERRED = ("image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp")


def cell_title(cell: Any) -> str:
    """A Markdown cell named as its author sees it (numbers shift: a front matter cell is
    not a cell of the post): "the Markdown cell that begins '…'"."""
    first = next((line.strip() for line in cell.get("source", "").splitlines() if line.strip()),
                 "")
    first = first if len(first) <= 40 else first[:39].rstrip() + "…"
    return f"the Markdown cell that begins '{first}'"


def _data(mime: str, value: Any) -> bytes | None:
    """The attachment's bytes: base64, or (SVG as some tools write it) the text itself."""
    text = "".join(value) if isinstance(value, list) else str(value)
    try:
        return base64_bytes(text)
    except (binascii.Error, ValueError):
        return text.encode() if mime == "image/svg+xml" and text.lstrip().startswith("<") else None


def _file_name(slug: str, index: int, name: str, mime: str) -> str:
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-.") or "attachment"
    if "." not in safe:
        safe += mimetypes.guess_extension(mime) or ""
    return f"{slug}_{index}_{safe}"


def _attachment(cell: Any, index: int, reference: str, slug: str, files_dir: str
                ) -> OutputFile | str:
    """The file for one ``attachment:`` reference of a cell, or why there is none."""
    attachments = cell.get("attachments") or {}
    name = reference if reference in attachments else unquote(reference)
    where = f"{cell_title(cell)} refers to 'attachment:{reference}'"
    if name not in attachments or not attachments[name]:
        return (f"{where}, which that cell does not have, so the image is broken; paste the "
                "image again in Jupyter, or save it as a file next to the post and link that.")
    bundle = attachments[name]
    mime = next((m for m in _PREFERRED if m in bundle), next(iter(bundle)))
    data = _data(mime, bundle[mime])
    if data is None:
        return f"{where}, whose {mime} data is not valid base64, so the image is broken."
    return OutputFile(f"{files_dir}/{_file_name(slug, index, name, mime)}", data)


def link_attachments(markdown: str, notebook: Any, *, slug: str, files_dir: str, baseurl: str
                     ) -> tuple[str, list[OutputFile], list[str]]:
    """Rewrite ``markdown``'s ``attachment:`` references to URLs of files written from the
    notebook's cells; returns the new Markdown, the files and notes for warnings.

    The document holds the Markdown cells' text in notebook order, so the n-th
    reference found in the cells is the n-th one in the document.
    """
    pieces, files, notes = [], {}, []
    cursor = 0
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") == "code" or "attachment:" not in cell.get("source", ""):
            continue
        for match in _REFERENCE.finditer(cell.get("source", "")):
            position = markdown.find(match.group(0), cursor)
            if position < 0:  # not in the document (a reader left it out): nothing to link
                continue
            found = _attachment(cell, index, match.group(2), slug, files_dir)
            if isinstance(found, str):
                notes.append(found)
                continue
            files[found.path] = found
            pieces += [markdown[cursor:position], match.group(1), f"{baseurl}/{found.path}"]
            cursor = position + len(match.group(0))
    pieces.append(markdown[cursor:])
    return "".join(pieces), list(files.values()), notes
