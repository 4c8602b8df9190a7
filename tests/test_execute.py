"""One post's run (nbpress/execute.py): results, failures mapped to the user's line, limits."""

from __future__ import annotations

import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nbpress.config import load_config
from nbpress.discover import read_post
from nbpress.errors import ExecutionError
from nbpress.execute import _kernel_env, execute, strip_ansi
from nbpress.readers import read_post_notebook


def doc_of(root: Path, text: str, pyproject: str = ""):
    (root / "posts").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    path = root / "posts" / "2024-01-01-run.md"
    path.write_text(textwrap.dedent(text).lstrip())
    config = load_config(root)
    doc, _ = read_post_notebook(read_post(path, config, ZoneInfo("UTC")))
    return doc, config


def test_a_post_without_code_returns_without_a_kernel(tmp_path: Path) -> None:
    doc, config = doc_of(tmp_path, "---\ntitle: T\n---\nOnly prose.\n")
    result = execute(doc, config)
    assert result.seconds == 0.0 and result.files == () and result.packages == {}


def test_kernel_environment_caps_numeric_threads() -> None:
    env = _kernel_env(3)
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["NBPRESS_THREADS"] == "3"
    import os

    uncapped = _kernel_env(None)  # one post alone: the environment's own settings, no cap
    assert [uncapped.get(v) for v in ("OMP_NUM_THREADS", "NBPRESS_THREADS")] == [
        os.environ.get(v) for v in ("OMP_NUM_THREADS", "NBPRESS_THREADS")]


def test_strip_ansi() -> None:
    assert strip_ansi("\x1b[0;31mValueError\x1b[0m: bad") == "ValueError: bad"


@pytest.mark.kernel
def test_a_run_gives_outputs_files_read_and_packages(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "table.csv").write_text("a,b\n1,2\n")
    doc, config = doc_of(tmp_path, """\
        ---
        title: T
        ---
        ```python
        import json
        rows = open("table.csv").read().splitlines()
        print(len(rows))
        ```
        """)
    seen: list[tuple[int, int]] = []
    result = execute(doc, config, on_cell=lambda n, total: seen.append((n, total)))
    code = [c for c in result.notebook.cells if c.cell_type == "code"]
    assert len(code) == 1 and code[0].outputs[0]["text"] == "2\n"
    assert result.files == ("posts/table.csv",)
    assert seen == [(1, 1)]
    assert result.python and result.executed_at


@pytest.mark.kernel
def test_an_exception_names_the_failing_line_of_the_file(tmp_path: Path) -> None:
    doc, config = doc_of(tmp_path, """\
        ---
        title: T
        ---
        Prose.

        ```python
        x = 1
        y = x / 0
        ```
        """)
    with pytest.raises(ExecutionError) as info:
        execute(doc, config)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'posts/2024-01-01-run.md'}:8 (cell 1): the code "
                              "raised ZeroDivisionError: division by zero. Fix the code, or add "
                              "tags=[\"raises-exception\"] to the cell's fence if the error is "
                              "meant to be shown.\n")
    assert "\x1b[" not in message


@pytest.mark.kernel
def test_a_display_that_fails_names_its_exception(tmp_path: Path) -> None:
    # IPython's formatter raises while showing the value: the kernel's reply names no
    # exception ("NoneType: None"), the error output it printed does
    doc, config = doc_of(tmp_path, """\
        ---
        title: T
        ---
        ```python
        from IPython.display import Image
        Image("missing.png")
        ```
        """)
    with pytest.raises(ExecutionError) as info:
        execute(doc, config)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'posts/2024-01-01-run.md'}:4 (cell 1): the code "
                              "raised FileNotFoundError: No such file or directory: "
                              "'missing.png'. The post reads a file that is not there")
    assert "NoneType" not in message and "FileNotFoundError" in message.split("\n", 1)[1]


@pytest.mark.kernel
def test_a_cell_over_the_timeout_is_stopped(tmp_path: Path) -> None:
    doc, config = doc_of(tmp_path, """\
        ---
        title: T
        ---
        ```python
        import time
        time.sleep(30)
        ```
        """, "[tool.nbpress.execute]\ntimeout = 2\n")
    with pytest.raises(ExecutionError) as info:
        execute(doc, config)
    assert str(info.value).endswith(":4 (cell 1): the cell did not finish within 2 s and was "
                                    "stopped. Make it faster, or raise "
                                    "[tool.nbpress.execute] timeout.")


def test_hints_name_the_cause_of_common_failures() -> None:
    from nbpress.execute import _cause_hint

    assert _cause_hint("ModuleNotFoundError", "No module named 'sklearn.datasets'").startswith(
        "The module 'sklearn' is not installed where the site is built: install the package "
        "that provides it (`pip install scikit-learn`)")  # (sklearn on PyPI installs nothing)
    assert _cause_hint("ModuleNotFoundError", "No module named 'einops'").startswith(
        "The module 'einops' is not installed where the site is built: install the package "
        "that provides it (often `pip install einops`)")
    assert _cause_hint("FileNotFoundError", "[Errno 2] No such file: 'data.csv'").startswith(
        "The post reads a file that is not there")
    assert _cause_hint("URLError", "<urlopen error [Errno -2] Name or service not known>"
                       ).startswith("The post downloads something")
    assert _cause_hint("ValueError", "bad") == ""
