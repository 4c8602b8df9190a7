"""``nbpress import JEKYLL_SITE --to NEW_ROOT``: a Jekyll blog → an nbpress site root.

``_config.yml`` becomes ``[tool.nbpress]`` in a new pyproject.toml; ``_posts/``
becomes ``posts/``; pages, ``_includes/``, ``_data/`` and static files are copied
as they are; what nbpress cannot carry (plugins, the theme's layouts, Sass) is
listed.  A post exported by ``nbconvert --to markdown`` (nbexport.py) loses the
export's leftovers and gets its recorded outputs as its run in ``_executed/``
(importrun.py), so the whole blog builds on day one without a kernel.  The
source is only read; NEW_ROOT is written in a temporary folder beside it and
moved into place at the end, and an existing NEW_ROOT is never touched.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatch
import shutil
import tempfile
from importlib.resources import files
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NbpressError, PostError
from .sourcefiles import has_front_matter
from .importposts import PostReport, import_notebook, import_post, jekyll_post_name

# _config.yml keys with the same meaning in [tool.nbpress] (config.py), with their type.
CONFIG_KEYS = {"title": str, "description": str, "url": str, "baseurl": str, "permalink": str,
               "paginate": int, "paginate_path": str, "timezone": str,
               "excerpt_separator": str, "lang": str, "repository": str, "exclude": list}
# Jekyll's own keys that need nothing in nbpress (it behaves so already), not reported.
_SILENT_KEYS = {"markdown", "kramdown", "highlighter", "include", "encoding",
                "show_drafts", "incremental", "safe", "source", "destination"}
_SKIPPED = {".git", "_site", ".jekyll-cache", ".sass-cache", ".bundle", "vendor",
            "node_modules", ".github", "_config.yml", "Gemfile", "Gemfile.lock", ".jekyll-metadata"}
_COPIED_SPECIAL = ("_includes", "_data")
# Jekyll's Markdown extensions (its markdown_ext); a page or post in one becomes a .md file
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd")
# Names an nbpress root gives a meaning of its own: never filled from the Jekyll site.
_RESERVED = {"posts": "nbpress keeps its posts there; move these files into another folder",
             "templates": "nbpress reads its theme's templates there (jinja2, not Liquid)",
             "pyproject.toml": "the new site's settings are written there from _config.yml"}
_NOT_CARRIED = {"_layouts": "the theme's layouts (nbpress uses its own templates/)",
                "_pages": "pages kept apart by _config.yml's include: (fastpages' about.md, "
                          "search, tags); move those you want to the site's root: a page's "
                          "permalink: keeps its URL (nbpress makes its own search, tags, 404)",
                "_sass": "Sass sources (nbpress's theme has its own CSS in assets/)",
                "_plugins": "Ruby plugins", "_drafts": "drafts (move them to posts/ with "
                                                      "'draft: true' to keep them)"}


@dataclass
class ImportReport:
    """What the import did: per post, and for the site."""

    posts: list[PostReport] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    not_carried: list[str] = field(default_factory=list)
    copied: int = 0
    static: list[str] = field(default_factory=list)  # top-level files and folders published
    patterns: list[str] = field(default_factory=list)  # _config.yml's exclude patterns (globs)
    page_layouts: set[str] = field(default_factory=set)  # the Jekyll layouts pages ask for

    def lines(self) -> list[str]:
        """The report printed after an import."""
        out = [f"settings → pyproject.toml [tool.nbpress]: {', '.join(self.settings) or 'none'}",
               f"copied {self.copied} file(s) as they are (pages, includes, data, static files)"]
        if self.static:
            out.append(f"published as they are (static = […]): {', '.join(self.static)}")
        for post in self.posts:
            out += post.lines()
        if self.not_carried:
            out.append("not carried over (nbpress has no equivalent; see README "
                       "'Importing a Jekyll blog'):")
            out += [f"  {item}" for item in self.not_carried]
        return out


def _read_config(source: Path, report: ImportReport) -> dict[str, Any]:
    """``_config.yml`` → the ``[tool.nbpress]`` table; everything else is reported."""
    import yaml

    path = source / "_config.yml"
    if not path.is_file():
        return {"permalink": "date"}  # Jekyll's default (a post's categories in its URL)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NbpressError(f"_config.yml is not valid YAML: {exc}.", path=path,
                           hint="Fix it (Jekyll would refuse it too), then import again.") \
            from None
    if not isinstance(data, dict):
        raise NbpressError("_config.yml must be a mapping of settings.", path=path)
    table: dict[str, Any] = {}
    for key, value in data.items():
        if key == "author" and isinstance(value, dict) and isinstance(value.get("name"), str):
            value = value["name"]  # minima's author: {name:, email:}
        kind = str if key == "author" else CONFIG_KEYS.get(key)
        if kind is not None and isinstance(value, kind) and not isinstance(value, bool):
            table[key] = value
        elif kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            table[key] = str(value)
        elif key in ("plugins", "gems"):
            report.not_carried += [f"plugin {name} (_config.yml {key})" for name in value or []]
        elif key in ("theme", "remote_theme"):
            report.not_carried.append(f"the Jekyll theme '{value}' ({key}): nbpress uses its "
                                      "own theme; its layouts are not used")
        elif key == "future":
            if value is True:
                report.not_carried.append("_config.yml setting 'future: true': nbpress builds "
                                          "posts dated after now only with --future")
        elif key not in _SILENT_KEYS and value not in (None, "", [], {}):
            report.not_carried.append(f"_config.yml setting '{key}'")
    if "exclude" in table:  # paths only: nbpress's exclude takes no patterns
        paths = [x for x in table["exclude"] if isinstance(x, str) and x.strip("/ ")
                 and not any(c in x for c in "*?[")]
        report.patterns = [str(x) for x in table["exclude"] if x not in paths]
        if len(paths) < len(table["exclude"]):
            report.not_carried.append("_config.yml exclude patterns " + ", ".join(
                str(x) for x in table["exclude"] if x not in paths) + " (nbpress's exclude "
                "takes paths)")
        table["exclude"] = [x.strip("/ ") for x in paths]
        if not paths:
            del table["exclude"]
    # Jekyll's default, which puts a post's categories in its URL (nbpress's own does not)
    table.setdefault("permalink", "date")
    if isinstance(table.get("paginate_path"), str) and not table["paginate_path"].startswith("/"):
        table["paginate_path"] = "/" + table["paginate_path"]  # Jekyll reads it from the root
    for key, problem in _unusable(table).items():
        del table[key]
        report.not_carried.append(f"_config.yml setting '{key}': {problem}")
    report.settings = table
    return table


def _unusable(table: dict[str, Any]) -> dict[str, str]:
    """Settings of the right type that nbpress would still refuse (config.py, discover.py)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .errors import ConfigError
    from .permalink import check_pattern

    problems = {}
    try:
        check_pattern(table.get("permalink", "date"))
    except ConfigError as exc:
        problems["permalink"] = exc.message
    try:
        ZoneInfo(table.get("timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        problems["timezone"] = "not a timezone name nbpress knows"
    path = table.get("paginate_path", "/page:num/")
    if ":num" not in path or not path.startswith("/"):
        problems["paginate_path"] = "must start with '/' and contain ':num'"
    if table.get("paginate", 0) < 0:
        problems["paginate"] = "must be 0 or more"
    return problems


def _toml(table: dict[str, Any]) -> str:
    """``[tool.nbpress]`` as TOML text (strings and integers only: JSON's escapes are TOML's)."""
    lines = ["# Written by `nbpress import` from the Jekyll site's _config.yml.", "",
             "[tool.nbpress]"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def _copy_file(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)


def _site_files(source: Path, target: Path, report: ImportReport,
                excluded: frozenset[str] = frozenset()) -> None:
    """Copy pages, includes, data and static files (the folders and files holding those
    listed in ``report.static``); list the Jekyll-only folders.  ``excluded``: the top-level
    names of _config.yml's ``exclude``, which Jekyll does not publish."""
    for top in sorted(source.iterdir(), key=lambda p: p.name):
        name = top.name
        if name in _SKIPPED or name in ("_posts", "_notebooks") or name.startswith("."):
            continue  # never walked: vendor/ or node_modules/ can hold 100,000 files
        reason = _NOT_CARRIED.get(name) or _RESERVED.get(name) or (
            "a Jekyll collection or folder nbpress does not read"
            if name.startswith("_") and name not in _COPIED_SPECIAL else "")
        if reason and (top.is_file() or any(p.is_file() for p in top.rglob("*"))):
            item = f"{name}{'/' if top.is_dir() else ''} — {reason}"
            if item not in report.not_carried:
                report.not_carried.append(item)
        if reason:
            continue
        static = False
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            rel = path.relative_to(source)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                if any(fnmatch(rel.as_posix(), x) or fnmatch(path.name, x)
                       for x in report.patterns):
                    continue  # excluded by a pattern: Jekyll never publishes it
                if name not in _COPIED_SPECIAL and _lists_posts(path):
                    report.not_carried.append(
                        f"{rel.as_posix()} — a page listing the posts with Liquid (site.posts, "
                        "site.tags, paginator): nbpress makes its own home page, archive and "
                        "tag pages; not copied")
                    continue
                if name not in _COPIED_SPECIAL and _made_by_layout(path, rel, report):
                    continue
                _copy_file(path, target / _page_name(path, rel, source))
                report.copied += 1
                static |= _static(path, rel, report)
        if static and name not in _COPIED_SPECIAL + ("assets",) and name not in excluded:
            report.static.append(name)  # published as it is (assets/ is already)


def _lists_posts(path: Path) -> bool:
    """Whether the file is a page whose Liquid lists the site's posts (a Jekyll home page or
    archive: nbpress's pages have no site.posts in Liquid, the theme's templates make them)."""
    if path.suffix.lower() not in (*MARKDOWN_SUFFIXES, ".html"):
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.startswith("---") and bool(re.search(
        r"\bsite\.(posts|tags|categories)\b|\bpaginator\.", text))


def _made_by_layout(path: Path, rel: Path, report: ImportReport) -> bool:
    """Whether the file is a page whose Jekyll layout nbpress lacks: with no text of its own
    (the layout made it: a tag page) it is not copied; with text, its layout gets a template
    showing it with nbpress's page layout.  Listed either way."""
    from .config import DEFAULT_THEME
    from .frontmatter import split_front_matter
    from .sitepages import layout_template

    if path.suffix.lower() not in (*MARKDOWN_SUFFIXES, ".html"):
        return False
    try:
        front, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    except (PostError, UnicodeDecodeError):
        return False
    layout = front.get("layout")
    if not isinstance(layout, str) or not layout or layout in ("none", "null") or "/" in layout \
            or (DEFAULT_THEME / "templates" / layout_template(layout)).is_file():
        return False
    if not body.strip():
        report.not_carried.append(f"{rel.as_posix()} — a page its layout '{layout}' makes, "
                                  "with no text of its own; not copied")
        return True
    report.page_layouts.add(layout)
    return False


def _static(path: Path, rel: Path, report: ImportReport) -> bool:
    """Whether Jekyll publishes the file as it is (not a page: no front matter); a file with
    front matter that nbpress does not build as a page (Liquid in an .xml, .txt…) is
    listed as not carried."""
    if not has_front_matter(path):
        return True
    if path.suffix.lower() not in (*MARKDOWN_SUFFIXES, ".html"):
        report.not_carried.append(f"{rel.as_posix()} — a page with front matter (Liquid) in a "
                                  "file nbpress does not build as a page; nbpress writes its own "
                                  "feed.xml, sitemap.xml and robots.txt")
    return False


def _page_name(path: Path, rel: Path, source: Path) -> Path:
    """Where a file of the Jekyll site goes: a page in another Markdown extension than .md
    (``about.markdown``, which ``jekyll new`` writes) as a .md page, which nbpress builds to
    the same URL, unless a .md file of that name is there too; anything else as it is."""
    if path.suffix.lower() not in MARKDOWN_SUFFIXES[1:] or (
            source / rel.with_suffix(".md")).exists():
        return rel
    return rel.with_suffix(".md") if has_front_matter(path) else rel  # (else a static file)


def _posts(source: Path, target: Path, config: dict[str, Any], report: ImportReport) -> None:
    """Every file of ``_posts/`` that Jekyll would publish, imported into ``posts/``."""
    folder = source / "_posts"
    names: set[str] = set()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if not path.is_file() or path.suffix.lower() not in (*MARKDOWN_SUFFIXES, ".html"):
            continue
        if jekyll_post_name(path.name) is None:
            continue  # an image or a file Jekyll does not take as a post (no date in its name)
        if path.suffix.lower() == ".html":
            report.not_carried.append(f"{path.relative_to(source).as_posix()} (an HTML post: "
                                      "copy its content into a Markdown post)")
            continue
        post = import_post(path, source, target, config, names)
        report.posts.append(post)
    notebooks = source / "_notebooks"  # fastpages' notebook posts, and the files they show
    for path in sorted(notebooks.rglob("*")) if notebooks.is_dir() else []:
        rel = path.relative_to(notebooks)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix == ".ipynb" and path.parent == notebooks \
                and jekyll_post_name(path.name) is not None:
            report.posts.append(import_notebook(path, source, target, config, names))
        elif path.suffix.lower() in (*MARKDOWN_SUFFIXES, ".ipynb", ".py", ".rmd"):
            report.not_carried.append(  # in posts/, it would be a post
                f"_notebooks/{rel.as_posix()} — not a notebook named YYYY-MM-DD-title.ipynb "
                "(fastpages dated undated ones itself): rename it into posts/ to publish it")
        else:  # beside the posts, where their pages expect them
            _copy_file(path, target / "posts" / rel)
    _layouts(target, report)


_POST_URL = re.compile(r"(\{%-?\s*post_url\s+)([^\s%]+)(\s*-?%\})")


def _renamed_links(target: Path, report: ImportReport) -> None:
    """``{% post_url NAME %}`` in the imported posts, pages and includes follows a post whose
    file was renamed (``2017-08-20-from-GAN-to-WGAN`` → ``2017-08-20-from-gan-to-wgan``)."""
    renamed = {Path(post.source).stem: Path(post.target).stem for post in report.posts
               if post.target and Path(post.source).stem != Path(post.target).stem}
    if not renamed:
        return

    def follow(match: re.Match) -> str:
        old = match.group(2).rstrip("/").rsplit("/", 1)[-1]
        return f"{match.group(1)}{renamed[old]}{match.group(3)}" if old in renamed \
            else match.group(0)

    for path in target.rglob("*"):
        if path.is_file() and path.suffix.lower() in (*MARKDOWN_SUFFIXES, ".html"):
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            if "post_url" in text and text != (new := _POST_URL.sub(follow, text)):
                path.write_text(new, encoding="utf-8", errors="surrogateescape")


def _layouts(target: Path, report: ImportReport) -> None:
    """A template for each post layout of the Jekyll theme that nbpress's theme lacks, so the
    posts keep their front matter and build: it extends nbpress's post layout."""
    from .config import DEFAULT_THEME

    kinds = {**{layout: "page" for layout in report.page_layouts},
             **{post.layout: "post" for post in report.posts}}
    for layout, kind in sorted(kinds.items()):
        name = f"templates/{layout}.html"
        if (DEFAULT_THEME / name).is_file() or "/" in layout or layout.startswith("."):
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(f'{{% extends "{kind}.html" %}}\n', encoding="utf-8")
        report.not_carried.append(f"layout '{layout}' of the Jekyll theme: {name} added, "
                                  f"showing those {kind}s with nbpress's {kind} layout")


def import_site(source: Path, target: Path) -> ImportReport:
    """Import the Jekyll site at ``source`` into the new folder ``target``."""
    source, target = source.resolve(), target.resolve()
    if not source.is_dir() or not ((source / "_config.yml").is_file()
                                   or (source / "_posts").is_dir()):
        raise NbpressError(f"{source} is not a Jekyll site (it has neither _config.yml nor "
                           "_posts/).", hint="Pass the folder of the Jekyll blog.")
    if target.exists():
        raise NbpressError(f"{target} already exists; nbpress import never writes into an "
                           "existing folder.", hint="Choose a new folder for the imported "
                                                    "site, or remove this one first.")
    if target == source or source in target.parents:
        raise NbpressError("the new site cannot be inside the Jekyll site.", path=target,
                           hint="Choose a folder outside it.")
    report = ImportReport()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        config = _read_config(source, report)
        (staging / "posts").mkdir()
        # nbpress new's .gitignore: _site/ out, _executed/ (the imported runs) in
        (staging / ".gitignore").write_text((files("nbpress") / "starter" / "gitignore")
                                            .read_text(encoding="utf-8"), encoding="utf-8")
        _site_files(source, staging, report, frozenset(  # (deeper ones: staticfiles.py)
            x.strip("/") for x in config.get("exclude", ()) if "/" not in x.strip("/")))
        if report.static:
            config["static"] = report.static
        (staging / "pyproject.toml").write_text(_toml(config), encoding="utf-8")
        _posts(source, staging, config, report)
        _renamed_links(staging, report)
        staging.rename(target)
    except BaseException:  # nothing half-imported is left behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def run(source: Path, target: Path, out) -> int:
    """The command: import, print the report; 0 on success."""
    report = import_site(source, target)
    print(f"imported {source} → {target}", file=out)
    for line in report.lines():
        print(line, file=out)
    print(f"next: cd {target} && nbpress build   (imported posts use their recorded outputs; "
          "`--refresh POST` runs one for real)", file=out)
    return 0


__all__ = ["import_site", "run", "ImportReport", "CONFIG_KEYS"]
