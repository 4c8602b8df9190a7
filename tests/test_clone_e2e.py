"""A fresh clone of this repository reuses its committed cache: nothing would run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.kernel  # (starts no kernel when the cache holds; one if it does not)


def test_a_clone_explains_every_post_as_cached(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    shared = REPO.parent / "shared"
    if shared.is_dir():  # where the README's data_links find the dataset, as beside a checkout
        (tmp_path / "shared").symlink_to(shared)
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    result = subprocess.run([sys.executable, "build.py", "--explain"], cwd=clone,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("posts/")
             and ": warning:" not in line]
    posts = sorted(p.name for p in (clone / "posts").glob("*.md"))
    assert len(lines) == len(posts) >= 2
    assert all(": cached, up to date" in line and "would execute" not in line for line in lines), lines
