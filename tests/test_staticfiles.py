"""Files published as they are (nbpress/staticfiles.py, ``static = […]``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Page, png_bytes, run_build
from nbpress.config import load_config
from nbpress.errors import ConfigError
from nbpress.staticfiles import static_problems, static_sources

POST = "---\ntitle: A\n---\nMy [CV](/files/cv.pdf), and a demo:\n\n<iframe src=\"/files/demo.html\"></iframe>\n"
CONFIG = '[tool.nbpress]\ntitle = "T"\nsearch = false\nstatic = ["files", "CNAME", "robots.txt"]\n'


def site(make_site, config: str = CONFIG) -> Path:
    return make_site({
        "pyproject.toml": config,
        "posts/2024-01-01-a.md": POST,
        "files/cv.pdf": b"%PDF-1.4 a CV\n",
        "files/demo.html": "<!doctype html><p>A demo with no front matter.</p>\n",
        "files/img/plot.png": png_bytes(8, 8),
        "files/.secret": "not published\n",
        "files/.git/config": "not published\n",
        "files/index.md": "---\ntitle: Files\n---\nThe files.\n",  # a page: built
        "CNAME": "blog.example.org\n",
        "robots.txt": "User-agent: *\nDisallow: /private/\n",
        "README.md": "Not listed: not published.\n",
    })


def test_listed_files_and_folders_are_published_as_they_are(make_site) -> None:
    root = site(make_site)
    result = run_build("--root", str(root))
    assert result.returncode == 0, result.stderr
    out = root / "_site"
    for name in ("files/cv.pdf", "files/demo.html", "files/img/plot.png", "CNAME", "robots.txt"):
        assert (out / name).read_bytes() == (root / name).read_bytes(), name
    assert not (out / "files/.secret").exists() and not (out / "files/.git").exists()
    assert not (out / "README.md").exists() and not (out / "files/index.md").exists()
    assert "The files." in Page.read(out / "files/index.html").plain  # the page, built
    # the site's own robots.txt replaces nbpress's, in the sitemap as before
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow: /private/\n"
    assert "ignored" not in result.stderr and "missing" not in result.stderr

    again = run_build("--root", str(root))
    assert "is up to date" in again.stderr
    (root / "files/cv.pdf").write_bytes(b"%PDF-1.4 a new CV\n")
    (root / "files/new.txt").write_text("new\n")
    third = run_build("--root", str(root))
    assert third.returncode == 0 and "is up to date" not in third.stderr, third.stderr
    assert (out / "files/cv.pdf").read_bytes() == b"%PDF-1.4 a new CV\n"
    assert (out / "files/new.txt").read_text() == "new\n"


def test_a_missing_entry_or_a_post_where_a_static_file_goes_stops_the_build(make_site) -> None:
    root = site(make_site, CONFIG.replace('"CNAME"', '"CNAME", "favicon.ico"'))
    result = run_build("--root", str(root))
    assert result.returncode == 1
    assert (f"{root / 'pyproject.toml'}: 'static' lists 'favicon.ico', which is not in the site "
            "folder. Remove it from static = […], or restore the file.") in result.stderr
    assert "Traceback" not in result.stderr

    root = site(make_site)
    (root / "files/2024/01/01").mkdir(parents=True)
    (root / "files/2024/01/01/a.html").write_text("a copy\n")
    (root / "pyproject.toml").write_text(CONFIG.replace('"files"', '"files", "files/2024"')
                                         .replace("static", 'permalink = "/files/:year/:month/'
                                                  ':day/:title.html"\nstatic'))
    result = run_build("--root", str(root))
    assert result.returncode == 1
    assert (f"posts/2024-01-01-a.md: this post is written where the static file "
            f"{root / 'files/2024/01/01/a.html'} goes (files/2024/01/01/a.html).") in result.stderr


def test_entries_outside_the_site_or_in_nbpress_s_own_folders_are_refused(tmp_path) -> None:
    assert static_problems(["files", "CNAME", "docs/slides/"]) == []
    for bad in ("../etc", "/etc", "posts", "templates/x", "_executed", "_site", ".git",
                "a/.env", ""):
        [said] = static_problems([bad])
        assert said.startswith(f"'tool.nbpress.static' entry {bad!r} must be a file or folder "
                               "under the site root"), bad
    (tmp_path / "pyproject.toml").write_text('[tool.nbpress]\nstatic = ["../x", 3]\n')
    try:
        load_config(tmp_path)
    except ConfigError as exc:
        assert "'tool.nbpress.static' must be a list of paths from the site root" in str(exc)
    else:
        raise AssertionError("a static entry that is not text was accepted")
    (tmp_path / "pyproject.toml").write_text('[tool.nbpress]\nstatic = ["a"]\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a/x.txt").write_text("x")
    (tmp_path / "a/page.html").write_text("---\ntitle: P\n---\n")
    assert list(static_sources(load_config(tmp_path))) == ["a/x.txt"]
    with pytest.raises(ConfigError) as info:  # the built site, wherever --out puts it
        static_sources(load_config(tmp_path, out=tmp_path / "a"))
    assert "'static' lists 'a', which is the built site (--out)." in str(info.value)


def test_what_exclude_names_is_never_published(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nbpress]\nstatic = ["files"]\nexclude = ["files/private"]\n')
    for name in ("files/cv.pdf", "files/private/secret.txt", "files/privately.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert list(static_sources(load_config(tmp_path))) == ["files/cv.pdf", "files/privately.txt"]


def test_a_page_listed_as_a_static_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.nbpress]\nstatic = ["about.md"]\n')
    (tmp_path / "about.md").write_text("---\ntitle: About\n---\nMe.\n")
    with pytest.raises(ConfigError) as info:
        static_sources(load_config(tmp_path))
    assert "'static' lists 'about.md', a page (it starts with front matter): it is built" \
        in str(info.value)
