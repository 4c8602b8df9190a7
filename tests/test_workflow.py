"""The GitHub Pages workflow (.github/workflows/pages.yml): it installs nbpress alone, builds
from the committed execution cache, never runs posts, and deploys what it built.  (The
workflow `nbpress new` writes is checked in test_new.py.)"""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import REPO, pages_workflow_runs, run_workflow_step

WORKFLOW = REPO / ".github/workflows/pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_pages_workflow_builds_from_the_cache_and_deploys() -> None:
    runs = pages_workflow_runs(WORKFLOW)
    # nbpress from this repository, never the posts' packages (torch, jax: gigabytes)
    assert [r for r in runs if "pip" in r] == ["python -m pip install ."]
    for heavy in ("torch", "jax", "recorded-packages", "[posts]", "-e ."):
        assert heavy not in "\n".join(runs), heavy


def test_recorded_python_step_picks_what_the_committed_cache_ran_with(workflow: dict,
                                                                      tmp_path) -> None:
    """The step that picks the Python version, run as the runner runs it, on a copy of the
    sample blog's execution records."""
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "recorded"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_workflow_step(step["run"], empty) == "python=3.11\n"  # no records: a default Python

    records = sorted(REPO.glob("_executed/*/record.json"))
    assert records, "the sample blog's execution cache (_executed/) is committed"
    for path in records:
        copy = tmp_path / "checkout" / path.relative_to(REPO)
        copy.parent.mkdir(parents=True)
        copy.write_bytes(path.read_bytes())
    newest = sorted({json.loads(p.read_text())["python"] for p in records})[-1]
    assert run_workflow_step(step["run"], tmp_path / "checkout") == f"python={newest}\n"
    assert sorted(p.name for p in (tmp_path / "checkout").iterdir()) == ["_executed",
                                                                          "github_output"]
