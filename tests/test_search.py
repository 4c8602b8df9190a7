"""The search index (nbpress/search.py): Pagefind run on a real folder of pages."""

from __future__ import annotations

import io
import json
from pathlib import Path

from nbpress.search import BUNDLE, index_site

PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>"
        "<nav>Archive</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p>"
        "<div data-pagefind-ignore>Executed with Python 3.11</div></article></body></html>")


def test_index_holds_the_posts(tmp_path: Path) -> None:
    for name, text in {"a": "Adam converges", "b": "Tokenisers merge pairs"}.items():
        (tmp_path / f"{name}.html").write_text(PAGE.format(title=name.upper(), text=text))
    (tmp_path / "index.html").write_text("<html lang=\"en\"><body>Home: Adam</body></html>")
    index_site(tmp_path)
    entry = json.loads((tmp_path / BUNDLE / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2  # the home page has no post body
    assert (tmp_path / BUNDLE / "pagefind-ui.js").is_file()


def test_a_folder_without_pages_gets_no_index(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<feed/>")
    index_site(tmp_path)
    assert not (tmp_path / BUNDLE).exists()


def test_search_false_builds_no_index_and_no_box(tmp_path: Path, fake_executor) -> None:
    from nbpress.config import load_config
    from nbpress.pipeline import build

    (tmp_path / "pyproject.toml").write_text("[tool.nbpress]\nsearch = false\n")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nText.\n")
    build(load_config(tmp_path), executor=fake_executor, log=io.StringIO())
    assert not (tmp_path / "_site" / BUNDLE).exists()
    assert "pagefind" not in (tmp_path / "_site" / "index.html").read_text()
