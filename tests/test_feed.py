"""feed.xml (Atom, as jekyll-feed writes it), sitemap.xml and robots.txt (as jekyll-sitemap).

The feed is read with feedparser and checked against RFC 4287's rules with lxml; the sitemap is
validated against the sitemaps.org schema (tests/fixtures/site/sitemap.xsd).  No kernel.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import lxml.etree as etree

from conftest import FIXTURE_SITE, Page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POST_URL = "https://example.org/blog/2024/02/10/plots-and-tables.html"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_feed_parses_cleanly_with_feedparser(fixture_site: Path) -> None:
    parsed = feedparser.parse((fixture_site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Lab notes"
    assert parsed.feed.subtitle == "Small experiments, run when the site is built"
    assert parsed.feed.id == "https://example.org/blog/feed.xml"
    assert parsed.feed.link == "https://example.org/blog/"
    assert parsed.feed.author == "Ada Lovelace"
    assert [e.link for e in parsed.entries] == [
        POST_URL, "https://example.org/blog/2024/01/05/first-steps.html",
        "https://example.org/blog/2023/12/24/notes.html"]
    first = parsed.entries[0]
    assert first.title == "Plots & tables <in> practice"
    assert first.id == "https://example.org/blog/2024/02/10/plots-and-tables"  # jekyll-feed's id
    assert [t.term for t in first.tags] == ["python", "Data Science"]
    assert first.published_parsed[:3] == (2024, 2, 10)
    assert first.summary.startswith("This post draws a figure")
    assert parsed.entries[2].updated_parsed[:3] == (2024, 1, 2)  # last_modified_at


def test_feed_has_full_content_with_absolute_urls(fixture_site: Path) -> None:
    parsed = feedparser.parse((fixture_site / "feed.xml").read_bytes())
    content = parsed.entries[0].content[0]
    assert content.type == "text/html"
    html = content.value
    assert "ran cell 0" in html and "Long lines" in html  # the whole post, not the excerpt
    urls = [(tag, url) for tag, _, url in Page(html).urls]
    assert len(urls) > 5
    assert ("img", "https://example.org/blog/2024/02/10/plots-and-tables_files/"
                   "plots-and-tables_3_0.png") in urls
    assert ("img", "https://example.org/blog/assets/img/diagram.svg") in urls
    assert ("a", "https://example.org/blog/2024/01/05/first-steps.html") in urls
    assert ("a", POST_URL + "#setup") in urls
    assert ("a", "https://example.com/page") in urls
    for tag, url in urls:
        assert url.startswith(("https://", "http://")), (tag, url)


def test_feed_follows_rfc_4287(fixture_site: Path) -> None:
    root = etree.fromstring((fixture_site / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"

    def one(element, name):
        found = element.findall(f"{ATOM}{name}")
        assert len(found) == 1, (name, len(found))
        return found[0]

    for name in ("id", "title", "updated"):
        one(root, name)
    assert RFC3339.match(one(root, "updated").text)
    assert one(root, "updated").text == "2024-02-10T00:00:00+00:00"  # the newest post's date
    links = {(l.get("rel"), l.get("type")): l.get("href") for l in root.findall(f"{ATOM}link")}
    assert links[("self", "application/atom+xml")] == "https://example.org/blog/feed.xml"
    assert links[("alternate", "text/html")] == "https://example.org/blog/"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Ada Lovelace"
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "content"):
            one(entry, name)
        assert RFC3339.match(one(entry, "updated").text)
        assert RFC3339.match(one(entry, "published").text)
        assert dt.datetime.fromisoformat(one(entry, "updated").text) >= \
            dt.datetime.fromisoformat(one(entry, "published").text)
        alternate = [l for l in entry.findall(f"{ATOM}link") if l.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("https://")
        content = one(entry, "content")
        assert content.get("type") == "html"
        assert content.get("{http://www.w3.org/XML/1998/namespace}base") == \
            alternate[0].get("href")
        ids.append(one(entry, "id").text)
    assert len(ids) == 3 and len(set(ids)) == 3 and all(i.startswith("https://") for i in ids)
    thumbnail = root.find(f"{ATOM}entry/{{http://search.yahoo.com/mrss/}}thumbnail")
    assert thumbnail.get("url").endswith("/plots-and-tables_3_0.png")


def test_feed_keeps_the_ten_newest_posts(build_fixture_site) -> None:
    posts = {f"2022-01-{day:02d}-p{day}.md": f"---\ntitle: Post {day}\n---\n\nText {day}.\n"
             for day in range(1, 13)}
    site = build_fixture_site(posts=posts)
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo
    assert len(parsed.entries) == 10
    assert parsed.entries[-1].title == "Post 6"  # 3 fixture posts + the 7 newest of these


def test_feed_drops_characters_xml_cannot_hold() -> None:
    from nbpress.feed import feed_entries

    post = {"content": "<pre>a\x08b\x1bc</pre>", "excerpt": "<p>x</p>", "url": "/p.html",
            "id": "/p", "image": "", "front_matter": {}}
    entry = feed_entries({"url": "https://e.org", "posts": [post]})[0]
    assert entry["absolute_content"] == "<pre>abc</pre>"
    assert entry["absolute_url"] == "https://e.org/p.html"


def test_sitemap_is_valid_and_lists_the_sites_pages(fixture_site: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(FIXTURE_SITE / "sitemap.xsd")))
    document = etree.parse(str(fixture_site / "sitemap.xml"))
    schema.assertValid(document)
    locs = [u.findtext(f"{SITEMAP}loc") for u in document.getroot()]
    assert len(locs) == len(set(locs))
    assert locs[:4] == ["https://example.org/blog/", POST_URL,
                        "https://example.org/blog/2024/01/05/first-steps.html",
                        "https://example.org/blog/2023/12/24/notes.html"]
    assert "https://example.org/blog/archive/" in locs
    assert "https://example.org/blog/tags/python/" in locs
    assert not any("404" in loc or "page2" in loc for loc in locs)
    lastmods = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
                for u in document.getroot()}
    assert lastmods["https://example.org/blog/2023/12/24/notes.html"] == \
        "2024-01-02T00:00:00+00:00"
    # every URL in the sitemap is a page of the site
    for loc in locs:
        rel = loc.removeprefix("https://example.org/blog/")
        assert (fixture_site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)).is_file()


def test_sitemap_leaves_out_posts_that_ask(build_fixture_site) -> None:
    site = build_fixture_site(posts={"2022-05-05-hidden.md": "---\ntitle: Hidden\n"
                                                                 "sitemap: false\n---\nText.\n"})
    assert "hidden" not in (site / "sitemap.xml").read_text()
    assert (site / "2022/05/05/hidden.html").is_file()


def test_robots_points_at_the_sitemap(fixture_site: Path) -> None:
    lines = (fixture_site / "robots.txt").read_text().splitlines()
    assert "Sitemap: https://example.org/blog/sitemap.xml" in lines
    assert lines[0] == "User-agent: *"
