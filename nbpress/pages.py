"""Standalone pages → ``[PostSource]`` (kind "page"): Jekyll's pages, such as ``about.md``.

A page is any ``.md`` or ``.html`` file whose first line is ``---`` (front
matter) outside ``posts/`` and the folders ``sourcefiles`` leaves out.  A ``.md``
page goes through the same read → plan → execute → render stages as a post,
so its Python cells run; an ``.html`` page is shown as written (after Liquid).

URLs follow Jekyll's ``Page#template``: ``about.md`` is ``/about.html`` with the
``date``/``ordinal``/``none`` styles, ``/about/`` with ``pretty``, ``/about`` with
a custom pattern that ends in neither (Jekyll writes ``about.html`` for it);
``projects/index.md`` is ``/projects/``; a ``permalink:`` wins.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from .discover import _key_lines, read_front_matter, typed_fields
from .errors import PostError
from .jekyllmeta import jekyll_fields
from .model import NotebookDoc, PostSource, SiteConfig
from .permalink import escape_path, slugify
from .sitepages import NO_LAYOUT
from .sourcefiles import candidate_files, has_front_matter
from .staticfiles import static_clashes

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # a page's date when it gives none
_PLACEHOLDER = re.compile(r":(path|basename|output_ext)\b")


def page_files(config: SiteConfig) -> list[Path]:
    """The site's pages: candidate files that start with front matter."""
    return [p for p in candidate_files(config) if has_front_matter(p)]


def page_url(relative: PurePosixPath, permalink: str | None, site_permalink: str) -> str:
    """A page's URL path, as Jekyll's ``Page#url`` (placeholders ``:path``, ``:basename``,
    ``:output_ext``)."""
    folder = "/" + relative.parent.as_posix().strip(".").strip("/") + "/"
    basename = relative.stem
    if permalink:
        template = permalink
    elif basename == "index":
        template = "/:path/"
    elif site_permalink == "pretty" or site_permalink.endswith("/"):
        template = "/:path/:basename/"
    elif site_permalink in ("date", "ordinal", "none") \
            or site_permalink.endswith(":output_ext"):
        template = "/:path/:basename:output_ext"
    else:
        template = "/:path/:basename"
    values = {"path": folder, "basename": basename, "output_ext": ".html"}
    url = _PLACEHOLDER.sub(lambda m: escape_path(values[m.group(1)]), template)
    return re.sub(r"/{2,}", "/", "/" + url.replace("..", "/").replace("./", ""))


def _layout(front: dict) -> str:
    """The page's layout: ``page`` unless it names one; ``layout: null`` (or ``none``) is
    Jekyll's "no layout": the page's content alone."""
    if "layout" in front and front["layout"] in (None, "none", "null"):
        return NO_LAYOUT
    return str(front.get("layout") or "page")


def read_page(path: Path, config: SiteConfig, tz: ZoneInfo) -> PostSource:
    """One page's front matter, URL and layout (``page`` unless it names one)."""
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise PostError(f"the page is not UTF-8 text (byte {exc.start}).", path=path,
                        hint="Save it as UTF-8 in your editor.") from None
    front, body, body_line = read_front_matter(path, text)
    key_lines = _key_lines("\n".join(text.splitlines()[:body_line - 1]))
    permalink = front.get("permalink")
    if permalink is not None and not isinstance(permalink, str):
        raise PostError(f"'permalink: {permalink}' must be a URL path.", path=path,
                        line=key_lines.get("permalink"), hint="Write e.g. 'permalink: /about/'.")
    relative = PurePosixPath(path.relative_to(config.root).as_posix())
    url = page_url(relative, permalink, config.permalink)
    if ".." in url.split("/"):
        raise PostError(f"this page's URL {url} would be written outside the site folder.",
                        path=path, line=key_lines.get("permalink"),
                        hint="Choose a 'permalink:' without '..'.")
    title = front.get("title")
    fields = typed_fields(front, path, key_lines, tz)
    return PostSource(
        path=path, slug=slugify(path.stem) or path.stem, url=url,
        title=str(title).strip() if title is not None else "",
        date=fields["modified"] or _EPOCH, front_matter=front, body=body, body_line=body_line,
        tags=(), description=str(front.get("description") or ""),
        layout=_layout(front), draft=front.get("published") is False,
        key_lines=key_lines, kind="page",
        **fields, **jekyll_fields(front, path, key_lines))


def _paginated_home(page: PostSource) -> PostSource:
    """A root ``index.html`` listing posts with jekyll-paginate's ``paginator`` is, as in
    Jekyll, the paginated home page: nbpress's own is built there (the page's Liquid loops
    over ``paginator`` cannot run here), with a warning saying so."""
    if page.url != "/" or page.path.suffix != ".html" or "paginator" not in page.body:
        return page
    note = ("this index.html lists posts with jekyll-paginate's 'paginator': nbpress's "
            "paginated home page (the theme's index.html template) is built in its place; "
            "to change it, add templates/index.html.")
    return replace(page, layout="home", body="", notes=page.notes + (note,))


def discover_pages(config: SiteConfig) -> tuple[list[PostSource], list[PostError]]:
    """Every page of the site, by URL; pages with ``published: false`` only with
    ``--drafts``.  Two pages with one URL are an error naming both."""
    tz = ZoneInfo(config.timezone)  # discover() has checked it
    pages: list[PostSource] = []
    errors: list[PostError] = []
    seen: dict[str, Path] = {}
    for path in page_files(config):
        try:
            page = _paginated_home(read_page(path, config, tz))
        except PostError as exc:
            errors.append(exc)
            continue
        if page.draft and not config.drafts:
            continue
        if page.output_path in seen:
            other = seen[page.output_path].relative_to(config.root)
            errors.append(PostError(f"this page has the same URL ({page.url}) as {other}.",
                                    path=path, hint="Give one of them another 'permalink:'."))
            continue
        seen[page.output_path] = path
        pages.append(page)
    return sorted(pages, key=lambda p: p.url), errors


def url_clashes(posts: list[PostSource], pages: list[PostSource], config: SiteConfig | None = None
                ) -> list[PostError]:
    """A page written where a post is, or (with ``config``) a post or page where a static
    file goes: an error naming both files."""
    taken = {post.output_path: post.path for post in posts}
    return [PostError(f"this page has the same URL ({page.url}) as the post "
                      f"{taken[page.output_path].name}.", path=page.path,
                      line=page.line_of("permalink"), hint="Give the page another 'permalink:'.")
            for page in pages if page.output_path in taken] + (
        static_clashes(config, posts + pages) if config is not None and config.static else [])


def stem_clashes(docs: list[NotebookDoc]) -> list[PostError]:
    """Executable pages whose file stem is another post's or page's: their runs would share
    one cache entry (``_executed/STEM``), so one would show the other's outputs."""
    first: dict[str, Path] = {}
    errors = []
    for doc in docs:
        if not doc.cells:
            continue
        stem = doc.post.path.stem
        if stem in first and doc.post.kind == "page":
            errors.append(PostError(
                f"this page has code cells and the same file name stem ('{stem}') as "
                f"{first[stem].name}, which also has code; their runs would share one cache "
                "entry.", path=doc.post.path, hint="Rename one of the two files."))
        first.setdefault(stem, doc.post.path)
    return errors


def liquid_pages(pages: list[PostSource], root: Path) -> list[dict]:
    """``site.pages`` as Liquid sees it in posts and pages (Jekyll's page drops: the front
    matter, then ``url`` without baseurl, ``path`` from the root and ``name``)."""
    return [{**page.front_matter, "title": page.title, "url": page.url,
             "path": page.path.relative_to(root).as_posix(), "name": page.path.name}
            for page in pages]
