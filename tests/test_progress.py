"""What a build shows while it runs, and its report at the end (nbpress/progress.py)."""

from __future__ import annotations

import io
import os
import re
import select
import threading

from nbpress.progress import LIST_ALL, LiveProgress, PostReport, Progress, make_progress, report_lines


def test_plain_lines_for_logs() -> None:
    stream = io.StringIO()
    progress = make_progress(stream)
    assert type(progress) is Progress  # not a terminal: no live display
    progress.start("posts/2024-01-01-a.md", 3, "not executed yet")
    progress.cell("posts/2024-01-01-a.md", 1, 3)  # quiet in logs
    progress.done("posts/2024-01-01-a.md", 12.34)
    progress.start("posts/2024-01-02-b.md", 1, "changed since it ran: the code of cell 1")
    progress.failed("posts/2024-01-02-b.md")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[:3] == ["executing posts/2024-01-01-a.md (3 code cells): not executed yet",
                         "  posts/2024-01-01-a.md done in 12.3 s",
                         "executing posts/2024-01-02-b.md (1 code cells): changed since it ran: "
                         "the code of cell 1"]
    assert re.fullmatch(r"  posts/2024-01-02-b\.md failed after \d+\.\d s", lines[3])
    assert len(lines) == 4


def test_lines_from_many_threads_stay_whole() -> None:
    stream = io.StringIO()
    progress = Progress(stream)

    def worker(n: int) -> None:
        for i in range(200):
            progress.say(f"worker {n} line {i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().split("\n")
    assert lines.pop() == ""
    assert len(lines) == 1600
    assert all(re.fullmatch(r"worker \d line \d+", line) for line in lines), lines


def test_live_display_on_a_terminal() -> None:
    """On a real pseudo-terminal: a rich display with each post's cells done and its time."""
    leader, follower = os.openpty()
    with open(follower, "w", encoding="utf-8") as terminal:
        progress = make_progress(terminal)
        assert isinstance(progress, LiveProgress)
        progress.start("posts/2024-01-01-a.md", 3, "not executed yet")
        for n in (1, 2, 3):
            progress.cell("posts/2024-01-01-a.md", n, 3)
        progress.done("posts/2024-01-01-a.md", 1.5)
        progress.close()
    shown = b""
    while select.select([leader], [], [], 1)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    assert "executing posts/2024-01-01-a.md: not executed yet" in text
    assert re.search(r"posts/2024-01-01-a\.md .*3/3 cells \d:\d\d:\d\d", text), text
    assert "\x1b[" in shown.decode()  # drawn in place with terminal control codes


def test_live_display_written_to_a_file_ends_with_each_posts_line() -> None:
    stream = io.StringIO()
    progress = LiveProgress(stream)
    progress.start("posts/a.md", 3, "not executed yet")
    progress.cell("posts/a.md", 2, 3)
    progress.done("posts/a.md", 0.5)
    progress.start("posts/b.md", 2, "changed")
    progress.cell("posts/b.md", 1, 2)
    progress.failed("posts/b.md")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["executing posts/a.md: not executed yet", "executing posts/b.md: changed"]
    assert re.fullmatch(r"posts/a\.md ━+ 3/3 cells \d:\d\d:\d\d", lines[2]), lines
    assert re.fullmatch(r"posts/b\.md +0/2 cells \d:\d\d:\d\d", lines[3]), lines
    assert len(lines) == 4


def test_report_lines() -> None:
    reports = [PostReport("posts/2024-01-01-a.md", "executed", "not executed yet", 12.34, 0.056),
               PostReport("posts/b.md", "cached", "cached", 0.0, 0.004)]
    assert report_lines(reports, 13.5) == [
        "post                   status     execute   render  reason",
        "posts/2024-01-01-a.md  executed     12.3s    0.06s  not executed yet",
        "posts/b.md             cached        0.0s    0.00s  cached",
        "total 13.5 s"]
    assert report_lines([], 0.2) == []  # nothing built: no table


def test_a_long_report_lists_only_the_posts_this_build_made() -> None:
    kept = [PostReport(f"posts/p{i:03d}.md", "no code" if i % 3 else "cached",
                       "no code" if i % 3 else "cached", 0.0, 0.0) for i in range(60)]
    edited = PostReport("posts/edited.md", "no code", "no code", 0.0, 0.031)
    ran = PostReport("posts/ran.md", "executed", "code changed", 2.5, 0.02)
    assert report_lines([*kept[:30], edited, *kept[30:], ran], 3.2) == [
        "post             status     execute   render  reason",
        "posts/edited.md  no code       0.0s    0.03s  no code",
        "posts/ran.md     executed      2.5s    0.02s  code changed",
        "60 other post(s) neither run nor rendered again: 20 cached, 40 no code",
        "total 3.2 s"]
    # Up to LIST_ALL posts, every one is listed (a kept one shows it was cached).
    assert len(report_lines(kept[:LIST_ALL], 1.0)) == LIST_ALL + 2
    # Nothing made: only the count.
    assert report_lines(kept, 0.4) == ["60 other post(s) neither run nor rendered again: 20 cached, "
                                       "40 no code", "total 0.4 s"]


def test_a_posts_report_line_says_how_it_was_made() -> None:
    from types import SimpleNamespace

    from nbpress.progress import post_report

    run = SimpleNamespace(seconds=2.5)
    cached, imported = SimpleNamespace(imported_from=""), SimpleNamespace(imported_from="x")
    assert post_report("a.md", "code changed", True, run, cached, 0.1) == PostReport(
        "a.md", "executed", "code changed", 2.5, 0.1)
    assert post_report("a.md", "", True, None, cached, 0.1).status == "cached"
    assert post_report("a.md", "", True, None, imported, 0.1).reason == "imported"
    assert post_report("a.md", "", False, None, None, 0.0).status == "no code"
