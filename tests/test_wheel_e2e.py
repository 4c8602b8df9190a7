"""nbpress as a user installs it: a wheel built with ``python -m build``, installed with its
dependencies from the package index into a fresh virtual environment that has no torch, jax
or matplotlib; then ``nbpress new``, a build of the new blog, and this repository's sample
blog rendered from its committed cache with ``--execute never``.

Slow (a wheel build and a few dozen downloads or cache hits): marker ``install``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Page

pytestmark = [pytest.mark.install, pytest.mark.kernel]

HEAVY = ("torch", "jax", "matplotlib")  # what the sample's posts import, never nbpress


def run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 600
        ) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment holding the wheel; its bin/ and an environment for it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # only what the package is made of: no build output in REPO
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "nbpress", source / "nbpress",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH")}
    # From `work`, not REPO: there `python -m build` would find this repository's build.py.
    built = run([sys.executable, "-m", "build", "--outdir", work / "dist", source], work, env)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheels = sorted((work / "dist").glob("nbpress-*.whl"))
    assert len(wheels) == 1 and len(list((work / "dist").glob("nbpress-*.tar.gz"))) == 1
    made = run([sys.executable, "-m", "venv", work / "venv"], work, env)
    assert made.returncode == 0, made.stderr
    bin_dir = work / "venv" / "bin"
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(work / "venv"))
    installed = run([bin_dir / "python", "-m", "pip", "install", wheels[0]], work, env,
                    timeout=900)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    heavy = run([bin_dir / "python", "-c", "import importlib.util as u; "
                 f"print([m for m in {HEAVY!r} if u.find_spec(m)])"], work, env)
    assert heavy.stdout == "[]\n"
    return bin_dir, env


def test_new_blog_builds_with_the_installed_wheel(venv, tmp_path: Path) -> None:
    bin_dir, env = venv
    assert run([bin_dir / "nbpress", "--help"], tmp_path, env).stdout.startswith(
        "usage: nbpress [build] [build options]\n")
    made = run([bin_dir / "nbpress", "new", "blog"], tmp_path, env)
    assert made.returncode == 0, made.stderr
    blog = tmp_path / "blog"
    built = run([bin_dir / "nbpress", "build"], blog, env)
    assert built.returncode == 0, built.stderr
    post = next(blog.glob("posts/*-welcome.md")).stem
    year, month, day = post.split("-")[:3]
    page = Page.read(blog / "_site" / year / month / day / "welcome.html")
    assert "5 days, 23.2 mm in all, wettest: Wed" in page.plain  # the cell's real output
    assert "['Wed', 'Thu', 'Mon']" in page.plain
    assert page.all("link", rel="stylesheet")  # the theme came with the wheel
    for link in page.all("link", rel="stylesheet"):
        assert (blog / "_site" / link["href"].lstrip("/")).is_file(), link
    home = Page.read(blog / "_site" / "index.html")
    assert f"/{year}/{month}/{day}/welcome.html" in home.hrefs
    assert (blog / "_executed" / post / "notebook.ipynb").is_file()
    again = run([bin_dir / "python", "-m", "nbpress"], blog, env)  # from the blog folder
    assert again.returncode == 0 and " is up to date (" in again.stderr, again.stderr


def test_sample_blog_renders_from_its_committed_cache(venv, tmp_path: Path) -> None:
    bin_dir, env = venv
    sample = tmp_path / "sample"
    sample.mkdir()
    for name in ("pyproject.toml", "references.bib"):
        shutil.copy2(REPO / name, sample / name)
    for name in ("posts", "_executed", "assets"):
        shutil.copytree(REPO / name, sample / name, ignore=shutil.ignore_patterns("data"))
    built = run([bin_dir / "nbpress", "build", "--execute", "never"], sample, env)
    assert built.returncode == 0, built.stderr
    page = Page.read(sample / "_site/2024/04/02/jit-grad-vmap.html")
    assert page.all("img", src="/assets/images/jax-transforms.svg")
    assert (sample / "_site/assets/images/jax-transforms.svg").is_file()
    assert "executing" not in built.stderr
