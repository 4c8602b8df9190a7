"""Jekyll's Liquid in a post's Markdown (nbpress/liquid.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.errors import PostError, PostErrors
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


def test_list_value_joined_as_jekyll_does() -> None:
    assert resolve("{{ page.tags }} / {{ page.tags | join: ', ' }}", site=SITE,
                   page={"tags": ["a", "b"]}, links={}, path=Path("a.md"),
                   line_offset=1) == "ab / a, b"


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


TAG_HINT = ("nbpress has Liquid's tags and Jekyll's (include, highlight, link, post_url, raw), "
            "not those of Jekyll plugins: for code use a ``` fence (or {% highlight %}), for "
            "other HTML put it in _includes/ and {% include %} it. To show braces literally, "
            "wrap them in {% raw %}…{% endraw %}.")


def test_unknown_tag_hints_at_a_fence() -> None:
    assert fails("a\n\n{% gist 5555251 %}") == (
        "posts/a.md:6: unknown Liquid tag '{% gist 5555251 %}'. " + TAG_HINT)


def test_text_without_liquid_is_unchanged() -> None:
    text = "Plain { braces } and {single} and 100% sure.\n"
    assert liquid(text) == text


# --- Jekyll's filters ------------------------------------------------------------------------

POST_PAGE = {"title": "Training a CNN: Part 2!", "date": "2024-03-09 14:30:00 +0100",
             "summary": "We train a *small* network on MNIST in ten minutes.",
             "tags": ["deep learning", "pytorch"]}
TALKS = [{"title": "Kernels at scale", "topic": "hpc", "year": 2019},
         {"title": "Dropout, revisited", "topic": "ml", "year": 2021},
         {"title": "Notebooks in CI", "topic": "tooling"},
         {"title": "Bayesian optimisation", "topic": "ml", "year": 2017}]


def post(text: str, *, includes: Path | None = None, page=POST_PAGE) -> str:
    return resolve(text, site={**SITE, "data": {"talks": TALKS}}, page=page, links=LINKS,
                   path=Path("posts/2024-03-09-cnn.md"), line_offset=5, includes=includes)


def test_date_filter_with_strftime_formats() -> None:
    assert post('Posted in {{ page.date | date: "%B %Y" }}.') == "Posted in March 2024."
    assert post('{{ page.date | date: "%b %-d, %Y" }}') == "Mar 9, 2024"
    assert post('{{ "now" | date: "%Y" }}').isdigit()


def test_date_to_xmlschema_and_strings() -> None:
    assert post("{{ page.date | date_to_xmlschema }}") == "2024-03-09T14:30:00+01:00"
    assert post("{{ page.date | date_to_string }}") == "09 Mar 2024"
    assert post('{{ page.date | date_to_string: "ordinal" }}') == "9th Mar 2024"
    assert post('{{ page.date | date_to_string: "ordinal", "US" }}') == "Mar 9th, 2024"
    assert post("{{ page.date | date_to_long_string }}") == "09 March 2024"
    assert post('{{ page.date | date_to_long_string: "ordinal" }}') == "9th March 2024"


def test_url_filters() -> None:
    assert post("{{ '/assets/cnn/loss.png' | relative_url }}") == "/blog/assets/cnn/loss.png"
    assert post("{{ 'feed.xml' | absolute_url }}") == "https://example.org/blog/feed.xml"
    assert post("{{ 'https://arxiv.org/abs/1512.03385' | relative_url }}") == \
        "https://arxiv.org/abs/1512.03385"


def test_xml_escape_jsonify_slugify_number_of_words() -> None:
    assert post("{{ page.title | xml_escape }}", page={"title": 'Tom & Jerry\'s <"cats">'}) == \
        "Tom &amp; Jerry&apos;s &lt;&quot;cats&quot;&gt;"
    assert post("{{ page.tags | jsonify }}") == '["deep learning","pytorch"]'
    assert post("{{ site.data.talks[1] | jsonify }}") == \
        '{"title":"Dropout, revisited","topic":"ml","year":2021}'
    assert post("{{ page.title | slugify }}") == "training-a-cnn-part-2"
    assert post('{{ "Über_alles 2.0" | slugify: "pretty" }}') == "über_alles-2.0"
    assert post('{{ "Über alles" | slugify: "latin" }}') == "uber-alles"
    assert post("{{ page.summary | number_of_words }}") == "10"


def test_markdownify() -> None:
    assert post("{{ page.summary | markdownify }}") == \
        "<p>We train a <em>small</em> network on MNIST in ten minutes.</p>\n"


def test_where_where_exp_group_by_sort() -> None:
    text = ('{% assign ml = site.data.talks | where: "topic", "ml" %}'
            "{% for t in ml %}{{ t.title }}; {% endfor %}|"
            '{% assign old = site.data.talks | where_exp: "t", "t.year < 2020" %}'
            "{% for t in old %}{{ t.title }}; {% endfor %}|"
            '{% assign groups = site.data.talks | group_by: "topic" %}'
            "{% for g in groups %}{{ g.name }}={{ g.size }} {% endfor %}|"
            '{% assign by_year = site.data.talks | sort: "year", "last" %}'
            "{% for t in by_year %}{{ t.year | default: 'n/a' }} {% endfor %}")
    assert post(text) == ("Dropout, revisited; Bayesian optimisation; |"
                          "Kernels at scale; Bayesian optimisation; |"
                          "hpc=1 ml=2 tooling=1 |2017 2019 2021 n/a ")
    assert post("{{ page.tags | where_exp: 'tag', \"tag contains 'learn'\" | join: ',' }}") == \
        "deep learning"
    assert post('{{ page.tags | sort | join: "," }}') == "deep learning,pytorch"


def test_undefined_with_default_is_fine() -> None:
    assert post('{{ page.subtitle | default: "no subtitle" }}') == "no subtitle"


# --- Jekyll's tags ---------------------------------------------------------------------------

@pytest.fixture
def includes(tmp_path: Path) -> Path:
    folder = tmp_path / "_includes"
    (folder / "figures").mkdir(parents=True)
    (folder / "note.html").write_text(
        '<div class="note" markdown="1">\n**{{ include.kind | default: "Note" }}:** '
        "{{ include.text }}\n</div>\n")
    (folder / "figures" / "figure.html").write_text(
        '<figure>\n  <img src="{{ include.src | relative_url }}" alt="{{ include.alt }}">\n'
        "  <figcaption>{{ include.caption }} ({{ page.title }})</figcaption>\n</figure>\n")
    return folder


def test_include_with_parameters(includes: Path) -> None:
    text = ('Before.\n\n{% include note.html kind="Warning" text="Needs a GPU." %}\n'
            "{% include figures/figure.html src='/assets/cnn/loss.png' alt=page.tags[0] "
            'caption="Training loss" %}')
    assert post(text, includes=includes) == (
        'Before.\n\n<div class="note" markdown="1">\n**Warning:** Needs a GPU.\n</div>\n\n'
        '<figure>\n  <img src="/blog/assets/cnn/loss.png" alt="deep learning">\n'
        "  <figcaption>Training loss (Training a CNN: Part 2!)</figcaption>\n</figure>\n")


def test_missing_include_lists_the_files_there(includes: Path) -> None:
    with pytest.raises(PostError) as info:
        post("x\n{% include nots.html text='a' %}", includes=includes)
    assert str(info.value) == (
        "posts/2024-03-09-cnn.md:6: '{% include nots.html %}': there is no _includes/nots.html. "
        "Files in _includes/: figures/figure.html, note.html.")


def test_mistake_inside_an_include_names_the_include(includes: Path) -> None:
    (includes / "note.html").write_text("<aside>\n{{ include.text | upcase }} {{ page.titel }}\n"
                                        "</aside>\n")
    with pytest.raises(PostError) as info:
        post("{% include note.html text='x' %}", includes=includes)
    assert str(info.value).startswith(
        "_includes/note.html:2: unknown Liquid variable '{{ page.titel }}' (titel is not "
        "defined); included by posts/2024-03-09-cnn.md:5 '{% include note.html text='x' %}'. "
        "Did you mean '{{ page.title }}'?")


def test_highlight_is_the_fence_highlighter_and_keeps_line_count() -> None:
    from nbpress.markdown import highlight

    code = 'def loss(y, p):\n\n    return -(y * log(p)).mean()  # "{{ site.title }}"\n'
    text = ("Intro\n{% highlight python %}\n" + code + "{% endhighlight %}\nAfter")
    out = post(text)
    shown = highlight(code.replace("{{ site.title }}", "My blog"), "python")
    assert out == "Intro\n" + shown + "\n\nAfter"
    assert out.count("\n") == text.count("\n")  # later stages' line numbers still match


def test_highlight_linenos_and_raw_inside() -> None:
    text = "{% highlight html linenos %}\n{% raw %}<p>{{ page.title }}</p>{% endraw %}\n" \
           "<br>\n{% endhighlight %}"
    assert post(text) == (
        '<pre class="highlight"><code class="language-html"><span class="linenos">1</span>'
        '<span class="p">&lt;</span><span class="nt">p</span><span class="p">&gt;</span>'
        '{{ page.title }}<span class="p">&lt;/</span><span class="nt">p</span>'
        '<span class="p">&gt;</span>\n<span class="linenos">2</span><span class="p">&lt;</span>'
        '<span class="nt">br</span><span class="p">&gt;</span>\n</code></pre>\n')


def test_link_to_a_jekyll_posts_path_and_post_url_in_a_subfolder() -> None:
    assert post("[o]({% link _posts/2024-01-02-other.md %})") == \
        "[o](/blog/2024/01/02/other.html)"
    assert post("[o]({% post_url /tutorials/2024-01-02-other %})") == \
        "[o](/blog/2024/01/02/other.html)"


# --- every mistake at once ---------------------------------------------------------------------

def test_every_mistake_is_reported_with_its_line() -> None:
    text = ("Trained on {{ page.date | date: '%B %Y' }}.\n\n"
            "{% youtube dQw4w9WgXcQ %}\n\n"
            "See {{ site.data.talk }} and {{ page.summary | truncate_words: 5 }}.\n"
            "{% if page.tags contains %}x{% endif %}\n")
    with pytest.raises(PostErrors) as info:
        post(text)
    assert [str(e) for e in info.value.errors] == [
        "posts/2024-03-09-cnn.md:7: unknown Liquid tag '{% youtube dQw4w9WgXcQ %}'. " + TAG_HINT,
        "posts/2024-03-09-cnn.md:9: unknown Liquid variable '{{ site.data.talk }}' (talk is not "
        "defined). Did you mean '{{ site.data.talks }}'? Variables available are site.* "
        "(baseurl, data, title, url) and page.* (date, summary, tags, title). To show braces "
        "literally, wrap them in {% raw %}…{% endraw %}.",
        "posts/2024-03-09-cnn.md:9: unknown Liquid filter 'truncate_words' in "
        "'{{ page.summary | truncate_words: 5 }}'. Did you mean 'truncatewords'? nbpress has "
        "Liquid's filters and Jekyll's (jekyllrb.com/docs/liquid/filters), not those of Jekyll "
        "plugins.",
        "posts/2024-03-09-cnn.md:10: Liquid error in '{% if page.tags contains %}': "
        "expected a primitive expression, found end of expression. Liquid's syntax: "
        "shopify.github.io/liquid. To show braces literally, wrap them in "
        "{% raw %}…{% endraw %}."]
    assert str(info.value) == "\n\n".join(str(e) for e in info.value.errors)


def test_python_liquid_is_imported_only_when_rendering() -> None:
    import subprocess
    import sys

    code = "import sys, nbpress.cli, nbpress.liquid; print('liquid' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parent.parent)
    assert result.stdout == "False\n"


@pytest.mark.parametrize("text, message", [
    ("Set the name\nand {{ b", "posts/a.md:5: Liquid error in '{{ b': expected '}}', found "
     "end of file. Liquid's syntax: shopify.github.io/liquid. To show braces literally, wrap "
     "them in {% raw %}…{% endraw %}."),
    ("I am 100{% sure", "posts/a.md:4: Liquid error in '{% sure': missing tag name or closing "
     "delimiter. Liquid's syntax: shopify.github.io/liquid. To show braces literally, wrap them "
     "in {% raw %}…{% endraw %}."),
])
def test_unclosed_braces_are_an_error_not_a_crash(text: str, message: str) -> None:
    assert fails(text) == message


def test_every_mistake_inside_blocks_once_each() -> None:
    text = ("{% for tag in page.tags %}\n- {{ tag | upcase }} ({{ tag.count }})\n{% endfor %}\n"
            "{% if page.tags.size > 0 %}See {{ page.tag }} and {% post_url 2024-01-02-othr %}"
            "{% endif %}\n")
    with pytest.raises(PostErrors) as info:
        post(text)
    assert [str(e).split(". ")[0] for e in info.value.errors] == [
        "posts/2024-03-09-cnn.md:6: unknown Liquid variable '{{ tag.count }}' (count is not "
        "defined)",
        "posts/2024-03-09-cnn.md:8: unknown Liquid variable '{{ page.tag }}' (tag is not defined)",
        "posts/2024-03-09-cnn.md:8: '{% post_url 2024-01-02-othr %}' names no post or file of "
        "this site"]


def test_where_and_group_by_compare_as_liquid_prints() -> None:
    page = {"projects": [{"name": "nbpress", "featured": True}, {"name": "dotfiles",
                                                                 "featured": False}]}
    assert post('{{ page.projects | where: "featured", "true" | map: "name" | join }}',
                page=page) == "nbpress"
    assert post('{% assign g = page.projects | group_by: "featured" %}{{ g | map: "name" | '
                'join: "," }}', page=page) == "true,false"
    assert post('{{ 1710000000 | date_to_xmlschema }}') == "2024-03-09T16:00:00+00:00"


def test_a_filter_given_a_wrong_value() -> None:
    with pytest.raises(PostError) as info:
        post('Updated {{ page.updated | date_to_string }}.', page={"updated": "last week"})
    assert str(info.value) == (
        "posts/2024-03-09-cnn.md:5: Liquid error in '{{ page.updated | date_to_string }}': "
        "'last week' is not a date. Check the values the filter or tag is given (Jekyll's "
        "filters: jekyllrb.com/docs/liquid/filters). To show braces literally, wrap them in "
        "{% raw %}…{% endraw %}.")


def test_more_jekyll_filters() -> None:
    assert post("Tagged {{ page.tags | array_to_sentence_string }}.") == \
        "Tagged deep learning and pytorch."
    assert post('{{ site.data.talks | map: "topic" | array_to_sentence_string: "or" }}') == \
        "hpc, ml, tooling, or ml"
    assert post('{% assign by = site.data.talks | group_by_exp: "t", "t.year | default: 0 | '
                'at_least: 2020" %}{% for g in by %}{{ g.name }}:{{ g.size }} {% endfor %}') == \
        "2020:3 2021:1 "
    assert post('{{ "Training & testing?" | cgi_escape }}') == "Training+%26+testing%3F"
    assert post('{{ "/notes/my post?x=1" | uri_escape }}') == "/notes/my%20post?x=1"
    assert post('{{ "  a\n  wrapped   title " | normalize_whitespace }}') == "a wrapped title"
    assert post('{{ page.tags | push: "jax" | shift | unshift: "ml" | pop | join: "," }}') == \
        "ml,pytorch"


def test_misspelt_tag_names_the_closest() -> None:
    assert fails("{% hightlight python %}\nx = 1\n{% endhighlight %}").startswith(
        "posts/a.md:4: unknown Liquid tag '{% hightlight python %}'. Did you mean "
        "'{% highlight %}'? nbpress has Liquid's tags")


def test_optional_values_are_tested_as_on_jekyll(includes: Path) -> None:
    (includes / "image.html").write_text(
        '<img src="{{ include.url | relative_url }}"{% if include.alt %} alt="{{ include.alt }}"'
        "{% endif %}>\n{% if include.caption != nil %}<em>{{ include.caption }}</em>\n"
        "{% endif %}")
    text = ("{% include image.html url='/assets/a.png' %}"
            "{% include image.html url='/assets/b.png' alt='Loss' caption='Loss per epoch' %}"
            "{% unless page.hide_toc %}[toc]{% endunless %}"
            "{% case page.layout %}{% when 'talk' %}talk{% else %} post{% endcase %}"
            "{% if page.series contains 'cnn' %} in a series{% endif %}")
    assert post(text, includes=includes) == (
        '<img src="/blog/assets/a.png">\n'
        '<img src="/blog/assets/b.png" alt="Loss">\n<em>Loss per epoch</em>\n[toc] post')


def test_unknown_variable_output_or_looped_over_is_still_an_error() -> None:
    assert fails("{% if page.image %}{{ page.image }}{% endif %}{{ page.imag }}").startswith(
        "posts/a.md:4: unknown Liquid variable '{{ page.imag }}' (imag is not defined).")
    assert fails("{% for post in site.post %}{{ post.title }}{% endfor %}").startswith(
        "posts/a.md:4: unknown Liquid variable 'site.post' in '{% for post in site.post %}' "
        "(post is not defined).")


def test_jekyll_scholar_cite_becomes_a_citation() -> None:
    from pathlib import Path

    from nbpress.liquid import resolve

    text = "Attention {% cite vaswani2017 %}; both {% cite a b -l 23 --file refs %}.\n"
    assert resolve(text, site={}, page={}, links={}, path=Path("p.md"), line_offset=1) == (
        "Attention [@vaswani2017]; both [@a; @b, p. 23].\n")
