"""Search in headless Chromium, offline, under a baseurl: the Pagefind index built with the
site, in shards the search box merges, finds the one post that holds a word, whichever
shard it is in, and links to it under the baseurl."""

from __future__ import annotations

import io
import json

import pytest

from served import ARTIFACTS, chromium, open_offline, serve

pytestmark = pytest.mark.browser

POSTS = {
    "2024-01-05-optimisers.md": "Adam and SGD compared on a small convnet; momentum helps.",
    "2024-02-10-tokenisers.md": "Byte-pair encoding merges frequent pairs; the vocabulary "
                                "grows to 32k. A quokkaesque detail: merges are greedy.",
    "2024-03-01-plots.md": "Loss curves for three learning rates; the smallest converges slowly.",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, fake_executor):
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = tmp_path_factory.mktemp("search-site")
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Notes"\nbaseurl = "/blog"\n')
    (root / "posts").mkdir()
    for name, text in POSTS.items():
        title = name[11:-3].title()
        (root / "posts" / name).write_text(f"---\ntitle: {title}\n---\n\n{text}\n")
    with pytest.MonkeyPatch.context() as patch:  # a shard per page: the box merges them
        patch.setattr("nbpress.search.SHARD_MAX", 1)
        build(load_config(root), executor=fake_executor, log=io.StringIO())
    assert (root / "_site" / "_pagefind" / "pagefind-ui.js").is_file()
    shards = json.loads((root / "_site" / "_pagefind" / "shards.json").read_text())
    assert len(shards["bundles"]) == 3
    with serve(root / "_site") as url:
        yield url


def test_a_word_in_one_post_finds_that_post_offline(site_url) -> None:
    with chromium() as browser:
        failed: list[str] = []
        _, page, errors, outside = open_offline(browser, site_url,
                                                "/blog/2024/03/01/plots.html", failed)
        requested: list[str] = []  # the page's and Pagefind's worker's
        page.on("request", lambda request: requested.append(request.url.split("?")[0]))
        box = page.locator("#search input")
        box.fill("quokkaesque")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
        page.wait_for_timeout(300)  # let every result of the query arrive
        links = page.eval_on_selector_all(".pagefind-ui__result-link",
                                          "links => links.map(a => a.getAttribute('href'))")
        assert links == ["/blog/2024/02/10/tokenisers.html"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search.png"))
        box.fill("momentum")
        page.wait_for_function("""() => [...document.querySelectorAll(
            '.pagefind-ui__result-link')].some(a => a.href.endsWith('optimisers.html'))""")
        assert page.locator(".pagefind-ui__result-link").count() == 1
        assert outside == [] and errors == [] and failed == []
        # Every shard's index is read, but Pagefind's code and WebAssembly only once (the
        # merged shards use the first one's).
        assert len([u for u in requested if u.endswith("/pagefind-entry.json")]) == 3
        assert len([u for u in requested if "/wasm." in u]) == 1
        assert len([u for u in requested if u.endswith("/pagefind.js")]) == 1

