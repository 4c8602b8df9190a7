"""Jekyll's Liquid in a post's Markdown, rendered before the Markdown renderer sees it.

Liquid is substituted in the Markdown text first, as Jekyll does: a Markdown
renderer percent-encodes ``{{…}}`` in link targets (``[a]({{site.baseurl}}/p)``
would link to ``%7B%7Bsite.baseurl%7D%7D/p``), and with spaces does not see a
link at all.  It applies to the whole Markdown, shown code fences included (as on
Jekyll: ``{% raw %}`` keeps braces literal); code cells never reach here.

The engine is python-liquid (the Shopify Liquid language, maintained), with
undefined variables as errors and Jekyll's filters (``nbpress.liquid_filters``)
and tags (``nbpress.liquid_tags``).  ``{% bibliography %}`` is left in place for
the citations stage.  Every mistake in a post is reported at once, each naming
the file and line (an included file's own line for a mistake inside it).
python-liquid is imported here only when a post is rendered, so that a no-op
build never pays for it.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Mapping

from .errors import Location, PostError, PostErrors
from .liquidcompat import OUTPUT_TAG

_BIBLIOGRAPHY = re.compile(r"\{%-?\s*bibliography\b[^%]*%\}")
_KEEP = "\x00nbpress-liquid-keep:{}\x00"  # stands for a kept tag while Liquid runs
_KEPT = re.compile("\x00nbpress-liquid-keep:(\\d+)\x00")
_RAW_HINT = "To show braces literally, wrap them in {% raw %}…{% endraw %}."
_VARIABLES = "Variables available are site.* ({site}) and page.* ({page}). "
_TAG_HINT = ("nbpress has Liquid's tags and Jekyll's (include, highlight, link, post_url, raw), "
             "not those of Jekyll plugins: for code use a ``` fence (or {% highlight %}), for "
             "other HTML put it in _includes/ and {% include %} it. " + _RAW_HINT)
_INTERNAL_TAGS = {"content", "output", "illegal", "#", "doc"}  # python-liquid's, not tags
_FILTER_HINT = ("nbpress has Liquid's filters and Jekyll's (jekyllrb.com/docs/liquid/filters), "
                "not those of Jekyll plugins.")
_VALUE_HINT = ("Check the values the filter or tag is given (Jekyll's filters: "
               "jekyllrb.com/docs/liquid/filters). " + _RAW_HINT)
_SYNTAX_HINT = "Liquid's syntax: shopify.github.io/liquid. " + _RAW_HINT


def _markup(source: str, index: int) -> str:
    """The ``{{ … }}`` or ``{% … %}`` around ``index`` in ``source``."""
    start = max(source.rfind("{{", 0, index + 1), source.rfind("{%", 0, index + 1))
    if start < 0:
        return source[index:index + 40].split("\n")[0]
    close = "}}" if source.startswith("{{", start) else "%}"
    end = source.find(close, index)
    return source[start:end + 2] if end >= 0 else source[start:].split("\n")[0]


def _closest(path: str, scope: Mapping[str, Any]) -> str | None:
    """The defined name closest to the undefined ``path`` (``site.titel`` → ``site.title``)."""
    parts, value, prefix = path.split("."), scope, []
    for part in parts:
        if not isinstance(value, Mapping) or part not in value:
            break
        value, prefix = value[part], prefix + [part]
    if not isinstance(value, Mapping):
        return None
    known = [".".join(prefix + [str(key)]) for key in value]
    close = difflib.get_close_matches(path, known, n=1)
    return close[0] if close else None


def _undefined(message: str, markup: str, scope: Mapping[str, Mapping[str, Any]]
               ) -> tuple[str, str]:
    """Message and hint for an undefined variable."""
    match = re.match(r"'?([\w.\-\[\]]+?)'? is undefined", message)
    path = match.group(1) if match else markup
    site, page = scope["site"], scope["page"]
    hint = _VARIABLES.format(site=", ".join(sorted(site)), page=", ".join(sorted(page))) + _RAW_HINT
    close = _closest(path, scope)
    if close:
        hint = f"Did you mean '{{{{ {close} }}}}'? {hint}"
    name = path.rsplit(".", 1)[-1]
    if markup.startswith("{{"):
        return f"unknown Liquid variable '{markup}' ({name} is not defined).", hint
    return f"unknown Liquid variable '{path}' in '{markup}' ({name} is not defined).", hint


def _unknown_filter(message: str, markup: str, filters) -> tuple[str, str]:
    """Message and hint for an unknown filter, with the closest known one."""
    match = re.search(r"unknown filter '([^']*)'", message)
    name = match.group(1) if match else ""
    close = difflib.get_close_matches(name, list(filters), n=1)
    hint = f"Did you mean '{close[0]}'? {_FILTER_HINT}" if close else _FILTER_HINT
    return f"unknown Liquid filter '{name}' in '{markup}'.", hint


def _problem(exc, env, scope, path: Path, text: str, line_offset: int) -> PostError:
    """One python-liquid error → a PostError at the file and line it is in (for a mistake
    in an include, naming the include tag that led there)."""

    def place(token) -> tuple[Path, int, str]:
        """The file, line and ``{{ … }}``/``{% … %}`` text of a token."""
        source = token.source if token is not None else text
        index = max(token.start_index, 0) if token is not None else 0
        where, first = (path, line_offset)
        if source != text:
            where, first = env.sources.get(source, path), 1
        return where, first + source.count("\n", 0, index), _markup(source, index)

    error = _describe(exc, env, scope, *place(exc.token))
    if getattr(exc, "included_from", None) is None:
        return error
    by, at, markup = place(exc.included_from)  # which post (and line) the include is for
    return PostError(f"{error.message.rstrip('.')}; included by {Location(by, at)} '{markup}'.",
                     path=error.location.path, line=error.location.line, hint=error.hint)


def _describe(exc, env, scope, where: Path, line: int, markup: str) -> PostError:
    """The message and hint for one python-liquid error at ``where``:``line``."""
    from liquid.exceptions import LiquidSyntaxError, UndefinedError, UnknownFilterError
    from liquid.token import TOKEN_TAG

    from .liquid_tags import JekyllTagError

    token = exc.token
    message = str(exc.message)
    if isinstance(exc, JekyllTagError):
        return PostError(message, path=where, line=line, hint=exc.hint)
    if isinstance(exc, UndefinedError):
        said, hint = _undefined(message, markup, scope)
        return PostError(said, path=where, line=line, hint=hint)
    if isinstance(exc, UnknownFilterError):
        said, hint = _unknown_filter(message, markup, env.filters)
        return PostError(said, path=where, line=line, hint=hint)
    if token is not None and token.kind == TOKEN_TAG and message.startswith("unexpected tag"):
        tags = [n for n in env.tags if n not in _INTERNAL_TAGS]
        close = difflib.get_close_matches(token.value, tags, n=1, cutoff=0.75)
        hint = f"Did you mean '{{% {close[0]} %}}'? {_TAG_HINT}" if close else _TAG_HINT
        return PostError(f"unknown Liquid tag '{markup}'.", path=where, line=line, hint=hint)
    hint = _SYNTAX_HINT if isinstance(exc, LiquidSyntaxError) else _VALUE_HINT
    return PostError(f"Liquid error in '{markup}': {message}.", path=where, line=line, hint=hint)


def resolve(text: str, *, site: Mapping[str, Any], page: Mapping[str, Any],
            links: Mapping[str, str], path: Path, line_offset: int,
            includes: Path | None = None, blanked: list | None = None) -> str:
    """Render the Liquid in ``text``; ``links`` maps post names and paths to URLs.

    ``line_offset`` is the file line of ``text``'s first line, for errors;
    ``includes`` the site's ``_includes/`` folder.  Raises a ``PostError``, or
    ``PostErrors`` listing every mistake when there are several.  With ``blanked`` (a
    list), an unknown variable is shown as "" instead (Jekyll's way, for imported posts:
    ``liquidcompat.py``), and each one shown is added to it as ``(name, line)`` (line
    None in an included file).
    """
    if "{{" not in text and "{%" not in text:
        return text
    from liquid.exceptions import LiquidError  # python-liquid: only when a post has Liquid

    from .liquid_env import make_environment
    from .markdown import make_markdown

    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return _KEEP.format(len(kept) - 1)

    source = _BIBLIOGRAPHY.sub(keep, text)
    env = make_environment(site, links, includes, lambda md: make_markdown().render(md),
                           blank=blanked is not None)
    scope = {"site": site, "page": page}
    try:
        output = env.from_string(source).render(**scope)
    except LiquidError as exc:  # the lexer stops at an unclosed {{ or {%: no recovery
        env.problems.append(exc)
    for shown in env.shown_empty if blanked is not None else ():
        token = shown.token
        index = max(token.start_index, 0) if token is not None else -1
        here = token is not None and token.source == source
        found = OUTPUT_TAG.match(_markup(token.source, index)) if token is not None else None
        blanked.append((found.group(1) if found else shown.name,
                        line_offset + source.count("\n", 0, index) if here else None))
    found: dict[str, tuple[tuple, PostError]] = {}
    for exc in env.problems:
        error = _problem(exc, env, scope, path, source, line_offset)
        at = exc.token.start_index if exc.token is not None else 0
        found.setdefault(str(error), ((str(error.location.path), error.location.line or 0, at),
                                      error))
    errors = [error for _, error in sorted(found.values(), key=lambda item: item[0])]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise PostErrors(errors)
    return _KEPT.sub(lambda m: kept[int(m.group(1))], output)
