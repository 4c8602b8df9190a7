"""A Jekyll post's Liquid through a whole build: includes, highlight, dates, and every mistake
of a post reported in one build, before any kernel starts."""

from __future__ import annotations

from conftest import Page

from nbpress.markdown import highlight

INCLUDE = """\
<div class="callout callout-{{ include.type | default: "info" }}">
  <p>{{ include.content }}</p>
</div>
"""

POST = """\
---
title: Fine-tuning ResNet-18 on CIFAR-10
date: 2019-03-10 09:00:00 +0000
tags: [deep-learning, pytorch]
---

*Written in {{ page.date | date: "%B %Y" }}; updated {{ page.date | date_to_string }}.*

{% include callout.html type="warning" content="Training takes about an hour on a GPU." %}

The learning-rate schedule:

{% highlight python linenos %}
def lr_at(epoch, base=0.1):

    return base * 0.1 ** (epoch // 30)
{% endhighlight %}

Read [the previous post]({% post_url 2019-02-01-data %}) first.
"""

OTHER = "---\ntitle: Loading CIFAR-10\n---\n\nThe data.\n"


def test_includes_highlight_and_dates_in_a_built_site(make_site, build) -> None:
    root = make_site({"_includes/callout.html": INCLUDE,
                      "posts/2019-03-10-resnet.md": POST, "posts/2019-02-01-data.md": OTHER})
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    page_html = (root / "_site/2019/03/10/resnet.html").read_text()
    page = Page(page_html)
    assert "Written in March 2019; updated 10 Mar 2019." in page.plain
    [callout] = page.all("div", **{"class": "callout callout-warning"})
    assert callout.text == "Training takes about an hour on a GPU."
    code = "def lr_at(epoch, base=0.1):\n\n    return base * 0.1 ** (epoch // 30)\n"
    assert highlight(code, "python", linenos=True) in page_html  # as a ``` fence, numbered
    assert [n.text for n in page.all("span", inside="pre", **{"class": "linenos"})] == \
        ["1", "2", "3"]
    assert "/2019/02/01/data.html" in page.hrefs


def test_two_liquid_mistakes_in_one_post_are_both_reported_before_any_kernel(make_site, build
                                                                             ) -> None:
    broken = (POST.replace("{% include callout.html", "{% include callouts.html")
              .replace("date_to_string", "date_to_str")
              + "\n```python\nprint('never run')\n```\n")
    root = make_site({"_includes/callout.html": INCLUDE, "posts/2019-03-10-resnet.md": broken,
                      "posts/2019-02-01-data.md": OTHER})
    result = build("build", "--root", str(root), cwd=root)
    assert result.returncode == 1
    assert result.stderr == (
        "error: posts/2019-03-10-resnet.md:7: unknown Liquid filter 'date_to_str' in "
        "'{{ page.date | date_to_str }}'. Did you mean 'date_to_string'? nbpress has Liquid's "
        "filters and Jekyll's (jekyllrb.com/docs/liquid/filters), not those of Jekyll plugins."
        "\n\n"
        "error: posts/2019-03-10-resnet.md:9: '{% include callouts.html %}': there is no "
        "_includes/callouts.html. Files in _includes/: callout.html.\n\n"
        "1 post(s) failed; the previous site was left as it was.\n")
    assert not (root / "_site").exists()
    assert not (root / "_executed").exists()  # no kernel ran


def test_editing_an_include_rebuilds_the_posts_using_it(make_site, build) -> None:
    root = make_site({"_includes/callout.html": INCLUDE,
                      "posts/2019-03-10-resnet.md": POST, "posts/2019-02-01-data.md": OTHER})
    assert build("build", "--root", str(root)).returncode == 0
    (root / "_includes/callout.html").write_text('<aside class="callout">{{ include.content }}'
                                                 "</aside>\n")
    result = build("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    page = Page.read(root / "_site/2019/03/10/resnet.html")
    [aside] = page.all("aside", **{"class": "callout"})
    assert aside.text == "Training takes about an hour on a GPU."
