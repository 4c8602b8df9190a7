"""Benchmark nbpress against a plain jupytext + nbconvert loop, measured in the same run.

    python bench/bench.py [--posts 20] [--many 200] [--skip-baseline]
    python bench/bench.py --dask [--posts 20]     # Dask local:2 against the local executor
    python bench/bench.py --dark-figures [--posts 2] [--figures 4]  # bench/bench_darkfig.py

Generates a synthetic site (each post: ~500 words with a heading, a link and a
formula; a numpy cell of ~0.25 s, a print, a matplotlib figure, an HTML
table), then times: the baseline (serial `jupytext --to ipynb --execute` then
`jupyter nbconvert --to html` per post), nbpress cold, no-op, prose edit, code
edit, and with --many cached posts: no-op, template edit and peak memory of
the nbpress process (kernels excluded).  Prints figures and ratios.  With --dask, only
the same corpus executed by the local executor (2 kernels) and by a Dask LocalCluster of
2 workers (``--scheduler local:2``, needs nbpress[dask]): Dask's overhead per post.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("gradient descent converges when the learning rate is small enough and the loss "
         "surface is smooth so we measure the effect of batch size momentum and weight decay "
         "on a small model trained on synthetic data").split()

POST = """\
---
title: Synthetic post {i}
tags: [bench, t{tag}]
---

{para1}

## Method

{para2} See [the numpy docs](https://numpy.org/doc/) and the formula $E = \\sum_i (y_i - \\hat y_i)^2$.

```python
import time
import numpy as np
rng = np.random.default_rng({i})
start = time.perf_counter()
a = rng.standard_normal((300, 300))
while time.perf_counter() - start < 0.25:
    a = np.tanh(a @ a.T / 300)
print("checksum", round(float(a.sum()), 3), "variant {variant}")
```

{para3}

```python
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(np.cumsum(rng.standard_normal(200)))
ax.set_title("random walk {i}")
plt.show()
```

```python
from IPython.display import HTML
HTML("<table><tr><th>run</th><th>loss</th></tr>" +
     "".join(f"<tr><td>{{k}}</td><td>{{v:.3f}}</td></tr>" for k, v in enumerate(rng.random(5))) +
     "</table>")
```

{para4}
"""


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_post(root: Path, i: int, variant: int) -> Path:
    rng = random.Random(i)
    path = root / "posts" / f"2024-01-{1 + i % 28:02d}-post-{i:03d}.md"
    path.write_text(POST.format(i=variant, variant=variant, tag=i % 5,
                                para1=words(rng, 120), para2=words(rng, 130),
                                para3=words(rng, 120), para4=words(rng, 130)))
    return path


def make_site(root: Path, n: int) -> list[Path]:
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Bench"\n')
    return [write_post(root, i, i) for i in range(n)]


ROUNDS = 3  # each edit measured this many times; the median is shown


def _rounds(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout + result.stderr


# ``python -m nbpress`` (``cli.run``), with the process's peak memory said as it ends.
_PEAK = ("import atexit, resource, sys; atexit.register(lambda: print('peak_kb', "
         "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)); "
         "from nbpress.cli import run; run(argv=sys.argv[1:])")


def nbpress(root: Path, *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS of the nbpress process in KB, output) of one build."""
    seconds, output = timed([sys.executable, "-c", _PEAK, "build", "--root", str(root), *args])
    peak = int(output.rsplit("peak_kb", 1)[1].split()[0])
    return seconds, peak, output


def baseline(root: Path, posts: list[Path]) -> float:
    out = root / "baseline"
    out.mkdir()
    start = time.perf_counter()
    for post in posts:
        nb = out / (post.stem + ".ipynb")
        timed([sys.executable, "-m", "jupytext", "--to", "ipynb", "--set-kernel", "python3", "--execute", str(post),
               "-o", str(nb)], cwd=post.parent)
        timed([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(nb)])
    return time.perf_counter() - start


def dask_overhead(work: Path, n: int) -> list[tuple[str, float, str]]:
    """The corpus run by the local executor, then by ``--scheduler local:2`` (start-up of the
    cluster included: it is part of every such build)."""
    site = work / "dask"
    make_site(site, n)
    local, _, _ = nbpress(site, "--execute", "always", "--jobs", "2")
    dask, _, out = nbpress(site, "--execute", "always", "--scheduler", "local:2")
    assert "on the Dask cluster at local:2" in out, out
    return [(f"local executor, 2 kernels, {n} posts", local, ""),
            (f"Dask local:2, {n} posts", dask,
             f"overhead {(dask - local) / n:+.2f} s per post (target < 0.3 s)")]


def compile_nbpress() -> None:
    """nbpress's modules compiled to bytecode before anything is timed, as an installed
    package has them (pip compiles a wheel's modules as it installs them).  Where
    PYTHONDONTWRITEBYTECODE is set (this project's machine sets it), an editable install's
    changed modules were otherwise compiled again by every build timed: ≈0.1–0.2 s each."""
    import compileall

    import nbpress

    compileall.compile_dir(Path(nbpress.__file__).parent, quiet=1)


def main() -> None:
    compile_nbpress()
    if "--scale" in sys.argv:  # rendering at 2,000 posts against Jekyll: bench/scale.py
        sys.path.insert(0, str(Path(__file__).parent))
        import scale

        scale.main()
        return
    if "--dark-figures" in sys.argv:  # dark_figures off and on: bench/bench_darkfig.py
        sys.path.insert(0, str(Path(__file__).parent))
        import bench_darkfig

        bench_darkfig.main()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--many", type=int, default=200)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--dask", action="store_true",
                        help="only compare the local executor with a Dask local:2 cluster")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbpress-bench-"))
    if args.dask:
        try:
            rows = dask_overhead(work, args.posts)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for name, seconds, note in rows:
            print(f"  {name:<42} {seconds:7.2f} s   {note}")
        return
    rows: list[tuple[str, float, str]] = []
    try:
        site = work / "site"
        posts = make_site(site, args.posts)
        base = None if args.skip_baseline else baseline(work, posts)
        if base:
            rows.append((f"baseline loop, {args.posts} posts", base, ""))
        cold, peak_cold, _ = nbpress(site)
        rows.append((f"nbpress cold, {args.posts} posts", cold,
                     f"{cold / base:.2f}x baseline (target <= 0.3x)" if base else ""))
        noop, _, out = nbpress(site)
        assert "up to date" in out, out
        rows.append((f"no-op rebuild, {args.posts} posts", noop, "target < 0.3 s"))
        # As a blog in its own folder runs it: python -m nbpress from the blog's root.
        noop_m, out = timed([sys.executable, "-m", "nbpress"], cwd=site)
        assert "up to date" in out, out
        rows.append((f"no-op, python -m nbpress, {args.posts} posts", noop_m, "target < 0.3 s"))
        # Each edit three times (the machine's speed drifts): the median, and every round.
        text = posts[3].read_text()
        prose_rounds = []
        for n in range(ROUNDS):
            posts[3].write_text(text.replace("## Method", f"## Method, revised {n}"))
            seconds, _, out = nbpress(site)
            assert "executing" not in out, out
            prose_rounds.append(seconds)
        rows.append(("prose edit in one post", statistics.median(prose_rounds),
                     f"target < 0.8 s, no kernel (rounds: {_rounds(prose_rounds)})"))
        text = posts[5].read_text()
        overheads, runs, totals = [], [], []
        for n in range(ROUNDS):  # a new digit count each round: the code changes each time
            posts[5].write_text(text.replace("round(float(a.sum()), 3)",
                                             f"round(float(a.sum()), {4 + n})"))
            seconds, _, out = nbpress(site)
            assert "executing" in out, out
            record = json.loads((site / "_executed" / posts[5].stem / "record.json").read_text())
            totals.append(seconds)
            runs.append(record["seconds"])
            overheads.append(seconds - record["seconds"])
        rows.append(("code edit in one post", statistics.median(totals),
                     f"= its execution {statistics.median(runs):.1f} s + "
                     f"{statistics.median(overheads):.2f} s (target: + < 0.8 s; "
                     f"overheads: {_rounds(overheads)})"))

        # Many posts: cached runs copied from the first site's posts with the same code.
        many = work / "many"
        (many / "posts").mkdir(parents=True)
        shutil.copy(site / "pyproject.toml", many)
        shutil.copytree(site / "_executed" / "_blobs", many / "_executed" / "_blobs")
        for i in range(args.many):
            variant = i % args.posts
            source = posts[variant]
            path = write_post(many, i + 1000, variant)
            path.write_text(source.read_text().replace(f"Synthetic post {variant}",
                                                       f"Synthetic post {i} ({variant})"))
            shutil.copytree(site / "_executed" / source.stem, many / "_executed" / path.stem)
        first, peak_first, out = nbpress(many)
        assert "executing" not in out, out
        rows.append((f"first build from cache, {args.many} posts", first, "no kernel"))
        noop_many, _, out = nbpress(many)
        assert "up to date" in out, out
        rows.append((f"no-op rebuild, {args.many} posts", noop_many, "target < 0.6 s"))
        (many / "templates").mkdir()
        default_post = REPO / "nbpress" / "theme" / "templates" / "post.html"
        (many / "templates" / "post.html").write_text(
            default_post.read_text().replace("</article>", "<p>edited</p></article>"))
        template, peak_template, out = nbpress(many)
        assert "executing" not in out, out
        rows.append((f"template edit, {args.many} cached posts", template, "target < 5 s"))
        peak = max(peak_cold, peak_first, peak_template) / 1024
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"nbpress benchmark, {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}"
          f", {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    for name, seconds, note in rows:
        print(f"  {name:<42} {seconds:7.2f} s   {note}")
    print(f"  {'peak memory of nbpress (kernels excluded)':<42} {peak:7.0f} MB  target < 300 MB")


if __name__ == "__main__":
    main()
