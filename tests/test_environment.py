"""The Python environment posts run in (nbpress/environment.py): which distribution provides
a module, at which version, and the stamp that says when that changed."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from nbpress.environment import Environment, load, stamp


def install(folder: Path, name: str, version: str, module: str) -> Path:
    """A distribution laid out as pip installs it: the module and its .dist-info."""
    (folder / module).mkdir(parents=True, exist_ok=True)
    (folder / module / "__init__.py").write_text(f"__version__ = {version!r}\n")
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "top_level.txt").write_text(module + "\n")
    (info / "RECORD").write_text(f"{module}/__init__.py,,\n{info.name}/METADATA,,\n")
    importlib.invalidate_caches()
    return info


@pytest.fixture
def site_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the only one on sys.path, as a fresh environment's site-packages
    (so that packages installed meanwhile elsewhere on this machine change nothing here)."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.setattr(sys, "path", [str(folder)])
    importlib.invalidate_caches()
    return folder


def test_the_installed_packages_and_their_versions(tmp_path: Path) -> None:
    env = load(tmp_path / "cache")
    for dist in ("pytest", "PyYAML", "numpy", "nbclient"):
        assert env.version(dist) == importlib.metadata.version(dist)
    assert env.version("no-such-distribution") is None
    # Top-level module names map to the distributions that provide them, in the order asked.
    assert env.packages(["yaml", "os", "numpy", "no_such_module"]) == {
        "PyYAML": importlib.metadata.version("PyYAML"),
        "numpy": importlib.metadata.version("numpy")}
    assert list(env.packages(["numpy", "yaml"])) == ["numpy", "PyYAML"]


def test_stamp_follows_distributions_not_folder_times(site_packages: Path,
                                                      tmp_path: Path) -> None:
    before = stamp()
    # A folder on sys.path, as the blog folder is under `python -m nbpress` (and bin/ under
    # the `nbpress` script): without distributions, it changes nothing.
    blog = tmp_path / "blog"
    blog.mkdir()
    sys.path.insert(0, str(blog))
    assert stamp() == before
    (blog / "_site").mkdir()  # what a build does to the blog folder
    (blog / "notes.txt").write_text("x\n")
    os.utime(blog, ns=(1, 1))
    (site_packages / "helpers").mkdir()  # nor does a plain package folder in site-packages
    assert stamp() == before
    info = install(site_packages, "nbpress-demo", "1.0", "nbpress_demo")  # pip installs one
    installed = stamp()
    assert installed != before
    assert stamp() == installed  # nothing changed: the same stamp
    upgraded = info.rename(site_packages / "nbpress_demo-1.1.dist-info")  # an upgrade
    assert stamp() not in (before, installed)
    for path in upgraded.iterdir():  # and an uninstall
        path.unlink()
    upgraded.rmdir()
    assert stamp() == before


def test_stamp_of_a_zip_archive_on_sys_path_follows_the_archive(site_packages: Path) -> None:
    archive = site_packages.parent / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("bundled/__init__.py", "")
    before = stamp()
    sys.path.append(str(archive))
    with_archive = stamp()
    assert with_archive != before
    os.utime(archive, ns=(0, archive.stat().st_mtime_ns + 10**9))  # replaced by a newer one
    assert stamp() not in (before, with_archive)


def test_load_keeps_the_map_until_the_stamp_changes(site_packages: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    install(site_packages, "nbpress-demo", "1.0", "nbpress_demo")
    env = load(cache)
    assert env == Environment(owners={"nbpress_demo": ["nbpress-demo"]},
                              versions={"nbpress-demo": "1.0"})
    assert env.packages(["nbpress_demo"]) == {"nbpress-demo": "1.0"}
    kept = json.loads((cache / "distributions.json").read_text())
    assert kept == {"key": stamp(), "owners": env.owners, "versions": env.versions}
    # Read back from the cache while the stamp holds: an edit to the kept copy shows.
    kept["versions"]["nbpress-demo"] = "1.0-from-the-cache"
    (cache / "distributions.json").write_text(json.dumps(kept))
    assert load(cache).version("nbpress-demo") == "1.0-from-the-cache"
    # An upgrade changes the stamp: the map is read again, and kept again.
    info = site_packages / "nbpress_demo-1.0.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nbpress-demo\nVersion: 2.0\n")
    info.rename(site_packages / "nbpress_demo-2.0.dist-info")
    importlib.invalidate_caches()
    assert load(cache).version("nbpress-demo") == "2.0"
    assert json.loads((cache / "distributions.json").read_text()) == {
        "key": stamp(), "owners": {"nbpress_demo": ["nbpress-demo"]},
        "versions": {"nbpress-demo": "2.0"}}


def test_a_damaged_or_unwritable_cache_is_only_slower(site_packages: Path, tmp_path: Path
                                                      ) -> None:
    install(site_packages, "nbpress-demo", "1.0", "nbpress_demo")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "distributions.json").write_text('{"key": "abc", "owners": {')  # cut short
    assert load(cache).version("nbpress-demo") == "1.0"
    assert json.loads((cache / "distributions.json").read_text())["key"] == stamp()
    (cache / "distributions.json").write_text('{"owners": {}, "versions": {}}')  # no key
    assert load(cache).version("nbpress-demo") == "1.0"
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert load(blocked / "cache").version("nbpress-demo") == "1.0"  # cannot be kept; still read
    assert not (blocked / "cache").exists()
    assert [p.name for p in cache.iterdir()] == ["distributions.json"]  # no temporary left


def test_a_cache_file_that_is_not_a_map_is_read_again(site_packages: Path, tmp_path: Path
                                                      ) -> None:
    install(site_packages, "nbpress-demo", "1.0", "nbpress_demo")
    (tmp_path / "distributions.json").write_text('["not", "a", "map"]')
    assert load(tmp_path).version("nbpress-demo") == "1.0"


def test_an_empty_environment_knows_nothing() -> None:
    env = Environment()
    assert env.packages(["numpy"]) == {} and env.version("numpy") is None
