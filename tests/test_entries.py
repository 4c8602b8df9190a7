"""The cache's entries on disk (nbpress/entries.py), read as untrusted input."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from conftest import png_bytes
from nbpress import entries
from nbpress.errors import CacheDamaged


def stored(root: Path, stem: str = "a") -> Path:
    """One real entry with one PNG; returns its folder."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(png_bytes()).decode()})])])
    entries.store(root, stem, nb, key="k", seconds=1.0, python="3.11", files={}, packages={})
    return entries.entry_dir(root, stem)


def tamper(folder: Path, edit) -> None:
    """Change the entry's notebook and keep its record's hash matching, as an attacker would."""
    raw = edit((folder / "notebook.ipynb").read_text())
    (folder / "notebook.ipynb").write_text(raw)
    record = json.loads((folder / "record.json").read_text())
    record["notebook_sha256"] = hashlib.sha256(raw.encode()).hexdigest()
    (folder / "record.json").write_text(json.dumps(record))


@pytest.mark.parametrize("target", ["/proc/self/environ", "../../../secret.txt",
                                    "..\\/..\\/secret.txt"])
def test_a_blob_reference_that_is_a_path_is_damage_never_read(tmp_path: Path, target) -> None:
    (tmp_path / "secret.txt").write_text("TOKEN=hunter2")
    folder = stored(tmp_path)
    tamper(folder, lambda raw: __import__("re").sub(r"nbpress-blob:[0-9a-f]+\.png",
                                                    "nbpress-blob:" + target, raw))
    record, problem = entries.load_record(tmp_path, "a")
    assert record is None and problem.startswith("cache entry damaged (image reference '")
    with pytest.raises(CacheDamaged):
        entries.load_notebook(tmp_path, "a")


def test_a_truncated_blob_is_damage(tmp_path: Path) -> None:
    stored(tmp_path)
    (blob,) = entries.blobs_dir(tmp_path).iterdir()
    blob.write_bytes(blob.read_bytes()[:100])
    record, problem = entries.load_record(tmp_path, "a")
    assert record is None
    assert problem == f"cache entry damaged (image {blob.name} does not match its hash)"


@pytest.mark.parametrize("field, value", [("files", []), ("packages", []), ("files", {"x": 5}),
                                          ("seconds", "x"), ("main_packages", 5),
                                          ("surprise", 1)])
def test_wrong_types_in_a_record_are_damage_not_a_traceback(tmp_path: Path, field, value) -> None:
    folder = stored(tmp_path)
    record = json.loads((folder / "record.json").read_text())
    record[field] = value
    (folder / "record.json").write_text(json.dumps(record))
    found, problem = entries.load_record(tmp_path, "a")
    assert found is None and problem.startswith("cache entry damaged (record.json: ")


def test_safe_file_refuses_devices_absolute_paths_and_parents(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/data.csv").write_text("1")
    (tmp_path / "posts/device").symlink_to("/dev/zero")
    (tmp_path / "posts/dataset").symlink_to(tmp_path / "posts/data.csv")  # like data_links
    assert entries.safe_file(tmp_path, "posts/data.csv") == tmp_path / "posts/data.csv"
    assert entries.safe_file(tmp_path, "posts/dataset") == tmp_path / "posts/dataset"
    for name in ("/dev/zero", "../x", "posts/device", "posts", "posts/missing", ""):
        assert entries.safe_file(tmp_path, name) is None, name


def test_unused_entries_and_blobs(tmp_path: Path) -> None:
    stored(tmp_path, "kept")
    old = stored(tmp_path, "gone")
    tamper(old, lambda raw: raw.replace("plot()", "other()"))
    (entries.blobs_dir(tmp_path) / ("0" * 64 + ".png")).write_bytes(b"orphan")
    dirs, blobs = entries.unused(tmp_path, {"kept"})
    assert dirs == [old]
    assert [b.name for b in blobs] == ["0" * 64 + ".png"]  # the kept entry still uses its PNG
    entries.remove(dirs + blobs)
    assert entries.unused(tmp_path, {"kept"}) == ([], [])
    assert entries.load_record(tmp_path, "kept")[0] is not None
