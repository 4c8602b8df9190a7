"""nbpress against Jekyll at scale: N rendered posts (no code runs), measured in the same run.

    python bench/scale.py [--posts 2000] [--no-jekyll] [--no-slope] [--slope-to 5000]
    python bench/bench.py --scale          (the same)

Each synthetic post has ~500 words, a heading, a link, a formula and a fenced
code block in a language that is shown, not run, so only rendering is
measured.  Times cold, no-op, one post's prose edited, a tag added to one
post and the base template edited, with the nbpress process's peak memory and
the size of its state; and, where the `jekyll` program is installed (Debian:
apt-get install jekyll), Jekyll's cold build and `--incremental` no-op and
prose edit on the same posts, with the ratios.  Then, on nbpress's N posts: the
time from saving a post to the reload event of `nbpress serve` (bench/scale_serve.py,
5 edits, median and max), and one post's prose edited once `search = false` (what the
search index costs per edit).  Last, unless --no-slope, the peak memory of a cold
build at 200, N and --slope-to (5,000) posts and its growth per 1,000 posts.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench import _PEAK, timed  # the same timing of one command and peak memory
from scale_serve import prose_edit, reload_latency

REPO = Path(__file__).resolve().parent.parent
WORDS = ("the model learns a representation of the data and we compare optimisers on held out "
         "examples while the loss decreases with more steps and larger batches").split()
POST = """\
---
layout: post
title: "Scaled post {i}"
tags: [t{tag}, scale]
---

{p1}

## Results

{p2} See [the docs](https://example.org/docs/) and $L = \\frac{{1}}{{n}}\\sum_i \\ell_i$.

```text
step {i}: loss 0.{i:04d}
```

{p3}
"""
CONFIG = '[tool.nbpress]\ntitle = "Scale"\n'


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_posts(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        rng = random.Random(i)
        path = folder / f"{2000 + i // 300}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}-post-{i}.md"
        path.write_text(POST.format(i=i, tag=i % 40, p1=words(rng, 160), p2=words(rng, 170),
                                    p3=words(rng, 160)))
        paths.append(path)
    return paths


def nbpress(root: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one build of ``root``."""
    seconds, out = timed([sys.executable, "-c", _PEAK, "build", "--root", str(root)])
    return seconds, int(out.rsplit("peak_kb", 1)[1].split()[0]) / 1024


def edits_target(posts: list[Path]) -> Path:
    """The post every edit changes."""
    return posts[len(posts) // 2]


ROUNDS = 3  # each edit is measured this many times, the median reported: this machine's
# speed drifts by a third within minutes


def edits(posts: list[Path]) -> dict[str, Callable[[int], None]]:
    """The edits each side makes, in order; each is made ``ROUNDS`` times (round ``k``: the
    heading gets word ``k``, the post one more tag ``new<k>``)."""
    target = edits_target(posts)
    return {
        "prose": lambda k: prose_edit(target, f"r{k}"),
        "tag": lambda k: target.write_text(re.sub(r"^(tags: \[.*)\]$", rf"\1, new{k}]",
                                                  target.read_text(), count=1, flags=re.M)),
    }


def rounds(edit: Callable[[int], None], build: Callable[[], float]) -> list[float]:
    """The seconds of ``build`` after each of ``ROUNDS`` rounds of ``edit``."""
    found = []
    for k in range(ROUNDS):
        edit(k)
        found.append(build())
    return found


def bench_nbpress(root: Path, n: int) -> tuple[dict[str, float], list[Path]]:
    posts = make_posts(root / "posts", n)
    (root / "pyproject.toml").write_text(CONFIG)
    found: dict[str, float] = {}
    found["cold"], peak = nbpress(root)
    found["cold_peak_mb"] = peak
    found["noop"], _ = nbpress(root)
    peaks = [peak]

    def build() -> float:
        seconds, more = nbpress(root)
        peaks.append(more)
        return seconds

    for name, edit in edits(posts).items():
        found[name] = rounds(edit, build)
    (root / "templates").mkdir()
    base = REPO / "nbpress" / "theme" / "templates" / "base.html"
    found["template"] = rounds(lambda k: (root / "templates" / "base.html").write_text(
        base.read_text().replace("</body>", f"<!-- edit {k} --></body>")), build)
    found["peak_mb"] = max(peaks)
    kept = [p for p in (root / ".nbpress-cache").rglob("*") if p.is_file()]
    found["state_mb"] = sum(p.stat().st_size for p in kept if not p.name.startswith("reads-")) / 1e6
    found["reads_mb"] = sum(p.stat().st_size for p in kept if p.name.startswith("reads-")) / 1e6
    return found, posts


def bench_serve_and_search(root: Path, target: Path) -> dict:
    """On a built site: save → reload of ``target`` under ``nbpress serve``, then its prose
    edited with ``search = false`` (after one build that drops the index from every page)."""
    found = {"reload": reload_latency(root, target)}
    (root / "pyproject.toml").write_text(CONFIG + "search = false\n")
    nbpress(root)
    prose_edit(target, "searchless")
    found["prose_nosearch"], _ = nbpress(root)
    return found


def memory_slope(work: Path, n: int, peak_n: float, top: int | None) -> list[tuple[int, float]]:
    """(posts, peak MB of a cold build) at 200, ``n`` and ``top`` posts (``n``'s measured)."""
    found = []
    for size in sorted({200, n} | ({top} if top else set())):
        if size == n:
            found.append((size, peak_n))
            continue
        root = work / f"memory-{size}"
        make_posts(root / "posts", size)
        (root / "pyproject.toml").write_text(CONFIG)
        found.append((size, nbpress(root)[1]))
        shutil.rmtree(root, ignore_errors=True)
    return found


def slope_line(peaks: list[tuple[int, float]]) -> str:
    """The peaks, the growth between consecutive sizes and whether it is at most linear."""
    label = f"peak memory ({' / '.join(f'{size:,}' for size, _ in peaks)})"
    slopes = [(b - a) / (m - n) * 1000 for (n, a), (m, b) in zip(peaks, peaks[1:])]
    line = (f"  {label:<36} {' / '.join(f'{mb:.0f}' for _, mb in peaks)} MB   "
            f"slope {' then '.join(f'{s:.1f}' for s in slopes)} MB per 1,000 posts")
    if len(slopes) >= 2:
        linear = slopes[-1] <= 1.25 * slopes[-2]
        line += (": at most linear" if linear else ": FASTER than linear") + \
            " (target: last slope <= 1.25x the one before)"
    return line


def machine() -> str:
    """CPU model, cores and memory, from /proc where there is one."""
    cpu, memory = platform.processor() or platform.machine(), ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                   if line.startswith("model name"))
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kb / 1024 ** 2:.0f} GB memory"
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}"


def bench_jekyll(work: Path, n: int) -> dict[str, float] | None:
    if shutil.which("jekyll") is None:
        return None
    root = work / "jekyll"
    posts = make_posts(root / "_posts", n)
    (root / "_config.yml").write_text("title: Scale\nmarkdown: kramdown\n")
    (root / "_layouts").mkdir()
    (root / "_layouts" / "post.html").write_text("<html><body>{{ content }}</body></html>\n")
    (root / "index.html").write_text("---\n---\n{% for p in site.posts limit:10 %}"
                                     "<a href='{{ p.url }}'>{{ p.title }}</a>{% endfor %}\n")
    found = {"cold": timed(["jekyll", "build", "-s", str(root), "-d", str(root / "_site")])[0]}
    incremental = ["jekyll", "build", "--incremental", "-s", str(root), "-d", str(root / "_site")]
    timed(incremental)  # writes .jekyll-metadata
    found["noop"] = timed(incremental)[0]
    for name, edit in edits(posts).items():
        found[name] = rounds(edit, lambda: timed(incremental)[0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--no-jekyll", action="store_true")
    parser.add_argument("--no-slope", action="store_true",
                        help="peak memory at 200 and --posts only (the largest run is slow)")
    parser.add_argument("--slope-to", type=int, default=5000, metavar="N",
                        help="the largest corpus of the memory slope (default: %(default)s)")
    args = parser.parse_args(sys.argv[2:] if sys.argv[1:2] == ["--scale"] else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="nbpress-scale-"))
    try:
        ours, posts = bench_nbpress(work / "nbpress", args.posts)
        ours.update(bench_serve_and_search(work / "nbpress", edits_target(posts)))
        theirs = None if args.no_jekyll else bench_jekyll(work, args.posts)
        peaks = memory_slope(work, args.posts, ours["cold_peak_mb"],
                             None if args.no_slope else args.slope_to)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"nbpress vs Jekyll, {args.posts} posts, {time.strftime('%Y-%m-%d')}, {machine()}, "
          f"Python {platform.python_version()}"
          + ("" if theirs else " (Jekyll not measured: --no-jekyll, or not installed)"))
    print_rows(ours, theirs)
    print(slope_line(peaks))


def _median(found: float | list[float]) -> float:
    return statistics.median(found) if isinstance(found, list) else found


def _spread(ours: float | list[float], theirs: float | list[float] | None) -> str:
    """The rounds of a measured edit, when it had several."""
    if not isinstance(ours, list):
        return ""
    text = f"\n  {'':<36} rounds: {', '.join(f'{t:.2f}' for t in ours)} s"
    if isinstance(theirs, list):
        text += f"; jekyll {', '.join(f'{t:.2f}' for t in theirs)} s"
    return text


def print_rows(ours: dict, theirs: dict | None) -> None:
    """The table: one line per scenario, with Jekyll's figure and the ratio where measured."""
    rows = [("cold build", "cold", "<= 0.5x Jekyll"), ("nothing changed", "noop", "< 0.2 s"),
            ("one post's prose edited", "prose", "< 0.5 s (<= 0.2x Jekyll)"),
            ("a tag added", "tag", "< 1 s"),
            ("base template edited", "template", "< 3 s"),
            ("one post's prose edited (search off)", "prose_nosearch",
             f"< 0.5 s; the index costs {_median(ours['prose']) - ours['prose_nosearch']:+.2f} s "
             "per edit")]
    for label, key, target in rows:
        line = f"  {label:<36} {_median(ours[key]):7.2f} s"
        if theirs and key in theirs:
            line += (f"   jekyll {_median(theirs[key]):6.2f} s   "
                     f"ratio {_median(ours[key]) / _median(theirs[key]):5.2f}")
        print(line + f"   target {target}" + _spread(ours[key], theirs and theirs.get(key)))
    reload = ours["reload"]
    print(f"  {'serve: save → reload':<36} {reload['median']:7.2f} s   median of "
          f"{', '.join(f'{t:.2f}' for t in reload['all'])}; max {reload['max']:.2f} s   "
          "target < 0.5 s")
    print(f"  {'serve: save → search index updated':<36} {reload['search']:7.2f} s   median, "
          "after the reload (a save meanwhile waits for it)")
    print(f"  {'peak memory':<36} {ours['peak_mb']:7.0f} MB  target < 150 MB")
    print(f"  {'state on disk':<36} {ours['state_mb']:7.1f} MB  target < 5 MB")
    print(f"  {'reads kept for the next build':<36} {ours['reads_mb']:7.1f} MB  (readcache.py: "
          "a build without them reads every post again)")


if __name__ == "__main__":
    main()
