"""For the browser tests: a built site served over HTTP under a path (as GitHub serves a
project site), headless Chromium (Debian's, never a downloaded one), and pages opened with
every request that leaves the site blocked and counted."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LOAD_IMAGES = """() => Promise.all([...document.images].map(img => {
    img.loading = "eager";
    return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
}))"""


@contextmanager
def chromium() -> Iterator:
    """A launched headless Chromium; the test is skipped where it is not installed."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_offline(browser, server: str, path: str, failed: list[str] | None = None, **options):
    """(context, page, console errors, requests that tried to leave the site) with ``path``
    loaded from ``server``; every request outside ``server`` is aborted and counted.  With
    ``failed``, the URLs of the site's requests that failed or answered 400+ go there."""
    context = browser.new_context(**options)
    outside: list[str] = []

    def route(route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    if failed is not None:
        page.on("requestfailed", lambda request: failed.append(request.url)
                if request.url.startswith(server + "/") else None)
        page.on("response", lambda answer: failed.append(answer.url)
                if answer.status >= 400 else None)
    response = page.goto(server + path, wait_until="networkidle")
    assert response is not None and response.ok, path
    return context, page, errors, outside


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(site: Path, under: str = "blog") -> Iterator[str]:
    """Serve ``site`` at ``/{under}/`` (at ``/`` when ``under`` is ""); yields the server's
    base URL (no trailing slash)."""
    served = site.parent / f"served-{site.name}" if under else site
    served.mkdir(exist_ok=True)
    if under and not (served / under).exists():
        (served / under).symlink_to(site, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
