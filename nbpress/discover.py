"""``posts/`` → ``[PostSource]``: front matter, dates, slugs, URLs.

Front matter is the YAML header at the top of a text notebook (``.md``,
``.Rmd``, or ``# ---`` comment lines in a ``.py`` script), less its jupytext
metadata; for an ``.ipynb`` it is the first raw cell (or Quarto's first Markdown
cell), or the notebook's metadata (``frontmatter.py``).  A text file and an ``.ipynb`` with the same stem are one post
(jupytext pairing); the text file holds the input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, PostError
from .frontmatter import ipynb_front_matter, split_front_matter
from .formats import (POST_SUFFIXES, TEXT_SUFFIXES, first_heading, is_notebook_script,
                      page_front_matter, uncomment_header)
from .jekyllmeta import jekyll_fields
from .memo import Memo, Stamper, remembered
from .model import PostSource, SiteConfig
from .permalink import check_pattern, post_slug
from .preflight import broken_links
from .readcache import Reads, kept
from .urlpaths import Claims, collision, post_url

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


def read_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, 1-based line of the body) of any kind of post; a script's
    ``text`` with its header uncommented."""
    if path.suffix == ".ipynb":
        return ipynb_front_matter(path), "", 1
    front, body, body_line = split_front_matter(text, path)
    return page_front_matter(front), body, body_line


def _parse_date(value: Any, tz: ZoneInfo, path: Path, line: int | None) -> dt.datetime:
    """A front matter date in the site's timezone ``tz``: one with an offset of its own is
    that moment there, as Jekyll shows it and dates its URL (23:30 -0700 is the next day in
    New York); one without is taken as the site's time."""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip().replace(" +", "+"))
    except ValueError:
        raise PostError(f"'date: {value}' is not a date.", path=path, line=line,
                        hint="Write it as YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS +0000'.") from None
    return parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _key_lines(front_matter_text: str) -> dict[str, int]:
    """The 1-based line of each top-level front matter key, for messages."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front_matter_text.splitlines(), 1):
        key = re.match(r"([\w-]+)\s*:", line)
        if key:
            lines.setdefault(key.group(1), number)
    return lines


def _as_list(value: Any, key: str, path: Path, key_lines: dict[str, int]) -> tuple[str, ...]:
    """Tags or categories: a list, or words in one text (Jekyll's "tags: a b c")."""
    if value is None:
        return ()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # "tags: 2024" is the tag "2024"
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and
                                       not isinstance(v, bool) for v in value):
        return tuple(s for s in (str(v).strip() for v in value) if s)
    raise PostError(f"'{key}:' must be a list of names or names separated by spaces.",
                    path=path, line=key_lines.get(key),
                    hint=f"Write e.g. '{key}: [machine-learning, jax]'.")


def _title(front: dict[str, Any], path: Path, key_lines: dict[str, int], body: str,
           notes: list[str]) -> str:
    title = front.get("title")
    if isinstance(title, (int, float, dt.date)) and not isinstance(title, bool):
        title = str(title)  # "title: 1984" is a title, whatever YAML thinks
    elif title is not None and not isinstance(title, str):
        raise PostError(f"the title must be text, not a {type(title).__name__}.", path=path,
                        line=key_lines.get("title"),
                        hint="Quote it: title: \"…\".")
    if (not isinstance(title, str) or not title.strip()) and "title" not in front:
        title = first_heading(path, body)  # the page shows it once, as its title
    if not isinstance(title, str) or not title.strip():
        raise PostError("the post has no title.", path=path, line=key_lines.get("title") or 1,
                        hint="Add 'title: Your title' to the front matter, or start the post "
                             "with a '# Title' heading.")
    return title


def _date(front: dict[str, Any], match: re.Match | None, path: Path,
          key_lines: dict[str, int], tz: ZoneInfo, notes: list[str]) -> dt.datetime:
    """The front matter's ``date:``, else the date in a YYYY-MM-DD-slug file name, else (with
    a warning) the file's modification time, as Quarto's listings do."""
    if "date" in front and front["date"] is not None:
        date = _parse_date(front["date"], tz, path, key_lines.get("date"))
        own = front["date"] if isinstance(front["date"], dt.datetime) else None
        with contextlib.suppress(ValueError):
            own = own or dt.datetime.fromisoformat(str(front["date"]).strip().replace(" +", "+"))
        if own is not None and own.tzinfo and own.date() != date.date():  # said: URLs move
            notes.append(f"'date: {front['date']}' is {date:%Y-%m-%d %H:%M} in the site's "
                         f"timezone ({tz.key}), so its URL has that day, as Jekyll gives it; set "
                         "[tool.nbpress] timezone to its own, or write it without an offset, "
                         "to keep the day as written.")
        return date
    if not match:
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz).replace(microsecond=0)
        notes.append(f"the post has no date; its file's modification time "
                     f"({modified:%Y-%m-%d}) is used, so its URL may change. Name the file "
                     "YYYY-MM-DD-slug or add 'date: YYYY-MM-DD' to the front matter.")
        return modified
    try:
        return dt.datetime(*map(int, match.groups()[:3]), tzinfo=tz)
    except ValueError:
        raise PostError(f"the date in the file name '{path.name}' is impossible.", path=path,
                        hint="Rename it to YYYY-MM-DD-slug with a real date.") from None


def read_post(path: Path, config: SiteConfig, tz: ZoneInfo) -> PostSource:
    """Read one post's front matter and decide its date, slug and URL."""
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise PostError(f"the file is not UTF-8 text (byte {exc.start}).", path=path, line=line,
                        hint="Save it as UTF-8 in your editor.") from None
    if path.suffix == ".py":
        text = uncomment_header(text)  # same lines, so messages name the script's own
    front, body, body_line = read_front_matter(path, text)
    key_lines = _key_lines("\n".join(text.splitlines()[:body_line - 1]))
    notes: list[str] = []
    title = _title(front, path, key_lines, body if path.suffix != ".py" else text, notes)
    match = _DATED_NAME.match(path.stem)
    date = _date(front, match, path, key_lines, tz, notes)
    slug = str(front.get("slug") or (match.group(4) if match else path.stem))
    raw_slug, slug = slug, post_slug(slug)
    jekyll = jekyll_fields(front, path, key_lines)  # Jekyll's :title is the file name's
    url = post_url(front.get("permalink"), config, path, key_lines.get("permalink"), date=date,
                   slug=slug, title=raw_slug, categories=jekyll["categories"])
    return PostSource(
        key_lines=key_lines,
        path=path, slug=slug, title=title.strip(), date=date, url=url,
        front_matter=front, body=body, body_line=body_line,
        tags=_as_list(front.get("tags"), "tags", path, key_lines),
        description=str(front.get("description") or ""), layout=str(front.get("layout") or "post"),
        draft=_flag(front, "draft", path, key_lines) or "published" in front
        and front["published"] is not None and not _flag(front, "published", path, key_lines),
        notes=tuple(notes), **typed_fields(front, path, key_lines, tz), **jekyll,
    )


def _flag(front: dict[str, Any], key: str, path: Path, key_lines: dict[str, int]) -> bool:
    """A yes/no key; ``draft: "false"`` (text) is refused rather than read as true."""
    value = front.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    raise PostError(f"'{key}: {value}' must be true or false.", path=path,
                    line=key_lines.get(key), hint=f"Write '{key}: true' or '{key}: false' "
                                                  "without quotes.")


def _files(front: dict[str, Any], key: str, path: Path, key_lines: dict[str, int]
           ) -> tuple[str, ...]:
    """A file name or a list of file names (``depends:``, ``bibliography:``)."""
    value = front.get(key)
    if value is None or value == []:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise PostError(f"'{key}:' must be a file name or a list of file names.", path=path,
                        line=key_lines.get(key), hint=f"Write e.g. '{key}: [data/table.csv]', "
                                                      "paths relative to the post's folder.")
    return tuple(v.strip() for v in items)


def _image(front: dict[str, Any], path: Path, key_lines: dict[str, int]) -> tuple[str, str]:
    """jekyll-seo-tag's ``image:``: a path or URL, or ``{path: …, alt: …}``."""
    value = front.get("image")
    alt = ""
    if isinstance(value, dict):  # jekyll-seo-tag also accepts {path: …, alt: …}
        value, alt = value.get("path"), str(value.get("alt") or "")
    if value is None or value == "":
        return "", alt
    text = str(value).strip() if isinstance(value, str) else ""
    if not text or re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) and \
            not text.lower().startswith(("http:", "https:")):
        raise PostError(f"'image: {value}' is not an image path or an http(s) URL.", path=path,
                        line=key_lines.get("image"), hint="Give a path such as "
                        "/assets/images/x.png, or an https:// URL.")
    return text, alt


def _resources(front: dict[str, Any], path: Path, key_lines: dict[str, int]
               ) -> dict[str, float]:
    value = front.get("resources") or {}
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
            and v > 0 for k, v in value.items()):
        raise PostError("'resources:' must map resource names to positive numbers.", path=path,
                        line=key_lines.get("resources"), hint="Write e.g. 'resources: {GPU: 1}'.")
    return {k: float(v) for k, v in value.items()}


def typed_fields(front: dict[str, Any], path: Path, key_lines: dict[str, int], tz: ZoneInfo
                 ) -> dict[str, Any]:
    """The front matter keys nbpress reads, checked once, as ``PostSource`` fields."""
    toc = front.get("toc")
    if toc is not None and not isinstance(toc, bool):
        raise PostError(f"'toc: {toc}' must be true or false.", path=path,
                        line=key_lines.get("toc"), hint="Write 'toc: true' or 'toc: false'.")
    author = front.get("author")
    if isinstance(author, dict):  # jekyll-seo-tag: {name: …, url: …}
        author = author.get("name")
    elif isinstance(author, list):
        author = ", ".join(str(a.get("name") if isinstance(a, dict) else a) for a in author)
    modified = front.get("last_modified_at")
    image, image_alt = _image(front, path, key_lines)
    return {
        "depends": _files(front, "depends", path, key_lines),
        "bibliography": _files(front, "bibliography", path, key_lines),
        "exclusive": _flag(front, "exclusive", path, key_lines),
        "image": image, "image_alt": image_alt, "toc": toc,
        "author": str(author or ""),
        "modified": _parse_date(modified, tz, path, key_lines.get("last_modified_at"))
        if modified else None,
        "resources": _resources(front, path, key_lines),
    }


def _is_file(entry: os.DirEntry) -> bool:
    """A file, or a link to one (a link to nothing, or a loop, is not: preflight says so)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def post_files(folder: Path) -> list[Path]:
    """The files in ``folder`` that are posts, one per post.

    A ``.py`` is a post only when it is a jupytext notebook (posts import helper
    modules from their folder).  Files sharing a stem are one jupytext pairing:
    the first text file in ``TEXT_SUFFIXES`` order holds the input.
    """
    with os.scandir(folder) if folder.is_dir() else contextlib.nullcontext(()) as entries:
        files = [folder / name for name in sorted(
            e.name for e in entries if os.path.splitext(e.name)[1] in POST_SUFFIXES
            and not e.name.startswith((".", "_")) and _is_file(e))]
    files = [p for p in files if p.suffix != ".py" or is_notebook_script(
        p.read_text(encoding="utf-8", errors="replace"))]
    rank = {suffix: n for n, suffix in enumerate(TEXT_SUFFIXES + (".ipynb",))}
    chosen: dict[str, Path] = {}
    for path in files:
        if path.stem not in chosen or rank[path.suffix] < rank[chosen[path.stem].suffix]:
            chosen[path.stem] = path
    return sorted(chosen.values(), key=lambda p: p.name)


def discover(config: SiteConfig, memo: Memo | None = None, reads: Reads | None = None
             ) -> tuple[list[PostSource], list[PostError]]:
    """Every post under ``posts/``, newest first; drafts only with ``--drafts``.

    Returns the posts and every bad post's error (all of them, like config);
    URL collisions name both files.  Site-wide problems raise ``ConfigError``.
    With a ``memo`` (serve) or ``reads`` (the previous build's, ``readcache.py``), a post
    whose files did not change is not read again.
    """
    try:
        tz = ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone '{config.timezone}'.",
                          path=config.root / "pyproject.toml",
                          hint="Use an IANA name such as 'Europe/Paris' or 'UTC'.") from None
    try:
        check_pattern(config.permalink)
    except ConfigError as exc:
        raise ConfigError(exc.message, path=config.root / "pyproject.toml", hint=exc.hint) from None
    posts: list[PostSource] = []
    errors: list[PostError] = broken_links(config.root / "posts")
    claims = Claims()
    settings, stamp = repr(config) if memo is not None else "", Stamper()
    for path in post_files(config.root / "posts"):
        try:
            # (serve's key: a one-shot build has no memo and needs none)
            key = (str(path), stamp(path), settings) if memo is not None else None
            post = remembered(memo, "post", key,
                              lambda: kept(reads, "post", path, lambda: read_post(path, config, tz)))
        except PostError as exc:
            errors.append(exc)
            continue
        if post.draft and not config.drafts or post.date > dt.datetime.now(tz) and not config.future:
            continue  # Jekyll leaves out posts dated after the build unless --future
        other = claims.conflict(post)
        if other is not None:
            errors.append(collision(post, other, config.root))
            continue
        claims.add(post)
        posts.append(post)
    posts.sort(key=lambda p: (p.date, p.slug), reverse=True)
    return posts, errors
