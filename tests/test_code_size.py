"""Size limits of nbpress's code: no module over 400 lines, no function over 60.

Small modules and short functions are a convention of the project (README,
design notes): a stage should read on a screen or two.  The check parses every
``nbpress/**/*.py`` with ``ast`` and names each offender with its size, so a
failure says what to split.  A function's size runs from its ``def`` line to
its last line (nested functions and classes count towards it too); a
method is named ``Class.method``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nbpress"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function and method under ``node``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + child.name
            if not isinstance(child, ast.ClassDef):
                yield name, child.end_lineno - child.lineno + 1
            yield from _functions(child, name + ".")
        else:
            yield from _functions(child, prefix)


def oversized(package: Path) -> tuple[list[Path], list[str]]:
    """The modules read, and one line per module or function over its limit."""
    modules = sorted(package.rglob("*.py"))
    found = []
    for path in modules:
        text = path.read_text(encoding="utf-8")
        module = path.relative_to(package.parent).with_suffix("").as_posix().replace("/", ".")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{module}: module of {lines} lines (at most {MAX_MODULE_LINES})")
        for name, size in _functions(ast.parse(text, filename=str(path))):
            if size > MAX_FUNCTION_LINES:
                found.append(f"{module}.{name}: function of {size} lines "
                             f"(at most {MAX_FUNCTION_LINES})")
    return modules, found


def test_no_module_or_function_over_the_limits():
    modules, found = oversized(PACKAGE)
    assert PACKAGE / "pipeline.py" in modules  # the scan did read the package
    assert found == [], "split these:\n" + "\n".join(found)


def _statements(indent: int, count: int) -> str:
    return "".join(f"{' ' * indent}x{i} = {i}\n" for i in range(count))


def test_the_check_finds_long_modules_functions_and_methods(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "short.py").write_text("def fits():\n" + _statements(4, 59))  # 60 lines
    (package / "sub" / "long.py").write_text(
        "import os\n\n\nclass Handler:\n    def do_GET(self):\n" + _statements(8, 60)
        + "\n\nasync def outer():\n    def inner():\n" + _statements(8, 60)
        + "    return inner\n" + "# padding\n" * 400)
    modules, found = oversized(package)
    assert [m.name for m in modules] == ["short.py", "long.py"]
    assert found == [
        "pkg.sub.long: module of 530 lines (at most 400)",
        "pkg.sub.long.Handler.do_GET: function of 61 lines (at most 60)",
        "pkg.sub.long.outer: function of 63 lines (at most 60)",
        "pkg.sub.long.outer.inner: function of 61 lines (at most 60)",
    ]
