"""The site around the posts → ``[OutputFile]``: post pages, paginated home, tags, archive,
Atom feed, sitemap, robots.txt, 404 page and the theme's assets.

Pure functions: they take rendered posts and the template environment and
return files; nothing here reads posts or writes to disk (assets are read).
URLs follow Jekyll and its plugins (jekyll-paginate, jekyll-feed,
jekyll-sitemap, jekyll-seo-tag), so a blog moving from Jekyll keeps its URLs
and its subscribers.  Every link carries the ``baseurl``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import posixpath
import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2

from .errors import PostError
from .feed import feed_entries, sitemap_urls
from .htmlrewrite import (drop_heading, images, min_heading_level, outline, plain_text,
                          resolve_url, rewrite)
from .interactive import LIBRARIES, LOADER, libraries_in, page_scripts
from .markdown import plain_markdown
from .model import CACHE_DIR, Analysis, OutputFile, PostSource, RenderedPost, SiteConfig
from .memo import Memo
from .pagecache import MakePage
from .pagination import paginate
from .postmeta import colab_url, reproducibility, table_of_contents
from .staticfiles import static_outputs
from .seo import absolute, page_seo, shorten
from .sitepages import home_page, layout_template, page_outputs, replaces_home

WORDS_PER_MINUTE = 230


def layout_errors(env: jinja2.Environment, posts: Sequence[PostSource]) -> list[PostError]:
    """Posts whose ``layout:`` names no template: found before any kernel runs."""
    layouts = set(env.list_templates())
    return [PostError(f"'layout: {post.layout}' names no template of the theme.",
                      path=post.path, line=post.line_of("layout"),
                      hint=f"Add templates/{post.layout}.html, or use 'layout: {post.kind}'.")
            for post in posts if layout_template(post.layout) not in layouts | {""}]


@functools.lru_cache(maxsize=4096)  # every post's tags, every build: a few names, often
def tag_slug(tag: str) -> str:
    """A tag's URL segment, as Jekyll's ``slugify``: lower case, runs of other characters → '-'.

    Accents are folded ("Données" → ``donnees``), other letters kept ("日本語"), and a
    ``+`` or ``#`` after a name spelled out, so that tags never merge by accident: ``C++`` is
    ``c-plus-plus``, ``C#`` is ``c-sharp``.  A tag without a letter or digit gets a
    stable ``tag-`` name of its own.
    """
    spelled = re.sub(r"(?<=[\w+])\+", " plus ", re.sub(r"(?<=\w)#", " sharp ", tag))
    text = "".join(c for c in unicodedata.normalize("NFKD", spelled) if not unicodedata.combining(c))
    slug = re.sub(r"[\W_]+", "-", text.casefold()).strip("-")
    return slug or "tag-" + hashlib.sha256(tag.encode()).hexdigest()[:8]


def _first_image(item: RenderedPost, found: Sequence[dict[str, str]], url: str, baseurl: str
                 ) -> tuple[str, str]:
    """(URL path with baseurl, alt) of the front matter's ``image:`` or the post's first
    figure (``found``: the attributes of the page's images)."""
    chosen = item.post.image
    if chosen:
        if not chosen.startswith(("/", "data:")) and "://" not in chosen and not (
                item.post.path.parent / chosen.split("?")[0].split("#")[0]).is_file():
            chosen = "/" + chosen  # jekyll-seo-tag's: from the site root, unless beside the post
        if chosen.startswith("/") and not chosen.startswith(baseurl + "/"):
            chosen = baseurl + chosen
        return resolve_url(chosen, url), item.post.image_alt
    for img in found:
        src = img.get("src", "")
        if src and not src.startswith("data:"):
            return resolve_url(src, url), img.get("alt", "")
    return "", ""


def analyze(item: RenderedPost, variables: Mapping[str, Any]) -> Analysis:
    """What pages need from a post's HTML (kept with the post's rendering for the next build).

    The HTML is parsed once (``outline``); the pipeline stores the result
    beside the post's rendering and reuses both while the post is unchanged.
    """
    post = item.post
    baseurl = variables.get("baseurl", "")
    url = baseurl + post.url
    content = item.html
    scan = outline(content)
    found, pictures = scan.headings, scan.images
    if found and found[0].level == 1 and found[0].text == post.title.strip():
        content = drop_heading(content, found[0].id)  # the page shows the title once
        found, pictures = found[1:], images(content)  # an image may have gone with it
    if min_heading_level(content) == 1:  # the page's only h1 is the post's title
        content = rewrite(content, heading_shift=1)  # (the table of contents is relative)
    top = min_heading_level(item.excerpt)
    excerpt = rewrite(item.excerpt, url=lambda u: resolve_url(u, url),
                      heading_shift=max(0, 3 - top) if top else 0)  # under the list's h2 titles
    image, image_alt = _first_image(item, pictures, url, baseurl)
    return Analysis(content=content, excerpt=excerpt, words=len(scan.text.split()),
                    image=image, image_alt=image_alt, excerpt_text=plain_text(item.excerpt),
                    toc=tuple(table_of_contents(found, post.toc)))


def post_context(item: RenderedPost, variables: Mapping[str, Any], config: SiteConfig
                 ) -> dict[str, Any]:
    """What templates see as ``page`` for one post (and as an entry of ``site.posts``)."""
    post = item.post
    baseurl = variables.get("baseurl", "")
    url = baseurl + post.url
    derived = item.analysis or analyze(item, variables)
    modified = post.modified or post.date
    excerpt, excerpt_text = derived.excerpt, derived.excerpt_text
    if post.excerpt:  # the front matter's excerpt: replaces the derived one, as in Jekyll
        excerpt = plain_markdown().render(post.excerpt)
        excerpt_text = plain_text(excerpt)
    description = post.description or shorten(excerpt_text)
    kind = "post" if post.kind == "post" else "page"
    return {
        "title": post.title,
        "date": post.date,
        "modified": modified,
        "url": url,
        "id": baseurl + posixpath.dirname(post.url.rstrip("/")).rstrip("/") + "/" + post.slug,
        "tags": list(post.tags),
        "tag_links": [{"name": t, "slug": tag_slug(t), "url": f"{baseurl}/tags/{tag_slug(t)}/"}
                      for t in post.tags],
        "description": description,
        "excerpt": excerpt,
        "content": derived.content,
        "slug": post.slug,
        "layout": post.layout,
        "categories": list(post.categories),
        "author": post.author,
        "words": derived.words,
        "reading_minutes": max(1, round(derived.words / WORDS_PER_MINUTE)),
        "notebook_url": f"{baseurl}/{post.files_dir}/{post.slug}.ipynb",
        "image": derived.image,
        "image_alt": derived.image_alt,
        "toc": list(derived.toc),
        "front_matter": dict(post.front_matter),
        "seo": page_seo(variables, title=post.title, url=url, description=description,
                        kind=kind, image=derived.image, image_alt=derived.image_alt,
                        published=post.date if kind == "post" else None,
                        modified=modified, author=post.author,
                        tags=post.tags),
        "colab_url": colab_url(config.repository, config.branch, _colab_path(config, item)),
        "execution": reproducibility(item.execution),
        "scripts": page_scripts(derived.content, baseurl),  # its interactive outputs' libraries
    }


def _tags(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every tag with its posts (newest first), sorted by name; tags with one slug are merged."""
    found: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, int]] = set()  # (slug, post): a post once per tag, in O(1)
    for post in posts:
        for link in post["tag_links"]:
            entry = found.setdefault(link["slug"], {"name": link["name"], "slug": link["slug"],
                                                    "url": link["url"], "posts": []})
            if (link["slug"], id(post)) not in seen:
                seen.add((link["slug"], id(post)))
                entry["posts"].append(post)
    return sorted(found.values(), key=lambda t: (t["name"].lower(), t["slug"]))


def site_context(config: SiteConfig, config_vars: Mapping[str, Any],
                 items: Sequence[RenderedPost], memo: Memo | None = None) -> dict[str, Any]:
    """What templates see as ``site``: the settings, every post newest first, the tags, the
    standalone pages (``site.pages``, by URL) and Jekyll's ``site.categories`` (each
    category's posts, newest first).  With a ``memo`` (serve), the context of a post whose
    rendering and settings are unchanged is the previous build's."""
    baseurl = config_vars.get("baseurl", "")
    settings = repr((config_vars, config)) if memo is not None else None

    def context(p: RenderedPost) -> dict[str, Any]:
        if memo is None:
            return post_context(p, config_vars, config)
        # The previous build's very dict: nothing changes a context once it is made.
        return memo.same("context", (p.post, p.analysis, p.execution), settings,
                         lambda: post_context(p, config_vars, config))

    contexts = [context(p) for p in items if p.post.kind == "post"]
    pages = [context(p) for p in items if p.post.kind == "page"]
    categories: dict[str, list] = {}
    for post in contexts:
        for name in post["categories"]:
            categories.setdefault(name, []).append(post)
    return {**config_vars, "posts": contexts, "tags": _tags(contexts), "pages": pages,
            "categories": categories,
            "feed_url": absolute(config_vars, baseurl + "/feed.xml"),
            "home_url": absolute(config_vars, baseurl + "/")}


def context_digests(site: Mapping[str, Any], config: SiteConfig, config_vars: Mapping[str, Any],
                    items: Sequence[RenderedPost], keys: Sequence[str]) -> dict[int, str]:
    """A digest of each post's and page's context (``site.posts``, ``site.pages``, by id)
    made from what made it (``post_context``'s arguments), not from its fields: its
    rendering, by its render key (``keys``, in ``items``' order), the post as discovered
    (every field: a date taken from the file's time is in no render key) and the settings.
    A post page's digest starts from its own context; hashing the fields of 2,000 took
    ≈0.08 s of every build."""
    settings = f"{config_vars!r}\0{config.shown()}"
    found = {}
    for kind in ("post", "page"):
        made = [(item, key) for item, key in zip(items, keys, strict=True)
                if item.post.kind == kind]
        for context, (item, key) in zip(site[f"{kind}s"], made, strict=True):
            post = item.post  # its fields; its text (long) hashed as bytes, not escaped
            fields = repr([getattr(post, name) for name in _POST_FIELDS])
            digest = hashlib.sha256(f"{key}\0{fields}\0{settings}\0".encode(
                "utf-8", "surrogatepass"))
            digest.update(post.body.encode("utf-8", "surrogatepass"))
            found[id(context)] = "made from " + digest.hexdigest()
    return found


_POST_FIELDS = tuple(f.name for f in dataclasses.fields(PostSource) if f.name != "body")


def simple_page(site: Mapping[str, Any], title: str, url: str, *, description: str = "",
                kind: str = "page") -> dict[str, Any]:
    """``page`` for a page that is not a post (home, tags, archive, 404)."""
    description = description or site.get("description", "")
    return {"title": title, "url": url, "description": description, "toc": [],
            "seo": page_seo(site, title=title, url=url, description=description, kind=kind)}


def _render(make: MakePage, name: str, path: str, **context: Any) -> OutputFile:
    return make(name, path, context)


def _colab_path(config: SiteConfig, item: RenderedPost) -> str:
    """What Colab opens: an ``.ipynb`` post itself, else the post's executed notebook in the
    committed cache (Colab cannot open a ``.md`` post)."""
    path = item.post.path
    if path.suffix != ".ipynb":  # cache.entry_dir's, under the root
        return f"{CACHE_DIR}/{path.stem}/notebook.ipynb"
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return f"posts/{path.name}"


def post_pages(make: MakePage, config: SiteConfig, site: Mapping[str, Any],
               posts: Sequence[RenderedPost]) -> list[OutputFile]:
    """Each post's page, its images and its executed notebook for download."""
    files = []
    posts = [p for p in posts if p.post.kind == "post"]
    shared: set[str] = set()  # a site file several posts show (/images/logo.png) goes once
    for i, item in enumerate(posts):
        page = site["posts"][i]
        newer = site["posts"][i - 1] if i > 0 else None
        older = site["posts"][i + 1] if i + 1 < len(posts) else None
        files.append(_render(make, f"{item.post.layout}.html", item.post.output_path,
                             site=site, page=page, newer=newer, older=older))
        files += [f for f in item.files if f.source is None or f.path not in shared]
        shared.update(f.path for f in item.files if f.source is not None)
    return files


def index_pages(make: MakePage, site: Mapping[str, Any]) -> list[OutputFile]:
    """The home page and its following pages (jekyll-paginate's URLs and ``paginator``);
    none when an index page replaces them (``sitepages``)."""
    if replaces_home(site):
        return []
    home = home_page(site)
    files = []
    for item in paginate(site["posts"], int(site.get("paginate", 10)),
                         paginate_path=site.get("paginate_path", "/page:num/"),
                         baseurl=site["baseurl"]):
        number = item.paginator["page"]
        title = site["title"] if number == 1 else f"Page {number}"
        page = simple_page(site, title, site["baseurl"] + item.url,
                           kind="home" if number == 1 else "page")
        if home and number == 1:  # an index.md with "layout: home": its text, then the posts
            page.update(title=home["title"] or title, content=home["content"])
        files.append(_render(make, "index.html", item.output_path, site=site, page=page,
                             paginator=item.paginator, posts=item.paginator["posts"]))
    return files


def tag_pages(make: MakePage, site: Mapping[str, Any]) -> list[OutputFile]:
    """``/tags/`` (every tag, with counts) and ``/tags/<slug>/`` for each tag."""
    base = site["baseurl"]
    files = [_render(make, "tags.html", "tags/index.html", site=site,
                     page=simple_page(site, "Tags", f"{base}/tags/"), tags=site["tags"])]
    for tag in site["tags"]:
        page = simple_page(site, f"Posts tagged “{tag['name']}”", tag["url"],
                           description=f"{len(tag['posts'])} post(s) tagged {tag['name']} "
                                       f"on {site['title']}.")
        files.append(_render(make, "tag.html", f"tags/{tag['slug']}/index.html", site=site,
                             page=page, tag=tag, posts=tag["posts"]))
    return files


def archive_page(make: MakePage, site: Mapping[str, Any]) -> list[OutputFile]:
    """``/archive/``: every post by year, newest first."""
    years: list[dict[str, Any]] = []
    for post in site["posts"]:
        if not years or years[-1]["year"] != post["date"].year:
            years.append({"year": post["date"].year, "posts": []})
        years[-1]["posts"].append(post)
    page = simple_page(site, "Archive", site["baseurl"] + "/archive/")
    return [_render(make, "archive.html", "archive/index.html", site=site, page=page,
                    years=years)]


def not_found_page(make: MakePage, site: Mapping[str, Any]) -> list[OutputFile]:
    """``/404.html``, which GitHub Pages serves for any missing URL of the site."""
    page = simple_page(site, "Page not found", site["baseurl"] + "/404.html")
    return [_render(make, "404.html", "404.html", site=site, page=page)]


def feed_files(make: MakePage, site: Mapping[str, Any]) -> list[OutputFile]:
    """``feed.xml`` (Atom, as jekyll-feed), ``sitemap.xml`` and ``robots.txt`` (as jekyll-sitemap)."""
    entries = feed_entries(site)
    updated = max((e["modified"] for e in entries), default=None) or \
        dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    base = site["baseurl"]
    return [
        _render(make, "feed.xml", "feed.xml", site=site, entries=entries,
                updated=updated.isoformat(), author=site.get("author") or site["title"]),
        _render(make, "sitemap.xml", "sitemap.xml", site=site, urls=sitemap_urls(site)),
        _render(make, "robots.txt", "robots.txt", site=site,
                sitemap_url=absolute(site, f"{base}/sitemap.xml")),
    ]


def site_files(make: MakePage, config: SiteConfig, site: Mapping[str, Any],
               posts: Sequence[RenderedPost]) -> list[OutputFile]:
    """Every file of the site: assets (an interactive library's only where a page uses it),
    post pages with their files, the standalone pages, and the generated pages (home, tags,
    archive, 404, feeds) that no standalone page or static file replaces."""
    used = {name for item in posts for name in libraries_in(item.html)}
    static = static_outputs(config) if config.static else []  # they win over the theme's
    mine = {f.path for f in static}
    assets = [f for f in asset_files(config, used) if f.path not in mine] + static
    own = page_outputs(make, site, [p for p in posts if p.post.kind == "page"])
    taken = {f.path for f in own} | mine  # (a post or page there is an error, found before)
    published = {f.path for f in assets}  # a post showing a site asset needs no copy of it
    shown = []
    for f in post_pages(make, config, site, posts) + own:
        if f.source is not None:  # a file shown from beside the sources goes once
            if f.path in published:
                continue
            published.add(f.path)
        shown.append(f)

    def untaken(name: str, path: str, context: Mapping[str, Any]) -> OutputFile:
        # A page the site replaces (a 404.md) is not rendered only to be dropped.
        return OutputFile(path) if path in taken else make(name, path, context)

    generated = (index_pages(untaken, site) + tag_pages(untaken, site)
                 + archive_page(untaken, site) + not_found_page(untaken, site)
                 + feed_files(untaken, site))
    return assets + shown + [f for f in generated if f.path not in taken]


def asset_files(config: SiteConfig, libraries: set[str] = frozenset()) -> list[OutputFile]:
    """``assets/`` of the default theme, then of the site (same names override); the
    vendored JavaScript of an interactive library (``assets/vendor/<name>/``) only when some
    page uses that library (``libraries``), and their loader when one does."""
    found: dict[str, Path] = {}
    unused = {f"vendor/{name}" for name in LIBRARIES if name not in libraries}
    unused |= set() if libraries else {LOADER}
    for theme in reversed(config.theme_dirs):
        folder = theme / "assets"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not path.name.startswith(".") and \
                    relative.rpartition("/")[0] not in unused and relative not in unused:
                found["assets/" + relative] = path
    return [OutputFile(name, path.read_bytes()) for name, path in sorted(found.items())]
