"""Jekyll permalinks (nbpress/permalink.py), checked against Jekyll's documentation.

https://jekyllrb.com/docs/permalinks/ — the example post is
``_posts/2009-04-29-slap-chop.md`` (a Wednesday, day 119, ISO week 18).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nbpress.errors import ConfigError
from nbpress.permalink import STYLES, check_pattern, expand, slugify

SLAP_CHOP = dt.datetime(2009, 4, 29, tzinfo=dt.timezone.utc)


def url(pattern: str, categories=(), date=SLAP_CHOP, slug="slap-chop") -> str:
    return expand(pattern, date=date, slug=slug, title=slug, categories=categories)


@pytest.mark.parametrize("style, expected", [
    ("date", "/2009/04/29/slap-chop.html"),
    ("pretty", "/2009/04/29/slap-chop/"),
    ("ordinal", "/2009/119/slap-chop.html"),
    ("weekdate", "/2009/W18/Wed/slap-chop.html"),
    ("none", "/slap-chop.html"),
])
def test_named_styles_without_categories(style: str, expected: str) -> None:
    assert url(style) == expected


@pytest.mark.parametrize("style, expected", [
    ("date", "/food/kitchen/2009/04/29/slap-chop.html"),
    ("pretty", "/food/kitchen/2009/04/29/slap-chop/"),
    ("ordinal", "/food/kitchen/2009/119/slap-chop.html"),
    ("none", "/food/kitchen/slap-chop.html"),
])
def test_named_styles_with_categories(style: str, expected: str) -> None:
    assert url(style, categories=("food", "kitchen")) == expected


def test_style_templates_are_jekylls() -> None:
    assert STYLES == {
        "date": "/:categories/:year/:month/:day/:title:output_ext",
        "pretty": "/:categories/:year/:month/:day/:title/",
        "ordinal": "/:categories/:year/:y_day/:title:output_ext",
        "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none": "/:categories/:title:output_ext",
    }


@pytest.mark.parametrize("pattern, expected", [
    ("/:month-:day-:year/:title:output_ext", "/04-29-2009/slap-chop.html"),
    ("/blog/:year/:month/:day/:title/", "/blog/2009/04/29/slap-chop/"),
    ("/:year/:month/:day/:title.html", "/2009/04/29/slap-chop.html"),
    ("/:short_year/:i_month/:i_day/:slug.html", "/09/4/29/slap-chop.html"),
    ("/:year/:short_month/:long_month/:title.html", "/2009/Apr/April/slap-chop.html"),
    ("/:short_day/:long_day/:title.html", "/Wed/Wednesday/slap-chop.html"),
    ("/:categories/:title.html", "/slap-chop.html"),
    (":title.html", "/slap-chop.html"),
])
def test_placeholders(pattern: str, expected: str) -> None:
    assert url(pattern) == expected


def test_unpadded_month_and_day() -> None:
    date = dt.datetime(2024, 3, 5, tzinfo=dt.timezone.utc)
    assert url("/:i_month/:i_day/:month/:day/:title.html", date=date) == \
        "/3/5/03/05/slap-chop.html"


def test_short_year_is_two_digits() -> None:
    date = dt.datetime(2005, 1, 1, tzinfo=dt.timezone.utc)
    assert url("/:short_year/:title.html", date=date) == "/05/slap-chop.html"


def test_time_placeholders() -> None:
    date = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert url("/:hour/:minute/:second/:title.html", date=date) == "/03/04/05/slap-chop.html"


def test_y_day_is_zero_padded() -> None:
    date = dt.datetime(2024, 1, 9, tzinfo=dt.timezone.utc)
    assert url("ordinal", date=date) == "/2024/009/slap-chop.html"


def test_categories_are_lower_cased_and_escaped_as_jekyll4_writes_them() -> None:
    # Checked with jekyll 4.3.1: categories [Machine Learning, JAX, jax] → "machine%20learning/jax"
    # (the folder "machine learning"); only :slugified_categories slugifies.
    assert url("date", categories=("Machine Learning", "JAX", "jax")) == \
        "/machine%20learning/jax/2009/04/29/slap-chop.html"
    assert url("/:slugified_categories/:title.html", categories=("Machine Learning", "JAX")) == \
        "/machine-learning/jax/slap-chop.html"


def test_title_keeps_the_file_names_case_and_slug_lowers_it() -> None:
    # _posts/2019-03-10-My-Post.md is /2019/03/10/My-Post.html in jekyll 4.3.1.
    date = dt.datetime(2019, 3, 10, tzinfo=dt.timezone.utc)
    assert expand("date", date=date, slug="my-post", title="My-Post") == "/2019/03/10/My-Post.html"
    assert expand("/:slug/", date=date, slug="my-post", title="My Post!") == "/my-post/"
    assert expand("/:title/", date=date, slug="my-post", title="My Post!") == "/My-Post!/"


@pytest.mark.parametrize("placeholder, value", [(":w_year", "2009"), (":w_day", "3")])
def test_jekyll4_week_placeholders(placeholder: str, value: str) -> None:
    # Jekyll 4 documents :w_year (ISO week-numbering year) and :w_day (1 = Monday).
    assert url(f"/{placeholder}/:title.html") == f"/{value}/slap-chop.html"


def test_week_year_differs_from_year_at_new_year() -> None:
    date = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)  # ISO week 53 of 2020, a Friday
    assert url("/:w_year/W:week/:w_day/:title.html", date=date) == "/2020/W53/5/slap-chop.html"


def test_unknown_placeholder_error() -> None:
    with pytest.raises(ConfigError) as info:
        check_pattern("/:yaer/:title.html")
    error = info.value
    assert error.message == "unknown placeholder ':yaer' in permalink '/:yaer/:title.html'."
    assert str(error) == f"{error.message} {error.hint}"
    assert error.hint.startswith("Known placeholders: :categories, :day, :hour, :i_day, ")
    assert ":year" in error.hint and ":title" in error.hint and ":short_year" in error.hint
    assert error.hint.endswith("; named styles: date, pretty, ordinal, weekdate, none.")


def test_expand_checks_the_pattern() -> None:
    with pytest.raises(ConfigError, match=r"unknown placeholder ':nope'"):
        url("/:nope/")


@pytest.mark.parametrize("text, slug", [
    ("Hello, World!", "hello-world"),
    ("  PyTorch & JAX  ", "pytorch-jax"),
    ("a--b__c", "a-b-c"),
    ("2024 recap", "2024-recap"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
