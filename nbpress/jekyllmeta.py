"""Front matter keys of Jekyll's site model that posts and pages share.

``categories:``/``category:`` (as Jekyll reads them), ``excerpt:`` (shown on
the home page instead of the derived excerpt) and jekyll-redirect-from's
``redirect_from:`` / ``redirect_to:``, checked once when a post or page is
read, as ``PostSource`` fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import PostError


def _urls(value: Any, key: str, path: Path, key_lines: dict[str, int]) -> tuple[str, ...]:
    """One URL or a list of them (jekyll-redirect-from accepts both)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise PostError(f"'{key}:' must be a URL path or a list of them.", path=path,
                        line=key_lines.get(key),
                        hint=f"Write e.g. '{key}: /old-address/' or '{key}: [/a.html, /b/]'.")
    return tuple(v.strip() for v in items)


def _names(value: Any, key: str, path: Path, key_lines: dict[str, int]) -> tuple[str, ...]:
    """A list of names; text is one name (``category:``) or words (``categories:``)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return (str(value).strip(),) if key == "category" else tuple(str(value).split())
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and
                                       not isinstance(v, bool) for v in value):
        return tuple(str(v).strip() for v in value)
    raise PostError(f"'{key}:' must be a list of names or names separated by spaces.",
                    path=path, line=key_lines.get(key),
                    hint=f"Write e.g. '{key}: [machine-learning, jax]'.")


def categories_of(front: dict[str, Any], path: Path, key_lines: dict[str, int]
                  ) -> tuple[str, ...]:
    """Jekyll's categories: ``categories:`` (words or a list), then ``category:`` (one name,
    spaces kept), each once."""
    found = ()
    for key in ("categories", "category"):
        if front.get(key) is not None:
            found += _names(front[key], key, path, key_lines)
    return tuple(dict.fromkeys(c for c in found if c))


def jekyll_fields(front: dict[str, Any], path: Path, key_lines: dict[str, int]
                  ) -> dict[str, Any]:
    """``categories``, ``excerpt``, ``redirect_from`` and ``redirect_to`` as ``PostSource``
    fields."""
    excerpt = front.get("excerpt")
    if excerpt is not None and not isinstance(excerpt, str):
        raise PostError(f"'excerpt:' must be text, not a {type(excerpt).__name__}.", path=path,
                        line=key_lines.get("excerpt"), hint="Quote it: excerpt: \"…\".")
    redirect_to = _urls(front.get("redirect_to"), "redirect_to", path, key_lines)
    # jekyll-redirect-from takes the first of a list, as here.
    return {"categories": categories_of(front, path, key_lines),
            "excerpt": (excerpt or "").strip(),
            "redirect_from": _urls(front.get("redirect_from"), "redirect_from", path, key_lines),
            "redirect_to": redirect_to[0] if redirect_to else ""}
