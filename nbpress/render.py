"""One executed notebook → ``RenderedPost``: the post's body HTML, excerpt and files.

The post's Markdown is rendered as one document (so HTML blocks that code
cells split stay valid), then each cell placeholder is replaced by that
cell's input and outputs.  Cell attachments become files first; math that
cannot be converted and outputs that cannot be shown become warnings.
"""

from __future__ import annotations

import re
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Mapping

from .anchors import check_manual_anchors
from .attachments import cell_title, link_attachments
from .bibliography import Reference, load_references
from .cellopts import cell_options
from .citations import citations_plugin, mark_references, place_references, references_html
from .csl import csl_plugin, styled_references
from .crossref import REFERENCES, TARGETS, crossref_plugin, number_references, \
    quarto_equation_labels
from .errors import BuildWarning, PostError, PostErrors, each_error
from .fences import FENCE_PROBLEMS
from .interactive import saved_widgets, widget_state
from .liquid import resolve
from .liquidcompat import blanked_warning, wants_blank
from .markdown import MATH_PROBLEMS, make_markdown, plain_markdown
from .media import responsive_media
from .myst import MARKUP_PROBLEMS, myst_plugin
from .model import ExecResult, Execution, OutputFile, RenderedPost, SiteConfig
from .outputs import CellContext, render_cell
from .readers import CELL_MARK_RE
from .readers.doc import joined_cell_at
from .resources import post_resources
from .tracking import UNTRACKED

LARGE_IMAGE = 10_000_000  # bytes; a figure bigger than this gets a warning
_DIRECTIVE_IMAGE = re.compile(r"^\{(?:figure|image)\}\s+(?![a-z][a-z0-9+.-]*:|//)(\S+)")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.I)


class _LocalLinks(HTMLParser):
    """Collects the ``src`` of images (and of ``<source>``/``<video>``) in HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("img", "source", "video", "audio"):
            src = dict(attrs).get("src")
            if src and not _SCHEME.match(src):
                self.urls.append(src)


def _line_of(url: str, token, start: int) -> int:
    """The line of ``url`` inside a block token's text (0-based, in the document)."""
    position = token.content.find(url)
    return start + (token.content.count("\n", 0, position) if position > 0 else 0)


def local_images(tokens: list) -> list[tuple[str, int]]:
    """(URL, 0-based document line) of every local image in markdown-it tokens."""
    found = []
    for token in tokens:
        start = token.map[0] if token.map else 0
        urls = []
        for child in token.children or []:
            if child.type == "image":
                urls.append(child.attrGet("src") or "")
            elif child.type == "html_inline":
                parser = _LocalLinks()
                parser.feed(child.content)
                urls += parser.urls
        if token.type == "html_block":
            parser = _LocalLinks()
            parser.feed(token.content)
            urls += parser.urls
        image = _DIRECTIVE_IMAGE.match(token.info or "") if token.type in ("fence",
                                                                           "colon_fence") else None
        if image:  # MyST's {figure} and {image} directives name their file on the fence line
            found.append((image.group(1), start))
        found += [(url, _line_of(url, token, start)) for url in urls if not _SCHEME.match(url)]
    return found


def _excerpt(markdown: str, body: str, separator: str, md) -> str:
    """The text above the separator (rendered on its own, as Jekyll does), else the first paragraph."""
    if separator and separator in markdown:
        above = CELL_MARK_RE.sub("", markdown.split(separator, 1)[0])
        return md.render(above, {}).strip()
    match = re.search(r"<p>.*?</p>", body, re.S)
    return match.group(0) if match else ""


def _bibliographies(post) -> list[Path]:
    """The post's ``bibliography:`` files (relative to the post)."""
    files = []
    for name in post.bibliography:
        path = post.path.parent / str(name)
        if not path.is_file():
            raise PostError(f"the bibliography '{name}' does not exist (looked for {path}).",
                            path=post.path, hint="Give its path relative to the post's folder.")
        files.append(path)
    return files


def _problem_warnings(problems: list, result: ExecResult) -> list[BuildWarning]:
    """A warning per problem rendering found (math, MyST markup, fences): at its line in a
    text post; in an ``.ipynb``, whose document lines are no lines of the file, naming the
    Markdown cell at that line of the joined document."""
    post = result.doc.post
    if post.path.suffix != ".ipynb":
        return [BuildWarning(message, post.path, post.body_line + line)
                for line, _, message in problems]
    found = []
    for line, source, message in problems:
        cell = _cell_at(result.notebook.cells, line, source)
        where = f"in {cell_title(cell)}, " if cell else ""
        found.append(BuildWarning(where + message, post.path))
    return found


def _cell_at(cells: list, line: int, source: str = "") -> Any:
    """The cell at a (0-based) line of an ``.ipynb``'s joined document (``join_cells``);
    with ``source``, the first Markdown or raw cell holding it when that one does not."""
    at = joined_cell_at(cells, line)
    if at is not None and source in cells[at].source:
        return cells[at]
    return next((c for c in cells if c.cell_type != "code" and source in c.source), None) \
        if source else None


def _cells_html(body: str, result: ExecResult, ctx: CellContext
                ) -> tuple[str, list[OutputFile], list[BuildWarning]]:
    """Each cell's placeholder in ``body`` replaced by its input and outputs; the files
    they need and a warning for each note a cell gave (naming the code cell)."""
    doc = result.doc
    path = doc.post.path
    cells = result.notebook.cells
    where = {cell.index: (n, cell.line or None) for n, cell in enumerate(doc.cells, 1)}
    files: list[OutputFile] = []
    warnings: list[BuildWarning] = []

    def cell_html(match: re.Match) -> str:
        index = int(match.group(1))
        if index >= len(cells) or cells[index].cell_type == "markdown":
            return ""  # not a reader's placeholder (they are made inert): an invisible comment
        if cells[index].cell_type == "raw":  # the reader marks only those nbconvert would show
            return cells[index].source
        number, line = where.get(index, (index + 1, None))
        shown = render_cell(cells[index], index, ctx)
        files.extend(shown.files)
        warnings.extend(BuildWarning(f"code cell {number}: {note}", path, line)
                        for note in shown.notes)
        for file in shown.files:
            if len(file.data) > LARGE_IMAGE:
                warnings.append(BuildWarning(
                    f"a cell produced a {len(file.data) / 1e6:.0f} MB image ({file.path}); "
                    "readers download all of it: lower the figure's dpi or size.", path, line))
        return shown.html

    return CELL_MARK_RE.sub(cell_html, body), files, warnings


def _prose(result: ExecResult, config: SiteConfig, variables: Mapping[str, Any],
           links: Mapping[str, str]) -> tuple[str, list, list[BuildWarning]]:
    """The post's Markdown with attachments linked and Liquid resolved; its files, warnings."""
    post = result.doc.post
    page = dict(post.front_matter)
    page.update(title=post.title, url=post.url, tags=list(post.tags),
                date=post.date.strftime("%Y-%m-%d %H:%M:%S %z"), slug=post.slug)
    markdown, files, notes = link_attachments(result.doc.markdown, result.notebook,
                                              slug=post.slug, files_dir=post.files_dir,
                                              baseurl=config.baseurl)
    warnings = [BuildWarning(note, post.path) for note in notes]
    if result.notebook.metadata.get(UNTRACKED):
        warnings.append(BuildWarning(
            "the post deleted nbpress's record of the files it reads (sys._nbpress_tracking), "
            "so its dependencies could not be recorded: a change to its data will not make it "
            "run again; use --refresh.", post.path))
    blanked: list | None = [] if wants_blank(post.front_matter) else None
    try:
        markdown = resolve(markdown, site=variables, page=page, links=links, path=post.path,
                           line_offset=post.body_line, includes=config.root / "_includes",
                           blanked=blanked)
    except PostError as exc:
        if post.path.suffix != ".ipynb":
            raise
        raise _in_cells(exc, result) from None
    return markdown, files, warnings + blanked_warning(blanked or [], post.path)


def _in_cells(exc: PostError, result: ExecResult) -> PostError:
    """Liquid mistakes in an ``.ipynb``, whose joined document's lines are no lines of the
    file, named by the Markdown cell they are in instead."""
    post = result.doc.post
    found = []
    for error in each_error(exc):
        line = error.location.line
        cell = _cell_at(result.notebook.cells, line - post.body_line) \
            if error.location.path == post.path and line else None
        found.append(error if cell is None else PostError(
            f"in {cell_title(cell)}: {error.message}", path=post.path, hint=error.hint,
            detail=error.detail))
    return found[0] if len(found) == 1 else PostErrors(found)


def _execution(result: ExecResult) -> Execution:
    """What the page says about the run behind its outputs."""
    return Execution(executed_at=result.executed_at, seconds=round(result.seconds, 1),
                     python=result.python, packages=dict(sorted(result.packages.items())),
                     main_packages=tuple(result.main_packages),
                     code_cells=len(result.doc.cells), imported_from=result.imported_from,
                     ran_on=dict(result.ran_on))


def render_post(result: ExecResult, *, config: SiteConfig, variables: Mapping[str, Any],
                links: Mapping[str, str], site_references: Mapping[str, Reference]
                ) -> tuple[RenderedPost, list[BuildWarning]]:
    """Render one executed post: attachments, Liquid, citations, Markdown, then the cells.

    ``variables`` is Liquid's ``site.*`` scope; ``site_references`` the site's
    references.bib, loaded once per build (a post's own sources override it).
    """
    doc = result.doc
    post = doc.post
    markdown, files, warnings = _prose(result, config, variables, links)
    references = {**site_references, **load_references(
        _bibliographies(post), post.front_matter.get("references"), origin=post.path)}
    cite = partial(citations_plugin, references=references, path=post.path,
                   line_offset=post.body_line - 1)
    styled = [partial(csl_plugin, references=references, style=config.csl, path=post.path)
              ] if config.csl else []  # [tool.nbpress] csl: a citation style (csl.py)
    md = make_markdown(cite, *styled, myst_plugin, crossref_plugin, macros=config.math_macros)
    env: dict = {}
    # An .html page is HTML already (readers/html.py): only its Liquid is resolved.
    tokens = md.parse(mark_references(quarto_equation_labels(markdown)), env) \
        if doc.format != "html" else []
    body = md.renderer.render(tokens, md.options, env) if tokens else markdown
    body = place_references(body, styled_references(env) if config.csl else references_html(env))
    warnings += check_manual_anchors(body, markdown, path=post.path,
                                     line_offset=post.body_line - 1)
    problems = env.get(MATH_PROBLEMS, []) + env.get(MARKUP_PROBLEMS, []) + \
        env.get(FENCE_PROBLEMS, [])
    warnings += _problem_warnings(sorted(problems, key=lambda p: p[0]), result)
    ctx = CellContext(slug=post.slug, files_dir=post.files_dir, baseurl=config.baseurl,
                      render_markdown=plain_markdown(config.math_macros).render,
                      max_output_lines=config.output_lines,
                      max_output_bytes=config.output_bytes, language=doc.kernel.language,
                      widgets=saved_widgets(result.notebook.metadata),
                      math_macros=config.math_macros)
    body, cell_files, cell_warnings = _cells_html(body, result, ctx)
    body += widget_state(body, ctx.widgets)  # once per page, for the widgets it shows
    body = responsive_media(body)
    cell_labels = [(cell_options(result.notebook.cells[cell.index].source).label,
                    (cell.line or post.body_line) - post.body_line)
                   for cell in doc.cells]  # a code cell's #| label: fig-x
    body = number_references(body, env.get(TARGETS, []) + [t for t in cell_labels if t[0]],
                             env.get(REFERENCES, []), path=post.path, line_offset=post.body_line)
    links_found = tuple((url, post.body_line + line) for url, line in local_images(tokens))
    files += post_resources(post, (url for url, _ in links_found), config.root, config.baseurl,
                            config.out)
    rendered = RenderedPost(post=post, html=body,
                            excerpt=_excerpt(markdown, body, config.excerpt_separator, md),
                            files=tuple(files + cell_files), local_links=links_found,
                            execution=_execution(result))
    return rendered, warnings + cell_warnings
