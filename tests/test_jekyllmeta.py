"""The front matter keys of Jekyll's site model (nbpress/jekyllmeta.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.errors import PostError
from nbpress.jekyllmeta import jekyll_fields

PATH = Path("posts/2024-01-02-a.md")


def test_redirects_and_excerpt() -> None:
    assert jekyll_fields({"redirect_from": "/old/", "excerpt": " Short. "}, PATH, {}) == {
        "categories": (), "excerpt": "Short.", "redirect_from": ("/old/",), "redirect_to": ""}
    assert jekyll_fields({"redirect_from": ["/a.html", "/b/"],
                          "redirect_to": ["https://example.org/", "/ignored/"]}, PATH, {}) == {
        "categories": (), "excerpt": "", "redirect_from": ("/a.html", "/b/"),
        "redirect_to": "https://example.org/"}


def test_categories_then_category_each_once() -> None:
    front = {"categories": "ml  notes", "category": "Deep Learning"}
    assert jekyll_fields(front, PATH, {})["categories"] == ("ml", "notes", "Deep Learning")
    front = {"categories": ["ml", 2024, "ml"], "category": ["x"]}
    assert jekyll_fields(front, PATH, {})["categories"] == ("ml", "2024", "x")


@pytest.mark.parametrize("front, message", [
    ({"redirect_from": {"a": 1}}, "'redirect_from:' must be a URL path or a list of them."),
    ({"redirect_to": [""]}, "'redirect_to:' must be a URL path or a list of them."),
    ({"excerpt": ["a"]}, "'excerpt:' must be text, not a list."),
    ({"categories": {"a": 1}}, "'categories:' must be a list of names or names separated by "
                               "spaces."),
    ({"category": True}, "'category:' must be a list of names or names separated by spaces."),
])
def test_wrong_values_are_errors_on_their_line(front: dict, message: str) -> None:
    key = next(iter(front))
    with pytest.raises(PostError) as caught:
        jekyll_fields(front, PATH, {key: 3})
    assert (caught.value.message, caught.value.location.line) == (message, 3)
