"""Self-numbering, Pandoc-style citations for posts.

A post cites ``[@paszke2019]``, ``[see @paszke2019, p. 3; @frostig2018]`` or a
bare ``@paszke2019``; references come from ``.bib`` files and the front matter's
``references:`` list.  Citations are numbered in order of first use and the list
goes where the post writes ``{% bibliography %}`` on a line (else at the end)::

    refs = load_references(bibs, front_matter.get("references"), origin=post)
    md = MarkdownIt("commonmark", {"html": True})
    citations_plugin(md, references=refs, path=post, line_offset=body_line)
    env: dict = {}
    html = md.render(mark_references(body), env)
    html = place_references(html, references_html(env))

Numbering lives in ``env["citations"]``, never in this module.
``check_manual_anchors`` lints older posts that number citations by hand.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pybtex.errors
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyDataError, Person
from pybtex.database.input import bibtex
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from nbpress.errors import BuildWarning, PostError

REFERENCES_MARKER = "{% bibliography %}"
# mark_references turns the marker into an HTML comment: markdown-it passes it
# through untouched as an HTML block, and no prose can look like it.
_MARKER_HTML = "<!--nbpress:references-->"
_MARKER_ESCAPED = "<p>&lt;!--nbpress:references--&gt;</p>"  # the same, with html=False
# jekyll-scholar options such as "--cited" are accepted: only cited works are listed anyway.
_MARKER_LINE = re.compile(r" {0,3}\{%-?\s*bibliography\b[^%]*%\}\s*")

# Pandoc's key rule: a letter, digit or _ first, punctuation only *inside* the
# key, so "see @doe:2020a." ends before the final period.
_KEY = r"\w(?:\w|[:.#$%&\-+?<>~/]+(?=\w))*"
_KEY_FULL = re.compile(_KEY + r"\Z")
_BARE = re.compile("@(" + _KEY + ")")
_ITEM_KEY = re.compile(r"(?<!\S)-?@(" + _KEY + ")")  # a key must start a word
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STATE = "citations"  # the env key


@dataclass(frozen=True)
class Reference:
    """One bibliography entry; ``authors`` are "Given Family" strings.

    The words of a multi-word family name ("van Beethoven") are joined by a
    no-break space, so "Family et al." labels can find the family name.
    """

    key: str
    title: str
    authors: tuple[str, ...]
    year: str | None
    venue: str | None
    url: str | None
    doi: str | None


# --------------------------------------------------------------------------- loading


def load_references(
    bib_files: Sequence[Path], inline: Sequence[Mapping] | None, *, origin: Path
) -> dict[str, Reference]:
    """Read ``bib_files`` then the front matter's ``inline`` list; later ones win.

    Raises ``PostError`` naming the .bib file and line for malformed BibTeX, or
    naming ``origin`` (the post) for a bad ``references:`` item.
    """
    refs: dict[str, Reference] = {}
    for bib in bib_files:
        refs.update(_load_bib(Path(bib)))
    if isinstance(inline, (str, bytes, Mapping)) or not isinstance(inline, (Sequence, type(None))):
        raise PostError("front matter `references:` must be a list", path=origin,
                        hint="Write one `- id: ...` item per reference.")
    for number, item in enumerate(inline or (), 1):
        ref = _inline_reference(item, number, origin)
        refs[ref.key] = ref
    return refs


def _load_bib(path: Path) -> dict[str, Reference]:
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PostError("the bibliography is not UTF-8 text.", path=path,
                        line=data[: exc.start].count(b"\n") + 1,
                        hint="Save it as UTF-8 (BibTeX accents like {\\\"o} work too).") from None
    except OSError as exc:
        raise PostError(f"cannot read the bibliography: {exc.strerror}.", path=path,
                        hint="Check the bibliography file names in the configuration.") from None
    errors: list[PybtexError] = []
    try:  # capture() gets every error whatever pybtex's global strict mode is
        with pybtex.errors.capture() as errors:
            entries = bibtex.Parser().parse_string(text).entries
    except PybtexError as exc:
        errors = [*errors, exc]
    if not errors:
        return {key: _bib_reference(key, entry) for key, entry in entries.items()}
    line = getattr(errors[0], "lineno", None)
    found = re.search(r"repeated bibliography entry: (\S+)", str(errors[0]))
    if isinstance(errors[0], BibliographyDataError) and found:  # no line: find the 2nd entry
        head = re.compile(r"@\w+\s*[{(]\s*" + re.escape(found.group(1)) + r"\s*,", re.I)
        starts = [m.start() for m in head.finditer(text)]
        line = text.count("\n", 0, starts[-1]) + 1 if starts else None
    raise PostError(f"bad BibTeX: {str(errors[0]).rstrip('.')}.", path=path, line=line,
                    hint="Entries look like @article{key, title = {...}, year = {2020}}.")


def _latex_text(value: str) -> str:
    """LaTeX to plain text: pybtex decodes accents and braces, we drop leftovers."""
    try:
        # render(Backend()) rather than render_as("text"), which looks the
        # backend up in the installed entry points on every call (slow).
        value = Text.from_latex(value).render(PlainText())
    except Exception:  # pybtex's LaTeX reader is best effort; never fail a build on it
        pass
    # pybtex leaves unknown commands followed by one space: "\emph x", "\TeX book".
    value = re.sub(r"\\((?:La)?TeX) ?", r"\1", value)
    value = re.sub(r"\\[a-zA-Z]+\*? ?|[{}$]", "", value)
    return " ".join(value.replace("\xa0", " ").split())


def _person(name: str) -> str:
    """A BibTeX name ("Doe, Jane", "Jane Doe", "van Beethoven, L.") -> "Given Family"."""
    person = Person(name)
    family = "\xa0".join(_latex_text(p) for p in person.prelast_names + person.last_names)
    given = _latex_text(" ".join(person.first_names + person.middle_names))
    lineage = _latex_text(" ".join(person.lineage_names))
    return f"{given} {family}".strip() + (f", {lineage}" if lineage else "")


def _bib_reference(key: str, entry: Any) -> Reference:
    fields = entry.fields
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = fields.get("year") or fields.get("date", "")[:4]
    venue = next((fields[f] for f in ("journal", "booktitle", "publisher", "institution",
                                      "school", "organization") if f in fields), "")
    # Web pages often carry their address as howpublished = {\url{...}}.
    url = re.search(r"\\url\{([^}]*)\}", fields.get("howpublished", ""))
    return Reference(key=key, title=_latex_text(fields.get("title", "")),
                     authors=tuple(_person(str(p)) for p in people),
                     year=_latex_text(year) or None, venue=_latex_text(venue) or None,
                     url=_link(fields.get("url") or (url and url.group(1))),
                     doi=_link(fields.get("doi"), doi=True))


def _link(value: str | None, *, doi: bool = False) -> str | None:
    """A URL or DOI as written (.bib ones may be TeX-escaped: ``\\_``)."""
    value = re.sub(r"\\([_%&#$~])", r"\1", value or "").strip()
    if doi:  # keep the bare DOI: "10.1000/x", not "https://doi.org/10.1000/x"
        value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value, flags=re.I)
    return value or None


def _inline_reference(item: Any, number: int, origin: Path) -> Reference:
    """One CSL-JSON-like item of the front matter's ``references:`` list."""

    def bad(what: str) -> PostError:
        return PostError(f"front matter `references:` item {number}: {what.rstrip('.')}.",
                         path=origin,
                         hint="Items look like {id: doe2020, title: ..., author: [...], "
                              "year: 2020, url: ...}.")

    def text(*names: str) -> str | None:
        value = next((item[n] for n in names if item.get(n) is not None), None)
        if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
            raise bad(f"`{names[0]}` must be text, got {value!r}")
        return str(value).strip() or None if value is not None else None

    if not isinstance(item, Mapping):
        raise bad(f"expected a mapping with `id`, `title`, `author`..., got {item!r}")
    key = text("id")
    if not key or not _KEY_FULL.match(key):
        raise bad(f"`id` must be a citation key such as paszke2019, got {item.get('id')!r}")
    return Reference(key=key, title=text("title") or "",
                     authors=_inline_authors(item.get("author"), bad),
                     year=_inline_year(item.get("year", item.get("issued")), bad),
                     venue=text("venue", "container-title"), url=text("url", "URL"),
                     doi=_link(text("doi", "DOI"), doi=True))


def _inline_authors(value: Any, bad: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # "Doe, Jane and John Smith", as in BibTeX
        value = split_name_list(value)
    if not isinstance(value, (Sequence, type(None))):
        raise bad(f"`author` must be a name or a list of names, got {value!r}")
    authors = []
    for name in value or ():
        if isinstance(name, str):
            authors.append(_person(name))
        elif isinstance(name, Mapping) and name.get("family"):
            family = "\xa0".join(str(name["family"]).split())
            authors.append(f"{str(name.get('given') or '').strip()} {family}".strip())
        else:
            raise bad(f"each `author` must be a name or {{family, given}}, got {name!r}")
    return tuple(authors)


def _inline_year(value: Any, bad: Any) -> str | None:
    """``year: 2019``, ``issued: 2019-05-01`` or CSL ``issued: {date-parts: [[2019]]}``."""
    if isinstance(value, Mapping):
        parts = value.get("date-parts")
        value = parts[0][0] if isinstance(parts, list) and parts and parts[0] else None
    if isinstance(value, datetime.date):  # YAML reads 2019-05-01 as a date
        value = value.year
    found = re.match(r"\s*(-?\d{1,4})", str(value)) if isinstance(value, (str, int)) else None
    if value is not None and (isinstance(value, bool) or not found):
        raise bad(f"the year must be a year such as 2019, got {value!r}")
    return found.group(1) if found else None


# --------------------------------------------------------------------------- markdown


def citations_plugin(md: MarkdownIt, *, references: Mapping[str, Reference], path: Path,
                     line_offset: int = 0) -> None:
    """Register the citation syntax on ``md``; calling it again rebinds the references."""

    def check(state: StateCore) -> None:
        # Inline rules cannot see lines, so keys are checked here, where each
        # inline token's block map is known: block line + newlines before it.
        block_line = None
        for token in state.tokens:
            block_line = token.map[0] if token.map else block_line
            for child in token.children or ():
                if child.type == "image":  # alt text is plain text: keep the source
                    for alt in child.children or ():
                        alt.type = "text" if alt.type == "citation" else alt.type
                elif child.type == "citation" and block_line is not None:
                    newlines = token.content.count("\n", 0, child.meta["pos"])
                    child.meta["line"] = block_line + newlines + line_offset + 1
                    if child.content.startswith("@") and child.meta["items"][0][1] not in references:
                        child.type = "text"  # a bare @word no source defines: just text
                        continue
                    for _, key, _ in child.meta["items"]:
                        if key not in references:
                            raise _unknown_key(key, references, path, child.meta["line"])

    def render(renderer: Any, tokens: list, idx: int, options: Any, env: MutableMapping) -> str:
        items = tokens[idx].meta["items"]
        state = env.setdefault(_STATE, {"order": [], "refs": {}, "uses": {}})
        parts = []
        for prefix, key, locator in items:
            ref = references.get(key)
            if ref is None:  # a token the check never saw, e.g. made by another plugin
                raise _unknown_key(key, references, path, tokens[idx].meta.get("line"))
            if key not in state["refs"]:
                state["order"].append(key)
                state["refs"][key] = ref
            number = state["order"].index(key) + 1
            state["uses"][key] = use = state["uses"].get(key, 0) + 1
            anchor = (f'<a href="#ref-{number}" id="cite-{number}-{use}" class="citation" '
                      f'title="{escape(_hover(ref))}">{number}</a>')
            parts.append(escape(prefix + " " if prefix else "") + anchor
                         + escape(", " + locator if locator else ""))
        plain = not any(prefix or locator for prefix, _, locator in items)
        return "[" + (", " if plain else "; ").join(parts) + "]"

    for ruler, name, fn, anchor in ((md.inline.ruler, "citation", _citation_rule, "link"),
                                    (md.core.ruler, "citation_check", check, "inline")):
        try:
            ruler.at(name, fn)  # registered before: replace, so nothing runs twice
        except KeyError:
            (ruler.before if ruler is md.inline.ruler else ruler.after)(anchor, name, fn)
    md.add_render_rule("citation", render)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``[...@key...]`` and bare ``@key``.

    It declines in silent mode (markdown-it measuring a link label), so a label
    holding ``[@key]`` stays a link, and inside link text, so links never nest.
    """
    start, src = state.pos, state.src
    if silent or getattr(state, "linkLevel", 0) > 0:
        return False
    if src[start] == "[":
        items, end = _bracketed(src, start, state.posMax)
    elif src[start] == "@" and not (start and re.match(r"[\w/]", src[start - 1])):
        # The lookbehind keeps "a@b.com" and ".../@user/" out: a key starts a word.
        found = _BARE.match(src, start, state.posMax)
        items, end = ([("", found.group(1), "")], found.end()) if found else (None, 0)
    else:
        return False
    if items is None:
        return False
    token = state.push("citation", "", 0)
    token.content = src[start:end]
    token.meta = {"items": items, "pos": start, "line": None}
    state.pos = end
    return True


def _bracketed(src: str, start: int, stop: int) -> tuple[list | None, int]:
    """Parse ``[prefix @key, locator; ...]`` at ``start``; (None, 0) if it is not one."""
    pos, cuts = start + 1, [start + 1]
    while pos < stop and src[pos] != "]":
        if src[pos] in "[`":  # nested brackets or code spans: leave them to markdown-it
            return None, 0
        cuts += [pos + 1] if src[pos] == ";" else []
        pos += 2 if src[pos] == "\\" else 1
    if pos >= stop or src[pos + 1: pos + 2] == "(":  # unclosed, or a link [@x](url)
        return None, 0
    items = []
    for left, right in zip(cuts, [*cuts[1:], pos + 1]):
        item = src[left: right - 1]
        keys = list(_ITEM_KEY.finditer(item))
        if len(keys) != 1:  # Pandoc: one key per ;-separated part
            return None, 0
        prefix, locator = item[: keys[0].start()], item[keys[0].end():].lstrip()
        items.append((_clean(prefix), keys[0].group(1), _clean(locator.removeprefix(","))))
    return items, pos + 1


def _clean(text: str) -> str:
    """Prefix or locator text: backslash escapes undone, whitespace collapsed."""
    return " ".join(_UNESCAPE.sub(r"\1", text).split())


def _unknown_key(key: str, references: Mapping[str, Reference], path: Path,
                 line: int | None) -> PostError:
    close = difflib.get_close_matches(key, list(references), n=3)
    guess = f"; did you mean {' or '.join('@' + k for k in close)}?" if close else ""
    return PostError(
        f"unknown citation key @{key}{guess or '.'}", path=path, line=line,
        hint=f"Add an entry with key {key} to references.bib or to the front matter "
             f"`references:` list (- id: {key}); write \\@{key} if it is not a citation.")


def _hover(ref: Reference) -> str:
    """The tooltip: "Paszke et al. 2019. PyTorch: ..." (no JavaScript needed)."""
    names = [author.split(", ")[0].split(" ")[-1] for author in ref.authors]  # family names
    who = (" and ".join(names) if len(names) < 3 else f"{names[0]} et al.")
    head = " ".join(x for x in (who, ref.year or "") if x)
    return f"{_period(head)} {ref.title or ref.key}" if head else ref.title or ref.key


def _period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def references_html(env: MutableMapping) -> str:
    """The References section for what renders with ``env`` cited; "" if nothing."""
    state = env.get(_STATE) or {"order": []}
    items = []
    for number, key in enumerate(state["order"], 1):
        ref: Reference = state["refs"][key]
        href = ref.url if ref.url and not re.match(r"\s*(javascript|vbscript|data):", ref.url,
                                                   re.I) else None
        href = href or (ref.doi and "https://doi.org/" + quote(ref.doi, safe="/:;()._-"))
        title = escape(ref.title or ref.key)
        linked = f'<a href="{escape(href)}">{title}</a>' if href else title
        bits = [escape(_period(", ".join(ref.authors)))] if ref.authors else []
        bits.append(linked if _period(title) == title else linked + ".")
        tail = ", ".join(x for x in (ref.venue and f"<em>{escape(ref.venue)}</em>",
                                     ref.year and escape(ref.year)) if x)
        bits += [tail + "."] if tail else []
        bits += [f'<a href="#cite-{number}-{use}" class="citation-backlink" '
                 f'aria-label="Back to citation {use}">↩</a>'
                 for use in range(1, state["uses"].get(key, 0) + 1)]
        items.append(f'<li id="ref-{number}">{" ".join(bits)}</li>\n')
    if not items:
        return ""
    return ('<section class="references" id="bibliography">\n' + _HEADING + '<ol>\n'
            + "".join(items) + "</ol>\n</section>\n")


_HEADING = "<h2>References</h2>\n"  # only when nbpress places the list itself


# --------------------------------------------------------------------------- placement


def mark_references(markdown: str) -> str:
    """Replace each ``{% bibliography %}`` line outside fenced code by an HTML comment."""
    lines = markdown.splitlines(keepends=True)
    return "".join(
        _MARKER_HTML + line[len(line.rstrip("\r\n")):]
        if not code and _MARKER_LINE.fullmatch(line.rstrip("\r\n")) else line
        for line, code in zip(lines, _fenced(lines)))


def place_references(html: str, refs_html: str) -> str:
    """Put ``refs_html`` at the first mark (dropping any others), else at the end."""
    for marker in (_MARKER_HTML, _MARKER_ESCAPED):
        if marker in html:  # the post wrote its own heading above the marker
            head, rest = html.split(marker, 1)
            return head + refs_html.replace(_HEADING, "", 1).rstrip("\n") + rest.replace(marker, "")
    return html + ("\n" if html and refs_html and not html.endswith("\n") else "") + refs_html


def _fenced(lines: list[str]) -> list[bool]:
    """For each line: is it part of a fenced code block (``` or ~~~)?"""
    flags, fence = [], ""
    for line in lines:
        found = re.match(r" {0,3}(`{3,}|~{3,})(.*)", line.rstrip("\r\n"))
        mark, rest = found.groups() if found else ("", "")
        if fence:  # a closing fence: same character, at least as long, nothing after
            flags.append(True)
            fence = "" if mark.startswith(fence) and not rest.strip() else fence
        else:  # CommonMark: a ``` fence's info string has no backtick
            fence = mark if mark and not (mark[0] == "`" and "`" in rest) else ""
            flags.append(bool(fence))
    return flags


# --------------------------------------------------------------------------- hand-numbered posts


class _LinkScanner(HTMLParser):
    """Collects ids, and each link's href, text and the latest ``ref-*`` id before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None  # the <a href> we are inside
        self._entry = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):  # <a name> is a target too
            if attr.get(name):
                self.ids.add(attr[name])
                self._entry = attr[name] if attr[name].startswith("ref-") else self._entry
        if tag == "a":
            self._open = {"href": attr["href"].strip(), "text": "", "entry": self._entry} \
                if "href" in attr else None
            self.links += [self._open] if self._open else []
        elif tag == "img" and self._open:
            self._open["text"] += "[image]"

    def handle_endtag(self, tag: str) -> None:
        self._open = None if tag == "a" else self._open

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open["text"] += data


# Source forms of an empty link, to find its line: [](url), [text](), <a href="">.
_EMPTY_LINK_SRC = re.compile(r"\[[^\[\]]*\]\(\s*(?:<\s*>)?\s*\)|\[\s*\]\([^)]*\)"
                             r"|<a\s[^>]*href\s*=\s*(?:\"\"|'')|<a\s[^>]*href[^>]*>\s*</a>")


def check_manual_anchors(html: str, markdown: str, *, path: Path,
                         line_offset: int = 0) -> list[BuildWarning]:
    """Warn about ``#ref-N`` links without an ``id="ref-N"`` and empty links (``[]()``).

    Ids and links come from ``html``; lines from ``markdown``, the k-th bad
    link being the k-th such link in the source outside code and comments.
    """
    scanner = _LinkScanner()
    scanner.feed(html)
    scanner.close()
    lines = markdown.splitlines()
    text = "\n".join("" if code else line for line, code in zip(lines, _fenced(lines)))
    # Comments render to nothing a link scanner sees; keep only their newlines.
    text = re.sub(r"<!--.*?(?:-->|\Z)", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    prose = list(enumerate(text.split("\n"), 1 + line_offset))

    def nth_line(pattern: re.Pattern, k: int) -> int | None:
        found = [number for number, line in prose for _ in pattern.finditer(line)]
        return found[k] if k < len(found) else None

    warnings, seen, empty = [], {}, 0
    for link in scanner.links:
        target = unquote(link["href"][1:])
        if link["href"].startswith("#ref-") and target not in scanner.ids:
            seen[target] = seen.get(target, -1) + 1
            line = nth_line(re.compile(re.escape("#" + target) + r"(?![\w-])"), seen[target])
            warnings.append(BuildWarning(
                f'link to "#{target}" has no target: nothing has id="{target}"; add '
                f'<a id="{target}"></a> to its entry under References', path, line))
        if not link["href"] or not link["text"].strip():
            what = f'reference "{link["entry"]}"' if link["entry"] else "a link"
            missing = " or ".join(x for x, ok in (("text", link["text"].strip()),
                                                   ("URL", link["href"])) if not ok)
            warnings.append(BuildWarning(
                f"{what} has an empty link like `[]()` (no {missing}); "
                "fill in the title and URL, or remove it", path,
                nth_line(_EMPTY_LINK_SRC, empty)))
            empty += 1
    return warnings
