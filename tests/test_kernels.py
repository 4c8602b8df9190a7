"""Which kernel runs a post (nbpress/kernels.py): the notebook's own, never silently another."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from nbpress import kernels
from nbpress.config import load_config
from nbpress.errors import ConfigError, PostError
from nbpress.model import Kernel, PostSource

INSTALLED = {"python3": Kernel("python3", "python", "Python 3"),
             "bash": Kernel("bash", "bash", "Bash"),
             "ir-4.3": Kernel("ir-4.3", "R", "R 4.3")}


def post(front_matter: dict | None = None) -> PostSource:
    return PostSource(path=Path("posts/2024-01-01-x.md"), slug="x", title="X",
                      date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), url="/x.html",
                      front_matter=front_matter or {}, body="", body_line=1,
                      key_lines={"jupyter": 3})


def config(tmp_path: Path, text: str = ""):
    (tmp_path / "posts").mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(text)
    return load_config(tmp_path)


def choose(tmp_path, wanted, text: str = ""):
    return kernels.choose(post(), wanted, config(tmp_path, text), lambda: INSTALLED)


def test_requested_from_front_matter_then_notebook_metadata() -> None:
    front = {"jupyter": {"kernelspec": {"name": "bash", "language": "bash",
                                        "display_name": "Bash"}}}
    assert kernels.requested(post(front), {}) == Kernel("bash", "bash", "Bash")
    meta = {"kernelspec": {"name": "ir", "display_name": "R"}, "language_info": {"name": "R"}}
    assert kernels.requested(post(), meta) == Kernel("ir", "R", "R")
    assert kernels.requested(post(), {"kernelspec": {"name": "conda-env-torch-py"}}
                             ).language == "python"
    assert kernels.requested(post(), {"kernelspec": {"name": "fastai"}}).language == ""
    assert kernels.requested(post(), {}) is None


def test_a_text_notebook_without_kernelspec_asks_for_its_chunks_language(tmp_path) -> None:
    # RStudio's default .Rmd: {r} chunks, no kernelspec; its R ran in python3 before
    rmd = tmp_path / "2024-01-01-r.Rmd"
    rmd.write_text('---\ntitle: "R Notebook"\noutput: html_notebook\n---\n\nText.\n\n'
                   "```{r}\nplot(cars)\n```\n")
    meta = jupytext.read(rmd).metadata
    assert meta["jupytext"]["main_language"] == "R"
    assert kernels.requested(post(), meta) == Kernel("ir", "R", "R")
    assert kernels.requested(post(), meta, has_code=False) is None  # nothing to run
    assert kernels.requested(post(), {"jupytext": {"main_language": "python"}}) is None
    with pytest.raises(PostError) as info:
        kernels.choose(post(), kernels.requested(post(), meta), config(tmp_path, ""),
                       lambda: INSTALLED)
    assert "the notebook's kernel 'ir' (R) is not installed here" in str(info.value)


def test_the_site_kernel_runs_posts_that_name_none(tmp_path: Path) -> None:
    assert choose(tmp_path, None) == (Kernel("python3", "python", "python3"), [])


def test_an_installed_kernel_runs(tmp_path: Path) -> None:
    assert choose(tmp_path, Kernel("bash", "bash", "Bash")) == (INSTALLED["bash"], [])


def test_a_missing_python_kernel_runs_in_the_default_with_one_warning(tmp_path: Path) -> None:
    chosen, warnings = choose(tmp_path, Kernel("jax-dev", "python", "JAX"))
    assert chosen == INSTALLED["python3"]
    assert [str(w) for w in warnings] == [
        "posts/2024-01-01-x.md:3: warning: the notebook's kernel 'jax-dev' is not installed; "
        "its language is Python, so it runs in 'python3'. Map it in "
        "[tool.nbpress.execute.kernels] (jax-dev = \"python3\") to silence this."]
    mapped, none = choose(tmp_path, Kernel("jax-dev", "python", "JAX"),
                          '[tool.nbpress.execute.kernels]\njax-dev = "python3"\n')
    assert mapped == INSTALLED["python3"] and none == []


def test_a_missing_kernel_of_another_language_fails_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PostError) as info:
        choose(tmp_path, Kernel("julia-1.10", "julia", "Julia 1.10"))
    assert str(info.value) == (
        "posts/2024-01-01-x.md:3: the notebook's kernel 'julia-1.10' (julia) is not installed "
        "here; installed kernels: bash (bash), ir-4.3 (R), python3 (python). Install a julia "
        "kernel (see `jupyter kernelspec list`), or map it to an installed kernel of the same "
        "language in [tool.nbpress.execute.kernels], e.g. julia-1.10 = \"<kernel name>\".")


def test_mapping_onto_another_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PostError) as info:
        choose(tmp_path, Kernel("ir", "R", "R"), '[tool.nbpress.execute.kernels]\nir = "python3"\n')
    assert "the notebook's kernel 'ir' runs R, but [tool.nbpress.execute.kernels] maps it to " \
           "'python3', which runs python. Map it to an installed R kernel" in str(info.value)
    chosen, _ = choose(tmp_path, Kernel("ir", "R", "R"), '[tool.nbpress.execute.kernels]\n'
                                                          'ir = "ir-4.3"\n')
    assert chosen == INSTALLED["ir-4.3"]


def test_a_missing_site_kernel_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        choose(tmp_path, Kernel("bash", "bash", "Bash"),
               '[tool.nbpress.execute]\nkernel = "py311"\n')
    assert "the kernel 'py311' set in [tool.nbpress.execute] is not installed" in str(info.value)


def test_installed_kernels_lists_kernelspecs(extra_kernels: Path) -> None:
    found = kernels.installed_kernels()
    assert found["bash"] == Kernel("bash", "bash", "Bash")
    assert found["py-second"].is_python and found["python3"].is_python


def test_kernels_are_looked_for_where_jupyter_looks(tmp_path: Path, monkeypatch) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.delenv("IPYTHONDIR", raising=False)
    monkeypatch.delenv("IPYTHON_DIR", raising=False)
    assert kernels.spec_manager().kernel_dirs == KernelSpecManager().kernel_dirs
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    (tmp_path / "ipython").mkdir()
    dirs = kernels.spec_manager().kernel_dirs
    assert dirs == KernelSpecManager().kernel_dirs
    assert dirs[0] == str(tmp_path / "jupyter" / "kernels")
    assert dirs[-1] == str(tmp_path / "ipython" / "kernels")


def test_ipythons_folder_is_found_as_ipython_finds_it(tmp_path: Path, monkeypatch) -> None:
    import os
    import warnings

    from IPython.paths import get_ipython_dir

    for name in ("IPYTHONDIR", "IPYTHON_DIR", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)

    def same(home: Path) -> str:
        monkeypatch.setenv("HOME", str(home))
        ours = kernels._ipython_dir()  # (IPython makes the folder it names: ours first)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert ours == get_ipython_dir()
        return ours

    (tmp_path / "real").mkdir()
    assert same(tmp_path / "real") == str(tmp_path / "real" / ".ipython")
    (tmp_path / "link").symlink_to(tmp_path / "real")  # a home reached through a link
    assert same(tmp_path / "link") == str(tmp_path / "real" / ".ipython")
    (tmp_path / "old" / ".config" / "ipython").mkdir(parents=True)  # IPython 1's only
    assert same(tmp_path / "old") == str(tmp_path / "old" / ".config" / "ipython")
    monkeypatch.setenv("IPYTHON_DIR", str(tmp_path / "older"))
    assert same(tmp_path / "real") == str(tmp_path / "older")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "set"))
    assert same(tmp_path / "real") == str(tmp_path / "set")
    assert os.path.isdir(tmp_path / "set")


@pytest.mark.kernel
def test_a_build_running_code_does_not_import_ipython_itself(tmp_path: Path) -> None:
    """Only the kernel needs IPython; finding the kernel's spec imported it (≈0.27 s)."""
    import subprocess
    import sys

    (tmp_path / "posts").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "T"\nsearch = false\n')
    (tmp_path / "posts" / "2024-01-01-run.md").write_text(
        "---\ntitle: Run\n---\n\n```python\nprint(6 * 7)\n```\n")
    script = ("import sys; from nbpress.cli import main; code = main(['build']); "
              "print('IPython imported:', 'IPython' in sys.modules); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "IPython imported: False" in done.stdout
    assert "42" in (tmp_path / "_site/2024/01/01/run.html").read_text()


def test_assign_writes_the_kernel_into_the_notebook() -> None:
    from nbpress.model import NotebookDoc

    doc = NotebookDoc(post(), nbformat.v4.new_notebook(), "", ())
    done = kernels.assign(doc, INSTALLED["bash"])
    assert done.kernel == INSTALLED["bash"]
    assert json.loads(nbformat.writes(done.notebook))["metadata"]["kernelspec"] == {
        "name": "bash", "language": "bash", "display_name": "Bash"}


def test_assign_leaves_the_notebook_read_as_the_post_asked() -> None:
    """The read notebook may be kept for the next build (readcache.py): choosing a kernel
    must not write the choice into it, or the next build would take the fallback as what
    the post asked for, even after the kernel it asked for is installed."""
    from nbpress.model import NotebookDoc

    read = nbformat.v4.new_notebook()
    read.metadata["kernelspec"] = {"name": "conda-env-ml-py", "language": "python"}
    doc = NotebookDoc(post(), read, "", ())
    done = kernels.assign(doc, INSTALLED["python3"])
    assert done.notebook.metadata["kernelspec"]["name"] == "python3"
    assert read.metadata["kernelspec"] == {"name": "conda-env-ml-py", "language": "python"}
    assert "language_info" not in read.metadata
    assert done.notebook.cells is read.cells  # the cells are shared, not copied


def test_assign_gives_plain_dictionaries_attribute_access() -> None:
    """Only the notebook's top level is copied; a reader's plain dictionary there still
    becomes a node (``nb.metadata.jupytext``), and the result writes as valid JSON."""
    from nbpress.model import NotebookDoc

    read = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    dict.__setitem__(read, "metadata", {"jupytext": {"formats": "md"}})
    dict.__setitem__(read, "cells", [dict(read.cells[0])])
    done = kernels.assign(NotebookDoc(post(), read, "", ()), INSTALLED["python3"])
    assert done.notebook.metadata.jupytext.formats == "md"
    assert done.notebook.cells[0].source == "# Hi"
    assert json.loads(nbformat.writes(done.notebook))["metadata"]["kernelspec"]["name"] == \
        "python3"
