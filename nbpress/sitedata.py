"""``_data/`` → ``site.data``, as Jekyll's data files.

``_data/members.yml`` is ``site.data.members``; a sub-folder is a nested
mapping (``_data/team/people.json`` is ``site.data.team.people``).  YAML, JSON,
CSV and TSV files are read (CSV/TSV: a list of rows keyed by the header line).
A file that cannot be read is an error naming it and the line, like a post's.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .errors import ConfigError

DATA_DIR = "_data"
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


def data_files(root: Path) -> list[Path]:
    """Every data file under ``root/_data`` (hidden files left out, as Jekyll)."""
    folder = root / DATA_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _read(path: Path) -> Any:
    """One data file's content; ``ConfigError`` with the line when it is not valid."""
    import yaml

    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix in (".csv", ".tsv"):
            delimiter = "\t" if path.suffix == ".tsv" else ","
            return [dict(row) for row in csv.DictReader(text.splitlines(), delimiter=delimiter)]
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"this data file is not valid JSON: {exc.msg}.", path=path,
                          line=exc.lineno, hint="Fix the syntax, or remove the file from "
                                                "_data/.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"this data file is not valid YAML: "
                          f"{getattr(exc, 'problem', None) or exc}.", path=path,
                          line=mark.line + 1 if mark is not None else None,
                          hint="Check quoting and indentation; a value containing ': ' "
                               "must be quoted.") from None
    except (csv.Error, ValueError) as exc:
        raise ConfigError(f"this data file cannot be read: {exc}.", path=path,
                          hint="Fix the file, or remove it from _data/.") from None


def load_data(root: Path) -> dict[str, Any]:
    """``site.data``: each file's content under its name, folders as nested mappings."""
    data: dict[str, Any] = {}
    folder = root / DATA_DIR
    for path in data_files(root):
        *parents, name = path.relative_to(folder).with_suffix("").parts
        here = data
        for part in parents:
            here = here.setdefault(part, {})
        here[name] = _read(path)
    return data
