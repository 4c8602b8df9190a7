"""``python build.py serve``: a real server on a free port, real HTTP, real edits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

POST = "---\ntitle: Served\n---\n\nFirst version of the text.\n"


class Server:
    def __init__(self, root: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0",
             *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            self.lines.append(line)
            if " at http://" in line:
                self.url = line.split(" at ", 1)[1].split()[0]
                self.origin = self.url.split("/", 3)[:3]
                self.origin = "/".join(self.origin)
                return
        raise AssertionError("server did not start:\n" + "".join(self.lines))

    def get(self, path: str) -> tuple[int, dict, bytes]:
        try:
            with urllib.request.urlopen(self.origin + path, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            with exc:  # an error response holds the connection open until closed
                return exc.code, dict(exc.headers), exc.read()

    def status(self) -> dict:
        return json.loads(self.get(self.url.removeprefix(self.origin) + "__nbpress/status")[2])

    def wait_generation(self, after: int, timeout: float = 60) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            state = self.status()
            if state["generation"] > after:
                return state
            time.sleep(0.2)
        raise AssertionError("no rebuild happened")

    def stop(self) -> int:
        """Interrupt the server as Ctrl-C does; its exit code (the rest of its output is kept)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.process.kill() if self.process.poll() is None else None
            self.lines.append(self.process.stdout.read())
            self.process.stdout.close()


@pytest.fixture
def server(make_site):
    root = make_site({"posts/2024-01-01-served.md": POST, "assets/img.svg":
                      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'})
    (root.parent / "secret.txt").write_text("not for the web")
    running = Server(root)
    # A symlink inside the served folder that leads out of it, and a folder with no index.
    os.symlink(root.parent / "secret.txt", root / "_site" / "leak.txt")
    (root / "_site" / "empty").mkdir()
    yield running, root
    running.stop()


def test_serves_pages_with_types_and_reload_script(server):
    srv, root = server
    status, headers, body = srv.get("/2024/01/01/served.html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"First version of the text." in body
    assert b"/__nbpress/reload.js" in body  # injected while serving…
    assert b"__nbpress" not in (root / "_site/2024/01/01/served.html").read_bytes()  # …never written
    assert srv.get("/assets/img.svg")[1]["Content-Type"] == "image/svg+xml"
    status, headers, _ = srv.get("/2024/01/01/served_files/served.ipynb")
    assert status == 200 and headers["Content-Type"] == "application/x-ipynb+json"
    status, _, body = srv.get("/no/such/page.html")
    assert status == 404


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                  "/assets/..%2f..%2fsecret.txt", "/%2e%2e%2f%2e%2e%2fsecret.txt",
                                  "/leak.txt", "/empty/", "/.nbpress-site",
                                  "/assets%5c..%5c..%5csecret.txt"])
def test_nothing_outside_the_site_and_no_listings(server, path):
    srv, _ = server
    status, _, body = srv.get(path)
    assert status == 404 and b"not for the web" not in body


def test_edit_rebuilds_and_errors_show_until_fixed(server):
    srv, root = server
    post = root / "posts/2024-01-01-served.md"
    before = srv.status()["generation"]
    post.write_text(POST.replace("First version", "Second version"))
    state = srv.wait_generation(before)
    assert state["error"] == ""
    assert b"Second version of the text." in srv.get("/2024/01/01/served.html")[2]

    post.write_text(POST + "\nBroken {{ site.nope }} here.\n")
    state = srv.wait_generation(state["generation"])
    assert "2024-01-01-served.md:7: unknown Liquid variable" in state["error"]
    page = srv.get("/2024/01/01/served.html")[2].decode()
    assert "Second version of the text." in page  # the last good site is still served
    assert 'id="nbpress-error"' in page and "unknown Liquid variable" in page

    post.write_text(POST.replace("First version", "Third version"))
    state = srv.wait_generation(state["generation"])
    assert state["error"] == ""
    page = srv.get("/2024/01/01/served.html")[2].decode()
    assert "Third version" in page and "nbpress-error" not in page


def test_baseurl_redirect_and_clean_stop(make_site):
    root = make_site({"posts/2024-01-01-served.md": POST,
                      "pyproject.toml": '[tool.nbpress]\nbaseurl = "/blog"\n'})
    srv = Server(root)
    try:
        request = urllib.request.Request(srv.origin + "/")
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(request, timeout=10)
        info.value.close()
        assert info.value.code == 302 and info.value.headers["Location"] == "/blog/"
        assert srv.get("/blog/2024/01/01/served.html")[0] == 200
        assert srv.get("/2024/01/01/served.html")[0] == 404
    finally:
        assert srv.stop() == 0
    assert "stopped" in srv.lines[-1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.browser
def test_open_page_reloads_itself_after_an_edit(server):
    from playwright.sync_api import sync_playwright

    srv, root = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync",
                                          "--no-first-run"])
        page = browser.new_page()
        page.goto(srv.url + "2024/01/01/served.html")
        page.evaluate("window.__before_reload = true")
        post = root / "posts/2024-01-01-served.md"
        post.write_text(POST.replace("First version", "Live version"))
        page.wait_for_function("document.body.innerText.includes('Live version')", timeout=30000)
        assert page.evaluate("window.__before_reload === undefined")
        browser.close()


# --- abuse (issue 19, items 16–18) ------------------------------------------------------------

def raw_get(srv: Server, path: str, **headers: str) -> int:
    """The status of a GET with exactly these headers (http.client adds no Host of its own)."""
    import http.client

    port = int(srv.origin.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        with connection.getresponse() as response:
            response.read()
            return response.status
    finally:
        connection.close()


def test_only_requests_for_this_machine_are_answered(server):
    """A page on another name that resolves to 127.0.0.1 (DNS rebinding) cannot read the
    preview, its drafts or the status endpoint."""
    srv, _ = server
    port = srv.origin.rsplit(":", 1)[1]
    page, status = "/2024/01/01/served.html", "/__nbpress/status"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert raw_get(srv, page, Host=host) == 200, host
    for host in (f"evil.example:{port}", "evil.example", f"localhost:{int(port) + 1}",
                 f"localhost:x"):
        assert raw_get(srv, page, Host=host) == 403, host
        assert raw_get(srv, status, Host=host) == 403, host
    assert raw_get(srv, page) == 403  # no Host at all
    assert raw_get(srv, status, Host=f"127.0.0.1:{port}", Origin="http://evil.example") == 403
    assert raw_get(srv, status, Host=f"127.0.0.1:{port}",
                   Origin=f"http://127.0.0.1:{port}") == 200


def test_a_port_in_use_is_a_message_before_any_build(make_site):
    import socket

    root = make_site({"posts/2024-01-01-served.md": POST})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--root",
                                 str(root), "--port", str(port)], capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use. Another program "
        "(maybe another nbpress serve) may use it: pass --port with another number, or --port 0 "
        "for any free port; --host must be an address of this machine.\n")
    assert not (root / "_site").exists()  # said before building


def test_clients_that_hang_up_early_print_nothing(make_site):
    import socket
    import struct

    root = make_site({"posts/2024-01-01-served.md": POST})
    srv = Server(root)
    port = int(srv.origin.rsplit(":", 1)[1])
    big = root / "_site/big.txt"
    big.write_bytes(b"x" * 20_000_000)
    for _ in range(5):
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(f"GET /big.txt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        client.recv(1000)
        # Reset the connection as a closed browser tab does, with the reply half sent.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    time.sleep(1)
    assert srv.get("/2024/01/01/served.html")[0] == 200  # still serving
    assert srv.stop() == 0
    output = "".join(srv.lines)
    assert "Traceback" not in output and "Error" not in output, output


def test_an_unexpected_error_in_a_rebuild_is_text_to_show_not_a_crash():
    from nbpress.server import guarded

    def broken() -> str:
        raise TypeError("'int' object is not iterable")

    assert guarded(broken)() == (
        "nbpress failed unexpectedly while rebuilding (TypeError: 'int' object is not iterable; "
        "at test_server.py:" + str(broken.__code__.co_firstlineno + 1) + "). The previous site "
        "is still served; please report this with the post that caused it.")
    assert guarded(lambda: "")() == ""


def test_what_follows_a_build_waits_until_every_open_page_was_told() -> None:
    """After a build, serve collects garbage and starts the search index, which hold
    Python's lock for a tenth of a second and more: it first waits (briefly) until every
    open page's event stream has been sent the new generation."""
    import threading

    from nbpress.server import LiveState

    live = LiveState()
    assert live.wait_told(timeout=0)  # no page open: nothing to wait for
    live.stream_opened(seen=0)  # a page open since generation 0
    live.stream_opened(seen=0)
    live.publish()
    assert not live.wait_told(timeout=0.05)
    live.stream_told(1)
    threading.Timer(0.05, live.stream_told, args=(1,)).start()
    assert live.wait_told(timeout=5)  # woken by the second page's event
    live.stream_told(0)  # a late write of an old generation counts for nothing
    live.publish()
    live.stream_closed()  # one page went away; the other one is told
    threading.Timer(0.05, live.stream_told, args=(2,)).start()
    assert live.wait_told(timeout=5)
    live.stream_opened(seen=2)  # opened after the build: it knows already
    assert live.wait_told(timeout=0) and live.listening == 2
