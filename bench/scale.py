"""nbpress against Jekyll at scale: N rendered posts (no code runs), measured in the same run.

    python bench/scale.py [--posts 2000] [--no-jekyll]
    python bench/bench.py --scale          (the same)

Each synthetic post has ~500 words, a heading, a link, a formula and a fenced
code block in a language that is shown, not run, so only rendering is
measured.  Times cold, no-op, one post's prose edited, a tag added to one
post and the base template edited, with the nbpress process's peak memory and
the size of its state; and, where the `jekyll` program is installed (Debian:
apt-get install jekyll), Jekyll's cold build and `--incremental` no-op and
prose edit on the same posts, with the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import timed  # the same timing of one command, failing loudly

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
_PEAK = ("import resource, sys; from nbpress.cli import main; code = main(sys.argv[1:]); "
         "print('peak_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
         "sys.exit(code)")


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


def edits(posts: list[Path]) -> dict:
    """The edits each side makes, in order."""
    target = posts[len(posts) // 2]
    return {
        "prose": lambda: target.write_text(target.read_text().replace("## Results",
                                                                      "## Results, revised")),
        "tag": lambda: target.write_text(target.read_text().replace("scale]", "scale, new]")),
    }


def bench_nbpress(work: Path, n: int) -> dict[str, float]:
    root = work / "nbpress"
    posts = make_posts(root / "posts", n)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Scale"\n')
    found: dict[str, float] = {}
    found["cold"], peak = nbpress(root)
    found["noop"], _ = nbpress(root)
    for name, edit in edits(posts).items():
        edit()
        found[name], more = nbpress(root)
        peak = max(peak, more)
    (root / "templates").mkdir()
    base = REPO / "nbpress" / "theme" / "templates" / "base.html"
    (root / "templates" / "base.html").write_text(base.read_text().replace("</body>",
                                                                           "<!-- x --></body>"))
    found["template"], more = nbpress(root)
    found["peak_mb"] = max(peak, more)
    found["state_mb"] = sum(p.stat().st_size for p in (root / ".nbpress-cache").rglob("*")
                            if p.is_file()) / 1e6
    return found


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
        edit()
        found[name] = timed(incremental)[0]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--no-jekyll", action="store_true")
    args = parser.parse_args(sys.argv[2:] if sys.argv[1:2] == ["--scale"] else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="nbpress-scale-"))
    try:
        ours = bench_nbpress(work, args.posts)
        theirs = None if args.no_jekyll else bench_jekyll(work, args.posts)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"nbpress vs Jekyll, {args.posts} posts, {time.strftime('%Y-%m-%d')}, "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
          + ("" if theirs else " (Jekyll not measured: --no-jekyll, or not installed)"))
    rows = [("cold build", "cold", "<= 0.5x Jekyll"), ("nothing changed", "noop", "< 0.2 s"),
            ("one post's prose edited", "prose", "< 0.5 s"), ("a tag added", "tag", "< 1 s"),
            ("base template edited", "template", "< 3 s")]
    for label, key, target in rows:
        line = f"  {label:<26} {ours[key]:7.2f} s"
        if theirs and key in theirs:
            line += f"   jekyll {theirs[key]:6.2f} s   ratio {ours[key] / theirs[key]:5.2f}"
        print(line + f"   target {target}")
    print(f"  {'peak memory':<26} {ours['peak_mb']:7.0f} MB  target < 150 MB")
    print(f"  {'state on disk':<26} {ours['state_mb']:7.1f} MB  target < 5 MB")


if __name__ == "__main__":
    main()
