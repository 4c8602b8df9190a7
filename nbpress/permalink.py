"""Jekyll permalinks: placeholders and named styles → a post's URL path."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Sequence
from urllib.parse import quote

from .errors import ConfigError

# Jekyll's named styles (https://jekyllrb.com/docs/permalinks/#built-in-formats).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

_PLACEHOLDER = re.compile(r":([a-z_]+)")


def _values(date: dt.datetime, slug: str, title: str, categories: Sequence[str]) -> dict[str, str]:
    # Jekyll 4's UrlDrop: :categories are only lower-cased (a category "Machine Learning" is the
    # folder "machine learning"), each once; :slugified_categories are slugified.
    lowered = list(dict.fromkeys(c.lower() for c in categories))
    return {
        "year": f"{date.year:04d}",
        "short_year": f"{date.year % 100:02d}",
        "month": f"{date.month:02d}",
        "i_month": str(date.month),
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "day": f"{date.day:02d}",
        "i_day": str(date.day),
        "y_day": f"{date.timetuple().tm_yday:03d}",
        "week": f"{date.isocalendar()[1]:02d}",
        "w_year": str(date.isocalendar()[0]),
        "w_day": str(date.isocalendar()[2]),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "title": pretty_slug(title) or slug,
        "slug": slug,
        "name": slug,
        "slugified_categories": "/".join(dict.fromkeys(slugify(c) for c in categories)),
        "categories": "/".join(lowered),
        "output_ext": ".html",
    }


def slugify(text: str) -> str:
    """Jekyll's default slugify: lower case, runs of non-alphanumerics become one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def post_slug(name: str) -> str:
    """A post's slug from its file name or ``slug:``: Jekyll's ``slugify``, or for a name
    with no ASCII letter ("日本語") its own letters, or for one without letters ("#") a
    stable ``post-`` name: the slug names the post's files folder, which links use as is."""
    return slugify(name) or re.sub(r"[\W_]+", "-", name.casefold()).strip("-") or \
        "post-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def pretty_slug(name: str) -> str:
    """Jekyll's ``:title``: the file name's slug in slugify's "pretty" mode, case kept
    (``2019-03-10-My-Post.md`` is ``/2019/03/10/My-Post.html``)."""
    return re.sub(r"[^\w.~!$&'()+,;=@]+", "-", name).strip("-")


def escape_path(value: str) -> str:
    """A placeholder's value as Jekyll puts it in a URL (Addressable's path escaping)."""
    return quote(value, safe="/_.-~!$&'()*+,;=:@")


def check_pattern(pattern: str) -> None:
    """Raise ``ConfigError`` when ``pattern`` uses a placeholder Jekyll does not know."""
    known = _values(dt.datetime(2000, 1, 1), "x", "x", ())
    for name in _PLACEHOLDER.findall(STYLES.get(pattern, pattern)):
        if name not in known:
            raise ConfigError(
                f"unknown placeholder ':{name}' in permalink '{pattern}'.",
                hint="Known placeholders: " + ", ".join(":" + k for k in sorted(known))
                + "; named styles: " + ", ".join(STYLES) + ".",
            )


def expand(pattern: str, *, date: dt.datetime, slug: str, title: str = "",
           categories: Sequence[str] = ()) -> str:
    """The URL path for one post, e.g. ``/2024/03/19/pytorch-and-jax.html``.

    ``slug`` is the lower-case slug (``:slug``), ``title`` the name it came from
    (``:title`` keeps its case, as Jekyll's); values are URL-escaped.  Longer
    placeholder names win (``:short_year`` before ``:year``), empty segments
    collapse, and the result always starts with ``/``.
    """
    check_pattern(pattern)
    values = _values(date, slug, title, categories)
    url = _PLACEHOLDER.sub(lambda m: escape_path(values[m.group(1)]), STYLES.get(pattern, pattern))
    url = re.sub(r"/{2,}", "/", "/" + url)
    return url
