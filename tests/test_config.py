"""``[tool.nbpress]`` in pyproject.toml → SiteConfig (nbpress/config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress.config import DEFAULT_THEME, load_config, site_variables
from nbpress.errors import ConfigError
from nbpress.model import ExecuteConfig, SiteConfig

VALID = ("Valid keys are: author, baseurl, branch, csl, dark_figures, description, "
         "excerpt_separator, exclude, execute, lang, math_macros, output_bytes, output_lines, "
         "paginate, paginate_path, permalink, repository, search, static, timezone, title, url; "
         "execute: cwd, data_links, kernel, kernels, memory_limit, packages, post_timeout, retries, "
         "scheduler, timeout, worker_root.")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.chdir(root)  # error messages show paths relative to the working folder
    return root


def write(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


def test_defaults_without_pyproject(site: Path) -> None:
    config = load_config(site)
    assert config == SiteConfig(root=site.resolve(), out=(site / "_site").resolve(),
                                theme_dirs=(site.resolve(), DEFAULT_THEME))
    assert config.title == "My blog"
    assert config.description == ""
    assert config.author == ""
    assert config.url == ""
    assert config.baseurl == ""
    assert config.permalink == "/:year/:month/:day/:title.html"
    assert config.timezone == "UTC"
    assert config.excerpt_separator == "<!--more-->"
    assert config.execute == ExecuteConfig(timeout=600, kernel="python3", cwd="post", data_links={})
    assert config.drafts is False and config.keep_going is False


def test_pyproject_without_nbpress_table_gives_defaults(site: Path) -> None:
    write(site, '[project]\nname = "x"\n')
    assert load_config(site).title == "My blog"


def test_every_key_is_read(site: Path, tmp_path: Path) -> None:
    write(site, """
[tool.nbpress]
title = "Notes"
description = "About things"
author = "Ada"
url = "https://example.org"
baseurl = "/blog"
permalink = "/:year/:title/"
timezone = "Europe/Paris"
excerpt_separator = "<!--cut-->"

[tool.nbpress.execute]
timeout = 30
kernel = "python3"
cwd = "root"
data_links = { "posts/data" = "../data" }
""")
    out = tmp_path / "elsewhere"
    config = load_config(site, out=out, drafts=True, keep_going=True)
    assert (config.title, config.description, config.author) == ("Notes", "About things", "Ada")
    assert config.url == "https://example.org"
    assert config.baseurl == "/blog"
    assert config.permalink == "/:year/:title/"
    assert config.timezone == "Europe/Paris"
    assert config.excerpt_separator == "<!--cut-->"
    assert config.execute == ExecuteConfig(timeout=30, kernel="python3", cwd="root",
                                           data_links={"posts/data": "../data"})
    assert config.out == out.resolve()
    assert config.drafts is True and config.keep_going is True


def test_site_variables_are_jekylls_names(site: Path) -> None:
    write(site, '[tool.nbpress]\ntitle = "T"\nbaseurl = "/b"\nurl = "https://x.org"\n')
    variables = site_variables(load_config(site))
    assert variables == {
        "title": "T", "description": "", "author": "", "url": "https://x.org", "baseurl": "/b",
        "permalink": "/:year/:month/:day/:title.html", "timezone": "UTC",
        "excerpt_separator": "<!--more-->", "lang": "en", "paginate": 10,
        "paginate_path": "/page:num/", "repository": "", "branch": "main", "output_lines": 5000,
        "output_bytes": 2_000_000, "math_macros": (), "search": True,
    }


def test_math_macros_are_read_and_checked(site: Path) -> None:
    write(site, "[tool.nbpress]\nmath_macros = { '\\E' = '\\mathbb{E}', "
                "'\\norm' = '\\lVert #1 \\rVert' }\n")
    assert load_config(site).math_macros == (("\\E", "\\mathbb{E}"),
                                             ("\\norm", "\\lVert #1 \\rVert"))
    write(site, "[tool.nbpress]\nmath_macros = { E = '\\mathbb{E}' }\n")
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    assert "'tool.nbpress.math_macros' maps TeX command names to their TeX, e.g. " \
        "\"\\\\R\" = \"\\\\mathbb{R}\" (a name is a backslash and letters" in str(caught.value)


@pytest.mark.parametrize("given, expected", [
    ("blog/", "/blog"),
    ("/blog/", "/blog"),
    ("blog", "/blog"),
    ("/blog", "/blog"),
    ("/a/b/", "/a/b"),
    ("/", ""),
    ("", ""),
])
def test_baseurl_normalisation(site: Path, given: str, expected: str) -> None:
    write(site, f'[tool.nbpress]\nbaseurl = "{given}"\n')
    assert load_config(site).baseurl == expected


def test_url_loses_trailing_slash(site: Path) -> None:
    write(site, '[tool.nbpress]\nurl = "https://example.org/"\n')
    assert load_config(site).url == "https://example.org"


def test_unknown_key_did_you_mean_and_valid_keys(site: Path) -> None:
    write(site, '[tool.nbpress]\ntitel = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        "pyproject.toml: invalid [tool.nbpress] settings: unknown key 'tool.nbpress.titel' "
        "(did you mean 'title'?). " + VALID)


def test_unknown_key_without_close_match(site: Path) -> None:
    write(site, '[tool.nbpress]\nzzzzzz = 1\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        "pyproject.toml: invalid [tool.nbpress] settings: unknown key 'tool.nbpress.zzzzzz'. "
        + VALID)


def test_unknown_execute_key(site: Path) -> None:
    write(site, '[tool.nbpress.execute]\ntimout = 5\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        "pyproject.toml: invalid [tool.nbpress] settings: unknown key "
        "'tool.nbpress.execute.timout' (did you mean 'timeout'?). " + VALID)



def test_publishing_keys_are_read_and_checked(site: Path) -> None:
    write(site, '[tool.nbpress]\npaginate = 5\npaginate_path = "/p/:num/"\nrepository = "o/r"\n'
                'branch = "gh-pages"\nlang = "fr"\n')
    config = load_config(site)
    assert (config.paginate, config.paginate_path, config.repository, config.branch,
            config.lang) == (5, "/p/:num/", "o/r", "gh-pages", "fr")
    assert load_config(site / "missing").paginate == 10
    write(site, '[tool.nbpress]\npaginate = -1\npaginate_path = "page"\nrepository = "nope"\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    message = str(info.value)
    assert message.startswith("pyproject.toml: invalid [tool.nbpress] settings: ")
    assert "'tool.nbpress.paginate' must be 0" in message
    assert "'tool.nbpress.paginate_path' must start with '/' and contain ':num'" in message
    assert "'tool.nbpress.repository' must be \"owner/name\", not 'nope'" in message
    assert message.endswith(VALID)

@pytest.mark.parametrize("line, problem", [
    ('title = 3', "'tool.nbpress.title' must be str, not int (3)"),
    ('baseurl = ["a"]', "'tool.nbpress.baseurl' must be str, not list (['a'])"),
    ('execute = "fast"', "'tool.nbpress.execute' must be a table, not str ('fast')"),
])
def test_wrong_type(site: Path, line: str, problem: str) -> None:
    write(site, f"[tool.nbpress]\n{line}\n")
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        f"pyproject.toml: invalid [tool.nbpress] settings: {problem}. " + VALID)


@pytest.mark.parametrize("line, problem", [
    ('timeout = "10"', "'tool.nbpress.execute.timeout' must be int, not str ('10')"),
    ("timeout = true", "'tool.nbpress.execute.timeout' must be int, not bool (True)"),
    ("timeout = 0", "'tool.nbpress.execute.timeout' must be a positive number of seconds"),
    ('cwd = "here"', "'tool.nbpress.execute.cwd' must be \"post\" or \"root\""),
    ('data_links = { "a" = 1 }',
     "'tool.nbpress.execute.data_links' maps paths to paths (strings)"),
])
def test_wrong_execute_values(site: Path, line: str, problem: str) -> None:
    write(site, f"[tool.nbpress.execute]\n{line}\n")
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        f"pyproject.toml: invalid [tool.nbpress] settings: {problem}. " + VALID)


def test_every_problem_reported_at_once(site: Path) -> None:
    write(site, '[tool.nbpress]\ntitel = "x"\nbaseurl = 3\n'
                '[tool.nbpress.execute]\ntimeot = 3\ncwd = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        "pyproject.toml: invalid [tool.nbpress] settings: "
        "unknown key 'tool.nbpress.titel' (did you mean 'title'?); "
        "'tool.nbpress.baseurl' must be str, not int (3); "
        "unknown key 'tool.nbpress.execute.timeot' (did you mean 'timeout'?); "
        "'tool.nbpress.execute.cwd' must be \"post\" or \"root\". " + VALID)


def test_invalid_toml(site: Path) -> None:
    write(site, "[tool.nbpress\ntitle = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == (
        "pyproject.toml: pyproject.toml is not valid TOML: Expected ']' at the end of a table "
        "declaration (at line 1, column 14). Fix the syntax; see https://toml.io.")
    assert info.value.location.path == site.resolve() / "pyproject.toml"


def test_pyproject_not_utf8(site: Path) -> None:
    (site / "pyproject.toml").write_bytes(b'[tool.nbpress]\ntitle = "caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value).startswith("pyproject.toml: pyproject.toml is not valid TOML: ")


def test_nbpress_not_a_table(site: Path) -> None:
    write(site, '[tool]\nnbpress = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert str(info.value) == "pyproject.toml: [tool.nbpress] must be a table."


def test_site_root_that_is_the_default_theme_has_one_theme_dir() -> None:
    config = load_config(DEFAULT_THEME)
    assert config.theme_dirs == (DEFAULT_THEME,)


def test_scheduler_from_the_command_line_over_the_environment_over_the_file(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(site, '[tool.nbpress.execute]\nscheduler = "tcp://gpu-box:8786"\n'
                'worker_root = "/mnt/blog"\nretries = 2\n')
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    config = load_config(site)
    assert (config.execute.scheduler, config.execute.worker_root, config.execute.retries) == (
        "tcp://gpu-box:8786", "/mnt/blog", 2)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.0.0.5:8786")
    assert load_config(site).execute.scheduler == "tcp://10.0.0.5:8786"
    assert load_config(site, scheduler="local:2").execute.scheduler == "local:2"


def test_worker_root_must_be_absolute_and_retries_not_negative(site: Path) -> None:
    write(site, '[tool.nbpress.execute]\nworker_root = "mnt/blog"\nretries = -1\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert "'tool.nbpress.execute.retries' must be 0 or more; 'tool.nbpress.execute." \
           "worker_root' must be an absolute path such as \"/mnt/blog\"." in str(info.value)
