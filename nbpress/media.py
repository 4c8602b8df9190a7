"""Embedded iframes and videos made responsive: never wider than the column, aspect kept.

A YouTube ``<iframe width="560" height="315">`` (pasted in a post, or an
``IPython.display.YouTubeVideo`` output) is 560 px wide on a 375 px phone.
Each ``<iframe>``, ``<video>`` and ``<embed>`` with a pixel width and height
gets an inline style: at most its width and 100 % of the column, with the
height that keeps its aspect ratio.  ``image_size`` reads an image's pixel size
from its header, so every ``<img>`` nbpress writes has its width and height.
"""

from __future__ import annotations

import base64
import html
import re
import struct

_TAG = re.compile(r"<(iframe|video|embed)\b([^>]*)>", re.I)
_SIZE = re.compile(r"""\b(width|height)\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*["']?(?=[\s>/]|$)""",
                   re.I)
_STYLE = re.compile(r"""\bstyle\s*=\s*(["'])(.*?)\1""", re.I | re.S)


def _responsive(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2)
    size = {name.lower(): float(value) for name, value in _SIZE.findall(attrs)}
    if not size.get("width") or not size.get("height"):
        return match.group(0)  # no size to keep: the stylesheet's max-width is enough
    width, height = size["width"], size["height"]
    rule = f"aspect-ratio: {width:g} / {height:g}; width: min(100%, {width:g}px); height: auto;"
    style = _STYLE.search(attrs)
    if style:  # the author's own style comes last, so it wins
        value = html.unescape(style.group(2))
        attrs = attrs[:style.start()] + f'style="{html.escape(rule + " " + value)}"' + \
            attrs[style.end():]
    else:
        attrs = f' style="{rule}"' + attrs
    return f"<{tag}{attrs}>"


def responsive_media(text: str) -> str:
    """``text`` with each sized iframe, video and embed made to fit the column."""
    return _TAG.sub(_responsive, text)


def image_size(mime: str, data: bytes) -> tuple[int, int] | None:
    """Pixel width and height read from the image's header, when it says."""
    if mime == "image/png" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if mime == "image/gif" and data[:3] == b"GIF" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if mime == "image/svg+xml":
        head = data[:4000].decode("utf-8", "replace")
        tag = re.search(r"<svg\b[^>]*>", head, re.S)
        if tag:
            size = [re.search(rf'\b{k}="([\d.]+)(px|pt)?"', tag.group()) for k in ("width", "height")]
            if all(size):
                scale = [4 / 3 if m.group(2) == "pt" else 1 for m in size]
                return tuple(round(float(m.group(1)) * s) for m, s in zip(size, scale))
    if mime == "image/jpeg":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + length
    return None


def size_attributes(meta: dict, natural: tuple[int, int] | None) -> str:
    """An image's ``width``/``height`` attributes: the output's metadata (``Image(width=…)``,
    a retina figure's halved size), the side it leaves out kept in proportion; else the
    image's own size (none when unknown)."""
    given = [meta.get(k) if isinstance(meta.get(k), (int, float)) and not isinstance(
        meta.get(k), bool) and meta.get(k) > 0 else None for k in ("width", "height")]
    width, height = given
    if natural and all(natural) and (width is None) != (height is None):
        ratio = natural[1] / natural[0]
        width, height = (width, width * ratio) if width is not None else (height / ratio, height)
    if width is None and height is None and natural:
        width, height = natural
    return "".join(f' {k}="{round(v)}"' for k, v in (("width", width), ("height", height))
                   if v is not None)


def base64_bytes(text: str) -> bytes:
    """The bytes of a notebook's base64 data; line breaks in it (Colab and older Jupyter wrap
    it at 76 characters) are not mistakes.  ``binascii.Error`` for anything else."""
    return base64.b64decode("".join(text.split()), validate=True)

