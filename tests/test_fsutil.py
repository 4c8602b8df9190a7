"""Atomic folder replacement and private cache files (nbpress/fsutil.py)."""

from __future__ import annotations

from pathlib import Path

from nbpress.fsutil import private, replace_dir


def test_a_cache_file_is_private_when_only_its_owner_may_write_it(tmp_path: Path) -> None:
    path = tmp_path / "reads.sqlite"
    path.write_text("")
    for mode, expected in [(0o600, True), (0o644, True), (0o664, False), (0o646, False)]:
        path.chmod(mode)
        assert private(path) is expected, oct(mode)
        assert private(path.stat()) is expected  # or the stat of a file opened


def test_replace_dir_puts_the_new_folder_in_place_of_the_old(tmp_path: Path) -> None:
    old, new = tmp_path / "site", tmp_path / "site.new"
    old.mkdir()
    (old / "a").write_text("old")
    new.mkdir()
    (new / "b").write_text("new")
    replace_dir(new, old)
    assert [p.name for p in old.iterdir()] == ["b"] and not new.exists()
