"""Which kind of notebook a post file is, decided as jupytext decides it.

Shared by ``discover`` (which files in ``posts/`` are posts, where their YAML
header is) and the readers (which reader reads a post).  The header of a text
notebook is always at its top: ``---`` lines in Markdown and R Markdown,
``# ---`` comment lines in a script.  Its ``jupyter:`` block (and, in MyST, the
top-level ``jupytext:`` and ``kernelspec:``) is notebook metadata; every other
key is the post's front matter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import PostError

POST_SUFFIXES = (".md", ".Rmd", ".py", ".ipynb")
# When text files share a stem they are one jupytext pairing; the first of these holds the input.
TEXT_SUFFIXES = (".md", ".Rmd", ".py")
NOTEBOOK_KEYS = ("jupyter", "jupytext", "kernelspec")
# The jupytext formats nbpress reads with jupytext.  "markdown" is read by nbpress's own
# scanner; pandoc, quarto and marimo need programs that nbpress does not install.
JUPYTEXT_FORMATS = ("myst", "rmarkdown", "percent", "light", "hydrogen", "nomarker", "sphinx")
_DELIMITER = re.compile(r"^#\s?---\s*$")
_PREAMBLE = re.compile(r"^#!|^#.*coding[:=]")  # a shebang or an encoding line before the header
_POST_KEY = re.compile(r"^# ?(jupyter|title)\s*:")  # top-level keys of a post's header


def _script_header(lines: list[str]) -> tuple[int, int] | None:
    """(first, last) line index of a script's ``# ---`` YAML header, as jupytext finds it."""
    start = 0
    while start < min(2, len(lines)) and _PREAMBLE.match(lines[start]):
        start += 1
    if start >= len(lines) or not _DELIMITER.match(lines[start]):
        return None
    for end in range(start + 1, len(lines)):
        if not lines[end].startswith("#"):
            return None  # jupytext's header is one block of comment lines
        if _DELIMITER.match(lines[end]):
            return start, end
    return None


def uncomment_header(text: str) -> str:
    """A script's text with its header uncommented, line for line (other files unchanged).

    The front matter reader then reads every kind of text notebook the same way,
    and its messages keep the file's line numbers.
    """
    lines = text.split("\n")
    span = _script_header(lines)
    if span is None:
        return text
    first, last = span
    header = [re.sub(r"^# ?", "", line) for line in lines[first:last + 1]]
    return "\n".join([""] * first + header + lines[last + 1:])


def is_notebook_script(text: str) -> bool:
    """A ``.py`` file is a post when jupytext would see a notebook in it: a YAML header
    naming ``jupyter:`` or ``title:``, or ``# %%`` cell markers.  A helper module that
    posts import has neither (a ``# ---`` banner around a comment is not a header)."""
    lines = text.split("\n")
    span = _script_header(lines)
    if span is not None and any(_POST_KEY.match(line) for line in lines[span[0]:span[1]]):
        return True
    if "%%" not in text:
        return False
    from jupytext.formats import guess_format  # skips markers inside strings, as jupytext does

    return guess_format(text, ".py")[0] in ("percent", "hydrogen")


def page_front_matter(header: dict) -> dict:
    """The header's keys less the notebook metadata jupytext keeps for itself.

    ``authors`` (a notebook's metadata, MyST's front matter: names or
    ``{name: …}`` mappings) also gives ``author``, the key the theme shows.
    """
    front = {k: v for k, v in header.items() if k not in NOTEBOOK_KEYS}
    authors = front.get("authors")
    if "author" not in front and isinstance(authors, (list, str)):
        names = [a.get("name") if isinstance(a, dict) else a
                 for a in ([authors] if isinstance(authors, str) else authors)]
        if any(names):
            front["author"] = ", ".join(str(n) for n in names if n)
    return front


def detect_format(path: Path, text: str) -> str:
    """The format of a post file: ``ipynb``, ``markdown`` (nbpress's scanner) or one of
    ``JUPYTEXT_FORMATS``.

    As jupytext: the header's ``jupytext.text_representation.format_name`` (or
    ``formats``) first, then the extension and the content (``{code-cell}``
    directives make a ``.md`` MyST; ``# %%`` lines make a script percent).  Unlike
    jupytext, a ``.md`` with Pandoc ``:::`` divs stays Markdown.
    """
    if path.suffix == ".ipynb":
        return "ipynb"
    mystish = "{code-cell}" in text or "{raw-cell}" in text
    if path.suffix == ".md" and "jupytext" not in text and not mystish:
        return "markdown"  # only a jupytext block or a directive makes it anything else
    import yaml
    from jupytext.formats import guess_format, read_format_from_metadata
    from jupytext.myst import matches_mystnb

    try:
        name = read_format_from_metadata(text, path.suffix)
        if name is None and path.suffix == ".md":
            name = "myst" if mystish and matches_mystnb(text, ".md", requires_meta=False) \
                else "markdown"
        elif name is None:
            name = guess_format(text, path.suffix)[0]
    except yaml.YAMLError as exc:
        raise PostError(f"the jupytext header is not valid YAML: {exc}.", path=path, line=1,
                        hint="Check the indentation of the 'jupyter:' block.") from None
    name = {"md": "markdown"}.get(name, name)
    if name != "markdown" and name not in JUPYTEXT_FORMATS:
        raise PostError(f"this file is in jupytext's '{name}' format, which nbpress does not read.",
                        path=path, line=1,
                        hint="Convert it with 'jupytext --to md:myst' (or to .ipynb) and build "
                             "that instead.")
    return name


_OPEN_FENCE = re.compile(r"^(`{3,}|~{3,})")


# Where a text notebook's cell starts (MyST's +++ and {code-cell}, percent's # %%, light's
# # +, jupytext Markdown's regions), and the tag that leaves a cell out (readers/doc.py)
_CELL_START = re.compile(r"^(\+\+\+|#\s*%%|# \+\s*(\{|$)|<!-- #(end)?region|```\{code-cell\})")
_REMOVED = re.compile(r"\bremove[-_]cell\b")


def first_heading(path: Path, body: str) -> str:
    """The text of the post's first level-1 heading outside code ("" when none): the title
    of a notebook that has no front matter, as Jupyter Book and Quarto take it."""
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, OSError, AttributeError):
            return ""
        body = "\n".join("".join(c.get("source", "")) if isinstance(c.get("source"), list)
                         else str(c.get("source", "")) for c in cells
                         if isinstance(c, dict) and c.get("cell_type") == "markdown"
                         and not _REMOVED.search(json.dumps((c.get("metadata") or {})
                                                            .get("tags") or [])))
    # A script's Markdown cells are comments: its heading is "# # Title".
    heading = re.compile(r"^# #[ \t]+(.+?)[ \t#]*$" if path.suffix == ".py"
                         else r"^#[ \t]+(.+?)[ \t#]*$")
    fence, skipped = "", False
    for line in body.splitlines():
        opening = _OPEN_FENCE.match(line)
        if not fence and _CELL_START.match(line):  # a cell tagged remove-cell is skipped
            skipped = bool(_REMOVED.search(line)) and not line.startswith("<!-- #endregion")
        if opening and (not fence or line.strip() == fence):
            fence = "" if fence else opening.group(1)
        elif not fence and not skipped and heading.match(line):
            return re.sub(r"[*_`]", "", heading.match(line).group(1)).strip()
    return ""
