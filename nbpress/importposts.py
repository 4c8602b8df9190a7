"""One Jekyll post → one nbpress post (and its recorded run), for ``nbpress import``.

Jekyll takes any ``_posts/YYYY-MM-DD-title.ext`` file, with or without front
matter, and builds its URL from the title part with its "pretty" slugify,
case kept (``My Post.md`` → ``My-Post.html``, ``notes.md.md`` → ``notes.md.html``).
nbpress slugifies to lower case, so such a post is written under a clean file
name with a ``permalink:`` giving the URL Jekyll gave it.  The post's own text
(front matter included) is kept byte for byte; only the export's leftovers
go (nbexport.py), and lines are added to the front matter when needed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .discover import split_front_matter
from .errors import NbpressError, PostError
from .kramdown import KRAMDOWN_COMMENT, kramdown_inline_math, kramdown_notes
from .importrun import IMAGE_MIMES, store_import, store_notebook_import
from .liquidcompat import FRONT_MATTER_KEY, OUTPUT_TAG
from .nbexport import ATTRIBUTE_LINE, Export, read_export
from .permalink import expand, slugify

_JEKYLL_POST = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$")
_URL_FILTER = re.compile(r"""\{\{-?\s*["']([^"']*)["']\s*\|\s*(?:relative|absolute)_url"""
                         r"""\s*-?\}\}""")
_KNOWN_HEADS = {"site", "page", "content", "paginator", "layout", "include", "forloop"}
_BOUND = re.compile(r"\{%-?\s*(?:(?:for|tablerow)\s+(\w+)\s+in\b|(?:assign|capture)\s+(\w+))")
IMAGE_FOLDER = "assets/images"  # where images kept in the text go (the site publishes assets/)


@dataclass
class PostReport:
    """What happened to one post."""

    source: str
    target: str
    kind: str  # "exported notebook", "no-input export", "Markdown"
    removed: list[tuple[int, str]] = field(default_factory=list)
    look: list[tuple[int, str]] = field(default_factory=list)
    outputs: int = 0
    layout: str = "post"  # the front matter's, for the importer to give it a template

    def lines(self) -> list[str]:
        """Its part of the import report."""
        head = f"{self.source} → {self.target} ({self.kind}"
        head += f", {self.outputs} output(s) imported)" if self.kind == "exported notebook" \
            or self.kind.startswith("fastpages") else ")"
        out = [head]
        if self.removed:
            out.append("  removed: " + "; ".join(f"line {n} {what}" for n, what in self.removed))
        out += [f"  needs a look: line {n}: {what}" if n else f"  needs a look: {what}"
                for n, what in self.look]
        return out


def jekyll_post_name(name: str) -> tuple[dt.date, str, str] | None:
    """(date, title part, extension) of a file name Jekyll takes as a post; None otherwise."""
    match = _JEKYLL_POST.match(name)
    if not match:
        return None
    year, month, day = (int(x) for x in match.groups()[:3])
    try:
        return dt.date(year, month, day), match.group(4), match.group(5)
    except ValueError:
        return None


def jekyll_slug(text: str) -> str:
    """Jekyll's ``slugify(mode: "pretty", cased: true)``, which makes a post's ``:title``."""
    return re.sub(r"[^\w._~!$&'()+,;=@]+", "-", text, flags=re.A).strip("-")


def _categories(front: dict[str, Any]) -> list[str]:
    value = front.get("categories") or front.get("category") or []
    if isinstance(value, str):
        value = value.split()  # Jekyll splits a string of categories on spaces
    return [str(c).lower() for c in value] if isinstance(value, list) else []


def jekyll_url(front: dict[str, Any], config: dict[str, Any], date: dt.date, title: str) -> str:
    """The URL Jekyll gives a post without a ``permalink:`` of its own."""
    pattern = str(config.get("permalink") or "date")
    when = dt.datetime(date.year, date.month, date.day)
    return expand(pattern, date=when, slug=jekyll_slug(str(front.get("slug") or title)),
                  categories=_categories(front))


def locate(url: str, post: Path, source: Path, config: dict[str, Any]) -> Path | None:
    """The file of the Jekyll site an image URL of a post names, or None."""
    url = _URL_FILTER.sub(r"\1", url)  # {{ "/images/a_5_0.png" | relative_url }}
    path = unquote(re.sub(r"\{\{.*?\}\}", "", url).split("#")[0].split("?")[0]).strip()
    site_url = str(config.get("url") or "").rstrip("/")
    if site_url and path.startswith(site_url):
        path = path[len(site_url):]
    elif re.match(r"^[a-z]+:", path):
        return None  # on another site: nothing here to import
    baseurl = "/" + str(config.get("baseurl") or "").strip("/")
    if baseurl != "/" and path.startswith(baseurl + "/"):
        path = path[len(baseurl):]
    candidates = [source / path.lstrip("/")] if path.startswith("/") else \
        [post.parent / path, source / path]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and source in resolved.parents \
                and resolved.suffix.lower() in IMAGE_MIMES:
            return resolved
    return None


def _needs_blank_liquid(text: str, front: dict[str, Any]) -> bool:
    """Whether the post uses Liquid variables nbpress does not define (Jekyll shows "")."""
    from .config import _SITE_KEYS

    site = set(_SITE_KEYS) | {"posts", "pages", "data", "categories", "tags", "time"}
    page = set(front) | {"title", "url", "tags", "date", "slug", "permalink"}  # render.py's
    bound = {n for pair in _BOUND.findall(text) for n in pair if n}  # a loop's, an assign's
    for name in OUTPUT_TAG.findall(text):  # the {{ name }} that liquidcompat would blank
        head, _, rest = name.partition(".")
        key = rest.split(".")[0]
        if head not in _KNOWN_HEADS | bound or head == "site" and key not in site \
                or head == "page" and key not in page:
            return True
    return False


def _strays(export: Export, stem: str, paths: tuple[Path, Path, Path], config: dict[str, Any],
            post: PostReport) -> None:
    """Export images kept in the text: copied into assets/, or removed when missing."""
    source_post, source, target = paths
    dropped: set[int] = set()
    for image in export.strays:
        found = locate(image.value, source_post, source, config)
        if found is None:
            dropped.add(image.at)
            post.look.append((image.line, f"image '{image.value}' is not in the blog; its line "
                                          "was left out"))
            continue
        name = f"{IMAGE_FOLDER}/{stem}/{found.name}"
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found, target / name)
        export.lines[image.at] = export.lines[image.at].replace(
            image.value, "{{ site.baseurl }}/" + name)
        if export.cells:
            post.look.append((image.line, f"export image '{image.value}' is not right after a "
                                          f"code cell: kept in the text as {name}"))
    dropped |= {at + 1 for at in dropped  # the image's {: .class } line goes with it
                if at + 1 < len(export.lines) and ATTRIBUTE_LINE.match(export.lines[at + 1])}
    for at in sorted(dropped, reverse=True):
        del export.lines[at]


def _cell_images(export: Export, source_post: Path, source: Path, config: dict[str, Any],
                 post: PostReport) -> dict[str, Path]:
    """Each cell image's file; the missing ones are reported (and left out of the run)."""
    found: dict[str, Path] = {}
    for output in (o for c in export.cells for o in c.outputs if o.kind == "image"):
        path = locate(output.value, source_post, source, config)
        if path is None:
            post.look.append((output.line, f"image '{output.value}' is not in the blog; "
                                           "left out of the cell's outputs"))
        else:
            found[output.value] = path
    return found


def _header(text: str, body_line: int, additions: list[str]) -> str:
    """The original front matter (or a new one) with ``additions`` before its closing line."""
    lines = text.split("\n")[:body_line - 1]
    if not lines:
        return "---\n" + "".join(a + "\n" for a in additions) + "---\n" if additions else ""
    return "\n".join(lines[:-1] + additions + lines[-1:]) + "\n"


def _target_name(date: dt.date, title: str, names: set[str]) -> str:
    stem = f"{date:%Y-%m-%d}-{slugify(title) or 'post'}"
    name, n = f"{stem}.md", 2
    while name in names:
        name, n = f"{stem}-{n}.md", n + 1
    names.add(name)
    return name


def _additions(front: dict[str, Any], config: dict[str, Any],
               date: dt.date, title: str, post: PostReport) -> list[str]:
    """Front matter lines the post needs to keep its Jekyll URL and title."""
    import json

    added = []
    if not front.get("title"):
        added.append(f"title: {json.dumps(' '.join(w.capitalize() for w in title.split('-')))}")
        post.look.append((0, "no title: Jekyll titles it from the file name; so does the "
                             "imported post ('title:' added)"))
    # nbpress's slug: the front matter's, else the title part of the name written
    ours = slugify(str(front.get("slug") or Path(post.target).stem[11:]))
    if not front.get("permalink") and jekyll_slug(str(front.get("slug") or title)) != ours:
        url = jekyll_url(front, config, date, title)
        added.append(f"permalink: {json.dumps(url)}")
        post.look.append((0, f"its file name gives the URL {url} in Jekyll; 'permalink:' "
                             "added to keep it"))
    return added


def import_post(path: Path, source: Path, target: Path, config: dict[str, Any],
                names: set[str]) -> PostReport:
    """Import one ``_posts/`` file into ``target/posts/``; store its recorded run if any."""
    date, title, _ = jekyll_post_name(path.name) or (dt.date.today(), path.stem, "")
    name = _target_name(date, title, names)
    rel = path.relative_to(source).as_posix()
    post = PostReport(rel, f"posts/{name}", "Markdown")
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    try:
        front, body, body_line = split_front_matter(text, path)
    except PostError as exc:
        post.look.append((exc.location.line or 0, "front matter unreadable "
                          f"({exc.message.rstrip('.')}); copied as it is"))
        (target / "posts" / name).write_text(text, encoding="utf-8")
        return post
    post.layout = str(front.get("layout") or "post")
    export = read_export(body, body_line)
    post.look += kramdown_notes(body, body_line, export.is_export)
    added = _additions(front, config, date, title, post)
    if export.is_export:
        post.kind = "no-input export" if export.no_input else "exported notebook"
        post.removed = export.removed
        post.look += export.notes
        _strays(export, Path(name).stem, (path, source, target), config, post)
        body = export.text
    body, hidden = KRAMDOWN_COMMENT.subn(lambda m: f"<!--{m.group(1)}-->", body)
    if hidden:
        post.look.append((0, f"{hidden} kramdown comment(s) {{::comment}}…{{:/comment}}, hidden "
                             "on the blog, written as HTML comments (hidden here too)"))
    body, inline = kramdown_inline_math(body)
    if inline:
        post.look.append((0, f"{inline} inline $$…$$ (kramdown's inline math, which nbpress "
                             "would show as display math) written as $…$"))
    if _needs_blank_liquid(body, front):
        added.append(f"{FRONT_MATTER_KEY}: empty")
        post.look.append((0, "old Liquid variables nbpress does not define: shown as empty "
                             f"text ({FRONT_MATTER_KEY}: empty added)"))
    written = target / "posts" / name
    written.write_text(_header(text, body_line, added) + body, encoding="utf-8")
    if post.kind != "no-input export":
        _store_run(export, written, (path, source, target), config, post)
    post.look.sort(key=lambda item: item[0])
    return post


def import_notebook(path: Path, source: Path, target: Path, config: dict[str, Any],
                    names: set[str]) -> PostReport:
    """A fastpages notebook (``_notebooks/YYYY-MM-DD-title.ipynb``, which fastpages turned
    into a post when it built) as an ``.ipynb`` post, keeping the URL fastpages gave it and
    its own outputs as its imported run (it builds without a kernel until its code changes)."""
    import json

    from .frontmatter import cell_front_matter

    date, title, _ = jekyll_post_name(path.name) or (dt.date.today(), path.stem, "")
    name = _target_name(date, title, names).removesuffix(".md") + ".ipynb"
    rel = path.relative_to(source).as_posix()
    post = PostReport(rel, f"posts/{name}", "fastpages notebook")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        cells[0:0] = [] if isinstance(cells, list) else None  # (a list, or the error below)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        post.kind, post.target = "not imported", ""
        post.look.append((0, f"not a notebook nbpress can read ({type(exc).__name__}: {exc}); "
                             "a Git LFS pointer or a damaged file? Fix it, then import again"))
        return post
    found = cell_front_matter(cells[0], path) if cells else None
    front = found[0] if found else {}
    if not found and not any(re.match(r"#[ \t]", line) for cell in cells
                             if cell.get("cell_type") == "markdown" for line in
                             "".join(cell.get("source") or "").split("\n")):
        front = {"title": " ".join(w.capitalize() for w in title.split("-"))}
        cells.insert(0, {"cell_type": "raw", "metadata": {},  # (as fastpages titled it)
                         "source": f"---\ntitle: {json.dumps(front['title'])}\n---"})
        found = (front, "")
        post.look.append((0, "no title: fastpages titles it from the file name; so does the "
                             "imported post ('title:' added)"))
    if not front.get("permalink") and jekyll_slug(str(front.get("slug") or title)) != \
            slugify(str(front.get("slug") or Path(name).stem[11:])):
        url = jekyll_url(front, config, date, title)
        lines = "".join(cells[0]["source"]) if found else ""
        if found and cells[0].get("cell_type") == "raw":  # the title cell added above
            cells[0]["source"] = lines.replace("\n---", f"\npermalink: {json.dumps(url)}\n---", 1)
        elif found:  # fastpages' front matter cell: one more "- key: value" line
            cells[0]["source"] = lines.rstrip("\n") + f"\n- permalink: {url}"
        else:
            cells.insert(0, {"cell_type": "raw", "metadata": {},
                             "source": f"---\npermalink: {json.dumps(url)}\n---"})
        post.look.append((0, f"its file name gives the URL {url} in fastpages; 'permalink' "
                             "added to keep it"))
    written = target / "posts" / name
    written.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        code, post.outputs = store_notebook_import(written, target, rel)
    except NbpressError as exc:
        post.look.append((0, f"outputs not imported: {exc.message}"))
    else:
        post.kind += f", {code} code cell(s)" if code else ""
    return post


def _store_run(export: Export, written: Path, paths: tuple[Path, Path, Path],
               config: dict[str, Any], post: PostReport) -> None:
    source_post, source, target = paths
    images = _cell_images(export, source_post, source, config, post)
    try:
        cells, post.outputs, unmatched = store_import(written, target, export.cells, images,
                                                      post.source)
    except NbpressError as exc:
        post.look.append((exc.line or 0, f"outputs not imported: {exc.message}"))
        return
    post.look += [(o.line, f"{o.kind} output matches no code cell as nbpress reads the post; "
                           "not imported") for o in unmatched]
    if cells and post.kind == "Markdown":  # code the blog showed, never ran: shown the same
        post.kind = "Markdown with code"
        post.look.append((0, f"its {cells} Python code cell(s) were shown, never run, on the "
                             "blog: imported with no outputs; `--refresh` runs them"))


__all__ = ["import_post", "jekyll_post_name", "jekyll_url", "PostReport", "locate"]
