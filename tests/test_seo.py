"""What jekyll-seo-tag puts in a page's <head>, as data (nbpress/seo.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from nbpress.seo import DESCRIPTION_LENGTH, absolute, as_datetime, page_seo, shorten

UTC = dt.timezone.utc
SITE = {"url": "https://example.org", "title": "Lab notes", "author": "Ada Lovelace",
        "description": "Small experiments, run when the site is built", "lang": "en-GB"}


def test_absolute_urls_need_a_configured_url() -> None:
    assert absolute(SITE, "/blog/2024/01/02/a.html") == "https://example.org/blog/2024/01/02/a.html"
    assert absolute({"url": ""}, "/blog/a.html") == "/blog/a.html"  # root-relative, as Jekyll
    assert absolute(SITE, "https://cdn.example.com/x.png") == "https://cdn.example.com/x.png"
    assert absolute(SITE, "//cdn.example.com/x.png") == "//cdn.example.com/x.png"
    assert absolute(SITE, "") == ""


def test_shorten_cuts_at_a_word_and_says_so() -> None:
    text = ("We train the same small convolutional network with PyTorch and with JAX, on the "
            "same data, and compare accuracy, speed and the code it takes; then we look at "
            "what jit, grad and vmap do to a function.  ") * 3
    short = shorten(text)
    assert len(short) <= DESCRIPTION_LENGTH and short.endswith("…")
    assert " ".join(text.split()).startswith(short[:-1] + " ")  # whole words only
    assert not short[:-1].endswith((",", ";", ":", ".", " "))
    assert shorten("  Only   prose\nhere. ") == "Only prose here."  # short: whitespace only
    assert shorten("Supercalifragilistic expialidocious", 25) == "Supercalifragilistic…"


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2024, 1, 2, 10, 30, tzinfo=UTC), dt.datetime(2024, 1, 2, 10, 30, tzinfo=UTC)),
    (dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, tzinfo=UTC)),  # as YAML reads a bare date
    ("2024-01-02", dt.datetime(2024, 1, 2, tzinfo=UTC)),
    ("2024-01-02 10:00:00 +0100",  # Jekyll's own form, with a space before the offset
     dt.datetime(2024, 1, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
    ("2024-01-02T10:00:00-05:00",
     dt.datetime(2024, 1, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("last Tuesday", dt.datetime(2024, 3, 1, tzinfo=UTC)),  # unusable: the default
    (None, dt.datetime(2024, 3, 1, tzinfo=UTC)),
])
def test_front_matter_dates(value, expected) -> None:
    result = as_datetime(value, dt.datetime(2024, 3, 1, tzinfo=UTC))
    assert result == expected and result.utcoffset() == expected.utcoffset()


def test_post_is_a_blog_posting_with_a_large_card() -> None:
    published = dt.datetime(2024, 1, 2, tzinfo=UTC)
    seo = page_seo(SITE, title="PyTorch & JAX", url="/blog/2024/01/02/a.html",
                   description="Two libraries, one network.", kind="post",
                   image="/blog/2024/01/02/a_files/a_3_0.png", image_alt="Training curves",
                   published=published, modified=dt.datetime(2024, 2, 1, tzinfo=UTC),
                   tags=("python", "Deep Learning"))
    url = "https://example.org/blog/2024/01/02/a.html"
    image = "https://example.org/blog/2024/01/02/a_files/a_3_0.png"
    assert seo == {
        "title": "PyTorch & JAX", "canonical": url, "description": "Two libraries, one network.",
        "type": "article", "image": image, "image_alt": "Training curves",
        "twitter_card": "summary_large_image", "published": "2024-01-02T00:00:00+00:00",
        "modified": "2024-02-01T00:00:00+00:00", "author": "Ada Lovelace",
        "tags": ["python", "Deep Learning"], "locale": "en_GB", "site_name": "Lab notes",
        "json_ld": {
            "@context": "https://schema.org", "@type": "BlogPosting", "url": url,
            "headline": "PyTorch & JAX", "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "datePublished": "2024-01-02T00:00:00+00:00",
            "dateModified": "2024-02-01T00:00:00+00:00", "keywords": "python, Deep Learning",
            "author": {"@type": "Person", "name": "Ada Lovelace"},
            "description": "Two libraries, one network.", "image": image}}


def test_post_without_image_or_changes_gets_a_summary_card() -> None:
    seo = page_seo(SITE, title="Notes", url="/notes.html", kind="post", author="Grace Hopper",
                   published=dt.datetime(2023, 12, 24, tzinfo=UTC))
    assert seo["twitter_card"] == "summary" and seo["image"] == "" and seo["image_alt"] == ""
    assert seo["modified"] == seo["published"] == "2023-12-24T00:00:00+00:00"
    assert seo["json_ld"]["dateModified"] == "2023-12-24T00:00:00+00:00"
    assert seo["author"] == "Grace Hopper"  # the post's author wins over the site's
    assert seo["description"] == SITE["description"]  # none given: the site's
    assert "keywords" not in seo["json_ld"] and "image" not in seo["json_ld"]


def test_home_is_a_website_and_other_pages_are_web_pages() -> None:
    home = page_seo(SITE, title="Lab notes", url="/blog/", kind="home")
    assert home["type"] == "website" and home["published"] == "" and home["tags"] == []
    assert home["json_ld"] == {
        "@context": "https://schema.org", "@type": "WebSite", "url": "https://example.org/blog/",
        "headline": "Lab notes", "name": "Lab notes",
        "author": {"@type": "Person", "name": "Ada Lovelace"},
        "description": "Small experiments, run when the site is built"}
    tags = page_seo({"title": "T"}, title="Tags", url="/tags/",
                    published=dt.datetime(2024, 1, 1, tzinfo=UTC), tags=("x",))
    assert tags["json_ld"] == {"@context": "https://schema.org", "@type": "WebPage",
                               "url": "/tags/", "headline": "Tags"}
    assert (tags["canonical"], tags["locale"], tags["published"], tags["tags"]) == \
        ("/tags/", "en_US", "", [])  # dates and tags belong to posts only
