"""Faults and interruptions: the worst outcome is a clear message, never a damaged site or cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, built_with_warnings

pytestmark = pytest.mark.kernel

QUICK = "---\ntitle: Quick\n---\n\nText.\n\n```python\nprint('quick')\n```\n"
# The slow cell says it has started (a file beside the post), then waits for RELEASE.
SLOW = ("---\ntitle: Slow\n---\n\nText.\n\n```python\nimport os, time\n"
        "open('STARTED', 'w').close()\n"
        "for _ in range(1200):\n    if os.path.exists('RELEASE'):\n        break\n"
        "    time.sleep(0.1)\n```\n")


def snapshot(root: Path) -> dict:
    """Every file of the site and the cache, with its bytes."""
    found = {}
    for folder in ("_site", "_executed"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                found[path.relative_to(root)] = path.read_bytes()
    return found


def kernels_marked(mark: str) -> list[int]:
    """PIDs of live processes whose environment carries ``mark`` (the test's kernels)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    status = (entry / "status").read_text()
                    if "State:\tZ" not in status:
                        pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def start_build(root: Path, mark: str) -> subprocess.Popen:
    env = dict(os.environ, NBPRESS_TEST_MARK=mark)
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_slow_cell(root: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the slow cell is running in its kernel."""
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        if (root / "posts/STARTED").exists():
            return
        time.sleep(0.1)
    raise AssertionError("the slow cell never started")


def wait_no_kernels(mark: str, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not kernels_marked(mark):
            return
        time.sleep(0.25)
    raise AssertionError(f"kernel processes left behind: {kernels_marked(mark)}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_execution_leaves_site_and_cache_as_they_were(make_site, build, sig):
    root = make_site({"posts/2024-01-01-quick.md": QUICK})
    assert build("--root", str(root)).returncode == 0
    before = snapshot(root)
    (root / "posts/2024-01-02-slow.md").write_text(SLOW)
    mark = uuid.uuid4().hex
    process = start_build(root, mark)
    wait_for_slow_cell(root, process)
    assert kernels_marked(mark)  # the test can see the build's kernel
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)  # reads and closes its pipes
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 130
        assert "interrupted; the previous site was left as it was (posts that had finished" \
            in stderr
    wait_no_kernels(mark)
    assert snapshot(root) == before
    assert not list(root.glob("._site.staging-*"))
    # The next build (here without the slow post) succeeds.
    (root / "posts/2024-01-02-slow.md").unlink()
    (root / "posts/STARTED").unlink()
    assert build("--root", str(root)).returncode == 0


def test_a_second_build_waits_for_the_first(make_site, build):
    root = make_site({"posts/2024-01-01-slow.md": SLOW})
    first = start_build(root, uuid.uuid4().hex)
    wait_for_slow_cell(root, first)
    second = start_build(root, uuid.uuid4().hex)
    message = second.stderr.readline()  # blocks until the second build says something
    assert "another build of this site is running (pid" in message
    assert "waiting for it to finish" in message
    assert second.poll() is None  # it waits…
    (root / "posts/RELEASE").touch()
    first.communicate(timeout=60)
    assert first.returncode == 0
    second.communicate(timeout=60)
    assert second.returncode == 0  # …and builds once the first is done


def test_post_timeout_and_memory_limit(make_site, build):
    root = make_site({
        "pyproject.toml": '[tool.nbpress.execute]\npost_timeout = 4\nmemory_limit = "1G"\n',
        "posts/2024-01-01-long.md": "---\ntitle: Long\n---\n\n```python\nimport time\n"
                                    "time.sleep(2)\n```\n\n```python\ntime.sleep(2)\n```\n\n"
                                    "```python\ntime.sleep(2)\n```\n",
        "posts/2024-01-02-hungry.md": "---\ntitle: Hungry\n---\n\n```python\n"
                                      "data = bytearray(3 * 1024 ** 3)\n```\n",
    })
    result = build("--root", str(root), "--keep-going", timeout=120)
    assert result.returncode == 1
    assert "2024-01-01-long.md:" in result.stderr
    assert "the post did not finish within 4 s and was stopped." in result.stderr
    assert "2024-01-02-hungry.md:6 (cell 1): the code raised MemoryError" in result.stderr
    assert "memory_limit (1G)" in result.stderr


def test_full_disk_while_writing_is_a_clear_error(make_site, monkeypatch, tmp_path, capsys):
    from nbpress import cli
    from nbpress import writer

    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\n\nNo code here.\n"})
    assert cli.main(["build", "--root", str(root)]) == 0
    before = snapshot(root)
    (root / "posts/2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nChanged.\n")
    calls = {"n": 0}
    real = writer._put

    def full_disk(file, target):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(28, "No space left on device", str(target))
        real(file, target)

    monkeypatch.setattr(writer, "_put", full_disk)
    assert cli.main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "could not write the site: No space left on device" in err
    assert "the previous site was left as it was" in err and "Traceback" not in err
    assert snapshot(root) == before
    assert not list(root.glob("._site.staging-*"))


def test_huge_output_is_truncated(make_site, build):
    root = make_site({
        "pyproject.toml": "[tool.nbpress]\noutput_lines = 100\noutput_bytes = 10000000\n",
        "posts/2024-01-01-loud.md": "---\ntitle: Loud\n---\n\n```python\n"
                                    "print('\\n'.join(f'line {i}' for i in range(200000)))\n"
                                    "```\n",
    })
    result = build("--root", str(root), timeout=300)
    assert result.returncode == 0, result.stderr
    page = (root / "_site/2024/01/01/loud.html").read_text()
    assert "line 99" in page and "line 100\n" not in page
    assert "199,900 more lines not shown (output_lines limit: 100)" in page
    assert len(page) < 200_000  # (the large-image warning: test_render.py)


def test_a_cell_that_deletes_the_cache_while_cached_posts_render(make_site, build):
    """Issue 19, item 11: a clear message naming the post, not FileNotFoundError."""
    plot = "---\ntitle: A\n---\n\n```python\nprint('a')\n```\n"
    root = make_site({"posts/2024-01-01-a.md": plot})
    assert build("build", "--root", ".", cwd=root).returncode == 0
    (root / "posts/2024-01-02-b.md").write_text(
        "---\ntitle: B\n---\n\n```python\nimport shutil\nshutil.rmtree('../_executed')\n```\n")
    result = build("build", "--root", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    entry = (root / "_executed/2024-01-01-a/notebook.ipynb").resolve()
    assert result.stderr.split("\n", 2)[2] == (
        "error: posts/2024-01-01-a.md: the cached run of this post in _executed/2024-01-01-a/ "
        "was removed or changed while this build ran (cache entry damaged (FileNotFoundError: "
        f"[Errno 2] No such file or directory: '{entry}')); a post's code may have deleted it. "
        "Build again: the post will be executed.\n\n"
        "1 post(s) failed; the previous site was left as it was.\n")
    assert build("build", "--root", ".", cwd=root).returncode == 0  # as the message says


def test_a_30_mb_print_is_cut_in_the_page_and_the_cache(make_site):
    """Issue 19, item 8: output_lines alone let one 30 MB line through, into the page and
    the committed cache, without a word."""
    root = make_site({"posts/2024-01-01-loud.md": "---\ntitle: Loud\n---\n\n```python\n"
                                                  "print('x' * 30_000_000)\n```\n"})
    assert built_with_warnings(root) == [
        "posts/2024-01-01-loud.md:5: warning: code cell 1: a text output of 30,000,001 bytes "
        "was cut to the output_bytes limit (2,000,000); print less, or raise output_bytes in "
        "[tool.nbpress]."]
    page = (root / "_site/2024/01/01/loud.html").read_text()
    assert "… 28,000,001 more bytes not shown (output_bytes limit: 2,000,000)." in page
    assert len(page) < 2_100_000
    entry = root / "_executed/2024-01-01-loud/notebook.ipynb"
    assert entry.stat().st_size < 2_100_000


def test_a_process_a_cell_leaves_behind_is_ended_with_the_build(make_site, fake_executor):
    """Issue 19, item 19: a child started with start_new_session=True outlives its kernel."""
    import io
    import os

    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n```python\n"
                      "import subprocess\np = subprocess.Popen(['sleep', '300'], "
                      "start_new_session=True)\nopen('PID', 'w').write(str(p.pid))\n```\n"})
    build(load_config(root), log=io.StringIO())
    pid = int((root / "posts/PID").read_text())
    try:
        os.kill(pid, 0)
        alive = open(f"/proc/{pid}/stat").read().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        alive = False
    assert not alive
