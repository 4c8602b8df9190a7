"""Jekyll's Liquid variables in a post's Markdown, resolved before rendering.

Liquid is substituted in the Markdown text, before any Markdown renderer sees
it: a Markdown renderer percent-encodes ``{{…}}`` in link targets
(``[a]({{site.baseurl}}/p)`` would link to ``%7B%7Bsite.baseurl%7D%7D/p``), and
with spaces (``{{ site.baseurl }}``) does not see a link at all.

Supported: ``{{ site.x }}``, ``{{ page.x }}`` (with or without spaces, with the
``relative_url``/``absolute_url`` filters), ``{% raw %}…{% endraw %}``,
``{% post_url NAME %}`` and ``{% link PATH %}``.  ``{% bibliography %}`` is
left in place for the citations stage.  Anything else is an error naming the
file and line.  Code cells never reach here.
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import Any, Mapping

from .errors import PostError

_TOKEN = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}|\{\{(.*?)\}\}|\{%(.*?)%\}",
                    re.S)
PASS_THROUGH_TAGS = ("bibliography",)
_HINT = ("Variables available are site.* ({site}) and page.* ({page}). To show braces "
         "literally, wrap them in {{% raw %}}…{{% endraw %}}.")


def _lookup(expr: str, scope: Mapping[str, Mapping[str, Any]]) -> Any:
    names = expr.split(".")
    value: Any = scope
    for name in names:
        if not isinstance(value, Mapping) or name not in value:
            raise KeyError(name)
        value = value[name]
    return value


def _apply_filter(value: Any, name: str, site: Mapping[str, Any]) -> Any:
    text = "" if value is None else str(value)
    if name == "relative_url":
        return site.get("baseurl", "") + ("/" + text.lstrip("/") if text else "")
    if name == "absolute_url":
        return site.get("url", "") + site.get("baseurl", "") + "/" + text.lstrip("/")
    if name in ("escape", "xml_escape"):
        return html.escape(text, quote=False)
    raise KeyError(f"|{name}")


def _value(expr: str, scope: Mapping[str, Mapping[str, Any]]) -> str:
    parts = [p.strip() for p in expr.strip().strip("-").split("|")]
    head = parts[0]
    literal = re.fullmatch(r"""(['"])(.*)\1""", head)
    value = literal.group(2) if literal else _lookup(head, scope)
    for name in parts[1:]:
        value = _apply_filter(value, name, scope["site"])
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    return "" if value is None else str(value)


def resolve(text: str, *, site: Mapping[str, Any], page: Mapping[str, Any],
            links: Mapping[str, str], path: Path, line_offset: int) -> str:
    """Substitute Liquid in ``text``; ``links`` maps post names and paths to URLs.

    ``line_offset`` is the file line of ``text``'s first line, for errors.
    """
    scope = {"site": site, "page": page}

    def fail(match: re.Match, message: str, hint: str) -> PostError:
        line = line_offset + text.count("\n", 0, match.start())
        return PostError(message, path=path, line=line, hint=hint)

    def substitute(match: re.Match) -> str:
        raw, expr, tag = match.groups()
        if raw is not None:
            return raw
        if expr is not None:
            try:
                return _value(expr, scope)
            except KeyError as exc:
                known = [f"site.{k}" for k in site] + [f"page.{k}" for k in page]
                close = difflib.get_close_matches(expr.strip(), known, n=1)
                hint = _HINT.format(site=", ".join(sorted(site)), page=", ".join(sorted(page)))
                if close:
                    hint = f"Did you mean '{{{{ {close[0]} }}}}'? {hint}"
                raise fail(match, f"unknown Liquid variable '{{{{{expr}}}}}' ({exc.args[0]} is "
                           "not defined).", hint) from None
        words = tag.strip().strip("-").split()
        name = words[0] if words else ""
        if name in PASS_THROUGH_TAGS:
            return match.group(0)
        if name in ("post_url", "link") and len(words) == 2:
            target = words[1]
            if target in links:
                return links[target]
            raise fail(match, f"'{{% {name} {target} %}}' names no post or file of this site.",
                       "Use the post's file name without extension (e.g. 2024-03-19-my-post).")
        raise fail(match, f"unsupported Liquid tag '{{%{tag}%}}'.",
                   "nbpress supports {% raw %}, {% post_url %}, {% link %} and {% bibliography %}; "
                   "write the HTML directly, or wrap literal text in {% raw %}…{% endraw %}.")

    return _TOKEN.sub(substitute, text)
