"""Benchmark dark-mode figures: the same posts built with ``dark_figures`` off and on.

    python bench/bench_darkfig.py [--posts 2] [--figures 4]
    python bench/bench.py --dark-figures [--posts 2] [--figures 4]

Each post draws ``--figures`` matplotlib figures (lines, a scatter, a legend, a grid).
Both builds execute every post (``--execute always``, one kernel at a time); printed:
the build times, the posts' execution times (from their cache records) and the bytes
of images written, with the ratios on/off.  The dark rendering re-draws each figure
once more in the same kernel, so the execution ratio is the cost to watch.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import nbpress  # noqa: E402  (bench.py: one timed build, as a user runs it)

FIGURE = """
```python
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(x, np.sin(x * {k}), label="sin {k}x")
ax.scatter(x[::10], np.cos(x[::10] * {k}), c="tab:red", label="samples")
ax.grid(True); ax.legend(); ax.set_title("Figure {k}")
plt.show()
```
"""


def write_site(root: Path, posts: int, figures: int, dark: bool) -> None:
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.nbpress]\ntitle = "Figures"\nsearch = false\ndark_figures = {str(dark).lower()}\n')
    for i in range(posts):
        cells = "".join(FIGURE.format(k=k + 1) for k in range(figures))
        (root / "posts" / f"2024-02-{i + 1:02d}-figures-{i}.md").write_text(
            f"---\ntitle: Figures {i}\n---\n\nSome plots.\n\n```python\n"
            "import matplotlib.pyplot as plt\nimport numpy as np\n"
            f"x = np.linspace(0, 6, 200)\n```\n{cells}")


def measure(root: Path) -> tuple[float, float, int]:
    """(build seconds, execution seconds of every post, bytes of images) of one cold build."""
    seconds, _, out = nbpress(root, "--execute", "always", "--jobs", "1")
    assert "executed" in out, out
    records = (root / "_executed").glob("*/record.json")
    executing = sum(json.loads(r.read_text())["seconds"] for r in records)
    images = sum(p.stat().st_size for p in (root / "_site").rglob("*.png"))
    return seconds, executing, images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2)
    parser.add_argument("--figures", type=int, default=4)
    args = parser.parse_args([a for a in sys.argv[1:] if a != "--dark-figures"])
    work = Path(tempfile.mkdtemp(prefix="nbpress-bench-darkfig-"))
    try:
        results = {}
        for dark in (False, True):
            site = work / ("on" if dark else "off")
            write_site(site, args.posts, args.figures, dark)
            results[dark] = measure(site)
            if dark:
                assert list((site / "_site").rglob("*-dark.png")), "no dark figure written"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (build_off, run_off, bytes_off), (build_on, run_on, bytes_on) = results[False], results[True]
    print(f"dark_figures, {args.posts} post(s) x {args.figures} figure(s):")
    print(f"  {'build (kernels included)':<28} off {build_off:6.2f} s   on {build_on:6.2f} s"
          f"   ratio {build_on / build_off:.2f}")
    print(f"  {'execution of the posts':<28} off {run_off:6.2f} s   on {run_on:6.2f} s"
          f"   ratio {run_on / run_off:.2f}")
    print(f"  {'images written':<28} off {bytes_off / 1024:6.0f} kB  on {bytes_on / 1024:6.0f} kB"
          f"  ratio {bytes_on / bytes_off:.2f}")


if __name__ == "__main__":
    main()
