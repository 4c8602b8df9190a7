"""The jinja2 environment over the theme (nbpress/templates.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nbpress.config import DEFAULT_THEME
from nbpress.errors import TemplateError
from nbpress.templates import make_environment, render_template


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    site, theme = tmp_path / "site", tmp_path / "theme"
    (site / "templates").mkdir(parents=True)
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "base.html").write_text(
        "<html><title>{{ site.title }}</title>{% block c %}{% endblock %}</html>\n")
    (theme / "templates" / "post.html").write_text(
        '{% extends "base.html" %}{% block c %}THEME {{ page.title }}{% endblock %}\n')
    (theme / "templates" / "index.html").write_text("THEME INDEX\n")
    return site, theme


def write(folder: Path, name: str, text: str) -> None:
    (folder / "templates" / name).write_text(text, encoding="utf-8")


def render(dirs, name: str, **context) -> str:
    return render_template(make_environment(dirs), name, context)


def fails(dirs, name: str, **context) -> str:
    with pytest.raises(TemplateError) as info:
        render(dirs, name, **context)
    return str(info.value)


def test_default_theme_template_used_when_site_has_none(dirs) -> None:
    assert render(dirs, "index.html") == "THEME INDEX\n"


def test_site_template_overrides_theme_by_name(dirs) -> None:
    site, _ = dirs
    write(site, "post.html", '{% extends "base.html" %}{% block c %}SITE {{ page.title }}'
                             "{% endblock %}\n")
    # The site's post.html wins; the base.html it extends still comes from the theme.
    assert render(dirs, "post.html", site={"title": "S"}, page={"title": "P"}) == \
        "<html><title>S</title>SITE P</html>\n"
    assert render(dirs, "index.html") == "THEME INDEX\n"


def test_site_base_overrides_theme_base_for_theme_templates(dirs) -> None:
    site, _ = dirs
    write(site, "base.html", "<body>{% block c %}{% endblock %}</body>\n")
    assert render(dirs, "post.html", page={"title": "P"}) == "<body>THEME P</body>\n"


def test_autoescape(dirs) -> None:
    assert render(dirs, "post.html", site={"title": "A & B"}, page={"title": "<script>"}) == \
        "<html><title>A &amp; B</title>THEME &lt;script&gt;</html>\n"


def test_date_format_filter(dirs) -> None:
    site, _ = dirs
    write(site, "d.html", "{{ d | date_format }}|{{ d | date_format('%Y') }}")
    assert render(dirs, "d.html", d=dt.date(2024, 3, 9)) == "Mar 9, 2024|2024"


def test_syntax_error_names_file_and_line(dirs) -> None:
    site, _ = dirs
    write(site, "bad.html", "line 1\nline 2\n{{ page.title page }}\n")
    assert fails(dirs, "bad.html") == (
        "site/templates/bad.html:3: template syntax error: expected token 'end of print "
        "statement', got 'page'. Fix the template; see https://jinja.palletsprojects.com/"
        "templates/.")


def test_unclosed_block_message_has_one_full_stop(dirs) -> None:
    site, _ = dirs
    write(site, "bad.html", "line 1\n{% if x %}\nline 3\n")
    assert fails(dirs, "bad.html") == (
        "site/templates/bad.html:3: template syntax error: Unexpected end of template. Jinja was "
        "looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that "
        "needs to be closed is 'if'. Fix the template; see "
        "https://jinja.palletsprojects.com/templates/.")


def test_syntax_error_in_extended_theme_template(dirs) -> None:
    site, theme = dirs
    write(theme, "base.html", "<html>\n{% block c %}\n</html>\n")
    text = fails(dirs, "post.html", page={"title": "x"})
    assert text.startswith("theme/templates/base.html:")
    assert "template syntax error" in text


def test_undefined_variable(dirs) -> None:
    site, _ = dirs
    write(site, "undef.html", "a\n\nb {{ page.nope }}\n")
    assert fails(dirs, "undef.html", page={"title": "x"}) == (
        "site/templates/undef.html:3: template uses an undefined variable: 'dict object' has no "
        "attribute 'nope'. Check the variable's spelling; see the README for the variables "
        "templates get.")


def test_undefined_top_level_variable_in_included_template(dirs) -> None:
    site, _ = dirs
    write(site, "outer.html", 'a\n{% include "inner.html" %}\n')
    write(site, "inner.html", "x\ny {{ missing }}\n")
    assert fails(dirs, "outer.html") == (
        "site/templates/inner.html:2: template uses an undefined variable: 'missing' is "
        "undefined. Check the variable's spelling; see the README for the variables "
        "templates get.")


def test_undefined_is_not_rendered_empty_in_tests(dirs) -> None:
    site, _ = dirs
    write(site, "cond.html", "{% if page.nope %}yes{% endif %}")
    assert "undefined variable" in fails(dirs, "cond.html", page={})


def test_missing_template(dirs) -> None:
    assert fails(dirs, "gallery.html") == (
        "template 'gallery.html' not found in the theme. Add it to templates/, or fix the "
        "{% extends %} or {% include %} naming it.")


def test_default_theme_templates_render(tmp_path: Path) -> None:
    env = make_environment((tmp_path, DEFAULT_THEME))
    site = {"title": "S", "description": "", "author": "", "baseurl": "/b", "url": "",
            "posts": []}
    html = render_template(env, "index.html", {
        "site": site, "page": {"title": "S", "url": "/b/", "description": ""}, "posts": []})
    assert '<link rel="stylesheet" href="/b/assets/css/style.css">' in html
    assert "No posts yet" in html


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their text from now on."""
    import jinja2

    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return compiled


def test_compiled_templates_are_kept_for_the_next_build(dirs, tmp_path, monkeypatch) -> None:
    site, theme = dirs
    cache = tmp_path / ".nbpress-cache"
    compiled = _compiles(monkeypatch)
    first = render_template(make_environment((site, theme), cache), "post.html",
                            {"site": {"title": "S"}, "page": {"title": "P"}})
    assert compiled == ["post.html", "base.html"]
    [folder] = cache.glob("templates-*")
    assert len(list(folder.iterdir())) == 2 and folder.stat().st_mode & 0o077 == 0
    compiled.clear()
    again = render_template(make_environment((site, theme), cache), "post.html",
                            {"site": {"title": "S"}, "page": {"title": "P"}})
    assert again == first == "<html><title>S</title>THEME P</html>\n" and compiled == []
    # An edited template is compiled again; the one it extends is still kept.
    write(theme, "post.html", '{% extends "base.html" %}{% block c %}NEW{% endblock %}\n')
    assert render_template(make_environment((site, theme), cache), "post.html",
                           {"site": {"title": "S"}}) == "<html><title>S</title>NEW</html>\n"
    assert compiled == ["post.html"]


def test_a_damaged_or_shared_cache_of_compiled_templates_only_costs_compiling(
        dirs, tmp_path, monkeypatch) -> None:
    site, theme = dirs
    cache = tmp_path / ".nbpress-cache"
    render_template(make_environment((site, theme), cache), "index.html", {})
    [folder] = cache.glob("templates-*")
    [kept] = folder.iterdir()
    kept.write_bytes(kept.read_bytes()[:12])  # cut inside the checksum's pickle
    compiled = _compiles(monkeypatch)
    assert render_template(make_environment((site, theme), cache), "index.html", {}) \
        == "THEME INDEX\n"
    assert compiled == ["index.html"]
    folder.chmod(0o777)  # anyone may write it: its pickles are not read
    assert make_environment((site, theme), cache).bytecode_cache is None
    # The folder of another version of nbpress is removed when this one's is made.
    folder.chmod(0o700)
    folder.rename(cache / "templates-0000")
    make_environment((site, theme), cache)
    assert [p.name for p in cache.iterdir()] == [folder.name]
    # A cache that cannot be made (a file where its folder goes): compiled each time.
    (tmp_path / "file").write_text("")
    env = make_environment((site, theme), tmp_path / "file")
    assert env.bytecode_cache is None
    assert render_template(env, "index.html", {}) == "THEME INDEX\n"


def test_a_compiled_template_others_could_have_written_is_not_loaded(dirs, tmp_path,
                                                                      monkeypatch) -> None:
    """Checked on each file as it is opened: a folder that was private when the build began
    may have been opened to others since (serve keeps its environment for hours)."""
    site, theme = dirs
    cache = tmp_path / ".nbpress-cache"
    env = make_environment((site, theme), cache)
    render_template(env, "index.html", {})
    [folder] = cache.glob("templates-*")
    [kept] = folder.iterdir()
    compiled = _compiles(monkeypatch)
    kept.chmod(0o666)
    assert render_template(make_environment((site, theme), cache), "index.html", {}) \
        == "THEME INDEX\n"
    assert compiled == ["index.html"]  # compiled from its text, the file left alone
    kept.chmod(0o600)
    (folder / "elsewhere").write_bytes(kept.read_bytes())  # a good compiled template…
    (folder / "elsewhere").chmod(0o600)
    kept.unlink()
    kept.symlink_to(folder / "elsewhere")  # …behind a link in its place: not followed
    compiled.clear()
    assert render_template(make_environment((site, theme), cache), "index.html", {}) \
        == "THEME INDEX\n"
    assert compiled == ["index.html"]


def test_dict_makes_a_dictionary_but_is_not_the_type(dirs) -> None:
    write(dirs[0], "d.html", "{% for k, v in dict(a=1, b=2) | dictsort %}{{ k }}={{ v }};{% endfor %}")
    assert render(dirs, "d.html") == "a=1;b=2;"
    # ``dict.get(post, "title")`` would read a post past the record of what a page read.
    write(dirs[0], "g.html", "{{ dict.get(page, 'title') }}")
    assert "undefined variable" in fails(dirs, "g.html", page={"title": "T"})
