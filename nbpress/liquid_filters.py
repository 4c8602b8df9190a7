"""Jekyll's own Liquid filters, for python-liquid (used by ``nbpress.liquid``).

Jekyll adds these to Liquid's standard filters; posts moved from a Jekyll blog
use them (``{{ "/about/" | relative_url }}``, ``{{ page.date | date_to_string }}``,
``{{ site.posts | where: "category", "ml" }}``).  They behave as Jekyll's do
(jekyllrb.com/docs/liquid/filters): the same output for the same input, so a
moved post renders as it did.  ``register`` adds them to an environment; the
URL filters need the site's ``url``/``baseurl``, ``markdownify`` nbpress's
Markdown renderer.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote, quote_plus

from liquid import Environment
from liquid.exceptions import FilterArgumentError, LiquidError
from liquid.filter import with_context
from liquid.undefined import is_undefined

_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SLUG_MODES = {  # Jekyll's slugify modes: which characters become "-"
    "raw": re.compile(r"\s+"),
    "default": re.compile(r"(?:[^\w]|_)+"),
    "pretty": re.compile(r"[^\w._~!$&'()+,;=@]+"),  # keeps "_", as Jekyll's does
    "ascii": re.compile(r"[^a-z0-9]+", re.I),
    "latin": re.compile(r"[^a-z0-9]+", re.I),
}


def _text(value: Any) -> str:
    """A value as Liquid prints it (``true``, not ``True``; nothing for nil)."""
    if value is None or is_undefined(value):
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def to_date(value: Any) -> dt.datetime:
    """A date, a datetime or a date string (as front matter and ``page.date`` give) → datetime."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # seconds, as Liquid
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    from dateutil import parser  # a dependency of python-liquid

    try:
        return parser.parse(str(value))
    except (ValueError, OverflowError):
        raise FilterArgumentError(f"{value!r} is not a date", token=None) from None


def date_to_xmlschema(value: Any) -> str:
    """ISO 8601, as in feeds: ``2024-03-19T10:00:00+00:00``."""
    return to_date(value).isoformat()


def _day_month_year(value: Any, month: str, style: str = "", usa: str = "") -> str:
    date = to_date(value)
    if style == "ordinal":
        day = date.day
        suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        if usa == "US":
            return f"{date.strftime(month)} {day}{suffix}, {date.year}"
        return f"{day}{suffix} {date.strftime(month)} {date.year}"
    if usa == "US" or style == "US":
        return f"{date.strftime(month)} {date.strftime('%d')}, {date.year}"
    return date.strftime(f"%d {month} %Y")


def date_to_string(value: Any, style: str = "", usa: str = "") -> str:
    """``19 Mar 2024``; ``"ordinal"`` → ``19th Mar 2024``;
    ``"ordinal", "US"`` → ``Mar 19th, 2024``."""
    return _day_month_year(value, "%b", style, usa)


def date_to_long_string(value: Any, style: str = "", usa: str = "") -> str:
    """``19 March 2024`` (and the same ``ordinal``/``US`` forms as ``date_to_string``)."""
    return _day_month_year(value, "%B", style, usa)


def xml_escape(value: Any) -> str:
    """Escape ``& < > " '`` for XML text and attributes (feeds), as Jekyll writes them."""
    return html.escape(_text(value), quote=False).replace('"', "&quot;").replace("'", "&apos;")


def jsonify(value: Any) -> str:
    """The value as compact JSON, as Ruby's ``to_json`` writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def slugify(value: Any, mode: str = "default") -> str:
    """Jekyll's slug: lower case, runs of other characters → ``-`` (``mode`` as Jekyll's)."""
    text = _text(value)
    if mode == "none":
        return text
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    pattern = _SLUG_MODES.get(mode)
    if pattern is None:
        raise FilterArgumentError(f"slugify has no mode {mode!r} (Jekyll's are raw, default, "
                                  "pretty, ascii, latin, none)", token=None)
    return pattern.sub("-", text).strip("-").lower()


def number_of_words(value: Any) -> int:
    """How many whitespace-separated words the text has."""
    return len(_text(value).split())


def _property(item: Any, name: str) -> Any:
    value: Any = item
    for part in str(name).split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def where(items: Iterable[Any], name: str, value: Any) -> list:
    """The items whose property ``name`` equals ``value`` (or, for a list, contains it)."""
    wanted = _text(value)
    found = []
    for item in items or []:
        have = _property(item, name)
        values = have if isinstance(have, (list, tuple)) else [have]
        if any(_text(v) == wanted for v in values):
            found.append(item)
    return found


def group_by(items: Iterable[Any], name: str) -> list[dict]:
    """``[{"name": value, "items": [...], "size": n}]`` in the order values first appear."""
    groups: dict[str, list] = {}
    for item in items or []:
        groups.setdefault(_text(_property(item, name)), []).append(item)
    return [{"name": key, "items": group, "size": len(group)} for key, group in groups.items()]


def sort(items: Iterable[Any], name: Any = None, nils: str = "first") -> list:
    """Sorted; by property ``name`` if given, items without it first (or ``"last"``)."""
    values = list(items or [])
    if name is None or is_undefined(name):
        last = nils == "last"
        return sorted(values, key=lambda v: (v is None if last else v is not None, v))
    present = [v for v in values if _property(v, name) is not None]
    missing = [v for v in values if _property(v, name) is None]
    present.sort(key=lambda v: _property(v, name))
    return missing + present if nils != "last" else present + missing


def _template(name: str, source: str):
    """A Liquid template made from a filter's expression argument; its mistakes are reported
    at the filter (``name``), not in this made-up text."""
    try:
        return Environment().from_string(source)
    except LiquidError as exc:
        raise FilterArgumentError(f"{name}: {exc.message}", token=None) from None


@with_context
def where_exp(items: Iterable[Any], name: str, expression: str, *, context) -> list:
    """``where_exp: "talk", "talk.year > 2019"``: the items the condition holds for."""
    test = _template("where_exp", f"{{% if {expression} %}}1{{% endif %}}")
    scope = dict(context.globals)
    return [item for item in items or [] if test.render(**{**scope, name: item}) == "1"]


@with_context
def group_by_exp(items: Iterable[Any], name: str, expression: str, *, context) -> list[dict]:
    """``group_by_exp: "post", "post.date | date: '%Y'"``: groups as ``group_by``'s."""
    key = _template("group_by_exp", f"{{{{ {expression} }}}}")
    scope = dict(context.globals)
    groups: dict[str, list] = {}
    for item in items or []:
        groups.setdefault(key.render(**{**scope, name: item}), []).append(item)
    return [{"name": value, "items": group, "size": len(group)}
            for value, group in groups.items()]


def array_to_sentence_string(items: Iterable[Any], connector: str = "and") -> str:
    """``a``, ``a and b``, ``a, b, and c``."""
    words = [_text(item) for item in items or []]
    if len(words) <= 2:
        return f" {connector} ".join(words)
    return ", ".join(words[:-1]) + f", {connector} " + words[-1]


def _arrays() -> dict[str, Callable[..., Any]]:
    """Jekyll's ``push``, ``pop``, ``shift`` and ``unshift``: new arrays, the input unchanged."""
    return {"push": lambda items, item: [*(items or []), item],
            "pop": lambda items, n=1: list(items or [])[:max(0, len(items or []) - int(n))],
            "shift": lambda items, n=1: list(items or [])[int(n):],
            "unshift": lambda items, item: [item, *(items or [])]}


def url_filters(site: Mapping[str, Any]) -> dict[str, Callable[..., str]]:
    """``relative_url`` and ``absolute_url`` for this site's ``baseurl`` and ``url``."""
    baseurl = str(site.get("baseurl") or "").rstrip("/")
    url = str(site.get("url") or "").rstrip("/")

    def relative_url(value: Any) -> str:
        if value is None or is_undefined(value):  # Jekyll's: nil gives nil (shown as "")
            str(value)  # (an unknown variable shown empty is noted: liquid_env.ShownEmpty)
            return ""
        text = _text(value)
        if _ABSOLUTE.match(text):
            return text
        return baseurl + "/" + text.lstrip("/")

    def absolute_url(value: Any) -> str:
        if value is None or is_undefined(value):
            return relative_url(value)
        text = _text(value)
        return text if _ABSOLUTE.match(text) else url + relative_url(text)

    return {"relative_url": relative_url, "absolute_url": absolute_url}


def register(env: Any, site: Mapping[str, Any], markdownify: Callable[[str], str]) -> None:
    """Add Jekyll's filters to a python-liquid environment."""
    filters: dict[str, Callable[..., Any]] = {
        "date_to_xmlschema": date_to_xmlschema, "date_to_rfc822": lambda v: to_date(v).strftime(
            "%a, %d %b %Y %H:%M:%S %z"), "date_to_string": date_to_string,
        "date_to_long_string": date_to_long_string, "xml_escape": xml_escape, "jsonify": jsonify,
        "slugify": slugify, "number_of_words": number_of_words, "where": where,
        "group_by": group_by, "sort": sort, "where_exp": where_exp, "group_by_exp": group_by_exp,
        "array_to_sentence_string": array_to_sentence_string,
        "cgi_escape": lambda v: quote_plus(_text(v)),
        "uri_escape": lambda v: quote(_text(v), safe="!#$&'()*+,/:;=?@[]~%"),
        "normalize_whitespace": lambda v: " ".join(_text(v).split()),
        "markdownify": lambda v: markdownify(_text(v)), **_arrays(), **url_filters(site)}
    for name, function in filters.items():
        env.add_filter(name, function)
