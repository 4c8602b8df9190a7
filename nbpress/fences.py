"""Fence languages: the names Pygments knows under another name, and a warning for a name
it does not know at all.

A fence marked ```` ```pyhton ```` was shown as plain code without a word: the post looks
fine in the editor and unhighlighted on the site.  Jekyll's highlighter (Rouge) knows some
names Pygments lacks (``yml``, ``plaintext``, ``terminal``): a post moved from Jekyll is
highlighted as it was under those.  Names that ask for plain text (``text``, ``output``,
``none``, ``csv``…) are shown plainly without a warning; any other name Pygments does not
know (a typo, ``mermaid``, which nbpress does not draw) is shown as code with a warning
naming the post's line and the closest names Pygments knows.
"""

from __future__ import annotations

import difflib
import functools
import html
import re

FENCE_PROBLEMS = "nbpress_fences"  # the renderer's env key: [(0-based line, source, message)]

# Rouge's (Jekyll's) names and other common spellings → Pygments' name for the language.
ALIASES = {"yml": "yaml", "plaintext": "text", "plain": "text", "txt": "text",
           "terminal": "console", "shell-session": "console", "cmd": "batch",
           "jsonl": "json", "ndjson": "json", "svg": "xml", "gql": "graphql",
           "dotenv": "bash", "env": "bash", "svelte": "html", "text/plain": "text",
           "viml": "vim", "patch": "diff"}
# Names that ask for plain text, shown as written with no warning (and Rouge's generic
# ``conf``, which Pygments has no lexer for).
PLAIN = frozenset({"text", "output", "none", "nohighlight", "no-highlight", "raw", "csv",
                   "tsv", "log", "stdout", "stderr", "result", "results", "conf"})
_CODE_DIRECTIVES = ("{code-block}", "{code}", "{sourcecode}")  # MyST: the language follows


def fence_language(info: str) -> str:
    """The language a fence's info string names: its first word; Pandoc's ``{.python …}``
    attributes give ``python``; a MyST ``{code-block} python`` directive its argument; any
    other ``{directive}`` (MyST, Quarto) none."""
    words = info.split()
    if not words:
        return ""
    if words[0].startswith("{."):
        return words[0][2:].rstrip("}")
    if words[0] in _CODE_DIRECTIVES:
        return words[1] if len(words) > 1 else ""
    return "" if words[0].startswith("{") else words[0]


def lexer_name(language: str) -> str:
    """The name to ask Pygments for ``language`` (a fence's first word)."""
    lowered = language.lower()
    return ALIASES.get(lowered, "text" if lowered in PLAIN else language)


def unknown_language(language: str, what: str = "code fence") -> str:
    """The warning for a ``what``'s (a fence's, a highlight block's) language Pygments does
    not know (with the closest names it knows, when some are close)."""
    close = difflib.get_close_matches(language.lower(), _known_names(), n=3, cutoff=0.75)
    names = [repr(n) for n in close]
    hint = f" Did you mean {', '.join(names[:-1])} or {names[-1]}?" if len(names) > 1 \
        else f" Did you mean {names[0]}?" if names else ""
    advice = "Write $$ … $$ for display math." if language.lower() == "math" \
        else "Write ```text for code meant to be plain."
    return (f"the {what}'s language '{language}' is not one Pygments highlights: the code "
            f"is shown without colours.{hint} {advice}")


@functools.cache
def _known_names() -> tuple[str, ...]:
    from pygments.lexers import get_all_lexers  # (only when a name is unknown)

    return tuple(sorted({alias for _, aliases, _, _ in get_all_lexers() for alias in aliases}
                        | set(ALIASES)))


# Code Liquid's {% highlight LANG %} made (markdown.highlight's HTML), at its tag's line.
_HIGHLIGHTED = re.compile(r'<pre class="highlight"><code class="language-([^"]+)">')


def check_fences(state, known) -> None:
    """Core rule: each fence whose language (``fence_language``) ``known`` (a name → bool)
    rejects is reported in the env under ``FENCE_PROBLEMS``; so is a Liquid ``{% highlight
    %}`` block's (it reaches Markdown as the HTML it made)."""
    for token in state.tokens:
        if token.type == "fence":
            language, source = fence_language(token.info), f"{token.markup}{token.info}"
            what = "code fence"
        elif token.type == "html_block" and (found := _HIGHLIGHTED.match(token.content)):
            language = html.unescape(found.group(1))
            source, what = f"highlight {language}", "{% highlight %} block"
        else:
            continue
        if not language or known(language):
            continue
        line = token.map[0] if token.map else 0
        state.env.setdefault(FENCE_PROBLEMS, []).append(
            (line, source, unknown_language(language, what)))


__all__ = ["ALIASES", "FENCE_PROBLEMS", "PLAIN", "check_fences", "fence_language",
           "lexer_name", "unknown_language"]
