"""Old Liquid in imported posts: undefined variables become "" there, with a warning.

Jekyll renders an undefined variable as the empty string, so old posts carry
``{{ BASE_PATH }}`` (Jekyll-Bootstrap) or ``{{ site.old_setting }}`` in image
links that "worked" for years.  nbpress treats an undefined variable as an
error everywhere, except in a post whose front matter says
``liquid_undefined: empty`` — which ``nbpress import`` writes into the posts that
need it.  This runs on the Markdown before the Liquid stage (whatever engine that
stage uses): each ``{{ name }}`` that names nothing defined is removed, and the
post gets one warning listing them, so the author can fix them at leisure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from .errors import BuildWarning

FRONT_MATTER_KEY = "liquid_undefined"
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
OUTPUT_TAG = re.compile(r"\{\{-?\s*([A-Za-z_][\w.-]*)\s*(?:\|[^{}]*)?-?\}\}")


def _defined(name: str, scope: Mapping[str, Any]) -> bool:
    value: Any = scope
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def blank_undefined(text: str, front_matter: Mapping[str, Any], scope: Mapping[str, Any],
                    *, path: Path, line_offset: int) -> tuple[str, list[BuildWarning]]:
    """``text`` with undefined ``{{ variables }}`` removed when the post opts in (module
    docstring); ``scope`` maps the Liquid names defined for it (``site``, ``page``…)."""
    if front_matter.get(FRONT_MATTER_KEY) != "empty":
        return text, []
    found: list[tuple[str, int]] = []
    pieces, last = [], 0
    for raw in [*_RAW.finditer(text), None]:  # never inside {% raw %}…{% endraw %}
        end = raw.start() if raw else len(text)

        def blank(match: re.Match, base: int = last) -> str:
            if _defined(match.group(1), scope):
                return match.group(0)
            found.append((match.group(1), line_offset + text.count("\n", 0, base + match.start())))
            return ""

        pieces.append(OUTPUT_TAG.sub(blank, text[last:end]))
        if raw:
            pieces.append(raw.group(0))
            last = raw.end()
    if not found:
        return text, []
    names = ", ".join(sorted({name for name, _ in found}))
    return "".join(pieces), [BuildWarning(
        f"undefined Liquid variable(s) {names} shown as empty text ({FRONT_MATTER_KEY}: empty, "
        "written by nbpress import); replace them (e.g. {{ site.baseurl }}) and remove the key.",
        path, found[0][1])]


__all__ = ["blank_undefined", "FRONT_MATTER_KEY", "OUTPUT_TAG"]
