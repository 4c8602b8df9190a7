"""What the last build saw (nbpress/state.py): records round-trip, up-to-date checks, keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat

from nbpress import state
from nbpress.errors import BuildWarning
from nbpress.model import (SITE_MARKER, Analysis, Execution, NotebookDoc, OutputFile,
                           PostSource, RenderedPost)

POST = PostSource(path=Path("posts/2024-01-01-x.md"), slug="x", title="X",
                  date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), url="/2024/01/01/x.html",
                  front_matter={"title": "X"}, body="", body_line=1)
ANALYSIS = Analysis(content="<p>c</p>", excerpt="<p>e</p>", words=1, image="", image_alt="",
                    excerpt_text="e", toc=({"id": "a", "text": "A", "children": []},))
EXECUTION = Execution(executed_at="2024-01-01T00:00:00+0000", seconds=1.5, python="3.11.7",
                      packages={"numpy": "2.0"}, main_packages=("numpy",), code_cells=2)


def page(files=("2024/01/01/x_files/x_1_0.png",)) -> RenderedPost:
    return RenderedPost(post=POST, html="<p>c</p>", excerpt="<p>e</p>",
                        files=tuple(OutputFile(f, b"data") for f in files),
                        local_links=(("fig.png", 4),), execution=EXECUTION, analysis=ANALYSIS)


def test_a_saved_state_loads_back_as_the_same_records(tmp_path: Path) -> None:
    record = state.RenderRecord.of("key", page(), [BuildWarning("careful", POST.path, 3)])
    saved = state.State(fingerprint="f", build_id="b", posts={"posts/2024-01-01-x.md": record},
                        dependency_files=("posts/data.csv",), executions="e")
    path = tmp_path / "state.sqlite"
    state.save(path, saved)
    assert state.load(path) == saved
    assert state.load(path, posts=False) == state.State(fingerprint="f", build_id="b",
                                                        dependency_files=("posts/data.csv",),
                                                        executions="e")
    assert state.post_names(path) == ("posts/2024-01-01-x.md",)
    assert record.warnings == (("careful", 3),)


def test_a_damaged_or_old_state_is_an_empty_one(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    for text in ("{not json", "[]", "SQLite format 3\x00" + "x" * 200):
        path.write_text(text)
        assert state.load(path) == state.State()
    assert state.load(tmp_path / "missing.sqlite") == state.State()
    saved = state.State(fingerprint="f", build_id="b")
    state.save(path, saved, state.State())  # over a damaged file: written anew
    assert state.load(path) == saved


def test_saving_writes_only_the_records_that_changed(tmp_path: Path) -> None:
    import contextlib
    import sqlite3

    path = tmp_path / "state.sqlite"
    first = state.RenderRecord.of("key", page(), [])
    second = state.RenderRecord.of("other", page(), [])
    before = state.State(posts={"a": first, "b": first}, fingerprint="1")
    state.save(path, before)
    with contextlib.closing(sqlite3.connect(path)) as db:  # a rewritten row gets a new rowid
        rowids = dict(db.execute("SELECT name, rowid FROM posts"))
    after = state.State(posts={"a": first, "c": second}, fingerprint="2")
    state.save(path, after, before)
    assert state.load(path) == after
    with contextlib.closing(sqlite3.connect(path)) as db:
        now = dict(db.execute("SELECT name, rowid FROM posts"))
    assert now["a"] == rowids["a"] and "b" not in now and "c" in now


def test_saving_writes_only_the_page_and_file_rows_that_changed(tmp_path: Path) -> None:
    """A build keeps most pages' records (the very objects it loaded): their rows are left
    alone; a changed, new or removed page's row is written or deleted, and a set of reads
    no page has any more goes."""
    import contextlib
    import sqlite3

    from nbpress.model import PageRecord

    path = tmp_path / "state.sqlite"
    kept, edited = PageRecord("d1", ("site.title",)), PageRecord("d2", ("post.title",))
    before = state.State(fingerprint="1", pages={"a.html": kept, "b.html": edited,
                                                 "c.html": PageRecord("d3", ("site.tags",))},
                         files={"a.html": "1:2", "b.html": "3:4", "c.html": "7:8"})
    state.save(path, before)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE pages SET digest = 'untouched' WHERE path = 'a.html'")
        db.commit()
    after = state.State(fingerprint="2", pages={
        "a.html": kept, "b.html": PageRecord("d2b", ("post.title", "site.title")),
        "d.html": PageRecord("d4", ("site.title",))}, files={"a.html": "1:2", "b.html": "5:6"})
    state.save(path, after, before)
    loaded = state.load(path)
    assert loaded.pages["a.html"].digest == "untouched"  # not written again
    assert {p: r for p, r in loaded.pages.items() if p != "a.html"} == {
        p: r for p, r in after.pages.items() if p != "a.html"}
    assert loaded.files == after.files
    with contextlib.closing(sqlite3.connect(path)) as db:
        sets = sorted(r for (r,) in db.execute("SELECT reads FROM readsets"))
    assert sets == ["post.title\nsite.title", "site.title"]


def test_the_state_of_many_posts_is_small(tmp_path: Path) -> None:
    html = "<p>" + "A paragraph of a long post about optimisers and losses. " * 60 + "</p>"
    big = RenderedPost(post=POST, html=html, excerpt=html[:300], files=(), execution=EXECUTION,
                       analysis=ANALYSIS.__class__(**{**ANALYSIS.__dict__, "content": html}))
    record = state.RenderRecord.of("key", big, [])
    path = tmp_path / "state.sqlite"
    state.save(path, state.State(posts={f"posts/{i}.md": record for i in range(2000)}))
    assert path.stat().st_size < 5_000_000


def test_reuse_needs_every_file_the_page_wrote(tmp_path: Path) -> None:
    record = state.RenderRecord.of("key", page(), [])
    assert not record.present(tmp_path)
    image = tmp_path / "2024/01/01/x_files/x_1_0.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"data")
    assert record.present(tmp_path)
    again = record.rendered(POST, tmp_path)
    assert again.files == (OutputFile("2024/01/01/x_files/x_1_0.png", source=image),)
    assert (again.html, again.execution, again.analysis) == ("<p>c</p>", EXECUTION, ANALYSIS)


def test_up_to_date_needs_same_inputs_cache_and_site(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    out.mkdir()
    (out / SITE_MARKER).write_text("built by nbpress, build abc123\n")
    executions = state.execution_fingerprint(tmp_path, [])
    current = state.State(fingerprint="f", build_id="abc123", executions=executions)
    assert current.up_to_date("f", tmp_path, out)
    assert not current.up_to_date("other", tmp_path, out)
    assert not state.State(fingerprint="f", build_id="zzz", executions=executions
                           ).up_to_date("f", tmp_path, out)
    (tmp_path / "_executed" / "a").mkdir(parents=True)
    (tmp_path / "_executed" / "a" / "record.json").write_text("{}")
    assert not current.up_to_date("f", tmp_path, out)
    assert not state.State().up_to_date("", tmp_path, tmp_path / "nowhere")


def test_render_key_follows_markdown_tags_url_outputs_and_site() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    doc = NotebookDoc(post=POST, notebook=nb, markdown="Hello", cells=())
    base = state.render_key(doc, "sha", "site")
    assert state.render_key(doc, "sha", "site") == base
    assert state.render_key(doc, "other", "site") != base
    assert state.render_key(doc, "sha", "other") != base
    edited = NotebookDoc(post=POST, notebook=nb, markdown="Hello!", cells=())
    assert state.render_key(edited, "sha", "site") != base



def test_render_key_follows_the_whole_notebook_read() -> None:
    """What the page and its files show of the notebook beyond its Markdown: a pasted image
    (a cell's attachment), cell ids and metadata (the download), the kernel chosen."""
    import base64

    def doc_with(**changes) -> NotebookDoc:
        cell = nbformat.v4.new_markdown_cell("![plot](attachment:plot.png)")
        cell.id = "cell-1"
        cell.attachments = {"plot.png": {"image/png": base64.b64encode(b"grey 10").decode()}}
        nb = nbformat.v4.new_notebook(cells=[cell])
        nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
        for path, value in changes.items():
            node = nb
            *parents, last = path.split(".")
            for key in parents:
                node = node[int(key)] if key.isdigit() else node[key]
            node[last] = value
        return NotebookDoc(post=POST, notebook=nb, markdown="![plot](attachment:plot.png)",
                           cells=())

    base = state.render_key(doc_with(), "sha", "site")
    assert state.render_key(doc_with(), "sha", "site") == base
    for change in [{"cells.0.attachments": {"plot.png": {"image/png": "Z3JleSAyMDA="}}},
                   {"cells.0.id": "cell-2"}, {"cells.0.metadata": {"tags": ["remove-cell"]}},
                   {"metadata.kernelspec": {"name": "ir", "display_name": "R"}}]:
        assert state.render_key(doc_with(**change), "sha", "site") != base, change


def test_render_key_follows_where_the_body_starts() -> None:
    """A comment line added to the front matter moves the body: the warnings a kept
    rendering repeats would name the old lines."""
    from dataclasses import replace

    nb = nbformat.v4.new_notebook()
    doc = NotebookDoc(post=POST, notebook=nb, markdown="Hello", cells=())
    moved = replace(doc, post=replace(POST, body_line=POST.body_line + 1))
    assert state.render_key(moved, "", "site") != state.render_key(doc, "", "site")
