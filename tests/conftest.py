"""Shared fixtures: small sites written inline, and running the real command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_site(tmp_path):
    """``make_site({"posts/2024-01-01-a.md": text, ...})`` → the site root (texts dedented)."""

    def make(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        root = root or tmp_path / "site"
        (root / "posts").mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return root

    return make


def run_build(*args: str, cwd: Path | None = None, timeout: int = 300
              ) -> subprocess.CompletedProcess:
    """``python build.py ARGS`` as a user runs it; returns the finished process."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def build():
    return run_build
