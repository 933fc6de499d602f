"""Checks of the GitHub Pages workflow (.github/workflows/pages.yml)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def _load_workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_workflow_matches_github_schema():
    if shutil.which("check-jsonschema") is None:
        pytest.skip("check-jsonschema is not on PATH")
    result = subprocess.run(
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/pages.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_builds_checks_and_deploys():
    workflow = _load_workflow()
    # PyYAML (YAML 1.1) reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert "push" in triggers and "pull_request" in triggers

    runs = [step["run"] for step in _steps(workflow) if "run" in step]
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]

    assert any("gen check" in run for run in runs)
    assert any("mkdocs build --strict" in run for run in runs)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
