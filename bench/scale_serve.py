"""Save → reload latency of ``nbpress serve`` on a built site, measured as a reader sees it.

Used by bench/scale.py.  Starts the real server (``python -m nbpress serve --port 0``) on
a site already built, waits for its "serving … at URL" line, and then, for each edit,
does what an open page does: loads the post's page, loads the live-reload script the
server injects, reads the generation and the event-stream address from it, opens that
stream, and waits for a ``build`` event of another generation.  The time runs from just
before the post is written to that event; the page is then fetched again and must hold
the edit's new word.  The server is stopped with SIGINT (Ctrl-C) and waited for.
"""

from __future__ import annotations

import http.client
import json
import queue
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

_START_S = 600  # the server's first build (a no-op here) and start-up
_EVENT_S = 120  # one rebuild of the whole corpus, at worst


def prose_edit(post: Path, word: str) -> None:
    """The prose edit of ``scale.edits`` with ``word`` in it: one heading line rewritten."""
    text = post.read_text()
    post.write_text(re.sub(r"^## Results.*$", f"## Results, revised {word}", text, count=1,
                           flags=re.MULTILINE))


class Server:
    """``nbpress serve`` on ``root`` as a child process, its stderr kept line by line."""

    def __init__(self, root: Path) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nbpress", "serve", "--root", str(root), "--port", "0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.url = urlsplit(self._announced())

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)
            self.lines.put(line)

    def _announced(self) -> str:
        deadline = time.monotonic() + _START_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            found = re.match(r"serving .* at (http://\S+) ", line)
            if found:
                return found.group(1)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        sys.exit("nbpress serve did not announce its address:\n" + "".join(self.log))

    def get(self, path: str) -> str:
        """The body of ``GET path``; anything but 200 ends the benchmark."""
        conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read().decode()
        finally:
            conn.close()
        if response.status != 200:
            sys.exit(f"GET {path}: HTTP {response.status}\n{body[:500]}")
        return body

    def stop(self) -> None:
        """Ctrl-C, then wait: the server must end by itself (and say "stopped")."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                sys.exit("nbpress serve did not stop within 60 s of SIGINT:\n" + "".join(self.log))
        time.sleep(0.2)  # the reader thread's last lines
        if not any(line.startswith("stopped") for line in self.log):
            sys.exit(f"nbpress serve ended (exit {self.proc.returncode}) without stopping "
                     "cleanly:\n" + "".join(self.log))


def _subscribe(server: Server, page: str) -> tuple[http.client.HTTPResponse, int]:
    """As the page's script does: its generation and the open event stream it listens to."""
    script_src = re.search(r'<script src="([^"]*/__nbpress/reload\.js[^"]*)"', page)
    if script_src is None:
        sys.exit("the served page has no live-reload script")
    script = server.get(script_src.group(1))
    generation = int(re.search(r"var generation = (\d+);", script).group(1))
    events = re.search(r'new EventSource\("([^"]+)"\)', script).group(1)
    conn = http.client.HTTPConnection(server.url.hostname, server.url.port, timeout=_EVENT_S)
    conn.request("GET", events, headers={"Accept": "text/event-stream"})
    stream = conn.getresponse()
    if stream.status != 200 or stream.getheader("Content-Type") != "text/event-stream":
        sys.exit(f"the reload stream answered {stream.status} {stream.getheader('Content-Type')}")
    return stream, generation


def _next_build(stream: http.client.HTTPResponse, generation: int) -> dict:
    """The first ``build`` event whose generation is not ``generation`` (the script's test
    before it reloads the page)."""
    event, data = "message", []
    while True:
        line = stream.fp.readline().decode()
        if not line:
            sys.exit("the reload stream closed before a build event")
        line = line.rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line:  # an event ends
            if event == "build" and data:
                state = json.loads("\n".join(data))
                if state["generation"] != generation:
                    return state
            event, data = "message", []


def _index_replaced(index: Path, before: int | None) -> float:
    """Wait until the search index's record of what it indexed is another file (serve
    re-indexes the changed shard after the reload, then writes it); the ``perf_counter``
    time it was seen."""
    start = time.perf_counter()
    while time.perf_counter() - start < _EVENT_S:
        if index.exists() and index.stat().st_ino != before:
            return time.perf_counter()
        time.sleep(0.05)
    sys.exit(f"the search index {index} was not rebuilt within {_EVENT_S} s of the reload")


def _one_edit(server: Server, post: Path, page_path: str, index: Path | None) -> dict:
    word = f"fresh{secrets.token_hex(4)}"
    page = server.get(page_path)
    if word in page:
        sys.exit(f"{word} is on the page before the edit")
    stream, generation = _subscribe(server, page)
    inode = index.stat().st_ino if index is not None and index.exists() else None
    start = time.perf_counter()
    prose_edit(post, word)
    state = _next_build(stream, generation)
    seconds = time.perf_counter() - start
    stream.close()
    if state["error"]:
        sys.exit(f"the rebuild after editing {post.name} failed:\n{state['error']}")
    if word not in server.get(page_path):
        sys.exit(f"reloaded, but {page_path} does not show the new word {word}")
    after = _index_replaced(index, inode) - start if index is not None else None
    return {"reload": seconds, "search": after}


def reload_latency(root: Path, post: Path, runs: int = 5, search: bool = True) -> dict:
    """Median and max seconds from saving ``post`` to the reload event, over ``runs`` edits
    each with a fresh word; with ``search``, also the median from saving to the search index
    being replaced (after the reload; the next save waits for it)."""
    site = root / "_site"
    page = next(site.rglob(f"{post.stem[11:]}.html")).relative_to(site).as_posix()
    server = Server(root)
    times = []
    try:
        for _ in range(runs):
            times.append(_one_edit(server, post, server.url.path.rstrip("/") + "/" + page,
                                   site / "_pagefind" / ".pages.json" if search else None))
            time.sleep(1)
    finally:
        server.stop()
    reloads = [t["reload"] for t in times]
    found = {"median": statistics.median(reloads), "max": max(reloads), "all": reloads}
    if search:
        found["search"] = statistics.median(t["search"] for t in times)
    return found
