"""The Markdown renderer: markdown-it-py configured as posts need it.

CommonMark with raw HTML, GFM tables and strikethrough, footnotes, heading
ids, ``$…$``/``$$…$$`` math rendered by KaTeX at build time (nbpress/texmath.py:
readable with no network and no JavaScript), and code highlighted by Pygments.
Math that cannot be rendered (empty, unpaired braces, TeX KaTeX does not know)
is shown as its source text and listed in the render env under ``MATH_PROBLEMS``.
``fenced_lines`` tells which lines of a Markdown text are fenced code, for the
stages that read the text line by line (the citation marker, the
hand-written-anchor lint).
"""

from __future__ import annotations

import functools
import html
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .fences import check_fences, fence_language, lexer_name
from .texmath import render_many, render_tex

_FORMATTER = HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    """Pygments' lexer for ``language`` (None when it knows none; Rouge's names too,
    ``fences.py``): looked up once per language and process (the lookup reads the installed
    plugins each time)."""
    try:
        return get_lexer_by_name(lexer_name(language) or "text", stripnl=False)
    except ClassNotFound:
        return None


# IPython's syntax in a Python cell: %magic, !shell, name? (Python's lexer marks them errors)
_IPYTHON = re.compile(r"^\s*(%{1,2}[A-Za-z]|!\S)|\w\?{1,2}\s*$", re.M)


def highlight(code: str, language: str, _attrs: str = "", *, linenos: bool = False) -> str:
    """Code → ``<pre class="highlight">`` HTML, coloured when Pygments knows the language;
    ``linenos`` numbers the lines (``<span class="linenos">``, as Pygments' inline style).
    Pandoc's ``{.python …}`` names ``python``."""
    if language.startswith("{."):
        language = fence_language(language)
    lexer = _lexer(language)
    if lexer is not None and lexer.name == "Python" and _IPYTHON.search(code):
        lexer = _lexer("ipython3") or lexer  # magics, shell escapes, help (IPython's lexer)
    body = html.escape(code) if lexer is None else pygments_highlight(code, lexer, _FORMATTER)
    if linenos:
        lines = body.split("\n")
        count = len(lines) - (lines[-1] == "")  # Pygments ends the code with a newline
        width = len(str(count))
        body = "\n".join([f'<span class="linenos">{n:>{width}}</span>{line}'
                          for n, line in enumerate(lines[:count], 1)] + lines[count:])
    cls = f' class="language-{html.escape(language)}"' if language else ""
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>'


def _balanced(tex: str) -> bool:
    """Whether the TeX's unescaped braces pair up (a clearer message than KaTeX gives)."""
    depth = 0
    for brace in re.findall(r"\\.|[{}]", tex):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        if depth < 0:
            return False
    return depth == 0


def mathml(tex: str, display: bool, macros: tuple[tuple[str, str], ...] = ()
           ) -> tuple[str, str]:
    """TeX → (KaTeX's HTML with MathML beside it, ""), or ("", why it cannot be rendered)."""
    if tex.strip() and not _balanced(tex):  # a clearer message than KaTeX's "Expected '}'"
        return "", "its braces { } do not pair up"
    return render_tex(tex, display, macros)


def math(tex: str, display: bool, macros: tuple[tuple[str, str], ...] = ()) -> str:
    """TeX → HTML; TeX that cannot be rendered is shown as code rather than failing the build."""
    converted, _ = mathml(tex, display, macros)
    if converted:
        return converted
    cls = "math display" if display else "math"
    return f'<code class="{cls}">{html.escape(tex)}</code>'


MATH_PROBLEMS = "nbpress_math"  # the renderer's env key: [(0-based line, source, message)]
MATH_MACROS = "nbpress_math_macros"  # the renderer's options key: ((name, body), ...)


def _math_problem(env: dict, line: int, source: str, problem: str) -> None:
    shown = " ".join(source.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    env.setdefault(MATH_PROBLEMS, []).append((line, source, (
        f"the math '{shown}' is shown as written: {problem}. Fix the TeX, or write \\$ for "
        "a dollar sign that is not math.")))


def _render_together(tokens: list, macros: tuple) -> None:
    """Render all of a document's math in one call into KaTeX (cheaper than one call per
    expression); the checks and the renderer below then find each in the cache."""
    items = [(t.content, True) for t in tokens
             if t.type in ("math_block", "math_block_label", "amsmath")]
    items += [(child.content, child.type == "math_inline_double")
              for t in tokens if t.type == "inline" for child in t.children or []
              if child.type in ("math_inline", "math_inline_double")]
    if items:
        render_many(items, macros)


# $ x^2 $: TeX between dollars with a space just inside one of them (prices have no TeX)
_SPACED_MATH = re.compile(r"(?<![\\$\w])\$(?: [^$\n]*?[\\^_{}][^$\n]*?|[^$\s][^$\n]*?[\\^_{}]"
                          r"[^$\n]*? )\$(?![\d$])")


def _paren_math(state, silent: bool) -> bool:
    """Inline rule: ``\\(…\\)`` is inline math (token ``math_inline``, as dollarmath's)."""
    start = state.pos
    if not state.src.startswith("\\(", start):
        return False
    end = state.src.find("\\)", start + 2)
    if end < 0 or not state.src[start + 2:end].strip():
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.markup, token.content = "\\(", state.src[start + 2:end]
    state.pos = end + 2
    return True


def _bracket_math(state, start: int, end: int, silent: bool) -> bool:
    """Block rule: lines from one that starts with ``\\[`` to one that ends with ``\\]``,
    nothing after it and no blank line between, are display math (``math_block``)."""
    first = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4 or not state.src.startswith("\\[", first):
        return False
    for line in range(start, end):
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()
        if not text:
            return False
        closes = text.endswith("\\]") and (line > start or len(text) > 4)
        if closes:
            if not silent:
                body = state.src[first + 2:state.bMarks[line] + state.tShift[line] + len(text) - 2]
                token = state.push("math_block", "math", 0)
                token.block, token.markup, token.content = True, "\\[", body
                token.map = [start, line + 1]
            state.line = line + 1
            return True
    return False


_CLOSING = {"\\(": "\\)", "\\[": "\\]"}  # texmath's brackets; a dollar closes itself


def _check_math(state) -> None:
    """Core rule: math that cannot be rendered is turned back into its source text and
    reported in ``env``, instead of empty or broken markup."""
    macros = state.md.options.get(MATH_MACROS, ())
    _render_together(state.tokens, macros)
    for token in state.tokens:
        if token.type == "amsmath":  # \begin{align}…\end{align} with no $$, as Jupyter allows
            problem = mathml(token.content, True, macros)[1]
            if problem:
                token.type = "math_source"
                _math_problem(state.env, token.map[0] if token.map else 0, token.content, problem)
        elif token.type in ("math_block", "math_block_label"):
            problem = mathml(token.content, True, macros)[1]
            if problem:
                label = f" ({token.info})" if token.type == "math_block_label" else ""
                opened, shut = ("\\[", "\\]") if token.markup == "\\[" else ("$$", "$$")
                token.type, token.content = "math_source", f"{opened}{token.content}{shut}{label}"
                _math_problem(state.env, token.map[0] if token.map else 0, token.content, problem)
        elif token.type == "inline":
            cursor = 0
            spaced = _SPACED_MATH.search(token.content)  # (as written: \$ is no dollar)
            if spaced and any(c.type == "text" and spaced.group() in c.content
                              for c in token.children or []):  # not in a code span
                # Jupyter's MathJax renders it; the dollar rule here does not
                _math_problem(state.env, (token.map[0] if token.map else 0) + token.content.count(
                    "\n", 0, spaced.start()), spaced.group(), "a space just inside a dollar "
                    "makes it text here (Jupyter would show math); write $x^2$")
            for child in token.children or []:
                if child.type not in ("math_inline", "math_inline_double"):
                    continue
                source = child.markup + child.content + _CLOSING.get(child.markup, child.markup)
                position = token.content.find(source, cursor)
                cursor = position + len(source) if position >= 0 else cursor
                problem = mathml(child.content, child.type == "math_inline_double",
                                  macros)[1]
                if problem:
                    line = (token.map[0] if token.map else 0) + \
                        token.content.count("\n", 0, max(position, 0))
                    child.type, child.content = "text", source
                    _math_problem(state.env, line, source, problem)


def slugify_heading(text: str) -> str:
    """GitHub-style heading ids: lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s", "-", text) or "section"


def make_markdown(*plugins, macros: tuple[tuple[str, str], ...] = ()) -> MarkdownIt:
    """A new renderer; each of ``plugins`` is a callable applied to it (e.g. citations).
    ``macros``: the site's math macros, (name, body) pairs."""
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight, "typographer": False,
                                   MATH_MACROS: macros})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify_heading,
           permalink=True, permalinkSymbol="#", permalinkBefore=False)
    # \(…\) and \[…\] as Jupyter's MathJax reads them (else the backslashes are escapes and
    # the math is lost): \[ only as a block of its own, so "\[1\]: a reference" stays text
    md.inline.ruler.before("escape", "math_inline_paren", _paren_math)
    md.block.ruler.before("fence", "math_block_bracket", _bracket_math,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True,
           renderer=lambda content, options: math(content, bool(options.get("display_mode")),
                                                  macros))
    md.use(amsmath_plugin, renderer=lambda content: math(content, True, macros))
    md.core.ruler.push("nbpress_math_check", _check_math)
    md.core.ruler.push("nbpress_fence_check",
                       lambda state: check_fences(state, lambda name: _lexer(name) is not None))
    # $$…$$ inside a paragraph: a <span>, since the plugin's <div> cannot be inside a <p>.
    md.add_render_rule("math_inline_double", lambda self, tokens, i, options, env:
                       f'<span class="math display">{math(tokens[i].content, True, macros)}</span>')
    md.add_render_rule("math_source", lambda self, tokens, i, options, env:
                       f'<p class="math-source">{html.escape(tokens[i].content)}</p>\n')
    for plugin in plugins:
        plugin(md)
    return md


@functools.lru_cache(maxsize=8)
def plain_markdown(macros: tuple[tuple[str, str], ...] = ()) -> MarkdownIt:
    """The renderer without plugins (cells' Markdown outputs, front-matter excerpts), made
    once per set of ``macros`` and process: making one costs about as much as rendering a
    short post with it.  Rendering keeps nothing in it (each ``render`` has its own state
    and env)."""
    return make_markdown(macros=macros)


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
