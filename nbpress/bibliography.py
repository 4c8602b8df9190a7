"""References for citations: ``.bib`` files and the front matter's ``references:`` list.

``load_references`` reads BibTeX with pybtex (accents and braces decoded to
plain text, names to "Given Family") and CSL-JSON-like front matter items
(``id``, ``title``, ``author``, ``year``/``issued``, ``venue``, ``url``,
``doi``) into one ``{key: Reference}`` map; later sources win.  Bad input is a
``PostError`` naming the .bib file and line, or the post for a bad item.
The citation syntax that uses these references is in ``citations.py``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pybtex.errors
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyDataError, Person
from pybtex.database.input import bibtex
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from .errors import PostError

# Pandoc's key rule: a letter, digit or _ first, punctuation only *inside* the
# key, so "see @doe:2020a." ends before the final period.  A front matter
# item's id must be such a key, so that a post can cite it.
KEY_PATTERN = r"\w(?:\w|[:.#$%&\-+?<>~/]+(?=\w))*"
_KEY_FULL = re.compile(KEY_PATTERN + r"\Z")


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
    # For citation styles (csl.py): the CSL type and the other CSL variables (volume,
    # page, publisher...), values as written (a .bib's still LaTeX: decoded only if cited).
    csl_type: str = field(default="", compare=False)
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # (family, given, lineage) per author, from .bib files: "{Google DeepMind}" stays whole.
    names: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)


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


def latex_text(value: str) -> str:
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
    return _joined(_name_parts(name))


def _name_parts(name: str) -> tuple[str, str, str]:
    """A BibTeX name -> (family, given, lineage); a family's words joined by no-break spaces."""
    person = Person(name)
    family = "\xa0".join(latex_text(p) for p in person.prelast_names + person.last_names)
    given = latex_text(" ".join(person.first_names + person.middle_names))
    return family, given, latex_text(" ".join(person.lineage_names))


def _joined(parts: tuple[str, str, str]) -> str:
    family, given, lineage = parts
    return f"{given} {family}".strip() + (f", {lineage}" if lineage else "")


def _bib_reference(key: str, entry: Any) -> Reference:
    fields = entry.fields
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = tuple(_name_parts(str(p)) for p in people)
    year = fields.get("year") or fields.get("date", "")[:4]
    venue = next((fields[f] for f in ("journal", "booktitle", "publisher", "institution",
                                      "school", "organization") if f in fields), "")
    # Web pages often carry their address as howpublished = {\url{...}}.
    url = re.search(r"\\url\{([^}]*)\}", fields.get("howpublished", ""))
    return Reference(key=key, title=latex_text(fields.get("title", "")),
                     authors=tuple(_joined(p) for p in names), names=names,
                     year=latex_text(year) or None, venue=latex_text(venue) or None,
                     url=_link(fields.get("url") or (url and url.group(1))),
                     doi=_link(fields.get("doi"), doi=True),
                     csl_type=_csl_type(entry.type.lower(), fields),
                     extra=_csl_extra(entry.type.lower(), fields))


# BibTeX entry types to CSL types (as Pandoc and Zotero map them); others are "article".
_CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
              "conference": "paper-conference", "book": "book", "inbook": "chapter",
              "incollection": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
              "techreport": "report", "manual": "report", "unpublished": "manuscript",
              "online": "webpage", "electronic": "webpage", "www": "webpage"}
# BibTeX fields to CSL variables (first found wins), for the styles' fuller entries.
_CSL_FIELDS = {"container-title": ("journal", "booktitle"), "volume": ("volume",),
               "page": ("pages",), "publisher": ("publisher", "institution", "school",
                                                 "organization"),
               "publisher-place": ("address",), "edition": ("edition",),
               "collection-title": ("series",), "genre": ("type",)}


def _is_arxiv(fields: Any) -> bool:
    return fields.get("archiveprefix", fields.get("eprinttype", "")).lower() == "arxiv" \
        or "arxiv" in fields.get("journal", fields.get("howpublished", "")).lower()


def _csl_type(kind: str, fields: Any) -> str:
    """The CSL type of a BibTeX entry: an arXiv @article or @misc is a preprint ("article")."""
    if kind in ("article", "misc") and _is_arxiv(fields) and "journal" not in fields:
        return "article"
    if kind == "misc" and ("url" in fields or "howpublished" in fields):
        return "webpage"
    return _CSL_TYPES.get(kind, "article")


def _csl_extra(kind: str, fields: Any) -> tuple[tuple[str, str], ...]:
    """The CSL variables beyond ``Reference``'s own, values still LaTeX (decoded if cited)."""
    extra = {name: next(fields[f] for f in names if f in fields)
             for name, names in _CSL_FIELDS.items() if any(f in fields for f in names)}
    if "number" in fields:  # a journal's issue, a report's number
        extra["issue" if kind == "article" else "number"] = fields["number"]
    if _is_arxiv(fields) and "eprint" in fields:
        extra["number"] = "arXiv:" + fields["eprint"]
        extra.setdefault("publisher", "arXiv")
    if kind in ("phdthesis", "mastersthesis"):
        extra.setdefault("genre", "PhD thesis" if kind == "phdthesis" else "Master's thesis")
    return tuple(extra.items())


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
                     doi=_link(text("doi", "DOI"), doi=True),
                     csl_type=text("type") or "",
                     extra=tuple((name, value) for name, value in (
                         (name, text(*names)) for name, names in _INLINE_EXTRA.items())
                         if value))


# CSL-JSON variables a front matter item may give for citation styles (csl.py).
_INLINE_EXTRA = {"container-title": ("venue", "container-title"), "volume": ("volume",),
                 "issue": ("issue",), "page": ("page", "pages"), "publisher": ("publisher",),
                 "number": ("number",), "edition": ("edition",)}


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


def site_references(root: Path) -> dict:
    """The site's references.bib and _bibliography/*.bib (empty when there are none)."""
    site_bib = root / "references.bib"
    # jekyll-scholar's default place, for blogs moved from Jekyll.
    scholar = sorted((root / "_bibliography").glob("*.bib"))
    found = ([site_bib] if site_bib.is_file() else []) + scholar
    return load_references(found, None, origin=site_bib)
