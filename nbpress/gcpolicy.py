"""When Python's cycle collector runs during a build.

A build makes many objects and few reference cycles: unpacking 2,000 kept posts and state
records, their contexts, the pages' digests.  The collector, run every few hundred new
objects, walks the objects made since it last ran: ≈300 runs (0.15 s) in an edit of 2,000
posts, 21 (0.06 s) with a threshold of 50,000.  So it is off during a build
(``pipeline.build``, and ``cli`` from its first import), and on where cycles are made in
bulk: while posts run (kernel clients, run after run), and while many posts or pages are
rendered in this process or its forked copies (templates and Markdown parsers leave
cycles: ≈20 kB a post, 8 MB at 400 posts rendered in one process with it off).  An edit
renders a few, and never turns it on: turned on, its first run would walk every object the
build has made.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

MANY = 48  # posts or pages rendered in one process from which the collector runs


@contextlib.contextmanager
def collecting(run: bool) -> Iterator[None]:
    """The collector on (``run``) or off within the block, as it was after it."""
    was = gc.isenabled()
    gc.enable() if run else gc.disable()
    try:
        yield
    finally:
        gc.enable() if was else gc.disable()


def collecting_for(count: int) -> contextlib.AbstractContextManager:
    """The collector on within the block when ``count`` posts or pages are rendered there
    and they are ``MANY``; else as it is."""
    return collecting(True) if count >= MANY else contextlib.nullcontext()


__all__ = ["MANY", "collecting", "collecting_for"]
