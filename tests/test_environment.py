"""The installed distributions (nbpress/environment.py): the stamp that says packages changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbpress import environment


def test_stamp_follows_distributions_not_folder_times(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = environment.stamp()
    # A folder on sys.path, as the blog folder is under `python -m nbpress` (and bin/ under
    # the `nbpress` script): without distributions, it changes nothing.
    monkeypatch.syspath_prepend(str(tmp_path))
    assert environment.stamp() == before
    (tmp_path / "_site").mkdir()  # what a build does to the blog folder
    (tmp_path / "notes.txt").write_text("x\n")
    os.utime(tmp_path, ns=(1, 1))
    assert environment.stamp() == before
    (tmp_path / "rich-13.7.1.dist-info").mkdir()  # pip installs a distribution here
    installed = environment.stamp()
    assert installed != before
    (tmp_path / "rich-13.7.1.dist-info").rename(tmp_path / "rich-14.0.0.dist-info")  # upgrade
    assert environment.stamp() not in (before, installed)
