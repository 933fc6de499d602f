"""Checks of the GitHub Pages workflow (.github/workflows/pages.yml), its pull-request architecture diff included."""

import json
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
    assert "${{" not in step["run"]  # nothing of the event is pasted into the script
    checkout = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 2  # the merge commit's first parent, HEAD^1, is the base
    upload = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "architecture-diff.svg" and "always()" in upload[0]["if"]


def _run_diff_step(tmp_path: Path, change) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """The step's own script, run as GitHub runs it (bash -eo pipefail), on a merge commit whose first parent is
    the base: `change` edits the base's manifests into the pull request's."""
    import sys

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "manifests" / "sample-app", work / "manifests")
    # PYTHONPATH: the `gen` of the virtualenv runs this checkout's code, whichever checkout installed it.
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=work, env=env, check=True, capture_output=True, timeout=60)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    change(work / "manifests")
    git("add", "-A")
    git("commit", "-qm", "the pull request, merged")
    summary = tmp_path / "summary.md"
    script = _diff_step(_load_workflow())["run"]
    declared = _load_workflow().get("env", {})  # the workflow's variables (MANIFESTS) reach every step
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work,
                          env={**env, **declared, "GITHUB_STEP_SUMMARY": str(summary)}, capture_output=True, text=True,
                          timeout=300)
    return done, summary, work


@pytest.mark.exe
def test_the_diff_step_runs_as_on_a_pull_request(tmp_path: Path):
    def more_replicas(manifests: Path) -> None:
        api = manifests / "30-api.yaml"
        api.write_text(api.read_text(encoding="utf-8").replace("replicas: 3", "replicas: 5"), encoding="utf-8")

    done, summary, work = _run_diff_step(tmp_path, more_replicas)
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary.read_text(encoding="utf-8").splitlines() == [
        "### Architecture diff", "```diff",
        "gen diff: resources 0 added, 0 removed, 1 changed; links 0 added, 0 removed, 0 changed",
        "~ Deployment/shop/api: replicas 3 → 5", "```"]
    assert (work / "architecture-diff.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.exe
def test_the_diff_step_says_what_it_could_not_read_and_does_not_fail(tmp_path: Path):
    def break_a_file(manifests: Path) -> None:
        (manifests / "20-web.yaml").write_text("kind: [unclosed\n", encoding="utf-8")

    done, summary, _work = _run_diff_step(tmp_path, break_a_file)
    assert done.returncode == 0, done.stdout + done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.count("```") == 4, text  # both blocks closed
    assert "! 1 input problem" in text and "manifests/20-web.yaml:2:1: error" in text and "/tmp" not in text


@pytest.mark.exe
def test_names_in_the_diff_step_cannot_forge_lines_of_the_summary(tmp_path: Path):
    forged = "\n```\n![forged](https://evil.example/x.png)\n```diff\n"

    def add_hostile_names(manifests: Path) -> None:
        name = json.dumps(f"evil{forged}\x1b[2J")
        (manifests / "90-evil.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: shop}}\n", encoding="utf-8")
        (manifests / f"91{forged.replace('/', '_')}.yaml").write_text("kind: [unclosed\n", encoding="utf-8")

    done, summary, _work = _run_diff_step(tmp_path, add_hostile_names)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = summary.read_text(encoding="utf-8").splitlines()
    fences = [line for line in lines if line.startswith("```")]
    assert fences == ["```diff", "```", "```", "```"], lines  # the two blocks, each closed, nothing forged
    assert not any(line.startswith("![") for line in lines) and "\x1b" not in "".join(lines)
    escaped = "evil\\n\\`\\`\\`\\n![forged](https://evil.example/x.png)\\n\\`\\`\\`diff\\n\\x1b[2J"
    assert f"+ ConfigMap/shop/{escaped}" in lines
