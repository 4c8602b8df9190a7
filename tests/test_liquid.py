"""Jekyll's Liquid in a post's Markdown (nbpress/liquid.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.errors import PostError
from nbpress.liquid import resolve

SITE = {"baseurl": "/blog", "url": "https://example.org", "title": "My blog"}
PAGE = {"title": "Post T", "date": "2024-01-02 00:00:00 +0000"}
LINKS = {"2024-01-02-other": "/blog/2024/01/02/other.html",
         "posts/2024-01-02-other.md": "/blog/2024/01/02/other.html"}
HINT = ("Variables available are site.* (baseurl, title, url) and page.* (date, title). "
        "To show braces literally, wrap them in {% raw %}…{% endraw %}.")


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def liquid(text: str, line_offset: int = 4, site=SITE) -> str:
    return resolve(text, site=site, page=PAGE, links=LINKS, path=Path("posts/a.md"),
                   line_offset=line_offset)


def fails(text: str, line_offset: int = 4) -> str:
    with pytest.raises(PostError) as info:
        liquid(text, line_offset)
    return str(info.value)


@pytest.mark.parametrize("text", ["{{site.baseurl}}", "{{ site.baseurl }}", "{{  site.baseurl}}",
                                  "{{- site.baseurl -}}"])
def test_baseurl_with_and_without_spaces(text: str) -> None:
    assert liquid(f"![x]({text}/images/a.png)") == "![x](/blog/images/a.png)"


def test_site_and_page_variables() -> None:
    text = "{{ site.url }} | {{ site.title }} | {{page.title}} | {{ page.date }}"
    assert liquid(text) == "https://example.org | My blog | Post T | 2024-01-02 00:00:00 +0000"


def test_in_raw_html() -> None:
    assert liquid('<img src="{{ site.baseurl }}/a.png">') == '<img src="/blog/a.png">'


def test_empty_baseurl() -> None:
    assert liquid("[x]({{ site.baseurl }}/a)", site={**SITE, "baseurl": ""}) == "[x](/a)"


def test_list_value_joined() -> None:
    assert resolve("{{ page.tags }}", site=SITE, page={"tags": ["a", "b"]}, links={},
                   path=Path("a.md"), line_offset=1) == "a b"


def test_none_value_is_empty() -> None:
    assert resolve("[{{ page.description }}]", site=SITE, page={"description": None}, links={},
                   path=Path("a.md"), line_offset=1) == "[]"


def test_raw_endraw() -> None:
    assert liquid("{% raw %}{{ not.this }} {% foo %}{% endraw %} and {{ site.title }}") == \
        "{{ not.this }} {% foo %} and My blog"


def test_raw_spanning_lines() -> None:
    assert liquid("{% raw %}\n{{ a }}\n{% endraw %}") == "\n{{ a }}\n"


def test_filters() -> None:
    assert liquid('{{ "/a.png" | relative_url }}') == "/blog/a.png"
    assert liquid("{{ 'a.png' | relative_url }}") == "/blog/a.png"
    assert liquid('{{ "/a.png" | absolute_url }}') == "https://example.org/blog/a.png"
    assert liquid("{{ page.title | escape }}") == "Post T"
    assert resolve("{{ page.title | xml_escape }}", site=SITE, page={"title": "a<b & c>"},
                   links={}, path=Path("a.md"), line_offset=1) == "a&lt;b &amp; c&gt;"


def test_post_url_and_link() -> None:
    assert liquid("[o]({% post_url 2024-01-02-other %})") == "[o](/blog/2024/01/02/other.html)"
    assert liquid("[o]({% link posts/2024-01-02-other.md %})") == \
        "[o](/blog/2024/01/02/other.html)"


def test_post_url_to_missing_post() -> None:
    assert fails("a\n[o]({% post_url 2024-01-02-nope %})") == (
        "posts/a.md:5: '{% post_url 2024-01-02-nope %}' names no post or file of this site. "
        "Use the post's file name without extension (e.g. 2024-03-19-my-post).")


def test_bibliography_passes_through() -> None:
    text = "Refs:\n\n{% bibliography %}\n\n{% bibliography --cited %}\n"
    assert liquid(text) == text


def test_unknown_variable_names_file_line_and_suggestion() -> None:
    assert fails("a\nb\nSee {{ site.titel }}.") == (
        "posts/a.md:6: unknown Liquid variable '{{ site.titel }}' (titel is not defined). "
        "Did you mean '{{ site.title }}'? " + HINT)


def test_unknown_page_variable() -> None:
    assert fails("{{page.tittle}}", line_offset=12) == (
        "posts/a.md:12: unknown Liquid variable '{{page.tittle}}' (tittle is not defined). "
        "Did you mean '{{ page.title }}'? " + HINT)


def test_unknown_variable_without_suggestion() -> None:
    assert fails("{{ nothing_like_it }}") == (
        "posts/a.md:4: unknown Liquid variable '{{ nothing_like_it }}' "
        "(nothing_like_it is not defined). " + HINT)


def test_line_counts_newlines_inside_raw() -> None:
    assert fails("{% raw %}\n\n{{ x }}\n{% endraw %}\n{{ site.nope }}").startswith(
        "posts/a.md:8: unknown Liquid variable '{{ site.nope }}'")


def test_unsupported_tag() -> None:
    assert fails("a\n\n{% include figure.html %}") == (
        "posts/a.md:6: unsupported Liquid tag '{% include figure.html %}'. nbpress supports "
        "{% raw %}, {% post_url %}, {% link %} and {% bibliography %}; write the HTML directly, "
        "or wrap literal text in {% raw %}…{% endraw %}.")


def test_text_without_liquid_is_unchanged() -> None:
    text = "Plain { braces } and {single} and 100% sure.\n"
    assert liquid(text) == text
