"""What a post page shows around its body: table of contents, reproducibility line, Colab link.

Part of the site stage; pure functions of a rendered post's HTML, its code
and its execution record (``RenderedPost.execution``).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sys
from typing import Any, Mapping, Sequence

from .htmlrewrite import Heading, headings

TOC_MIN_HEADINGS = 3  # a post gets a table of contents from this many headings on
MAIN_PACKAGES = 8  # at most this many packages in the short list
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(python3?)\b[^\n]*\n(.*?)^\1\s*$", re.M | re.S)
_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))",
                     re.M)


def table_of_contents(html: str, setting: Any = None) -> list[dict[str, Any]]:
    """Nested ``[{id, text, children}]`` of the post's two top heading levels.

    ``setting`` is the front matter's ``toc``: False turns it off, True on;
    by default a post with at least ``TOC_MIN_HEADINGS`` headings gets one.
    """
    found = [h for h in headings(html) if h.text]
    if setting is False or not found or (setting is not True and len(found) < TOC_MIN_HEADINGS):
        return []
    top = min(h.level for h in found)
    items: list[dict[str, Any]] = []
    for heading in found:
        entry = {"id": heading.id, "text": heading.text, "children": []}
        if heading.level == top or not items:
            items.append(entry)
        elif heading.level == top + 1:
            items[-1]["children"].append(entry)
    return items


def notebook_code(notebook: bytes | None, body: str = "") -> str:
    """The code of the executed notebook's code cells (else of the post's python fences)."""
    if notebook:
        try:
            cells = json.loads(notebook).get("cells", [])
        except (ValueError, AttributeError):
            cells = []
        sources = ["".join(c["source"]) if isinstance(c.get("source"), list)
                   else c.get("source", "") for c in cells if c.get("cell_type") == "code"]
        return "\n".join(sources)
    return "\n".join(m.group(3) for m in _FENCE.finditer(body))


def imported_modules(code: str) -> list[str]:
    """Top-level modules the code imports, in order, without the standard library's."""
    names: list[str] = []
    try:  # IPython magics and shell escapes are not Python: drop them first
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                   for line in code.splitlines()))
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(node.lineno, node.col_offset, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((node.lineno, node.col_offset, node.module))
        names = [name for *_, name in sorted(found)]
    except SyntaxError:
        for match in _IMPORT.finditer(code):
            names += re.split(r"\s*,\s*", match.group(1) or match.group(2))
    seen: list[str] = []
    for name in names:
        top = name.split(".")[0]
        if top not in seen and top not in sys.stdlib_module_names and not top.startswith("_"):
            seen.append(top)
    return seen


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main_packages(modules: Sequence[str], packages: Mapping[str, str],
                  distributions: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """The recorded distributions of the modules a post imports, in import order.

    ``distributions`` maps a module to the distributions providing it
    (``importlib.metadata.packages_distributions()``); a module whose name is
    a recorded distribution's name matches it too.
    """
    recorded = {_normal(name): name for name in packages}
    found: list[dict[str, str]] = []
    for module in modules:
        for candidate in [*distributions.get(module, ()), module]:
            name = recorded.get(_normal(candidate))
            if name and all(f["name"] != name for f in found):
                found.append({"name": name, "version": packages[name]})
                break
    return found[:MAIN_PACKAGES]


def duration(seconds: float) -> str:
    """Seconds as people say them: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def reproducibility(execution: Mapping[str, Any], code: str,
                    distributions: Mapping[str, Sequence[str]]) -> dict[str, Any] | None:
    """When, how long, which Python and which packages ran the post; None if it has no run."""
    executed_at = str(execution.get("executed_at") or "")
    has_code = execution["code_cells"] > 0 if "code_cells" in execution else bool(code.strip())
    if not executed_at or not has_code:
        return None
    try:
        when = dt.datetime.fromisoformat(executed_at)
        label, iso = f"{when:%B} {when.day}, {when.year}", when.isoformat()
    except ValueError:
        label, iso = executed_at, ""
    packages = dict(execution.get("packages") or {})
    everything = [{"name": k, "version": v} for k, v in sorted(packages.items(),
                                                                key=lambda kv: kv[0].lower())]
    return {
        "executed_at": iso,
        "executed_label": label,
        "seconds": float(execution.get("seconds") or 0),
        "duration": duration(float(execution.get("seconds") or 0)),
        "python": str(execution.get("python") or ""),
        "main": [{"name": n, "version": packages[n]} for n in execution["main_packages"]
                 if n in packages][:MAIN_PACKAGES] if "main_packages" in execution
        else main_packages(imported_modules(code), packages, distributions),
        "all": everything,
    }


def colab_url(repository: str, branch: str, path: str) -> str:
    """Colab's URL for a file of a GitHub repository ("" without a repository)."""
    if not repository:
        return ""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"


__all__ = ["table_of_contents", "notebook_code", "imported_modules", "main_packages",
           "reproducibility", "colab_url", "duration", "Heading"]
