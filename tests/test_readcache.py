"""The reads a one-shot build keeps for the next (nbpress/readcache.py): a post whose files,
settings, packages and nbpress are unchanged is not parsed again, and the site is the
one a fresh build makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nbpress.config import load_config
from nbpress.pipeline import build

POST = """\
---
title: "Warm-up schedules, part {n}"
tags: [optimisation]
---

Part {n}: linear warm-up for {steps} steps, then cosine decay.

```python
steps = {steps}
print(steps * 2)
```

$$\\eta_t = \\eta_0 \\cdot t / {steps}$$
"""


def write_post(root: Path, n: int, steps: int = 100) -> None:
    (root / "posts" / f"2024-03-{n:02d}-warmup-{n}.md").write_text(POST.format(n=n, steps=steps))


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Schedules"\nsearch = false\n')
    for n in range(1, 7):
        write_post(root, n)
    return root


@pytest.fixture
def reads_counted(monkeypatch) -> dict[str, list[str]]:
    """The real readers, with each file they parse noted."""
    import nbpress.discover
    import nbpress.readers

    seen: dict[str, list[str]] = {"post": [], "notebook": []}
    read_post, read_notebook = nbpress.discover.read_post, nbpress.readers.read_post_notebook

    def counted_post(path, *args, **kwargs):
        seen["post"].append(path.name)
        return read_post(path, *args, **kwargs)

    def counted_notebook(post, *args, **kwargs):
        seen["notebook"].append(post.path.name)
        return read_notebook(post, *args, **kwargs)

    monkeypatch.setattr(nbpress.discover, "read_post", counted_post)
    monkeypatch.setattr(nbpress.readers, "read_post_notebook", counted_notebook)
    return seen


def site(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".nbpress-site"}


def test_an_edit_parses_only_the_edited_post(blog: Path, tmp_path: Path, reads_counted,
                                             fake_executor) -> None:
    build(load_config(blog), executor=fake_executor)
    assert len(reads_counted["post"]) == 6 and len(reads_counted["notebook"]) == 6
    reads_counted["post"].clear(), reads_counted["notebook"].clear()
    write_post(blog, 3, steps=250)
    build(load_config(blog), executor=fake_executor)
    assert reads_counted == {"post": ["2024-03-03-warmup-3.md"],
                             "notebook": ["2024-03-03-warmup-3.md"]}
    fresh = load_config(blog, out=tmp_path / "fresh")
    (blog / ".nbpress-cache" / "fresh").mkdir()  # no reads for that folder yet
    build(fresh, executor=fake_executor)
    assert site(blog / "_site") == site(tmp_path / "fresh")
    assert "250" in (blog / "_site/2024/03/03/warmup-3.html").read_text()


def test_new_settings_or_a_new_file_beside_a_post_read_it_again(blog: Path, reads_counted,
                                                                fake_executor) -> None:
    build(load_config(blog), executor=fake_executor)
    reads_counted["post"].clear()
    (blog / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Schedules"\nsearch = false\n'
                                         'permalink = "/:year/:title/"\n')
    build(load_config(blog), executor=fake_executor)
    assert len(reads_counted["post"]) == 6  # URLs come from the settings: all read again
    assert (blog / "_site/2024/warmup-2/index.html").is_file()
    reads_counted["post"].clear()
    (blog / "posts/2024-03-04-warmup-4.ipynb").write_text("{}")  # paired with the .md
    try:
        build(load_config(blog), executor=fake_executor)
    except Exception:  # noqa: BLE001 - what it says of the pair is not this test's business
        pass
    assert reads_counted["post"] == ["2024-03-04-warmup-4.md"]


def test_options_that_decide_what_runs_read_no_post_again(blog: Path, reads_counted,
                                                          fake_executor) -> None:
    """--jobs, --refresh, --execute and --keep-going change what runs, not what a post reads
    as: a build with them reads only the edited post (and the site is the same)."""
    from dataclasses import replace

    build(load_config(blog), executor=fake_executor)
    reads_counted["post"].clear(), reads_counted["notebook"].clear()
    write_post(blog, 2, steps=120)
    build(replace(load_config(blog), jobs=3, keep_going=True, refresh=("2024-03-04-warmup-4",)),
          executor=fake_executor)
    assert reads_counted == {"post": ["2024-03-02-warmup-2.md"],
                             "notebook": ["2024-03-02-warmup-2.md"]}
    assert "warm-up for 120 steps" in (blog / "_site/2024/03/02/warmup-2.html").read_text()


def test_a_damaged_reads_database_is_read_around(blog: Path, reads_counted,
                                                 fake_executor) -> None:
    build(load_config(blog), executor=fake_executor)
    [database] = (blog / ".nbpress-cache").glob("reads-*.sqlite")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE reads SET value = X'00FF' WHERE path LIKE '%warmup-2.md'")
    reads_counted["post"].clear()
    write_post(blog, 5, steps=300)
    build(load_config(blog), executor=fake_executor)
    assert sorted(reads_counted["post"]) == ["2024-03-02-warmup-2.md", "2024-03-05-warmup-5.md"]
    database.write_bytes(b"not a database")
    write_post(blog, 5, steps=400)
    build(load_config(blog), executor=fake_executor)
    assert "400" in (blog / "_site/2024/03/05/warmup-5.html").read_text()


def test_a_deleted_post_leaves_no_row(blog: Path, fake_executor) -> None:
    build(load_config(blog), executor=fake_executor)
    (blog / "posts/2024-03-06-warmup-6.md").unlink()
    build(load_config(blog), executor=fake_executor)
    [database] = (blog / ".nbpress-cache").glob("reads-*.sqlite")
    with sqlite3.connect(database) as db:
        names = sorted(Path(p).name for (p,) in db.execute("SELECT path FROM reads"))
    assert names == [f"2024-03-0{n}-warmup-{n}.md" for n in range(1, 6)]


def test_kept_render_keys_follow_the_site_files_posts_show(blog: Path, tmp_path: Path,
                                                    fake_executor) -> None:
    """A post's render key is kept with the run and site settings it was made for: a site
    file its text shows (``{{ site.data.series.name }}``, from ``_data/``) renders it
    again when it changes, though the post's file and the settings did not."""
    (blog / "_data").mkdir()
    (blog / "_data/series.yml").write_text("name: Warm-up schedules\n")
    (blog / "posts/2024-03-07-series.md").write_text(
        "---\ntitle: About the series\n---\n\nAll parts of *{{ site.data.series.name }}*.\n")
    build(load_config(blog), executor=fake_executor)
    (blog / "_data/series.yml").write_text("name: Learning-rate warm-up\n")
    build(load_config(blog), executor=fake_executor)
    page = (blog / "_site/2024/03/07/series.html").read_text()
    assert "All parts of <em>Learning-rate warm-up</em>." in page
    build(load_config(blog, out=tmp_path / "fresh"), executor=fake_executor)
    assert site(blog / "_site") == site(tmp_path / "fresh")


def test_a_reads_database_others_may_write_is_not_read(blog: Path, reads_counted,
                                                       fake_executor) -> None:
    """Its rows are pickles: a file anyone else could have written is read around."""
    build(load_config(blog), executor=fake_executor)
    [database] = (blog / ".nbpress-cache").glob("reads-*.sqlite")
    database.chmod(0o666)
    reads_counted["post"].clear()
    write_post(blog, 5, steps=300)
    build(load_config(blog), executor=fake_executor)
    assert len(reads_counted["post"]) == 6  # every post read again, none unpickled
    database.chmod(0o644)
    reads_counted["post"].clear()
    write_post(blog, 5, steps=400)
    build(load_config(blog), executor=fake_executor)
    assert reads_counted["post"] == ["2024-03-05-warmup-5.md"]


def test_a_kept_notebook_comes_back_as_the_nodes_it_was(tmp_path: Path) -> None:
    """Notebooks are kept as plain dictionaries and made nodes again without converting
    each key (``readcache._Pickler``): what comes back equals what was kept, with the same
    attribute access, a nested node included."""
    import nbformat

    from nbpress.readcache import Reads

    post = tmp_path / "posts" / "2024-01-01-a.md"
    post.parent.mkdir()
    post.write_text("text")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={
        "tags": ["hide-input"], "nbpress": {"fold": {"label": "Show"}}})])
    nb.metadata.jupytext = {"formats": "md:myst"}
    state_file = tmp_path / ".nbpress-cache" / "state-x.sqlite"
    first = Reads(state_file, "settings")
    assert first.get("doc", post, lambda: nb) is nb
    first.save()
    made = []
    kept = Reads(state_file, "settings").get("doc", post, lambda: made.append(1))
    assert made == [] and kept == nb and kept is not nb
    assert type(kept) is type(nb) and kept.cells[0].metadata.nbpress.fold.label == "Show"
    assert kept.metadata.jupytext.formats == "md:myst"
    assert nbformat.writes(kept) == nbformat.writes(nb)


def test_saving_the_reads_lets_their_values_go(tmp_path: Path) -> None:
    """The build saves its reads when its posts are rendered, before the site stage, so that
    2,000 notebooks need not live through it (≈30 MB): the reads hold none of them after."""
    import gc
    import weakref

    from nbpress.readcache import Reads

    post = tmp_path / "posts" / "2024-01-01-a.md"
    post.parent.mkdir()
    post.write_text("text")
    state_file = tmp_path / ".nbpress-cache" / "state-x.sqlite"
    reads = Reads(state_file, "settings")
    doc = reads.get("doc", post, lambda: Doc("read"))
    gone = weakref.ref(doc)
    reads.save()
    del doc
    gc.collect()
    assert gone() is None
    assert Reads(state_file, "settings").get("doc", post, lambda: Doc("again")).text == "read"



class Doc:
    """A kept value a weak reference can follow (importable: the reads are pickled)."""

    def __init__(self, text: str) -> None:
        self.text = text


def test_a_kept_render_key_is_made_again_for_another_kernel(tmp_path: Path) -> None:
    """The kernel is chosen each build (kernels may be installed since): a key kept for the
    notebook given one kernel is not the key of the same file given another."""
    from dataclasses import replace

    import nbformat

    from nbpress.model import Kernel, NotebookDoc
    from nbpress.readcache import Reads, kept_render_key
    from nbpress.discover import read_post
    from nbpress.state import render_key
    from zoneinfo import ZoneInfo

    path = tmp_path / "posts/2024-03-01-a.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: A\n---\n\nText.\n")
    post = read_post(path, load_config(tmp_path), ZoneInfo("UTC"))
    first = NotebookDoc(post=post, notebook=nbformat.v4.new_notebook(), markdown="Text.",
                        cells=(), kernel=Kernel("python3", "python", "Python 3"))
    other = replace(first, notebook=nbformat.v4.new_notebook(metadata={"kernelspec": {
        "name": "py311", "display_name": "Python 3.11", "language": "python"}}),
                    kernel=Kernel("py311", "python", "Python 3.11"))
    reads = Reads(tmp_path / ".nbpress-cache/state-x.sqlite", "settings")
    assert kept_render_key(reads, first, "", "site") == render_key(first, "", "site")
    assert kept_render_key(reads, other, "", "site") == render_key(other, "", "site") \
        != render_key(first, "", "site")


PROSE = """\
---
title: "Reading notes {n}"
tags: [notes]
---

What I read about schedulers this week, part {n}.
"""


@pytest.fixture
def notebooks_unpacked(monkeypatch) -> list[str]:
    """The kept notebooks a build unpacks (``KeptDoc``), by post file name."""
    from nbpress import readcache

    seen: list[str] = []
    real = readcache.KeptDoc.__getattr__

    def counted(self, name):
        if name in ("notebook", "markdown") and "_load" in self.__dict__:
            seen.append(self.post.path.name)
        return real(self, name)

    monkeypatch.setattr(readcache.KeptDoc, "__getattr__", counted)
    return seen


def test_an_edit_unpacks_no_kept_notebook_but_those_of_posts_with_code(
        blog: Path, tmp_path: Path, notebooks_unpacked, fake_executor) -> None:
    """A kept post's notebook and Markdown are unpacked only when used: a post without code
    that is not rendered again never needs them; one with code does (its code key)."""
    for n in range(10, 13):
        (blog / "posts" / f"2024-04-{n}-notes-{n}.md").write_text(PROSE.format(n=n))
    build(load_config(blog), executor=fake_executor)
    (blog / "posts/2024-04-11-notes-11.md").write_text(PROSE.format(n="eleven"))
    notebooks_unpacked.clear()
    build(load_config(blog), executor=fake_executor)
    assert sorted(set(notebooks_unpacked)) == [f"2024-03-0{n}-warmup-{n}.md" for n in range(1, 7)]
    assert "part eleven" in (blog / "_site/2024/04/11/notes-11.html").read_text()
    build(load_config(blog, out=tmp_path / "fresh"), executor=fake_executor)
    assert site(blog / "_site") == site(tmp_path / "fresh")


def test_a_kept_doc_is_the_doc_read_once_unpacked_or_sent_to_a_worker(blog: Path) -> None:
    """A ``KeptDoc`` (the kernel chosen after it was kept, applied when its notebook is first
    used) equals the doc read and given that kernel, unpacked here or pickled for a render
    worker; a damaged kept notebook is read again from the file."""
    import pickle
    import sqlite3
    from zoneinfo import ZoneInfo

    from nbpress import kernels
    from nbpress.discover import read_post
    from nbpress.model import Kernel, NotebookDoc
    from nbpress.readcache import KeptDoc, Reads, kept_doc
    from nbpress.readers import read_post_notebook

    config = load_config(blog)
    post = read_post(blog / "posts/2024-03-02-warmup-2.md", config, ZoneInfo("UTC"))
    state_file = blog / ".nbpress-cache/state-x.sqlite"
    kernel = Kernel("py311", "python", "Python 3.11")
    read = lambda: read_post_notebook(post)  # noqa: E731
    first = Reads(state_file, "settings")
    fresh, _ = kept_doc(first, post, read)
    first.save()
    expected = kernels.assign(fresh, kernel)
    for check in (lambda doc: doc, lambda doc: pickle.loads(pickle.dumps(doc))):
        kept, _ = kept_doc(Reads(state_file, "settings"), post, lambda: pytest.fail("read"))
        assert type(kept) is KeptDoc and "notebook" not in kept.__dict__
        given = kernels.assign(kept, kernel)
        assert "notebook" not in given.__dict__ and given.kernel == kernel
        found = check(given)
        assert (found.notebook, found.markdown, found.post, found.cells) == (
            expected.notebook, expected.markdown, expected.post, expected.cells)
        assert found.notebook.metadata.kernelspec.name == "py311"
    assert type(pickle.loads(pickle.dumps(given))) is NotebookDoc
    [database] = (blog / ".nbpress-cache").glob("reads-*.sqlite")
    with sqlite3.connect(database) as db:  # the notebook's value damaged, the row kept
        [(row,)] = db.execute("SELECT value FROM reads")
        values = pickle.loads(row)
        values["notebook"] = b"p" + b"\x00damaged"
        db.execute("UPDATE reads SET value = ?", (pickle.dumps(values),))
    again = []
    kept, _ = kept_doc(Reads(state_file, "settings"), post,
                       lambda: again.append(1) or read())
    assert again == [] and kept.notebook == fresh.notebook and again == [1]


def test_serve_unpacks_its_first_builds_kept_notebooks_for_the_builds_after(
        blog: Path, tmp_path: Path, reads_counted, fake_executor) -> None:
    """``serve``'s first build reads through the kept reads, then keeps what it read in its
    memo; the reads are let go after that build, so its kept notebooks are unpacked then: a
    later edit that renders every post again (an include changed) reads no post file."""
    from nbpress.memo import Memo

    (blog / "_includes").mkdir()
    (blog / "_includes/sign.html").write_text("Mara")
    for n in range(10, 13):
        (blog / "posts" / f"2024-04-{n}-notes-{n}.md").write_text(
            PROSE.format(n=n) + "\n{% include sign.html %}\n")
    build(load_config(blog), executor=fake_executor)  # the reads a serve starts from
    memo = Memo()
    build(load_config(blog), executor=fake_executor, memo=memo, search_later=True)
    (blog / "_includes/sign.html").write_text("Mara Ilic")
    reads_counted["post"].clear(), reads_counted["notebook"].clear()
    build(load_config(blog), executor=fake_executor, memo=memo, search_later=True)
    assert reads_counted == {"post": [], "notebook": []}
    assert "Mara Ilic" in (blog / "_site/2024/04/12/notes-12.html").read_text()
