"""The math catalogue (tests/fixtures/math/catalogue.tex) read into (name, TeX, display)
entries, with the site macros it assumes; shared by the texmath, browser and bench code."""

from __future__ import annotations

from pathlib import Path

CATALOGUE = Path(__file__).parent / "fixtures" / "math" / "catalogue.tex"
MACROS = {
    "\\E": "\\mathbb{E}",
    "\\KL": "D_{\\mathrm{KL}}",
    "\\norm": "\\left\\lVert #1 \\right\\rVert",
    "\\vx": "\\mathbf{x}",
    "\\RR": "\\mathbb{R}^2",
    "\\argmin": "\\operatorname*{arg\\,min}",
}


def entries() -> list[tuple[str, str, bool]]:
    """(name, TeX, display) for each "% name" block of the catalogue, in order."""
    found: list[tuple[str, list[str], bool]] = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("% ") and line[2:3].islower():
            name = line[2:].strip()
            inline = name.endswith(" inline")
            found.append((name.removesuffix(" inline"), [], not inline))
        elif found and not line.startswith("%"):
            found[-1][1].append(line)
    return [(name, "\n".join(lines).strip(), display) for name, lines, display in found]
