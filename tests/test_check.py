"""``nbpress.check.check_site``: links, anchors, images and leftover Liquid of a built site."""

from __future__ import annotations

import textwrap
from pathlib import Path


from nbpress import check
from nbpress.check import check_site

PAGE = """<!DOCTYPE html>
<html><head><title>{title}</title>{head}</head>
<body>
<header><a href="#main-content">Skip</a></header><div id="main-content"></div>
{body}
</body></html>
"""


def write_site(out: Path, files: dict[str, str | bytes]) -> Path:
    """Write a built site by hand: HTML bodies are wrapped in a minimal page."""
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif name.endswith(".html") and "<html" not in content:
            path.write_text(PAGE.format(title=name, head="", body=textwrap.dedent(content)))
        else:
            path.write_text(textwrap.dedent(content))
    return out


PNG = b"\x89PNG\r\n\x1a\n"

CLEAN = {
    "index.html": """
        <nav><a href="/blog/">Home</a> <a href="/blog/tags/">Tags</a> <a href="/blog/tags">Tags</a>
        <a href="/blog">Home again</a> <a href="archive/">Archive</a></nav>
        <a href="/blog/2024/01/01/a.html">A</a> <a href="2024/01/01/a.html#results">A's results</a>
        <a href="#main">skip</a> <a href="#">nothing</a> <a href="#top">top</a>
        <main id="main"><p>Hello</p></main>
        <a href="https://example.com/missing.html">external</a>
        <a href="http://example.com/#nope">external anchor</a>
        <a href="mailto:me@example.com">mail</a> <a href="//cdn.example.com/x.js">cdn</a>
        <img src="data:image/png;base64,iVBORw0KGgo=" alt="">
        <a href="/blog/feed.xml">feed</a> <a href="/blog/2024/01/01/a_files/a.ipynb#cell-3">nb</a>
        <a href="/blog/2024/01/01/a.html?utm=x#results">query</a>
        <a href="/blog/files/with%20space.txt">encoded</a>
        """,
    "2024/01/01/a.html": """
        <h2 id="results">Results</h2>
        <img src="a_files/a_1_0.png" alt="plot"
             srcset="a_files/a_1_0.png 1x, /blog/2024/01/01/a_files/big.png 2x">
        <picture><source srcset="a_files/a_1_0.png" type="image/png"></picture>
        <a href="../../../index.html#main">home</a> <a href="#ref-1">[1]</a>
        <p><a name="ref-1"></a>[1] A reference.</p>
        <pre><code>print("{{ site.baseurl }}")  {% raw %}</code></pre>
        <p>Inline <code>{{ page.title }}</code> in prose, and <pre>{% if x %}</pre>.</p>
        <p>Braces that are not Liquid: {} and {0%} and a set {1, 2}.</p>
        <script>var o = {}; if (a < b) { o = {a: {b: 1}}; }</script>
        """,
    "2024/01/01/a_files/a_1_0.png": PNG,
    "2024/01/01/a_files/big.png": PNG,
    "2024/01/01/a_files/a.ipynb": "{}",
    "tags/index.html": '<a href="../index.html">back</a> <a href="python/">python</a>',
    "tags/python/index.html": '<a href="../../2024/01/01/a.html#results">A</a>',
    "archive/index.html": "<p>Archive</p>",
    "files/with space.txt": "x",
    "assets/css/style.css": "body { color: red }",
    "feed.xml": """\
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <link href="https://example.com/blog/feed.xml" rel="self"/>
          <entry><content type="html">&lt;p&gt;Hi&lt;/p&gt;
            &lt;pre&gt;&lt;code&gt;{{ x }}&lt;/code&gt;&lt;/pre&gt;</content></entry>
        </feed>
        """,
}


def test_clean_site_has_no_problems(tmp_path):
    out = write_site(tmp_path / "_site", CLEAN)
    assert check_site(out, "/blog") == []
    assert check_site(out, "/blog/") == []  # a trailing slash on the baseurl is the same


def test_broken_link_names_page_line_and_target(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": '<p>Intro</p>\n<a href="/2024/01/01/gone.html">gone</a>\n'
                      '<a href="about.html">about</a>\n<link rel="stylesheet" href="/style.css">\n'
                      '<script src="/js/app.js"></script>\n',
        "style.css": "",
    })
    problems = check_site(out, "")
    assert problems == [
        "index.html:6: broken link '/2024/01/01/gone.html' (<a href=…): there is no file "
        "2024/01/01/gone.html in the site.",
        "index.html:7: broken link 'about.html' (<a href=…): there is no file about.html in the "
        "site.",
        "index.html:9: broken link '/js/app.js' (<script src=…): there is no file js/app.js in "
        "the site.",
    ]


def test_missing_anchor_on_another_page_and_on_the_same_page(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": '<a href="post.html#results">r</a> <a href="post.html#intro">i</a>\n'
                      '<a href="#nowhere">n</a> <a href="post.html#named">named</a>',
        "post.html": '<h2 id="intro">Intro</h2><a name="named"></a>',
    })
    problems = check_site(out, "")
    assert len(problems) == 2
    assert "index.html:5: broken anchor 'post.html#results': post.html has no element with " \
           'id="results".' in problems
    assert "index.html:6: broken anchor '#nowhere': this page has no element with " \
           'id="nowhere".' in problems


def test_missing_image(tmp_path):
    out = write_site(tmp_path / "_site", {
        "2024/a.html": '<img src="a_files/plot.png" alt="">\n'
                       '<img src="a_files/ok.png" srcset="a_files/ok.png 1x, a_files/hi.png 2x">',
        "2024/a_files/ok.png": PNG,
    })
    assert check_site(out, "") == [
        "2024/a.html:5: broken image 'a_files/plot.png' (<img src=…): there is no file "
        "2024/a_files/plot.png in the site.",
        "2024/a.html:6: broken image 'a_files/hi.png' (<img srcset=…): there is no file "
        "2024/a_files/hi.png in the site.",
    ]


def test_baseurl(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": '<a href="/blog/x.html">ok</a>\n<a href="/x.html">no baseurl</a>\n'
                      '<img src="/blog/img/a.png">\n<img src="/img/a.png">\n'
                      '<a href="/blogx/x.html">not the baseurl either</a>',
        "x.html": "<p>x</p>",
        "img/a.png": PNG,
    })
    problems = check_site(out, "/blog")
    assert [p.split(":")[1] for p in problems] == ["6", "8", "9"]
    assert problems[0].startswith("index.html:6: broken link '/x.html' (<a href=…): it does not "
                                  "start with the baseurl '/blog'")
    assert "{{ site.baseurl }}/x.html" in problems[0]
    assert problems[1].startswith("index.html:8: broken image '/img/a.png'")
    # Without a baseurl the same site resolves /x.html and /img/a.png, not /blog/….
    problems = check_site(out, "")
    assert len(problems) == 3 and all("/blog" in p for p in problems)


def test_unresolved_liquid_is_flagged_except_in_code(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": "<p>Welcome to {{ site.titel }}.</p>\n"
                      "<p><code>{{ shown }}</code></p>\n<pre>{% if x %}{{ y }}</pre>\n"
                      "<div class=\"highlight\"><pre><span>{{ z }}</span></pre></div>\n"
                      '<a href="%7B%7B%20site.baseurl%20%7D%7D/x.html">x</a>\n'
                      "<p>{%include footer.html %}</p>",
        "feed.xml": '<?xml version="1.0"?>\n<feed>\n<title>{{ site.title }}</title>\n'
                    "<content type=\"html\">&lt;p&gt;{{ page.x }}&lt;/p&gt;"
                    "&lt;code&gt;{{ fine }}&lt;/code&gt;</content>\n</feed>\n",
        "sitemap.xml": "<urlset><url><loc>{{ page.url }}</loc></url></urlset>",
    })
    problems = check_site(out, "")
    liquid = [p for p in problems if "unresolved Liquid" in p]
    assert len(liquid) == 6, problems
    assert liquid[0].startswith("feed.xml:3: unresolved Liquid '{{ site.title }}' in the text")
    assert liquid[1].startswith("feed.xml:4: unresolved Liquid '{{ page.x }}' in the text")
    assert liquid[2].startswith("index.html:5: unresolved Liquid '{{ site.titel }}' in the text")
    assert "fix the variable or tag" in liquid[2] and "put them in `code`" in liquid[2]
    assert liquid[3].startswith("index.html:9: unresolved Liquid '{{ site.baseurl }}' in the "
                                "href= attribute of <a>")
    assert liquid[4].startswith("index.html:10: unresolved Liquid '{%include footer.html %}'")
    assert liquid[5].startswith("sitemap.xml:1: unresolved Liquid '{{ page.url }}'")
    assert not any(s in p for p in problems for s in ("shown", "fine", "{{ y }}", "{{ z }}"))


def test_directory_urls(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": '<a href="tags/">t</a> <a href="tags">t</a> <a href="/tags/python/">p</a>\n'
                      '<a href="empty/">e</a>\n<a href="./">self</a> <a href=".">self</a>\n'
                      '<a href="tags/python/index.html#top">p</a>',
        "tags/index.html": '<a href="../">up</a> <a href="..">up</a> <a href="python">p</a>',
        "tags/python/index.html": '<a href="../../">root</a> <a href="../../../">outside</a>',
        "empty/readme.txt": "",
    })
    assert check_site(out, "") == [
        "index.html:6: broken link 'empty/' (<a href=…): the folder empty/ has no index.html.",
        "tags/python/index.html:5: broken link '../../../' (<a href=…): it points outside the "
        "site folder.",
    ]


def test_missing_site_and_unreadable_page(tmp_path):
    assert check_site(tmp_path / "nothing", "") == [
        f"{tmp_path / 'nothing'}: there is no built site here; build it first."]
    out = write_site(tmp_path / "_site", {"index.html": b"<p>\xff\xfe</p>"})
    [problem] = check_site(out, "")
    assert problem.startswith("index.html: cannot be read as UTF-8 text")


def test_hidden_files_and_other_files_are_not_pages(tmp_path):
    out = write_site(tmp_path / "_site", {
        "index.html": "<p>ok</p>",
        ".nbpress-site": "{{ not a page }}",
        "robots.txt": "{{ site.url }}",  # only .html and .xml pages are checked for Liquid
        "assets/js/app.js": "var x = '{{ y }}';",
    })
    assert check_site(out, "") == []


def test_each_page_is_parsed_once(tmp_path, monkeypatch):
    pages = {f"p{n}.html": "".join(f'<a id="s{n}" href="p{m}.html#s{m}">{m}</a>' for m in range(30))
             for n in range(30)}
    out = write_site(tmp_path / "_site", pages)
    calls = []
    scan = check._scan
    monkeypatch.setattr(check, "_scan", lambda text, **kw: calls.append(1) or scan(text, **kw))
    assert check_site(out, "") == []
    assert len(calls) == 30


def test_report_prints_problems_and_returns_the_exit_status(tmp_path, capsys):
    import sys

    out = write_site(tmp_path / "_site", {"index.html": '<a href="x.html">x</a>'})
    assert check.report(out, "", sys.stdout) == 1
    printed = capsys.readouterr().out
    assert "index.html:5: broken link 'x.html'" in printed and "1 problem(s)" in printed
    (out / "x.html").write_text("<p>x</p>")
    assert check.report(out, "", sys.stdout) == 0


def test_a_site_built_by_nbpress_is_clean(make_site, build):
    """The real theme's pages (index, tags, archive, feed, 404) pass the checker."""
    root = make_site({
        "pyproject.toml": '[tool.nbpress]\nbaseurl = "/blog"\nurl = "https://example.com"\n',
        "posts/2024-01-01-first.md": "---\ntitle: First\ntags: [a, b]\n---\n\n"
                                     "Hello, see [the second](#second) and [below](#later).\n\n"
                                     "## Later\n\nText with `{% raw %}{{ x }}{% endraw %}` "
                                     "in code.\n",
        "posts/2024-01-02-second.md": "---\ntitle: Second\n---\n\nBack to "
                                      "[the first]({% post_url 2024-01-01-first %}).\n\n"
                                      "{% raw %}\n```bash\necho '{{ not liquid }}'\n```\n"
                                      "{% endraw %}\n",
    })
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    problems = check_site(root / "_site", "/blog")
    # "#second" names no heading of the first post: the one deliberate mistake, found on
    # the post and in its excerpt on the index (where the link is made absolute).
    assert [p.split(":", 2)[::2] for p in problems] == [
        ["2024/01/01/first.html", " broken anchor '#second': this page has no element with "
                                  'id="second".'],
        ["index.html", " broken anchor '/blog/2024/01/01/first.html#second': "
                       '2024/01/01/first.html has no element with id="second".']]


def test_check_command(make_site, build):
    """``python build.py check [--root DIR] [--out DIR]``: 0 when clean, 1 with the problems."""
    root = make_site({"pyproject.toml": '[tool.nbpress]\nbaseurl = "/blog"\n'})
    write_site(root / "_site", {"index.html": '<a href="/blog/x.html">x</a>', "x.html": "<p>x</p>"})
    result = build("check", "--root", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    write_site(root / "elsewhere", {"index.html": '<a href="/x.html">x</a>'})
    result = build("check", "--root", str(root), "--out", str(root / "elsewhere"))
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "index.html:5: broken link '/x.html' (<a href=…): it does not start with the " \
           "baseurl '/blog'" in output
    assert "Traceback" not in output
    result = build("check", "--root", str(root), "--out", str(root / "missing"))
    assert result.returncode == 1 and "there is no built site here" in result.stdout + result.stderr
