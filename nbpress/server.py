"""``python build.py serve``: build, serve the site, watch the sources, rebuild, reload.

The site is served from the build's own output folder, which a build only
ever replaces whole (see writer), so a half-built site is never served.  The
live-reload script is injected into HTML responses on the fly, so nothing of
it is in the files (or in a normal build).  A failed rebuild keeps the last
good site and shows the error in the page as an overlay and in the terminal; so
does an unexpected error inside nbpress, which never stops the server.

Only requests whose ``Host`` is this machine (an IP address, ``localhost`` or the
bound name, with the server's port) are answered: a web page on another name that
resolves to 127.0.0.1 (DNS rebinding) gets 403, as does a request to the status
endpoints from a page of another origin.  Clients that hang up early are not news.
"""

from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, TextIO
from urllib.parse import unquote, urlsplit

from .errors import NbpressError
from .model import CACHE_DIR, STATE_DIR

TYPES = {".svg": "image/svg+xml", ".ipynb": "application/x-ipynb+json",
         ".xml": "application/xml", ".js": "text/javascript", ".css": "text/css",
         ".html": "text/html; charset=utf-8", ".json": "application/json",
         ".txt": "text/plain; charset=utf-8", ".png": "image/png"}
_CLIENT = "/__nbpress/"
_SCRIPT = """\
(function () {
  var source = new EventSource("%(events)s");
  var generation = %(generation)d;
  source.addEventListener("build", function (event) {
    var state = JSON.parse(event.data);
    if (state.generation !== generation) { location.reload(); }
  });
})();
"""


@dataclass
class LiveState:
    """What the server shows: the build generation and the last build's error, if any."""

    generation: int = 0
    error: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)
    listening: int = 0  # open event streams (pages)
    told: int = 0  # of them, sent the current generation

    def publish(self, error: str = "") -> None:
        with self.changed:
            self.generation += 1
            self.error = error
            self.told = 0
            self.changed.notify_all()

    def wait_told(self, timeout: float) -> bool:
        """Until every open page has been sent the current generation (or ``timeout``):
        what comes after a build (a full garbage collection, the search index) holds
        Python's lock for a tenth of a second and more, and must not delay the reload."""
        with self.changed:
            return self.changed.wait_for(lambda: self.told >= self.listening, timeout=timeout)

    def stream_opened(self, seen: int) -> None:
        """A page's event stream opened, knowing generation ``seen``."""
        with self.changed:
            self.listening += 1
            self.told += seen == self.generation  # it opened after the build: it knows

    def stream_told(self, generation: int) -> None:
        """A stream was sent ``generation``."""
        with self.changed:
            if generation == self.generation:
                self.told += 1
                self.changed.notify_all()

    def stream_closed(self) -> None:
        with self.changed:
            self.listening -= 1
            self.changed.notify_all()

    def snapshot(self) -> dict:
        with self.changed:
            return {"generation": self.generation, "error": self.error}


def resolve_path(site: Path, url_path: str, baseurl: str) -> Path | None:
    """The file a URL path names inside ``site``, or None (outside, hidden, or absent).

    Refuses ``..`` in any encoding, and symlinks whose target leaves the site.
    """
    path = unquote(url_path)
    if "\x00" in path or "\\" in path:
        return None
    if baseurl:
        if path != baseurl and not path.startswith(baseurl + "/"):
            return None
        path = path[len(baseurl):]
    parts = [p for p in path.split("/") if p]
    if any(p in ("..", ".") or p.startswith(".") for p in parts):
        return None
    target = site.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"  # no directory listings
    try:
        real = target.resolve(strict=True)
        real.relative_to(site.resolve())
    except (OSError, ValueError):
        return None
    return real if real.is_file() else None


def inject(page: bytes, state: dict, baseurl: str) -> bytes:
    """The page with the live-reload script and, after a failed build, the error overlay."""
    extra = f'<script src="{baseurl}{_CLIENT}reload.js?g={state["generation"]}"></script>'
    if state["error"]:
        extra += ('<div id="nbpress-error" role="alert" style="position:fixed;inset:auto 0 0 0;'
                  'max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;z-index:99999;'
                  'background:#2d1416;color:#ffd7d5;font:14px/1.5 ui-monospace,monospace;'
                  'border-top:3px solid #e5534b;white-space:pre-wrap">'
                  f'<strong>nbpress: the last rebuild failed; showing the previous site.</strong>\n'
                  f'{html.escape(state["error"])}</div>')
    marker = b"</body>"
    index = page.rfind(marker)
    data = extra.encode()
    return page[:index] + data + page[index:] if index >= 0 else page + data


class _Handler(BaseHTTPRequestHandler):
    """Serves one site folder with live reload; ``make_handler`` binds the folder."""

    server_version = "nbpress"
    site: Path  # the three are set per server by make_handler
    baseurl: str
    live: LiveState

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def _from_here(self, header: str) -> bool:
        """Whether a ``Host`` (or ``Origin``) value names this server, not another site."""
        value = self.headers.get(header)
        if value is None:
            return header == "Origin"  # a page of the same origin may send none
        parts = urlsplit(value if header == "Origin" else "//" + value)
        try:
            name, port = (parts.hostname or "").lower(), parts.port
        except ValueError:  # not a port number
            return False
        if port is not None and port != self.server.server_address[1]:
            return False
        try:
            ipaddress.ip_address(name)  # an address cannot be rebound to another host
            return True
        except ValueError:
            return name in ("localhost", str(getattr(self.server, "host", "")).lower())

    def do_GET(self) -> None:
        site, baseurl, live = self.site, self.baseurl, self.live
        if not self._from_here("Host") or not self._from_here("Origin"):
            return self._send(403, b"nbpress serve answers only requests for this machine "
                                   b"(Host 127.0.0.1, localhost or the --host name).\n",
                              TYPES[".txt"])
        path = urlsplit(self.path).path
        if baseurl and path in ("/", ""):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", baseurl + "/")
            self.end_headers()
            return
        if path.startswith(baseurl + _CLIENT):
            return self._client(path[len(baseurl + _CLIENT):])
        target = resolve_path(site, path, baseurl)
        if target is None:
            missing = resolve_path(site, baseurl + "/404.html", baseurl)
            body = missing.read_bytes() if missing else b"<h1>Not found</h1></body>"
            return self._send(404, inject(body, live.snapshot(), baseurl), TYPES[".html"])
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] \
            or "application/octet-stream"
        body = target.read_bytes()
        if target.suffix == ".html":
            body = inject(body, live.snapshot(), baseurl)
        self._send(200, body, kind)

    def _client(self, name: str) -> None:
        state = self.live.snapshot()
        if name == "reload.js":
            script = _SCRIPT % {"events": self.baseurl + _CLIENT + "events",
                                "generation": state["generation"]}
            return self._send(200, script.encode(), TYPES[".js"])
        if name == "status":
            return self._send(200, json.dumps(state).encode(), TYPES[".json"])
        if name == "events":
            return self._events(state["generation"])
        self._send(404, b"not found", TYPES[".txt"])

    def _events(self, seen: int) -> None:
        """Server-sent events: one 'build' event whenever a build finishes."""
        live = self.live
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        live.stream_opened(seen)
        try:
            while not getattr(self.server, "stopping", False):
                with live.changed:
                    live.changed.wait_for(lambda: live.generation != seen, timeout=15)
                    state = {"generation": live.generation, "error": live.error}
                new, seen = state["generation"] != seen, state["generation"]
                self.wfile.write(f"event: build\ndata: {json.dumps(state)}\n\n".encode())
                self.wfile.flush()
                if new:
                    live.stream_told(seen)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            live.stream_closed()


class _Server(ThreadingHTTPServer):
    """The HTTP server: a thread per request; hung-up clients are not reported."""

    daemon_threads = True
    host = ""  # the --host name, accepted as a Host header
    live: LiveState

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):  # a client gone: normal
            return
        print(f"serve: could not answer a request ({type(error).__name__}: {error})",
              file=sys.stderr, flush=True)


def bind(site: Path, baseurl: str, host: str, port: int) -> _Server:
    """The server listening on ``host:port``; ``NbpressError`` when it cannot (say, the port is
    taken), so that this is said before any build."""
    live = LiveState()
    try:
        server = _Server((host, port), make_handler(site, baseurl, live))
    except OSError as exc:
        raise NbpressError(f"cannot serve on {host}:{port}: {exc.strerror or exc}.",
                           hint="Another program (maybe another nbpress serve) may use it: pass "
                                "--port with another number, or --port 0 for any free port; "
                                "--host must be an address of this machine.") from None
    server.host, server.live = host, live
    return server


def guarded(rebuild: Callable[[], str]) -> Callable[[], str]:
    """``rebuild`` that turns an unexpected error inside nbpress into the error text to
    show, so that the server keeps serving the last good site."""

    def run() -> str:
        try:
            return rebuild()
        except Exception as exc:  # a bug in nbpress: say it, keep serving
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            return (f"nbpress failed unexpectedly while rebuilding ({type(exc).__name__}: "
                    f"{exc}; at {Path(frame.filename).name}:{frame.lineno}). The previous site "
                    "is still served; please report this with the post that caused it.")

    return run


def make_handler(site: Path, baseurl: str, live: LiveState) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one site folder."""
    return type("Handler", (_Handler,), {"site": site, "baseurl": baseurl, "live": live})


def watch_filter(root: Path, out: Path) -> Callable:
    """Changes that matter: sources, theme, bibliographies, configuration — not outputs."""
    ignored = [str(p) for p in (out, root / CACHE_DIR, root / STATE_DIR,
                                root / "posts" / "data")]

    def keep(change, path: str) -> bool:
        if any(path == i or path.startswith(i + os.sep) for i in ignored):
            return False
        parts = os.path.relpath(path, root).split(os.sep)
        if any(p.startswith(".") or p in ("__pycache__", "node_modules") for p in parts):
            return False
        return not parts[-1].endswith(("~", ".swp", ".tmp", ".pyc"))

    return keep


def serve(*, site: Path, baseurl: str, host: str, port: int, watch: Iterable[Path],
          root: Path, rebuild: Callable[[], str], initial_error: str = "",
          log: TextIO = sys.stderr, server: _Server | None = None,
          after_reload: Callable[[], None] | None = None) -> None:
    """Serve ``site`` until Ctrl-C; on each change under ``watch``, call ``rebuild``.

    ``rebuild`` returns "" on success or the error text to show; ``server`` is ``bind``'s,
    when the caller bound it before the first build; ``after_reload`` is called once open
    pages have been told to reload (the work a reader need not wait for: search).
    """
    import watchfiles

    server = server or bind(site, baseurl, host, port)
    live = server.live
    live.error, rebuild = initial_error, guarded(rebuild)
    url = f"http://{host}:{server.server_address[1]}{baseurl}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"serving {site} at {url} (Ctrl-C to stop)", file=log, flush=True)
    paths = [p for p in watch if p.exists()]
    try:
        # step: 20 ms of quiet after a change (an editor's save is a burst of events).
        for changes in watchfiles.watch(*paths, watch_filter=watch_filter(root, site),
                                        debounce=300, step=20, raise_interrupt=True):
            names = sorted({os.path.relpath(path, root) for _, path in changes})
            print(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}",
                  file=log, flush=True)
            started = time.perf_counter()
            error = rebuild()
            if error:
                print(f"rebuild failed; still serving the previous site:\n{error}", file=log,
                      flush=True)
            else:
                print(f"rebuilt in {time.perf_counter() - started:.1f} s", file=log, flush=True)
            live.publish(error)
            if after_reload is not None:
                live.wait_told(timeout=0.5)  # (a page that never reads its stream: not long)
                after_reload()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping = True
        with live.changed:
            live.changed.notify_all()
        server.shutdown()
        server.server_close()
        print("stopped", file=log, flush=True)


__all__ = ["bind", "guarded", "inject", "resolve_path", "serve"]
