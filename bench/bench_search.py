"""Benchmark the search index: Pagefind over N synthetic post pages.

    python bench/bench_search.py [--posts 200]

Writes N post pages as the theme lays them out (``data-pagefind-body`` around ~600
words of prose from a small vocabulary, plus one unique word each) and times
``nbpress.search.index_site`` on them, as a build does on its staging folder; then
again after one page's prose changed (one shard indexed again), after every page's
footer changed (a base template edit: none), and with nothing changed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nbpress.search import index_site  # noqa: E402

WORDS = ("gradient descent converges when the learning rate is small enough and the loss "
         "surface is smooth so we measure batch size momentum weight decay attention token "
         "embedding layer norm dropout transformer kernel figure table equation").split()


def write_posts(folder: Path, count: int) -> None:
    rng = random.Random(0)
    for n in range(count):
        paragraphs = "".join(f"<p>{' '.join(rng.choices(WORDS, k=100))}.</p>" for _ in range(6))
        page = folder / f"2024/01/{n:04d}/post.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<!DOCTYPE html><html lang=\"en\"><head><title>Post {n}</title></head>"
                        f"<body><nav>Archive Tags</nav><article data-pagefind-body><h1>Post {n}"
                        f"</h1>{paragraphs}<p>unique{n}word</p></article></body></html>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        write_posts(site, args.posts)
        begin = time.perf_counter()
        shards = len(index_site(site))
        seconds = time.perf_counter() - begin
        size = sum(f.stat().st_size for f in (site / "_pagefind").rglob("*") if f.is_file())
        pages = sorted(site.glob("2024/01/*/post.html"))
        edits = {"one page's prose edited": lambda: _rewrite(pages[len(pages) // 2], "<p>unique",
                                                              "<p>edited unique"),
                 "every page's footer edited": lambda: [_rewrite(p, "</body>", "<footer>New"
                                                                 "</footer></body>")
                                                        for p in pages],
                 "nothing changed": lambda: None}
        again = {}
        for name, edit in edits.items():
            edit()
            begin = time.perf_counter()
            indexed = len(index_site(site))
            again[name] = (time.perf_counter() - begin, indexed)
    print(f"search index of {args.posts} posts: {seconds:.2f} s, {shards} shard(s), "
          f"{size / 1e6:.1f} MB (_pagefind/, UI included)")
    for name, (seconds, indexed) in again.items():
        print(f"  then {name}: {seconds:.2f} s, {indexed} shard(s) indexed again")
    return 0


def _rewrite(page: Path, old: str, new: str) -> None:
    """As the writer does: a new file renamed in (a new inode)."""
    text = page.read_text().replace(old, new)
    page.unlink()
    page.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
