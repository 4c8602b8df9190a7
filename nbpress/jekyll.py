"""``--format jekyll``: the executed posts written into an existing Jekyll site.

The second writer of the pipeline's output: instead of a complete site, each
post becomes ``_posts/YYYY-MM-DD-slug.html`` in the Jekyll site given as
``--out`` — its front matter kept, its rendered body as HTML — and its images
and notebook go under ``assets/nbpress/<slug>/``.  The user's Jekyll theme,
comments and analytics stay; Jekyll builds the pages, listings and feed.

The body is wrapped in ``{% raw %}`` so that ``{{`` in code and outputs is
never Liquid to Jekyll; only the links to the post's files step out of it,
to ``{{ site.baseurl }}``.  What nbpress wrote is listed in
``.nbpress-jekyll.json``; files of posts that are gone are removed, and no
other file of the Jekyll site is ever touched.  Each file is written
atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Sequence

import yaml

from .errors import NbpressError
from .model import OutputFile, RenderedPost

MANIFEST = ".nbpress-jekyll.json"
ASSETS = "assets/nbpress"


def _raw(text: str) -> str:
    """Text Jekyll's Liquid leaves alone, even when it holds ``{% endraw %}`` itself."""
    return "{% raw %}" + text.replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}") \
        + "{% endraw %}"


def post_file(item: RenderedPost, baseurl: str = "") -> tuple[OutputFile, list[OutputFile]]:
    """One post as a Jekyll ``_posts/`` file, and its files moved under ``assets/nbpress/``."""
    post, files = item.post, item.files
    old = f"{baseurl}/{post.files_dir}/"
    new = f"{ASSETS}/{post.slug}/"
    moved = [OutputFile(new + PurePosixPath(f.path).name, f.data, f.source)
             for f in files if f.path.startswith(post.files_dir + "/")]
    pieces = item.html.split(old)
    body = _raw(pieces[0]) + "".join("{{ site.baseurl }}/" + new + _raw(piece)
                                     for piece in pieces[1:])
    front = {k: v for k, v in post.front_matter.items() if k not in ("jupyter", "jupytext")}
    front.setdefault("title", post.title)
    front["date"] = post.date.strftime("%Y-%m-%d %H:%M:%S %z")
    front.setdefault("layout", "post")
    front["nbpress_notebook"] = f"/{new}{post.slug}.ipynb"
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, default_flow_style=None)
    name = f"_posts/{post.date:%Y-%m-%d}-{post.slug}.html"
    return OutputFile(name, f"---\n{header}---\n{body}\n".encode()), moved


def _write(target: Path, file: OutputFile) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    data = file.data if file.source is None else file.source.read_bytes()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def write_jekyll(posts: Sequence[RenderedPost], out: Path, baseurl: str = "") -> list[str]:
    """Write every post into the Jekyll site ``out``; return the paths written."""
    if not (out / "_config.yml").is_file() and not (out / "_config.toml").is_file():
        raise NbpressError(f"--format jekyll writes into a Jekyll site, and {out} has no "
                           "_config.yml.", hint="Pass --out with the root of your Jekyll site "
                                                "(the folder holding _config.yml and _posts/).")
    written: list[OutputFile] = []
    for item in posts:
        page, moved = post_file(item, baseurl)
        written += [page, *moved]
    manifest = out / MANIFEST
    try:
        before = set(json.loads(manifest.read_text())["files"])
    except (OSError, ValueError, KeyError, TypeError):
        before = set()
    for file in written:
        _write(out / file.path, file)
    paths = sorted(f.path for f in written)
    for gone in sorted(before - set(paths)):  # files of posts nbpress no longer has
        path = PurePosixPath(gone)
        if not path.is_absolute() and ".." not in path.parts and \
                path.parts[0] in ("_posts", *ASSETS.split("/")[:1]):
            (out / gone).unlink(missing_ok=True)
    _write(out / MANIFEST, OutputFile(MANIFEST, json.dumps({"files": paths}, indent=1).encode()))
    return paths
