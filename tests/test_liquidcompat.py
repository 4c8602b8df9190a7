"""Old Liquid in imported posts shown as Jekyll shows it (nbpress/liquidcompat.py, with
liquid.resolve's ``blanked``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.errors import PostError
from nbpress.liquid import resolve
from nbpress.liquidcompat import blanked_warning, wants_blank

SITE = {"title": "T", "data": {"people": [{"name": "Ada", "url": "https://ada.example"},
                                          {"name": "Grace", "url": "https://grace.example"}]}}
PAGE = {"title": "P"}
POST = Path("posts/2020-01-01-people.md")
TEXT = """\
Our people:
{% for p in site.data.people %}- [{{ p.name }}]({{ p.url }}) {{ p.twitter }}
{% endfor %}
{% assign greeting = "hi" %}{{ greeting | upcase }} {{ BASE_PATH }}/img.png
{{ site.old_setting | append: "!" }} {% raw %}{{ KEEP }}{% endraw %} {{ page.nope }}
"""


def liquid(text: str, blanked: list | None) -> str:
    return resolve(text, site=SITE, page=PAGE, links={}, path=POST, line_offset=5,
                   blanked=blanked)


def test_loop_and_assigned_variables_are_shown_and_only_unknown_ones_blanked() -> None:
    blanked: list = []
    assert liquid(TEXT, blanked) == (
        "Our people:\n- [Ada](https://ada.example) \n- [Grace](https://grace.example) \n\n"
        "HI /img.png\n! {{ KEEP }} \n")
    assert sorted(set(blanked)) == [("BASE_PATH", 8), ("p.twitter", 6), ("page.nope", 9),
                                    ("site.old_setting", 9)]
    [warning] = blanked_warning(blanked, POST)
    assert (str(warning.path), warning.line) == (str(POST), 6)
    assert warning.message == (
        "undefined Liquid variable(s) BASE_PATH, p.twitter, page.nope, site.old_setting shown "
        "as empty text (liquid_undefined: empty, written by nbpress import); replace them "
        "(e.g. {{ site.baseurl }}) and remove the key.")


def test_without_the_key_an_unknown_variable_stays_an_error() -> None:
    assert not wants_blank({}) and wants_blank({"liquid_undefined": "empty"})
    with pytest.raises(PostError) as info:
        liquid("{% for p in site.data.people %}{{ p.name }}{% endfor %} {{ BASE_PATH }}", None)
    assert str(info.value).startswith(f"{POST}:5: unknown Liquid variable '{{{{ BASE_PATH }}}}'")
    assert blanked_warning([], POST) == []


def test_an_unknown_variable_through_a_url_filter_is_empty_as_in_jekyll() -> None:
    # Jekyll: relative_url(nil) is nil, shown as ""; not the site's root
    blanked: list = []
    out = resolve("[logo]({{ site.old_logo | relative_url }}) {{ site.old | absolute_url }}",
                  site={"baseurl": "/blog", "url": "https://e.org"}, page=PAGE, links={},
                  path=POST, line_offset=5, blanked=blanked)
    assert out == "[logo]() "
    assert sorted(set(blanked)) == [("site.old", 5), ("site.old_logo", 5)]
