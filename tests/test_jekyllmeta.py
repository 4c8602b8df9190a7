"""The front matter keys of Jekyll's site model (nbpress/jekyllmeta.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.errors import PostError
from nbpress.jekyllmeta import jekyll_fields

PATH = Path("posts/2024-01-02-a.md")


def test_redirects_and_excerpt() -> None:
    assert jekyll_fields({"redirect_from": "/old/", "excerpt": " Short. "}, PATH, {}) == {
        "excerpt": "Short.", "redirect_from": ("/old/",), "redirect_to": ""}
    assert jekyll_fields({"redirect_from": ["/a.html", "/b/"],
                          "redirect_to": ["https://example.org/", "/ignored/"]}, PATH, {}) == {
        "excerpt": "", "redirect_from": ("/a.html", "/b/"), "redirect_to": "https://example.org/"}


@pytest.mark.parametrize("front, message", [
    ({"redirect_from": {"a": 1}}, "'redirect_from:' must be a URL path or a list of them."),
    ({"redirect_to": [""]}, "'redirect_to:' must be a URL path or a list of them."),
    ({"excerpt": ["a"]}, "'excerpt:' must be text, not a list."),
])
def test_wrong_values_are_errors_on_their_line(front: dict, message: str) -> None:
    key = next(iter(front))
    with pytest.raises(PostError) as caught:
        jekyll_fields(front, PATH, {key: 3})
    assert (caught.value.message, caught.value.location.line) == (message, 3)
