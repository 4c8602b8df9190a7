"""Benchmark build-time math: N distinct expressions through nbpress's KaTeX path.

    python bench/bench_math.py [--count 1000]

The expressions are the math catalogue's (tests/fixtures/math/catalogue.tex), each
made distinct by a numbered subscript so the content cache cannot answer them; the
time includes starting V8 and loading KaTeX.  A second pass over the same
expressions shows the cache (equal expressions are rendered once per build).
Target: 1,000 expressions under 2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from mathcatalogue import MACROS, entries  # noqa: E402

from nbpress.texmath import render_many, render_tex  # noqa: E402

POST_SIZE = 25  # expressions in a math-heavy post


def expressions(count: int) -> list[tuple[str, bool]]:
    """``count`` distinct (TeX, display) pairs cycling through the catalogue."""
    catalogue = entries()
    found = []
    for n in range(count):
        _, tex, display = catalogue[n % len(catalogue)]
        # a term in front: inside no environment, before any \tag
        found.append((f"c_{{{n}}} + {tex}" if "\\begin" not in tex else f"c_{{{n}}} {tex}",
                      display))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    todo = expressions(args.count)
    macros = tuple(sorted(MACROS.items()))
    begin, cpu = time.perf_counter(), time.process_time()
    failed = 0
    for start in range(0, len(todo), POST_SIZE):  # as a build does: each post's math at once
        failed += sum(bool(problem) for _, problem in
                      render_many(todo[start:start + POST_SIZE], macros))
    cold, cpu = time.perf_counter() - begin, time.process_time() - cpu
    begin = time.perf_counter()
    for tex, display in todo:
        render_tex(tex, display, macros)
    cached = time.perf_counter() - begin
    print(f"{args.count} distinct expressions: {cold:.2f} s ({cold / args.count * 1000:.2f} ms "
          f"each, V8 start and KaTeX load included; CPU {cpu:.2f} s: on a busy machine "
          f"wall time exceeds it), {failed} failed; "
          f"again (cached): {cached * 1000:.1f} ms")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
