"""Atomic writing of the site folder (nbpress/writer.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbpress.errors import NbpressError
from nbpress.model import OutputFile
from nbpress.writer import MARKER, write_site


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``folder``, relative to it."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def files_of(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(folder).items() if v is not None}


FIRST = [OutputFile("index.html", b"<h1>home</h1>"),
         OutputFile("2024/01/02/a.html", b"post a"),
         OutputFile("2024/01/02/a_files/a_1_0.png", b"\x89PNG a"),
         OutputFile("2024/03/04/b.html", b"post b"),
         OutputFile("assets/css/style.css", b"body{}")]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "_site"


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_writes_exactly_the_files(out: Path) -> None:
    write_site(FIRST, out)
    marker = (out / MARKER).read_bytes()
    assert files_of(out) == {**{f.path: f.data for f in FIRST}, MARKER: marker}
    assert leftovers(out) == []


def test_second_write_removes_files_of_deleted_posts(out: Path) -> None:
    write_site(FIRST, out)
    second = [OutputFile("index.html", b"<h1>new home</h1>"),
              OutputFile("2024/03/04/b.html", b"post b v2")]
    write_site(second, out)
    assert set(files_of(out)) == {"index.html", "2024/03/04/b.html", MARKER}
    assert (out / "index.html").read_bytes() == b"<h1>new home</h1>"
    assert not (out / "2024" / "01").exists()
    assert leftovers(out) == []


def test_output_folder_in_a_new_parent(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "_site"
    write_site([OutputFile("index.html", b"x")], out)
    assert (out / "index.html").read_bytes() == b"x"


def test_empty_existing_folder_is_used(out: Path) -> None:
    out.mkdir()
    write_site([OutputFile("index.html", b"x")], out)
    assert set(files_of(out)) == {"index.html", MARKER}


def test_refuses_to_replace_a_folder_it_did_not_make(out: Path) -> None:
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(NbpressError) as info:
        write_site([OutputFile("index.html", b"x")], out)
    assert str(info.value) == (f"refusing to replace '{out}': it exists and was not made by "
                               "nbpress. Choose an empty or new --out folder.")
    assert snapshot(out) == {"thesis.tex": b"years of work"}
    assert leftovers(out) == []


@pytest.mark.parametrize("bad", ["../escape.html", "a/../../escape.html", "/etc/passwd", ""])
def test_refuses_paths_outside_the_site(out: Path, bad: str) -> None:
    with pytest.raises(NbpressError) as info:
        write_site([OutputFile("index.html", b"x"), OutputFile(bad, b"evil")], out)
    assert str(info.value) == (f"refusing to write '{bad}' outside the site folder. "
                               "Check the permalink settings that produced it.")
    assert not out.exists()
    assert not (out.parent / "escape.html").exists()
    assert leftovers(out) == []


def test_refuses_duplicates(out: Path) -> None:
    write_site(FIRST, out)
    before = snapshot(out)
    with pytest.raises(NbpressError) as info:
        write_site([OutputFile("a.html", b"1"), OutputFile("b.html", b""),
                    OutputFile("a.html", b"2")], out)
    assert str(info.value) == ("two outputs would be written to 'a.html'. "
                               "Give one of the posts another permalink or slug.")
    assert snapshot(out) == before


@pytest.mark.parametrize("after", [0, 1, 3])
def test_failure_in_the_middle_leaves_previous_site(out: Path, after: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(FIRST, out)
    before = snapshot(out)
    real = Path.write_bytes
    calls = {"n": 0}

    def failing(self: Path, data: bytes) -> int:
        if calls["n"] >= after:
            raise OSError(28, "No space left on device")
        calls["n"] += 1
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    new = [OutputFile("index.html", b"NEW"), OutputFile("x/y.html", b"NEW"),
           OutputFile("x/z.html", b"NEW"), OutputFile("w.html", b"NEW"),
           OutputFile("v.html", b"NEW")]
    with pytest.raises(NbpressError, match="could not write the site: No space left on device"):
        write_site(new, out)
    monkeypatch.undo()
    assert snapshot(out) == before  # byte-identical, nothing added, nothing removed
    assert leftovers(out) == []     # and no staging folder left behind


def test_interrupt_in_the_middle_leaves_previous_site(out: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(FIRST, out)
    before = snapshot(out)
    real = Path.write_bytes

    def interrupted(self: Path, data: bytes) -> int:
        if self.name == "b.html":
            raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_site([OutputFile("a.html", b"new"), OutputFile("b.html", b"new")], out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_failure_on_first_build_leaves_nothing(out: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: Path, data: bytes) -> int:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(NbpressError, match="could not write the site: Permission denied"):
        write_site(FIRST, out)
    monkeypatch.undo()
    assert not out.exists()
    assert leftovers(out) == []


def test_stale_staging_folders_are_cleaned(out: Path) -> None:
    stale = out.parent / f".{out.name}.staging-99999"
    (stale / "half").mkdir(parents=True)
    (stale / "half" / "written.html").write_text("x")
    write_site(FIRST, out)
    assert leftovers(out) == []


def test_swap_without_renameat2(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(FIRST, out)
    # The swap falls back to two renames where renameat2 is missing (not Linux).
    import nbpress.fsutil as fsutil

    calls = []
    monkeypatch.setattr(fsutil, "exchange", lambda a, b: calls.append((a, b)) or False)
    write_site([OutputFile("index.html", b"v2")], out)
    assert len(calls) == 1  # the exchange was tried, and the fallback did the swap
    assert set(files_of(out)) == {"index.html", MARKER}
    assert not list(out.parent.glob(f".{out.name}.old-*"))
    assert (out / "index.html").read_bytes() == b"v2"
    assert leftovers(out) == []


def test_marker_says_generated(out: Path) -> None:
    write_site([], out)
    assert "generated by nbpress" in (out / MARKER).read_text()
    assert os.listdir(out) == [MARKER]


def test_update_writes_what_changed_keeps_the_rest_and_removes_what_is_gone(out: Path) -> None:
    from nbpress.writer import signature, update_site

    write_site(FIRST, out, "one")
    previous = {f.path: signature(f, out, {}) for f in FIRST}
    kept_inode = (out / "2024/01/02/a.html").stat().st_ino
    second = [OutputFile("index.html", b"<h1>home, again</h1>"),
              OutputFile("2024/01/02/a.html", source=out / "2024/01/02/a.html"),  # kept
              OutputFile("2024/01/02/a_files/a_1_0.png", b"\x89PNG a"),  # same bytes
              OutputFile("assets/css/style.css", b"body{}"),
              OutputFile("2024/05/06/c.html", b"post c")]  # b is gone, c is new
    signatures, written = update_site(second, out, "two", previous)
    assert sorted(written) == ["2024/03/04/b.html", "2024/05/06/c.html", "index.html"]
    assert files_of(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"<h1>home, again</h1>",
                             "2024/01/02/a.html": b"post a", "2024/01/02/a_files/a_1_0.png": b"\x89PNG a",
                             "2024/05/06/c.html": b"post c", "assets/css/style.css": b"body{}"}
    assert not (out / "2024/03").exists()  # the folders b leaves empty go too
    assert (out / "2024/01/02/a.html").stat().st_ino == kept_inode
    assert (out / MARKER).read_text().endswith("build two\n")
    assert signatures["2024/01/02/a.html"] == previous["2024/01/02/a.html"]
    assert leftovers(out) == []


def test_a_source_file_edited_in_place_leaves_no_temporary_file(out: Path, tmp_path: Path
                                                               ) -> None:
    # A post's image is linked into the site; edited in place (same inode), it is linked
    # again: the new link and the old one are one file, and renaming one onto the other
    # does nothing (POSIX), so the new name must be removed by hand.
    from nbpress.writer import signature, update_site

    image = tmp_path / "curve.png"
    image.write_bytes(b"\x89PNG grey 0")
    files = [OutputFile("index.html", b"home"), OutputFile("2024/01/02/curve.png", source=image)]
    write_site(files, out, "one")
    previous = {f.path: signature(f, out, {}) for f in files}
    image.write_bytes(b"\x89PNG grey 19, longer")
    _, written = update_site(files, out, "two", previous)
    assert written == ["2024/01/02/curve.png"]
    assert files_of(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"home",
                             "2024/01/02/curve.png": b"\x89PNG grey 19, longer"}


def test_update_that_fails_while_writing_leaves_the_site_as_it_was(out: Path, tmp_path: Path
                                                                   ) -> None:
    from nbpress.writer import signature, update_site

    write_site(FIRST, out, "one")
    before = snapshot(out)
    previous = {f.path: signature(f, out, {}) for f in FIRST}
    (tmp_path / "fig.png").write_bytes(b"png")
    lost = OutputFile("2024/01/02/a_files/fig.png", source=tmp_path / "fig.png")
    (tmp_path / "fig.png").unlink()  # vanishes between planning and writing
    with pytest.raises(NbpressError) as caught:
        update_site([OutputFile("index.html", b"new home"), lost], out, "two", previous)
    assert "the previous site was left as it was" in str(caught.value)
    assert snapshot(out) == before
