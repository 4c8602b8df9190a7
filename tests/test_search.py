"""The search index (nbpress/search.py): Pagefind run on real folders of pages, in shards
that are indexed again only when one of their pages changed."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from nbpress.search import (BUNDLE, PAGES, SHARD_MAX, SHARD_MIN, SHARDS, UI_FILES, Page,
                            index_site, shards)
from nbpress.searchpage import read_page

PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>"
        "<nav>Archive</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p>"
        "<div data-pagefind-ignore>Executed with Python 3.11</div></article></body></html>")


def bundles(site: Path) -> list[str]:
    return json.loads((site / BUNDLE / SHARDS).read_text())["bundles"]


def page_count(site: Path) -> int:
    """The pages the index holds, over all its shards (Pagefind's own count)."""
    total = 0
    for name in bundles(site):
        entry = json.loads((site / BUNDLE / name / "pagefind-entry.json").read_text())
        total += sum(language["page_count"] for language in entry["languages"].values())
    return total


def write_posts(site: Path, count: int, start: int = 0) -> None:
    """Posts under date-shaped paths, as a blog's permalinks make them."""
    for n in range(start, start + count):
        page = site / f"{2015 + n // 120}/{n % 12 + 1:02}/{n % 28 + 1:02}/post-{n}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(title=f"Post {n}", text=f"Gradient step {n} of many."))


def inodes(site: Path) -> dict[str, int]:
    return {name: (site / BUNDLE / name / "pagefind-entry.json").stat().st_ino
            for name in bundles(site)}


def test_index_holds_the_posts(tmp_path: Path) -> None:
    for name, text in {"a": "Adam converges", "b": "Tokenisers merge pairs"}.items():
        (tmp_path / f"{name}.html").write_text(PAGE.format(title=name.upper(), text=text))
    (tmp_path / "index.html").write_text("<html lang=\"en\"><body>Home: Adam</body></html>")
    assert len(index_site(tmp_path)) == 1  # a small site is one shard
    assert page_count(tmp_path) == 2  # the home page has no post body
    for name in UI_FILES:  # the UI once, at the top; each shard holds only its index
        assert (tmp_path / BUNDLE / name).is_file()
        assert not (tmp_path / BUNDLE / bundles(tmp_path)[0] / name).exists()
    assert (tmp_path / BUNDLE / bundles(tmp_path)[0] / "pagefind.js").is_file()


def test_a_site_whose_pages_mark_no_body_has_all_of_them_indexed(tmp_path: Path) -> None:
    """Pagefind's own rule: only when some page marks a body are the others left out."""
    for name in ("a", "b", "index"):
        (tmp_path / f"{name}.html").write_text(
            f"<html lang=\"en\"><body><p>Page {name} on transformers.</p></body></html>")
    index_site(tmp_path)
    assert page_count(tmp_path) == 3


def test_a_folder_without_pages_gets_no_index(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<feed/>")
    index_site(tmp_path)
    assert not (tmp_path / BUNDLE).exists()


def test_shards_are_cut_by_content_so_an_insertion_changes_one_shard() -> None:
    def pages(numbers) -> list[Page]:
        return sorted((Page(f"{2010 + n // 200}/post-{n:05}.html", "s", True, "d")
                       for n in numbers),
                      key=lambda p: p.path)

    before = shards(pages(range(0, 3000, 2)))
    after = shards(pages([*range(0, 3000, 2), 1001]))
    assert len(before) > 5 and all(len(s.pages) <= SHARD_MAX for s in before)
    assert all(len(s.pages) >= SHARD_MIN for s in before[:-1])
    changed = [s for s in after if s not in before]
    assert len(changed) == 1 and "2015/post-01001.html" in [p.path for p in changed[0].pages]
    assert sum(len(s.pages) for s in after) == 1501
    assert shards([]) == []


def test_an_edited_page_reindexes_only_its_shard(tmp_path: Path) -> None:
    write_posts(tmp_path, 400)
    first = index_site(tmp_path)
    assert len(first) >= 2 and page_count(tmp_path) == 400
    before = inodes(tmp_path)
    assert index_site(tmp_path) == []  # nothing changed: nothing indexed, nothing touched
    assert inodes(tmp_path) == before
    edited = tmp_path / "2016/03/11/post-122.html"
    edited.unlink()  # as the writer does: a new file renamed in
    edited.write_text(PAGE.format(title="Post 122", text="Now about momentum."))
    again = index_site(tmp_path)
    assert len(again) == 1
    record = json.loads((tmp_path / BUNDLE / PAGES).read_text())
    assert "2016/03/11/post-122.html" in [path for path, _ in record["shards"][again[0]]]
    after = inodes(tmp_path)
    assert [name for name in after if after[name] != before[name]] == again
    assert page_count(tmp_path) == 400


def test_new_and_removed_pages_change_the_shards_they_are_in(tmp_path: Path) -> None:
    write_posts(tmp_path, 300)
    index_site(tmp_path)
    kept = set(bundles(tmp_path))
    write_posts(tmp_path, 1, start=300)
    (tmp_path / "2015/02/02/post-1.html").unlink()
    indexed = index_site(tmp_path)
    assert 1 <= len(indexed) <= 2 and page_count(tmp_path) == 300
    folders = {p.name for p in (tmp_path / BUNDLE).iterdir() if p.is_dir()}
    assert folders == set(bundles(tmp_path))  # shards no longer listed are gone
    assert len(kept & folders) >= len(folders) - 2


ARTICLE = ('<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title>{head}</head><body>'
           '<header>{header}</header><article class="post" data-pagefind-body>'
           '<h1>Adam, annotated</h1><p>Adam converges with momentum.</p>'
           '<nav data-pagefind-ignore>Next: SGD</nav></article><footer>{footer}</footer>'
           '</body></html>')
PLAIN = dict(lang="en", title="Adam", head="", header="", footer="")


def index_files(bundle: Path) -> str:
    """A Pagefind bundle's index files (not its code), by content."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        if path.suffix not in (".js", ".css") and not path.name.startswith("wasm."):
            digest.update(path.relative_to(bundle).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def pagefind_index(tmp_path: Path, html: str) -> str:
    """What the search index holds of one page, as nbpress builds it."""
    import shutil

    site = tmp_path / "one"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir()
    (site / "a.html").write_text(html)
    index_site(site)
    return index_files(site / BUNDLE / bundles(site)[0])


def pagefind_itself(tmp_path: Path, html: str) -> str:
    """What Pagefind makes of the whole page, run on it directly."""
    import shutil

    from nbpress.search import _run_pagefind

    site = tmp_path / "whole"
    for folder in (site, tmp_path / "whole-index"):
        shutil.rmtree(folder, ignore_errors=True)
    site.mkdir()
    (site / "a.html").write_text(html)
    _run_pagefind(site, tmp_path / "whole-index", "")
    return index_files(tmp_path / "whole-index")


@pytest.mark.parametrize("change, same", [
    ({"footer": "Built with nbpress"}, True),  # a base template edit around the post
    ({"title": "Adam | Notes"}, True),
    ({"head": '<meta property="og:image" content="/a.png"><link rel="stylesheet" '
              'href="/x.css">'}, True),
    ({"header": '<img src="/logo.png" alt="Notes">'}, True),
    ({"header": "<h1>Notes</h1>"}, False),  # Pagefind's title: the page's first h1
    ({"header": '<span data-pagefind-filter="tag">optimisers</span>'}, False),
    ({"footer": '<span data-pagefind-meta="author">Ann</span>'}, False),
    ({"lang": "fr"}, False),
])
def test_what_the_digest_leaves_out_pagefind_does_not_read(tmp_path: Path, change: dict,
                                                           same: bool) -> None:
    """Checked against Pagefind itself: a change the digest does not see leaves the index
    as it was, so a shard is never left stale by it; the others change the digest."""
    before, after = ARTICLE.format(**PLAIN), ARTICLE.format(**{**PLAIN, **change})
    assert (read_page(before.encode()) == read_page(after.encode())) is same
    if same:
        assert pagefind_index(tmp_path, before) == pagefind_index(tmp_path, after)
    else:
        assert pagefind_index(tmp_path, before) != pagefind_index(tmp_path, after)


@pytest.mark.parametrize("change", [
    {}, {"footer": "Built with nbpress"}, {"header": "<h1>Notes</h1>"},
    {"header": '<span data-pagefind-filter="tag">optimisers</span>'}, {"lang": "fr"},
    {"head": '<meta name="description" content="x">'},
])
def test_pages_are_indexed_from_what_pagefind_reads_with_the_same_result(
        tmp_path: Path, change: dict) -> None:
    """Each page is given to Pagefind as only what it reads of it (a quarter faster): the
    index is byte for byte the one Pagefind makes of the whole page."""
    html = ARTICLE.format(**{**PLAIN, **change})
    assert pagefind_index(tmp_path, html) == pagefind_itself(tmp_path, html)


@pytest.mark.parametrize("body", [
    '<div data-pagefind-body><p>Warm-up.</p><!-- </div> --><p>Cosine decay words.</p></div>',
    '<div data-pagefind-body><script>var end = "</div>";</script><p>Tail words.</p></div>',
    '<DIV DATA-PAGEFIND-BODY><p>Upper-case markup.</p></DIV>',
    '<div title="a > b" data-pagefind-body><p>Quoted angle.</p></div>',
    '<!-- <div data-pagefind-body> --><main data-pagefind-body><p>Real body.</p></main>',
    '<div data-pagefind-body><p>Never closed comment.</p><!-- </div>',
    '<article data-pagefind-body><article><p>Nested.</p></article><p>After.</p></article>',
])
def test_unusual_markup_is_indexed_as_pagefind_indexes_it(tmp_path: Path, body: str) -> None:
    """Comments and scripts in the body, upper-case markup, quoted angle brackets: the
    body is found as Pagefind finds it, or the page counts whole, never cut short."""
    html = f'<html lang="en"><body><nav>Archive</nav>{body}<footer>Notes</footer></body></html>'
    assert pagefind_index(tmp_path, html) == pagefind_itself(tmp_path, html)
    changed = html.replace("</footer>", " (2026)</footer>")
    edited = html.replace("</p>", " again</p>", 1)  # a word in the body
    assert read_page(html.encode()) != read_page(edited.encode())
    if "<!-- </div>" not in body:  # a comment never closed: the whole page counts
        assert read_page(html.encode()) == read_page(changed.encode())


def test_a_title_after_the_body_is_kept_where_it_was(tmp_path: Path) -> None:
    html = ('<html lang="en"><body><main data-pagefind-body><p>Momentum helps.</p></main>'
            '<h1>Late title</h1></body></html>')
    assert pagefind_index(tmp_path, html) == pagefind_itself(tmp_path, html)
    no_body = "<html lang=\"en\"><body><h1>Plain</h1><p>Everything counts.</p></body></html>"
    assert pagefind_index(tmp_path, no_body) == pagefind_itself(tmp_path, no_body)


def test_a_base_template_edit_reindexes_nothing(tmp_path: Path) -> None:
    write_posts(tmp_path, 60)
    index_site(tmp_path)
    before = inodes(tmp_path)
    for page in tmp_path.rglob("post-*.html"):
        text = page.read_text()
        page.unlink()
        page.write_text(text.replace("</body>", "<footer>New footer</footer></body>"))
    assert index_site(tmp_path) == [] and inodes(tmp_path) == before
    recorded = json.loads((tmp_path / BUNDLE / PAGES).read_text())["files"]
    st = (tmp_path / "2015/01/01/post-0.html").stat()  # the new file's, not read next time
    assert recorded["2015/01/01/post-0.html"][0] == f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def test_a_lost_or_foreign_record_means_a_whole_index(tmp_path: Path) -> None:
    write_posts(tmp_path, 40)
    index_site(tmp_path)
    (tmp_path / BUNDLE / PAGES).write_text("{not json")
    assert len(index_site(tmp_path)) == len(bundles(tmp_path))
    shard = tmp_path / BUNDLE / bundles(tmp_path)[0]
    for entry in shard.iterdir():
        entry.unlink() if entry.is_file() else None
    os.rename(shard, shard.with_name("gone"))  # a shard folder lost: indexed again
    assert index_site(tmp_path) == [shard.name]
    assert not (tmp_path / BUNDLE / "gone").exists()


def test_a_pagefind_failure_names_what_is_left(tmp_path: Path, monkeypatch) -> None:
    from nbpress import search
    from nbpress.errors import NbpressError

    write_posts(tmp_path, 3)
    monkeypatch.setattr(search, "_pagefind", lambda: ["false"])
    with pytest.raises(NbpressError) as caught:
        index_site(tmp_path)
    assert str(caught.value).startswith("Pagefind could not build the search index (exit code "
                                        "1); the previous site was left as it was.")
    assert not list((tmp_path / BUNDLE).glob(".work-*"))  # its work folder went


def test_a_work_folder_a_killed_build_left_is_swept(tmp_path: Path) -> None:
    write_posts(tmp_path, 3)
    index_site(tmp_path)
    (tmp_path / BUNDLE / ".work-x1" / "site").mkdir(parents=True)
    (tmp_path / "2015/01/01/post-0.html").unlink()  # an edit, so that a shard is indexed
    index_site(tmp_path)
    assert not (tmp_path / BUNDLE / ".work-x1").exists()


def test_search_false_builds_no_index_and_no_box(tmp_path: Path, fake_executor) -> None:
    from nbpress.config import load_config
    from nbpress.pipeline import build

    (tmp_path / "pyproject.toml").write_text("[tool.nbpress]\nsearch = false\n")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nText.\n")
    build(load_config(tmp_path), executor=fake_executor, log=io.StringIO())
    assert not (tmp_path / "_site" / BUNDLE).exists()
    assert "pagefind" not in (tmp_path / "_site" / "index.html").read_text()


def test_changed_pages_read_in_forked_copies_are_read_as_here(tmp_path: Path,
                                                              monkeypatch) -> None:
    """A template edit changes every page: the changed ones are read in forked copies
    (``workers``), and what is recorded of each page is what reading it here gives; pages
    whose signature is known are not read at all."""
    from nbpress.forkmap import MIN_ITEMS
    from nbpress.search import site_pages

    site = tmp_path / "site"
    for n in range(MIN_ITEMS * 2):
        page = site / f"2024/01/{n:03d}/index.html"
        page.parent.mkdir(parents=True)
        body = f"<main data-pagefind-body><h1>Notes {n}</h1><p>On attention, part {n}.</p></main>"
        page.write_text(f"<html><body><nav>Home</nav>{body if n % 9 else ''}</body></html>")
    import nbpress.forkmap
    import nbpress.search

    shared = []  # (pages read, processes, processes that read them)

    def recorded(work, items, workers):
        results = nbpress.forkmap.forked_map(lambda item: (work(item), os.getpid()), items,
                                             workers)
        shared.append((len(items), workers, len({pid for _, pid in results})))
        return [result for result, _ in results]

    monkeypatch.setattr(nbpress.search, "forked_map", recorded)
    found = {}
    for workers in (1, 3):
        seen: dict = {}
        found[workers] = site_pages(site, {}, seen, workers), seen
    assert shared == [(MIN_ITEMS * 2, 1, 1), (MIN_ITEMS * 2, 3, 3)]
    assert found[3] == found[1]
    pages, seen = found[1]
    assert len(seen) == MIN_ITEMS * 2 and all(p.body for p in pages)
    assert len(pages) == len([n for n in range(MIN_ITEMS * 2) if n % 9])
    # Known signatures are trusted: a page recorded with another digest keeps it.
    known = {path: (signature, body, "recorded") for path, (signature, body, _) in seen.items()}
    again: dict = {}
    assert {p.digest for p in site_pages(site, known, again, 3)} == {"recorded"}
