"""The GitHub Pages workflow (.github/workflows/pages.yml): it builds from the committed
execution cache, never runs posts, and deploys what it built."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / ".github/workflows/pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_pages_workflow_builds_from_the_cache_and_deploys(workflow: dict) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in build_steps]
    assert any(run.strip() == "python build.py build --execute never" for run in runs)
    uses = [step.get("uses", "") for step in build_steps]
    upload = next(s for s in build_steps if s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert uses.index(upload["uses"]) > runs.index("python build.py build --execute never")
    assert any(u.startswith("actions/checkout@") for u in uses)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "pip install" in "\n".join(runs) and "--execute always" not in "\n".join(runs)


def _run_step(run: str, where) -> str:
    """Run a step's ``run`` script with bash in ``where``; return what it wrote to $GITHUB_OUTPUT."""
    output = where / "github_output"
    output.write_text("")
    result = subprocess.run(["bash", "-e", "-c", run], cwd=where, capture_output=True, text=True,
                            env={**os.environ, "GITHUB_OUTPUT": str(output)}, timeout=60)
    assert result.returncode == 0, result.stderr
    return output.read_text()


def test_recorded_versions_step_pins_what_the_committed_cache_ran_with(workflow: dict,
                                                                       tmp_path) -> None:
    """The step that picks the Python and the package pins, run as the runner runs it, on a
    copy of the sample blog's execution records."""
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "recorded"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run_step(step["run"], empty) == "python=3.11\n"  # no records: a default Python
    assert (empty / "recorded-packages.txt").read_text() == "\n"

    records = sorted(REPO.glob("_executed/*/record.json"))
    assert records, "the sample blog's execution cache (_executed/) is committed"
    for path in records:
        copy = tmp_path / "checkout" / path.relative_to(REPO)
        copy.parent.mkdir(parents=True)
        copy.write_bytes(path.read_bytes())
    data = [json.loads(p.read_text()) for p in records]
    newest = sorted({r["python"] for r in data})[-1]
    assert _run_step(step["run"], tmp_path / "checkout") == f"python={newest}\n"
    pins = (tmp_path / "checkout" / "recorded-packages.txt").read_text().split()
    expected = {name: version for r in data for name, version in r["packages"].items()}
    assert pins == [f"{name}=={version}" for name, version in sorted(expected.items())]
    assert any(pin.startswith("torch==") for pin in pins)
