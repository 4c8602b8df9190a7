"""Dark-mode figures (``[tool.nbpress] dark_figures = true``): light and dark renderings of
each matplotlib figure from one kernel run, shown as a ``<picture>``.

In the kernel (``kernel_setup``, run before the post's cells): ``darkfig_kernel`` adds the
dark rendering of each figure shown to the same display output, as the MIME type
``image/vnd.nbpress.dark+png``, so the execution cache stores both.  On the page
(``dark_file``, ``picture``): the light image is the ``<img>``; the dark one a ``<source>``
for ``(prefers-color-scheme: dark)``, which the theme's toggle (``theme.js``) switches
with the page.  Feeds (``light_only``) and ``og:image`` (the first ``<img>``) use the
light image.
"""

from __future__ import annotations

import binascii
import copy
import html
import re
from pathlib import Path
from typing import Any

from .darkfig_kernel import MIME
from .model import OutputFile
from .media import base64_bytes

DARK_MEDIA = "(prefers-color-scheme: dark)"
_SOURCE = re.compile(r'<source\b[^>]*\bdata-scheme="dark"[^>]*>')
_PICTURE = re.compile(r'<picture class="figure-schemes">(.*?)</picture>', re.S)


def kernel_setup() -> str:
    """Python code that installs the dark-figure formatter in a post's kernel, leaving no
    name behind in the post's namespace."""
    source = (Path(__file__).with_name("darkfig_kernel.py")).read_text(encoding="utf-8")
    return ("def _nbpress_dark(source):\n"
            "    from IPython import get_ipython\n"
            "    namespace = {'__name__': 'nbpress_darkfig'}\n"
            "    exec(compile(source, '<nbpress dark figures>', 'exec'), namespace)\n"
            "    namespace['install'](get_ipython())\n"
            f"_nbpress_dark({source!r})\n"
            "del _nbpress_dark\n")


def dark_file(output: dict, light_path: str) -> tuple[OutputFile | None, str]:
    """(the dark rendering of an image output as a file beside ``light_path``, a note)
    — (None, "") when the output has none, (None, why) when it is damaged."""
    value = output.get("data", {}).get(MIME)
    if value is None:
        return None, ""
    text = "".join(value) if isinstance(value, list) else str(value)
    try:
        raw = base64_bytes(text)
    except (binascii.Error, ValueError):
        return None, (f"a figure's dark rendering ({MIME}) is not valid base64 data, so the "
                      "page shows only its light image; the notebook may be damaged.")
    stem, dot, ext = light_path.rpartition(".")
    return OutputFile(f"{stem}-dark.png" if dot else f"{light_path}-dark.png", raw), ""


def picture(img: str, dark_src: str) -> str:
    """An ``<img>`` (the light image) in a ``<picture>`` whose dark source is ``dark_src``.

    The ``<source>`` is closed (``/>``) so that HTML parsers older than HTML5's (libxml2's,
    some feed readers') do not put the ``<img>`` inside it."""
    return (f'<picture class="figure-schemes"><source srcset="{html.escape(dark_src)}" '
            f'media="{DARK_MEDIA}" data-scheme="dark" />{img}</picture>')


def light_only(content: str) -> str:
    """``content`` with each figure's ``<picture>`` replaced by its light ``<img>`` (feed
    readers do not follow the reader's colour scheme)."""
    return _PICTURE.sub(lambda m: _SOURCE.sub("", m.group(1)), content)


def without_dark(nb: Any) -> Any:
    """The notebook readers download: ``nb`` itself, or a copy without the dark renderings
    (Jupyter shows the light image; the dark one would only double the file)."""
    if not any(MIME in output.get("data", {}) for cell in nb.cells
               for output in cell.get("outputs", [])):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(MIME, None)
            output.get("metadata", {}).pop(MIME, None)  # a retina figure's size
    return nb


__all__ = ["MIME", "DARK_MEDIA", "kernel_setup", "dark_file", "picture", "light_only",
           "without_dark"]
