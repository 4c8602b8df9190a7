"""Plain data passed between the pipeline's stages.

Every value that crosses a stage boundary is one of these frozen dataclasses.
This module imports nothing from nbpress, so any stage can use it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote


# Names of what nbpress keeps on disk, in one place.
CACHE_DIR = "_executed"  # the execution cache at the site root (committed)
STATE_DIR = ".nbpress-cache"  # what the last build saw (not committed)
SITE_MARKER = ".nbpress-site"  # in every built site folder: the build that wrote it
SEARCH_PENDING = "search index pending"  # the marker's last line while serve's index lags
# Ends a text output cut while the post ran (client.py), so that the cache keeps no 30 MB
# print; rendering turns it into the page's note (outputs.py).
CUT_MARK = "\n[nbpress: {:,} more bytes not kept (output_bytes limit)]"


def parse_size(text: str) -> int | None:
    """Bytes in "4G", "512M", "100k" or "1000000"; None when it is not a size."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = text.strip().upper().removesuffix("B")
    number, unit = (text[:-1], text[-1]) if text[-1:] in units and text[-1:] else (text, "")
    try:
        value = float(number) * units[unit]
    except ValueError:
        return None
    return int(value) if value > 0 else None


def output_path(url: str) -> str:
    """The file for a URL path: ``/page2/`` → ``page2/index.html``; ``/p.html`` → ``p.html``."""
    path = url.lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


def page_file(url: str) -> str:
    """The HTML file Jekyll writes for a post's or page's URL: escapes undone, ``.html``
    added unless there (``/about`` → ``about.html``, ``/a%20b/`` → ``a b/index.html``)."""
    path = output_path(unquote(url))
    return path if path.endswith(".html") else path + ".html"


@dataclass(frozen=True)
class ExecuteConfig:
    """``[tool.nbpress.execute]``: how posts' code runs."""

    timeout: int = 600
    kernel: str = "python3"
    cwd: str = "post"  # "post" (the post's folder, as Jupyter does) or "root"
    data_links: Mapping[str, str] = field(default_factory=dict)
    post_timeout: int = 0  # seconds for a whole post once its kernel runs; 0: only per cell
    memory_limit: str = ""  # per kernel, e.g. "4G" (address space, as `ulimit -v`); "": none
    kernels: Mapping[str, str] = field(default_factory=dict)  # notebook's kernel → installed one
    packages: str = "imported"  # which version changes make a run stale: imported, all, ignore
    scheduler: str = ""  # a Dask scheduler's address or "local:N"; "": this machine's kernels
    worker_root: str = ""  # where Dask workers see the site root; "": the same path
    retries: int = 1  # more tries on another Dask worker for a post whose worker or kernel died

    @property
    def memory_bytes(self) -> int | None:
        return parse_size(self.memory_limit) if self.memory_limit else None


@dataclass(frozen=True)
class SiteConfig:
    """The whole site's settings: ``[tool.nbpress]`` over the defaults, plus the command line."""

    root: Path
    out: Path
    theme_dirs: tuple[Path, ...]  # searched in order: the site's own first, then the default theme
    title: str = "My blog"
    description: str = ""
    author: str = ""
    url: str = ""
    baseurl: str = ""
    permalink: str = "/:year/:month/:day/:title.html"
    timezone: str = "UTC"
    excerpt_separator: str = "<!--more-->"
    output_lines: int = 5000  # longer text outputs are cut, with a note
    output_bytes: int = 2_000_000  # and so are longer ones in bytes (one long line), with a warning
    lang: str = "en"  # <html lang>, og:locale
    paginate: int = 10  # posts per home page (jekyll-paginate); 0 = all on one page
    paginate_path: str = "/page:num/"  # where page 2, 3… go (jekyll-paginate's name)
    repository: str = ""  # "owner/name" on GitHub: enables "Open in Colab" links
    branch: str = "main"  # the repository's branch those links point at
    math_macros: tuple[tuple[str, str], ...] = ()  # TeX macros every post's math may use
    search: bool = True  # a Pagefind index and a search box on every page
    csl: Path | None = None  # the citation style's .csl file; None: nbpress's own numbered list
    dark_figures: bool = False  # a dark rendering of each matplotlib figure too (darkfig.py)
    execute: ExecuteConfig = field(default_factory=ExecuteConfig)
    drafts: bool = False
    keep_going: bool = False
    mode: str = "auto"  # --execute: "auto" (use the cache when fresh), "never", "always"
    refresh: tuple[str, ...] = ()  # --refresh: posts (stems or paths) to execute anyway
    jobs: int = 0  # kernels at once; 0 = the number of cores
    future: bool = False  # --future: posts dated after now are built too (Jekyll's --future)
    exclude: tuple[str, ...] = ()  # folders/files (from the root) that hold no pages
    static: tuple[str, ...] = ()  # files/folders (from the root) published as they are
    output_format: str = "site"  # --format: "site" (a complete site) or "jekyll" (posts only)

    def shown(self) -> str:
        """These settings as a key for what a build reads and shows: all of them but the
        options that decide what runs and how (--jobs, --refresh, --execute, --keep-going),
        so that kept reads and pages outlive a change of those."""
        return repr(replace(self, jobs=0, refresh=(), mode="auto", keep_going=False))


@dataclass(frozen=True)
class PostSource:
    """One post as found on disk: its front matter read, its URL decided."""

    path: Path  # the file holding the input (.md, or .ipynb when there is no .md)
    slug: str
    title: str
    date: dt.datetime
    url: str  # the page's URL path, without baseurl: "/2024/03/19/pytorch-and-jax.html"
    front_matter: Mapping[str, Any]
    body: str  # the text after the front matter (for .md posts)
    body_line: int  # 1-based line of ``body``'s first line in the file
    tags: tuple[str, ...] = ()
    description: str = ""
    layout: str = "post"
    draft: bool = False
    key_lines: Mapping[str, int] = field(default_factory=dict)  # front matter key → file line
    # Front matter keys nbpress itself reads, parsed and checked once by discover:
    depends: tuple[str, ...] = ()  # files the code reads, relative to the post's folder
    exclusive: bool = False  # run alone, after the others, with every core
    bibliography: tuple[str, ...] = ()  # .bib files, relative to the post's folder
    image: str = ""  # jekyll-seo-tag's ``image:`` (path or URL), "" for the first figure
    image_alt: str = ""
    toc: bool | None = None  # None: a table of contents from three headings on
    author: str = ""
    modified: dt.datetime | None = None  # ``last_modified_at``
    resources: Mapping[str, float] = field(default_factory=dict)  # for a cluster executor
    # Jekyll's site model (pages.py, jekyllmeta.py):
    kind: str = "post"  # "post" (posts/) or "page" (a standalone page such as about.md)
    categories: tuple[str, ...] = ()
    excerpt: str = ""  # the front matter's ``excerpt:`` (Markdown), shown instead of the derived one
    redirect_from: tuple[str, ...] = ()  # jekyll-redirect-from: old URLs that lead here
    redirect_to: str = ""  # jekyll-redirect-from: this page only redirects there
    notes: tuple[str, ...] = ()  # warnings discovery gave (a title taken from a heading…)

    def line_of(self, key: str) -> int | None:
        """The line of a front matter key in the post's file, for messages."""
        return self.key_lines.get(key)

    @functools.cached_property  # asked for thousands of times a build
    def output_path(self) -> str:
        """The page's file path relative to the site folder."""
        return page_file(self.url)

    @functools.cached_property
    def files_dir(self) -> str:
        """Folder (relative to the site) for the post's images, next to the page."""
        parent = self.output_path.rpartition("/")[0]
        return f"{parent}/{self.slug}_files" if parent else f"{self.slug}_files"


@dataclass(frozen=True)
class CodeCell:
    """Where a code cell of the notebook came from in the source file."""

    index: int  # index in the notebook's cells
    line: int  # 1-based line of its opening fence in the source file


@dataclass(frozen=True)
class Kernel:
    """The Jupyter kernel a post runs in (``jupyter kernelspec list`` names)."""

    name: str = "python3"
    language: str = "python"
    display_name: str = "Python 3"

    @property
    def is_python(self) -> bool:
        return self.language.lower() in ("python", "python3", "ipython", "ipython3")


@dataclass(frozen=True)
class NotebookDoc:
    """A post read into a notebook (unexecuted).

    ``markdown`` is the post's whole Markdown as one document, with each code
    cell replaced by a placeholder line so HTML blocks split by cells stay whole.
    """

    post: PostSource
    notebook: Any  # nbformat.NotebookNode
    markdown: str
    cells: tuple[CodeCell, ...]
    kernel: Kernel = field(default_factory=Kernel)  # chosen by the read stage (kernels.py)
    format: str = "markdown"  # how it was read: "markdown", "ipynb" or a jupytext format name

    def changed(self, change: Any, **fields: Any) -> "NotebookDoc":
        """This doc with its notebook made by ``change(notebook)`` and ``fields`` replaced
        (a kept read, ``readcache.KeptDoc``, makes it when its notebook is first used)."""
        return replace(self, notebook=change(self.notebook), **fields)


@dataclass(frozen=True)
class ExecResult:
    """A post's notebook after execution (or taken from the execution cache).

    ``reason`` says why it ran ("code changed", "data/x.csv changed") or
    "cached"; ``files`` and ``packages`` are what the run was found to depend
    on (files relative to the site root; distribution → version).
    """

    doc: NotebookDoc
    notebook: Any  # the executed nbformat.NotebookNode
    seconds: float
    from_cache: bool = False
    reason: str = ""
    executed_at: str = ""
    python: str = ""
    files: tuple[str, ...] = ()
    packages: Mapping[str, str] = field(default_factory=dict)
    main_packages: tuple[str, ...] = ()  # distributions of the modules the code imports itself
    imported_from: str = ""  # outputs imported from this export file, not run (importer)
    ran_on: Mapping[str, str] = field(default_factory=dict)  # worker, host, gpu (when known)


@dataclass(frozen=True)
class Execution:
    """What a post page says about the run that produced its outputs."""

    executed_at: str = ""
    seconds: float = 0.0
    python: str = ""
    packages: Mapping[str, str] = field(default_factory=dict)
    main_packages: tuple[str, ...] = ()
    code_cells: int = 0
    imported_from: str = ""  # the export file the outputs were imported from, if not run
    ran_on: Mapping[str, str] = field(default_factory=dict)  # worker, host, gpu (when known)


@dataclass(frozen=True)
class Analysis:
    """What the site's pages derive from a post's HTML (kept with the rendering for reuse)."""

    content: str  # the body with headings shifted under the page's h1
    excerpt: str  # the excerpt with URLs resolved, headings under the listing's titles
    words: int
    image: str  # URL (with baseurl) of the post's image, "" when none
    image_alt: str
    excerpt_text: str
    toc: tuple[Any, ...] = ()  # nested {id, text, children} entries


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: path relative to the site folder, and its bytes.

    A file reused unchanged from the previous build, or a rendered page set
    aside on disk until the site is written, has no bytes in memory but a
    ``source`` path, which the writer links (or copies) into the new site;
    ``digest`` is then the hash of its bytes when known.
    """

    path: str
    data: bytes = b""
    source: Path | None = None
    digest: str = ""


@dataclass(frozen=True)
class PageRecord:
    """What one page of the site read while it was rendered, and the digest of those
    values (``pagecache``): the page is kept while the digest is unchanged."""

    digest: str
    reads: tuple[str, ...]  # "site.title", "post.excerpt", "neighbour.url", …


@dataclass(frozen=True)
class RenderedPost:
    """A post turned into HTML: its body, excerpt and the files it needs."""

    post: PostSource
    html: str
    excerpt: str
    files: tuple[OutputFile, ...]
    local_links: tuple[tuple[str, int], ...] = ()  # (URL, source line) of local images/links to check
    execution: Execution = field(default_factory=Execution)
    analysis: Analysis | None = None  # filled by the site stage's ``analyze``


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the command line to print.

    ``posts`` are the built posts' paths relative to the site root; a build that
    fails raises instead of returning, so a report holds warnings, never errors.
    """

    posts: tuple[str, ...]
    warnings: tuple[Any, ...]
    seconds: float
    lines: tuple[str, ...] = ()  # the per-post report, ready to print
    up_to_date: bool = False  # nothing changed since the last build: nothing was done
    rendered: tuple[str, ...] = ()  # the site's pages its templates rendered (others kept)
    written: tuple[str, ...] = ()  # the files of the site written or removed
    search_pending: bool = False  # the search index is to be rebuilt (``search_later``)
