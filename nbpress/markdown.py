"""The Markdown renderer: markdown-it-py configured as posts need it.

CommonMark with raw HTML, GFM tables and strikethrough, footnotes, heading
ids, ``$…$``/``$$…$$`` math turned into MathML on the server (readable with no
network and no JavaScript), and code highlighted by Pygments.  ``fenced_lines``
tells which lines of a Markdown text are fenced code, for the stages that read
the text line by line (the citation marker, the hand-written-anchor lint).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)


def highlight(code: str, language: str, _attrs: str = "") -> str:
    """Code → ``<pre class="highlight">`` HTML, coloured when Pygments knows the language."""
    try:
        lexer = get_lexer_by_name(language or "text", stripnl=False)
        body = pygments_highlight(code, lexer, _FORMATTER)
    except ClassNotFound:
        body = html.escape(code)
    cls = f' class="language-{html.escape(language)}"' if language else ""
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>'


@lru_cache(maxsize=4096)
def math(tex: str, display: bool) -> str:
    """TeX → MathML; unconvertible TeX is shown as code rather than failing the build."""
    from latex2mathml.converter import convert  # only posts with math pay for the import

    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on TeX it does not know
        cls = "math display" if display else "math"
        return f'<code class="{cls}">{html.escape(tex)}</code>'


def slugify_heading(text: str) -> str:
    """GitHub-style heading ids: lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s", "-", text) or "section"


def make_markdown(*plugins) -> MarkdownIt:
    """A new renderer; each of ``plugins`` is a callable applied to it (e.g. citations)."""
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify_heading,
           permalink=True, permalinkSymbol="#", permalinkBefore=False)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True,
           renderer=lambda content, options: math(content, bool(options.get("display_mode"))))
    for plugin in plugins:
        plugin(md)
    return md


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line: is it part of a fenced code block (``` or ~~~)?"""
    flags, fence = [], ""
    for line in lines:
        found = re.match(r" {0,3}(`{3,}|~{3,})(.*)", line.rstrip("\r\n"))
        mark, rest = found.groups() if found else ("", "")
        if fence:  # a closing fence: same character, at least as long, nothing after
            flags.append(True)
            fence = "" if mark.startswith(fence) and not rest.strip() else fence
        else:  # CommonMark: a ``` fence's info string has no backtick
            fence = mark if mark and not (mark[0] == "`" and "`" in rest) else ""
            flags.append(bool(fence))
    return flags
