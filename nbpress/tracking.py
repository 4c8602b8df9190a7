"""Finding what a post really depended on while it ran.

Two hidden cells wrap the post's own cells in the kernel.  The first installs
a Python audit hook that records every file opened for reading under the
site root and notes which modules are already loaded, keeping both on the ``sys``
module, where ``%reset -f``, ``del`` and ``globals().clear()`` in the post's own cells
cannot reach them.  The last one reports,
as a display output of its own MIME type, those files, the site's local
modules the post imported, and the installed distributions (name and
version) of the packages it imported, by their top-level module names.  Both cells are removed from the
executed notebook before it is cached or rendered.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIME = "application/vnd.nbpress.dependencies+json"
UNTRACKED = "nbpress_untracked"  # notebook metadata: the run's dependencies are not all known

_PRELUDE = '''\
def _nbpress_track(root):
    import os, sys
    opened, before = set(), set(sys.modules)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT

    def hook(event, args):
        if event != "open" or isinstance(args[0], int):
            return
        mode, flags = args[1], args[2] or 0
        if (mode is not None and any(c in mode for c in "wax+")) or (mode is None and flags & write_flags):
            return
        try:
            path = os.path.abspath(os.fsdecode(args[0]))
        except Exception:
            return
        if path.startswith(root + os.sep):
            opened.add(path)

    sys.addaudithook(hook)
    sys._nbpress_tracking = (opened, before)
_nbpress_track({root!r})
del _nbpress_track
'''

_REPORT = '''\
def _nbpress_gpu(modules):
    # The GPU the post used, only if its code initialised one (never starting CUDA here).
    try:
        torch = modules.get("torch")
        if torch is not None and torch.cuda.is_initialized():
            return torch.cuda.get_device_name(torch.cuda.current_device())
        jax = modules.get("jax")
        if jax is not None:
            gpus = [d for d in jax.devices() if d.platform == "gpu"]
            return gpus[0].device_kind if gpus else ""
    except Exception:
        return ""
    return ""
def _nbpress_report(root):
    import os, platform, sys
    from IPython.display import display
    state = getattr(sys, "_nbpress_tracking", None)
    complete = isinstance(state, tuple) and len(state) == 2
    opened, before = state if complete else (set(), set())  # lost: every module counts
    ignore = [os.path.realpath(p) for p in {{sys.prefix, sys.base_prefix, sys.exec_prefix}}]
    def local(path):
        real = os.path.realpath(path)
        return path.startswith(root + os.sep) and not any(real.startswith(i + os.sep) for i in ignore) \\
            and "site-packages" not in real
    files = {{p for p in opened if os.path.isfile(p) and local(p)}}
    new = [name for name in list(sys.modules) if name not in before]
    for name in new:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path and local(os.path.abspath(path)):
            files.add(os.path.abspath(path))
    modules = sorted({{n.split(".")[0] for n in new if not n.startswith("_")}})
    report = {{"files": sorted(os.path.relpath(p, root) for p in files), "modules": modules,
              "python": platform.python_version(), "executable": sys.executable,
              "complete": complete, "gpu": _nbpress_gpu(sys.modules)}}
    display({{{mime!r}: report}}, raw=True)
_nbpress_report({root!r})
del _nbpress_report, _nbpress_gpu
'''


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))",
                     re.M)


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


@dataclass(frozen=True)
class Dependencies:
    """What one execution depended on: files relative to the site root, and the
    top-level modules it imported (mapped to distributions by the build process,
    once per build, rather than in every kernel)."""

    files: tuple[str, ...]
    modules: tuple[str, ...]
    python: str
    executable: str
    complete: bool = True  # False: the post removed nbpress's record of what it opened
    gpu: str = ""  # the GPU model the code used (torch or JAX), "" when none


def wrap(nb: Any, root: Path, setup: str = "") -> None:
    """Add the two tracking cells around the notebook's cells (in place); ``setup`` is more
    code for the first one, run before the post's cells."""
    import nbformat

    root_text = str(root.resolve())
    nb.cells.insert(0, nbformat.v4.new_code_cell(_PRELUDE.format(root=root_text) + setup))
    nb.cells.append(nbformat.v4.new_code_cell(_REPORT.format(root=root_text, mime=MIME)))


def unwrap(nb: Any) -> Dependencies:
    """Remove the tracking cells (in place) and return what the report said."""
    nb.cells.pop(0)
    report_cell = nb.cells.pop()
    for output in report_cell.get("outputs", []):
        data = output.get("data", {}).get(MIME)
        if data is not None:
            data = json.loads(data) if isinstance(data, str) else data
            return Dependencies(tuple(data["files"]), tuple(data["modules"]), data["python"],
                                data["executable"], data.get("complete", True),
                                data.get("gpu", ""))
    raise RuntimeError("the dependency report cell produced no report: "
                       + json.dumps(report_cell.get("outputs", []))[:500])
