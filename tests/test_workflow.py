"""Checks of the GitHub Pages workflow (.github/workflows/pages.yml), its pull-request architecture diff included."""

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


def _diff_step(workflow: dict) -> dict:
    found = [step for step in _steps(workflow) if "gen diff" in step.get("run", "")]
    assert len(found) == 1, "one step draws the architecture diff"
    return found[0]


def test_pull_requests_get_the_architecture_diff_in_their_summary():
    workflow = _load_workflow()
    step = _diff_step(workflow)
    assert step["if"] == "github.event_name == 'pull_request'"
    # The branch name reaches the script through the environment, never pasted into it.
    assert "${{" not in step["run"] and step["env"] == {"BASE": "${{ github.base_ref }}"}
    upload = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "architecture-diff.svg"


@pytest.mark.exe
def test_the_diff_step_runs_as_on_a_pull_request(tmp_path: Path):
    """The step's own script, run as GitHub runs it (bash -eo pipefail), in a clone of a repository whose pull
    request raises a replica count: the summary gets the change in a diff block, the figure is drawn."""
    import sys

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    origin, work = tmp_path / "origin", tmp_path / "work"
    shutil.copytree(ROOT / "manifests" / "sample-app", origin / "manifests")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}

    def git(*args: str, cwd: Path) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)

    git("init", "-q", "-b", "main", cwd=origin)
    git("add", ".", cwd=origin)
    git("commit", "-qm", "base", cwd=origin)
    git("clone", "-q", "--depth=1", f"file://{origin}", str(work), cwd=tmp_path)
    api = work / "manifests" / "30-api.yaml"
    api.write_text(api.read_text(encoding="utf-8").replace("replicas: 3", "replicas: 5"), encoding="utf-8")
    summary = tmp_path / "summary.md"
    script = _diff_step(_load_workflow())["run"]
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work,
                          env={**env, "BASE": "main", "GITHUB_STEP_SUMMARY": str(summary)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary.read_text(encoding="utf-8").splitlines() == [
        "### Architecture diff against main", "```diff",
        "gen diff: resources 0 added, 0 removed, 1 changed; links 0 added, 0 removed, 0 changed",
        "~ Deployment/shop/api: replicas 3 → 5", "```"]
    assert (work / "architecture-diff.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
