"""Posts run in their own kernels, end to end: a bash notebook, a missing R kernel, python2."""

from __future__ import annotations

import json

import nbformat
import pytest

from conftest import Page

pytestmark = pytest.mark.kernel


def notebook(kernelspec: dict, *sources: str, language: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = kernelspec
    nb.metadata["language_info"] = {"name": language}
    nb.cells = [nbformat.v4.new_raw_cell("---\ntitle: Shell notes\ndate: 2024-02-03\n---"),
                nbformat.v4.new_markdown_cell("Counting files.")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.writes(nb)


def test_a_bash_notebook_runs_in_bash_and_says_so(make_site, build, extra_kernels) -> None:
    root = make_site({"posts/shell.ipynb": notebook(
        {"name": "bash", "display_name": "Bash", "language": "bash"},
        'for n in 1 2 3; do echo "line $n"; done', language="bash")})
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    page = Page.read(root / "_site/2024/02/03/shell.html")
    outputs = [e.text for e in page.all("pre") if "line 1" in e.text and "echo" not in e.text]
    assert outputs == ["line 1 line 2 line 3"]
    assert page.all("code", class_="language-bash")
    download = json.loads((root / "_site/2024/02/03/shell_files/shell.ipynb").read_text())
    assert download["metadata"]["kernelspec"]["name"] == "bash"


def test_a_notebook_whose_kernel_is_missing_fails_before_running(make_site, build) -> None:
    root = make_site({
        "posts/stats.ipynb": notebook({"name": "ir", "display_name": "R", "language": "R"},
                                      "summary(cars)", language="R"),
        "posts/2024-01-01-ok.md": "---\ntitle: Fine\n---\n```python\nopen('RAN', 'w')\n```\n"})
    result = build("--root", str(root))
    assert result.returncode == 1
    assert "stats.ipynb: the notebook's kernel 'ir' (R) is not installed here; installed " \
           "kernels: " in result.stderr
    assert "[tool.nbpress.execute.kernels]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "posts/RAN").exists()  # nothing ran


def test_a_python2_notebook_runs_in_python3_with_a_warning(make_site, build) -> None:
    root = make_site({"posts/old.ipynb": notebook(
        {"name": "python2", "display_name": "Python 2", "language": "python"},
        "print(sum(range(4)))", language="python")})
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "old.ipynb: warning: the notebook's kernel 'python2' is not installed; its " \
           "language is Python, so it runs in 'python3'." in result.stderr
    page = Page.read(root / "_site/2024/02/03/old.html")
    assert [e.text for e in page.all("pre") if e.text == "6"] == ["6"]
