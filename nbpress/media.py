"""Embedded iframes and videos made responsive: never wider than the column, aspect kept.

A YouTube ``<iframe width="560" height="315">`` (pasted in a post, or an
``IPython.display.YouTubeVideo`` output) is 560 px wide on a 375 px phone.
Each ``<iframe>``, ``<video>`` and ``<embed>`` with a pixel width and height
gets an inline style: at most its width and 100 % of the column, with the
height that keeps its aspect ratio.
"""

from __future__ import annotations

import html
import re

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
