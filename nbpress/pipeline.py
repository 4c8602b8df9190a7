"""The only orchestrator: config → discover → read → execute → render → site → write.

Errors are values collected per post; with ``keep_going`` every post is tried
and all failures are reported together.  ``_site`` is replaced only by a
build in which every post succeeded.
"""

from __future__ import annotations

import sys
import time
from pathlib import PurePosixPath
from typing import Callable, TextIO

from .config import site_variables
from .discover import discover
from .errors import BuildWarning, NbpressError
from .execute import execute, link_data
from .model import BuildReport, RenderedPost, SiteConfig
from .notebook import read_post_notebook
from .render import render_post
from .site import asset_files, index_page, post_pages, site_context
from .templates import make_environment
from .writer import write_site


class BuildFailed(Exception):
    """Raised with every post's error when a build cannot produce a site."""

    def __init__(self, errors: list[NbpressError]) -> None:
        self.errors = errors
        super().__init__("\n\n".join(map(str, errors)))


def check_local_images(posts: list[RenderedPost], paths: set[str], baseurl: str
                       ) -> list[BuildWarning]:
    """Warn about images in posts that point at files the site does not have."""
    warnings = []
    for item in posts:
        page_dir = PurePosixPath("/" + item.post.output_path).parent
        for url, line in item.local_links:
            target = url.split("#")[0].split("?")[0]
            if baseurl and target.startswith(baseurl + "/"):
                target = target[len(baseurl):]
            full = target if target.startswith("/") else str(page_dir / target)
            parts: list[str] = []
            for part in full.split("/"):
                if part == "..":
                    parts = parts[:-1]
                elif part not in ("", "."):
                    parts.append(part)
            if "/".join(parts) not in paths:
                warnings.append(BuildWarning(
                    f"the image '{url}' is not in the built site; fix its path or remove it "
                    "(nbpress shows the cells' real outputs, so images exported by hand "
                    "are not needed).", item.post.path, line))
    return warnings


def build(config: SiteConfig, *, log: TextIO = sys.stderr,
          executor: Callable = execute) -> BuildReport:
    """Build the whole site into ``config.out``; raise ``BuildFailed`` or ``NbpressError``."""
    import nbformat

    start = time.perf_counter()
    posts = discover(config)
    variables = site_variables(config)
    links = {p.path.stem: config.baseurl + p.url for p in posts}
    links.update({p.path.relative_to(config.root).as_posix(): config.baseurl + p.url for p in posts})
    env = make_environment(config.theme_dirs)
    link_data(config)
    rendered: list[RenderedPost] = []
    notebooks: dict[str, bytes] = {}
    errors: list[NbpressError] = []
    warnings: list[BuildWarning] = []
    for post in posts:
        name = post.path.relative_to(config.root)
        try:
            doc, found = read_post_notebook(post, kernel=config.execute.kernel,
                                            keep_comment=config.excerpt_separator)
            warnings += found
            print(f"executing {name} ({len(doc.cells)} code cells)…", file=log, flush=True)
            result = executor(doc, config)
            print(f"  done in {result.seconds:.1f} s", file=log, flush=True)
            item, found = render_post(result, site=variables, links=links,
                                      excerpt_separator=config.excerpt_separator)
            warnings += found
        except NbpressError as exc:
            errors.append(exc)
            if not config.keep_going:
                break
            continue
        rendered.append(item)
        notebooks[post.slug] = nbformat.writes(result.notebook).encode()
    if errors:
        raise BuildFailed(errors)
    site = site_context(variables, rendered)
    files = asset_files(config) + post_pages(env, site, rendered, notebooks) + index_page(env, site)
    warnings += check_local_images(rendered, {f.path for f in files}, config.baseurl)
    write_site(files, config.out)
    return BuildReport(posts=tuple(str(p.post.path) for p in rendered), errors=(),
                       warnings=tuple(warnings), seconds=time.perf_counter() - start)
