"""Old Liquid in imported posts: undefined variables are shown as "" there, with a warning.

Jekyll renders an undefined variable as the empty string, so old posts carry
``{{ BASE_PATH }}`` (Jekyll-Bootstrap) or ``{{ site.old_setting }}`` in image
links that "worked" for years.  nbpress treats an undefined variable as an
error everywhere, except in a post whose front matter says
``liquid_undefined: empty`` — which ``nbpress import`` writes into the posts that
need it.  There the Liquid stage (``liquid.resolve``) shows each variable that is
unknown when the template runs as "" — a loop's or an ``{% assign %}``'s variable is
known, so ``{% for p in site.data.people %}{{ p.name }}`` shows the names — and the
post gets one warning listing what was blanked, so the author can fix it at leisure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from .errors import BuildWarning

FRONT_MATTER_KEY = "liquid_undefined"
OUTPUT_TAG = re.compile(r"\{\{-?\s*([A-Za-z_][\w.-]*)\s*(?:\|[^{}]*)?-?\}\}")


def wants_blank(front_matter: Mapping[str, Any]) -> bool:
    """Whether the post asks for unknown variables to be shown as "" (module docstring)."""
    return front_matter.get(FRONT_MATTER_KEY) == "empty"


def blanked_warning(blanked: list[tuple[str, int | None]], path: Path) -> list[BuildWarning]:
    """The post's one warning for the variables ``liquid.resolve`` showed as "", by name
    and line (none when there were none)."""
    if not blanked:
        return []
    names = ", ".join(sorted({name for name, _ in blanked}))
    lines = [line for _, line in blanked if line is not None]
    return [BuildWarning(
        f"undefined Liquid variable(s) {names} shown as empty text ({FRONT_MATTER_KEY}: empty, "
        "written by nbpress import); replace them (e.g. {{ site.baseurl }}) and remove the key.",
        path, min(lines) if lines else None)]


__all__ = ["blanked_warning", "wants_blank", "FRONT_MATTER_KEY", "OUTPUT_TAG"]
