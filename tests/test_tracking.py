"""Finding what a post really depended on while it ran (nbpress/tracking.py)."""

from __future__ import annotations

import platform
import sys

import nbformat
import pytest

from nbpress.tracking import Dependencies, imported_modules, unwrap, wrap

from conftest import built_with_warnings


def test_imported_modules_in_order_without_the_standard_library() -> None:
    code = ("%matplotlib inline\n!pip list\nimport os, sys\nimport numpy as np\n"
            "from sklearn.linear_model import LinearRegression\nimport yaml\n"
            "from . import local\nimport matplotlib.pyplot as plt\nimport numpy.linalg\n"
            "import _private\n")
    assert imported_modules(code) == ["numpy", "sklearn", "yaml", "matplotlib"]


def test_imported_modules_of_code_that_is_not_python() -> None:
    # A cell that does not parse is read line by line instead of being skipped.
    assert imported_modules("import numpy as np\nthis is not python\n") == ["numpy"]
    assert imported_modules("from pandas import (\n  DataFrame\nimport torch, jax.numpy\n") == \
        ["pandas", "torch", "jax"]
    assert imported_modules("print('import numpy')\n") == []


def test_wrap_adds_two_cells_and_unwrap_removes_them(tmp_path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    wrap(nb, tmp_path)
    assert len(nb.cells) == 3 and nb.cells[1].source == "x = 1"
    assert str(tmp_path.resolve()) in nb.cells[0].source
    with pytest.raises(RuntimeError, match="the dependency report cell produced no report"):
        unwrap(nb)  # never executed: no report to read
    assert [c.source for c in nb.cells] == ["x = 1"]


@pytest.mark.kernel
def test_a_real_kernel_reports_the_files_read_and_modules_imported(tmp_path) -> None:
    from nbclient import NotebookClient

    root = tmp_path / "site"
    (root / "posts").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "points.csv").write_text("x,y\n1,2\n")
    (root / "helpers.py").write_text("SCALE = 3\n")
    (tmp_path / "outside.txt").write_text("not part of the site\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys\nsys.path.insert(0, '..')\nimport helpers\n"
                                  "import yaml\nrows = open('../data/points.csv').read()"),
        nbformat.v4.new_code_cell("open('results.txt', 'w').write(rows)\n"
                                  "open('../../outside.txt').read()"),
    ])
    wrap(nb, root)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(root / "posts")}}).execute()
    found = unwrap(nb)
    assert [c.source.splitlines()[-1] for c in nb.cells] == [
        "rows = open('../data/points.csv').read()", "open('../../outside.txt').read()"]
    # Files written (results.txt) or outside the site (outside.txt) are not dependencies.
    assert found == Dependencies(files=("data/points.csv", "helpers.py"), modules=found.modules,
                                 python=platform.python_version(), executable=sys.executable)
    assert {"helpers", "yaml"} <= set(found.modules)
    assert not any(m.startswith("_") for m in found.modules)


RESETS = """\
---
title: Resets
---

```python
text = open("data.txt").read()
```

```python
%reset -f
```

```python
globals().clear()
print("still here")
```
"""


@pytest.mark.kernel
def test_reset_and_clearing_globals_do_not_break_tracking(make_site, build) -> None:
    """``%reset -f`` and ``globals().clear()`` in a post cannot remove nbpress's record of what
    the post read (issue 19, item 13): it builds, and the file read is a dependency."""
    import json

    root = make_site({"posts/2024-01-01-a.md": RESETS, "posts/data.txt": "x\n"})
    result = build("build", "--root", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    record = json.loads((root / "_executed/2024-01-01-a/record.json").read_text())
    assert list(record["files"]) == ["posts/data.txt"]
    assert "still here" in (root / "_site/2024/01/01/a.html").read_text()


@pytest.mark.kernel
def test_a_post_that_deletes_the_record_builds_with_a_warning(make_site) -> None:
    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n```python\nimport sys\n"
                                               "del sys._nbpress_tracking\nprint('ok')\n```\n"})
    assert built_with_warnings(root) == [
        "posts/2024-01-01-a.md: warning: the post deleted nbpress's record of the files it "
        "reads (sys._nbpress_tracking), so its dependencies could not be recorded: a change "
        "to its data will not make it run again; use --refresh."]
