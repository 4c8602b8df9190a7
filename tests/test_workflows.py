"""This repository's GitHub Pages workflow: it renders from the committed cache and installs
nbpress alone (the workflow `nbpress new` writes is checked in test_new.py)."""

from __future__ import annotations

import yaml
from conftest import REPO


def test_pages_workflow_installs_only_nbpress_and_never_executes() -> None:
    text = (REPO / ".github/workflows/pages.yml").read_text()
    steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert [r for r in runs if "pip" in r] == ["python -m pip install ."]
    assert "nbpress build --execute never" in runs
    for heavy in ("torch", "jax", "recorded-packages", "[posts]", "-e ."):
        assert heavy not in "\n".join(runs), heavy
