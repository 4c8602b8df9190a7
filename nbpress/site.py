"""Site pages from rendered posts: post pages, the index, theme assets → ``[OutputFile]``.

Pure functions: they take rendered posts and the template environment and
return files; nothing here reads posts or writes to disk (assets are read).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2

from .model import OutputFile, RenderedPost, SiteConfig
from .templates import render_template


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def post_context(item: RenderedPost, baseurl: str) -> dict[str, Any]:
    """What templates see as ``page`` for one post (and as an entry of ``site.posts``)."""
    post = item.post
    words = len(_text(item.html).split())
    return {
        "title": post.title,
        "date": post.date,
        "url": baseurl + post.url,
        "tags": list(post.tags),
        "description": post.description or _text(item.excerpt)[:300],
        "excerpt": item.excerpt,
        "content": item.html,
        "slug": post.slug,
        "layout": post.layout,
        "reading_minutes": max(1, round(words / 230)),
        "notebook_url": f"{baseurl}/{post.files_dir}/{post.slug}.ipynb",
        "front_matter": dict(post.front_matter),
    }


def site_context(config_vars: Mapping[str, Any], posts: Sequence[RenderedPost]) -> dict[str, Any]:
    """What templates see as ``site``: the settings plus every post, newest first."""
    baseurl = config_vars.get("baseurl", "")
    return {**config_vars, "posts": [post_context(p, baseurl) for p in posts]}


def post_pages(env: jinja2.Environment, site: Mapping[str, Any], posts: Sequence[RenderedPost],
               notebooks: Mapping[str, bytes]) -> list[OutputFile]:
    """Each post's page, its images and its executed notebook for download."""
    files = []
    for i, item in enumerate(posts):
        page = site["posts"][i]
        newer = site["posts"][i - 1] if i > 0 else None
        older = site["posts"][i + 1] if i + 1 < len(posts) else None
        html = render_template(env, f"{item.post.layout}.html",
                               {"site": site, "page": page, "newer": newer, "older": older})
        files.append(OutputFile(item.post.output_path, html.encode()))
        files.extend(item.files)
        if item.post.slug in notebooks:
            files.append(OutputFile(f"{item.post.files_dir}/{item.post.slug}.ipynb",
                                    notebooks[item.post.slug]))
    return files


def index_page(env: jinja2.Environment, site: Mapping[str, Any]) -> list[OutputFile]:
    """The home page: every post, newest first, with date, title and excerpt."""
    page = {"title": site["title"], "url": site["baseurl"] + "/", "description": site["description"]}
    html = render_template(env, "index.html", {"site": site, "page": page, "posts": site["posts"]})
    return [OutputFile("index.html", html.encode())]


def site_files(env: jinja2.Environment, config: SiteConfig, site: Mapping[str, Any],
               posts: Sequence[RenderedPost], notebooks: Mapping[str, bytes]) -> list[OutputFile]:
    """Every file of the site: assets, post pages with their files, and the site's pages."""
    return asset_files(config) + post_pages(env, site, posts, notebooks) + index_page(env, site)


def asset_files(config: SiteConfig) -> list[OutputFile]:
    """``assets/`` of the default theme, then of the site (same names override)."""
    found: dict[str, Path] = {}
    for theme in reversed(config.theme_dirs):
        folder = theme / "assets"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                found["assets/" + path.relative_to(folder).as_posix()] = path
    return [OutputFile(name, path.read_bytes()) for name, path in sorted(found.items())]
