"""Shared fixtures: small sites written inline, and running the real command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from html.parser import HTMLParser
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


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site (its ``posts/`` folder made) as the working folder, so messages name
    files as ``posts/…``."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    monkeypatch.chdir(site)
    return site


def run_build(*args: str, cwd: Path | None = None, timeout: int = 300
              ) -> subprocess.CompletedProcess:
    """``python build.py ARGS`` as a user runs it; returns the finished process."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def build():
    return run_build


class Page(HTMLParser):
    """A built page parsed once: its tags with attributes, text, ids, links and images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.details_cells = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "div" and "cell" in attrs.get("class", "").split() and "details" in self.stack:
            self.details_cells += 1
        if tag not in ("img", "br", "meta", "link", "input", "hr", "source"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag
                and all(k in a and v in a[k].split() for k, v in attrs.items())]

    @property
    def plain(self) -> str:
        return "".join(self.text)

    @property
    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if "id" in a]

    @property
    def hrefs(self) -> list[str]:
        return [a["href"] for a in self.all("a") if "href" in a]

    @property
    def imgs(self) -> list[dict]:
        return self.all("img")


def parse(path: Path) -> Page:
    return Page(path.read_text())
