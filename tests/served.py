"""A built site served over HTTP under a path, as GitHub serves a project site (browser tests)."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(site: Path, under: str = "blog") -> Iterator[str]:
    """Serve ``site`` at ``/{under}/``; yields the server's base URL (no trailing slash)."""
    served = site.parent / f"served-{site.name}"
    served.mkdir(exist_ok=True)
    if not (served / under).exists():
        (served / under).symlink_to(site, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
