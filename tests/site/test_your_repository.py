"""The README's "Use kubedocs in your repository", done from scratch: a fresh git repository holding only
examples/your-repository (its manifests, pages, mkdocs.yml, pre-commit config and workflow), kubedocs installed from
the wheel built from this checkout, the pre-commit hook run by pre-commit itself, and the workflow's own `run:` steps
run as GitHub runs them; then the site, the SARIF and the pull request's diff are checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from installed_wheel import InstalledWheel

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "your-repository"
WORKFLOW = EXAMPLE / ".github" / "workflows" / "docs.yml"
# The steps the test cannot run here, each with why: GitHub's own actions, and an apt-get whose package must
# already be on this machine (the test checks that it is).
NOT_RUN = {
    "actions/checkout@v4": "the fresh repository is the checkout",
    "actions/setup-python@v5": "the wheel's virtual environment is the Python",
    "github/codeql-action/upload-sarif@v3": "the SARIF it uploads is validated instead",
    "actions/upload-artifact@v4": "the figure it uploads is checked instead",
    "actions/upload-pages-artifact@v3": "the site it uploads is checked instead",
    "actions/deploy-pages@v4": "the deploy job publishes what the build job built",
    "Install Graphviz": "dot is on this machine",
}
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60,
                   env={**os.environ, **GIT_IDENTITY})


@pytest.fixture
def fresh_repo(tmp_path: Path) -> Path:
    """A new git repository with the example's files and nothing of kubedocs' own, committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "shop-docs"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".cache", "site"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "the shop's docs")
    return repo


def _readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Use kubedocs in your repository\n", 1)[1].split("\n## ", 1)[0]


def _block_after(section: str, label: str) -> str:
    """The fenced block that follows the paragraph naming `label` in backticks."""
    match = re.search(rf"`{re.escape(label)}`[^\n]*:\n\n(?P<fence>`{{3,}})\w*\n(?P<body>.*?)\n(?P=fence)\n", section,
                      re.DOTALL)
    assert match, f"no block after `{label}` in the README's section"
    return match["body"] + "\n"


def test_the_readme_shows_the_example_as_it_is() -> None:
    section = _readme_section()
    for name in ("mkdocs.yml", "docs/index.md", ".pre-commit-config.yaml"):
        assert _block_after(section, name) == (EXAMPLE / name).read_text(encoding="utf-8"), name
    assert "examples/your-repository/.github/workflows/docs.yml" in section
    assert "theme.font: false" in section and "font: false" in (EXAMPLE / "mkdocs.yml").read_text(encoding="utf-8")
    hook = yaml.safe_load((EXAMPLE / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook == [{"id": "kubedocs-check"}]


def test_the_workflow_to_copy_matches_githubs_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.skip("check-jsonschema is not installed")
    done = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _steps() -> tuple[dict[str, str], list[dict]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["env"], workflow["jobs"]["build"]["steps"]


def _run_steps(repo: Path, installed: InstalledWheel, tmp_path: Path,
               only: tuple[str, ...] = ()) -> tuple[dict[str, subprocess.CompletedProcess[str]], list[str], Path]:
    """Each `run:` step of the build job in order, as GitHub runs it (bash -eo pipefail, the workflow's and the
    step's env), as on a pull request: KUBEDOCS is the wheel instead of the git URL. Returns each step's outcome by
    name, what was not run and why, and the run's summary file. `only`: run just these steps."""
    workflow_env, steps = _steps()
    assert workflow_env["KUBEDOCS"].startswith("kubedocs @ git+https://")  # what the copy installs from
    summary = tmp_path / "step-summary.md"
    base_env = {"PATH": f"{installed.bin}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                "VIRTUAL_ENV": str(installed.bin.parent), "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_EVENT_NAME": "pull_request", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "NO_MKDOCS_2_WARNING": "1", **GIT_IDENTITY}
    outcomes: dict[str, subprocess.CompletedProcess[str]] = {}
    not_run: list[str] = []
    for step in steps:
        name = step.get("name", step.get("uses", ""))
        if only and name not in only:
            continue
        if "uses" in step or name in NOT_RUN:
            reason = NOT_RUN[step.get("uses", name)]
            not_run.append(f"{step.get('uses', name)}: {reason}")
            continue
        env = {**base_env, **workflow_env, "KUBEDOCS": str(installed.wheel), **step.get("env", {})}
        outcomes[name] = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    return outcomes, not_run, summary


def test_the_workflow_steps_build_check_and_diff_a_pull_request(fresh_repo: Path, installed_wheel: InstalledWheel,
                                                                 tmp_path: Path) -> None:
    assert shutil.which("dot") is not None  # what the skipped "Install Graphviz" step installs
    shop = fresh_repo / "manifests" / "shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("replicas: 2", "replicas: 3"), encoding="utf-8")
    _git(fresh_repo, "commit", "-qam", "the pull request, merged")  # HEAD^1 is the base

    outcomes, not_run, summary = _run_steps(fresh_repo, installed_wheel, tmp_path)
    print("not run here:", *not_run, sep="\n  ")  # said in the test's output: -s shows it
    assert len(not_run) == 6 and all(": " in line for line in not_run)
    assert list(outcomes) == ["Install kubedocs", "Findings for code scanning", "Check manifests and figure "
                              "declarations", "Build site", "Architecture diff against the base branch"]
    for name, done in outcomes.items():
        assert done.returncode == 0, f"{name}:\n{done.stdout}{done.stderr}"
    assert "gen check: 3 resources in 1 file, 0 problems" in outcomes["Check manifests and figure declarations"].stderr

    sarif = json.loads((fresh_repo / "kubedocs-check.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []

    page = BeautifulSoup((fresh_repo / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    figure = page.select_one("figure.kubedocs-figure")
    assert figure is not None and figure.select_one(".kubedocs-svg > svg") is not None
    assert figure["data-view"] == "network" and "web" in figure.get_text(" ")
    built = "".join(path.read_text(encoding="utf-8", errors="replace") for path in (fresh_repo / "site").rglob("*")
                    if path.suffix in (".html", ".css", ".js"))
    assert "fonts.googleapis.com" not in built and "fonts.gstatic.com" not in built  # theme.font: false

    assert summary.read_text(encoding="utf-8").splitlines() == [
        "### Architecture diff", "```diff",
        "gen diff: resources 0 added, 0 removed, 1 changed; links 0 added, 0 removed, 0 changed",
        "~ Deployment/shop/web: replicas 2 → 3", "```"]
    assert (fresh_repo / "architecture-diff.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_findings_go_to_code_scanning_and_fail_the_check(fresh_repo: Path, installed_wheel: InstalledWheel,
                                                         tmp_path: Path) -> None:
    shop = fresh_repo / "manifests" / "shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("selector: {app: web}", "selector: {app: wbe}"),
                    encoding="utf-8")
    outcomes, _not_run, _summary = _run_steps(fresh_repo, installed_wheel, tmp_path, only=(
        "Findings for code scanning", "Check manifests and figure declarations"))
    assert outcomes["Findings for code scanning"].returncode == 0  # findings are not the SARIF step's failure
    check = outcomes["Check manifests and figure declarations"]
    assert check.returncode == 1
    assert re.search(r"^manifests/shop\.yaml:\d+: warning: Service web selects no Pods .*\[dangling-service\]$",
                     check.stderr, re.MULTILINE), check.stderr
    (result,) = json.loads((fresh_repo / "kubedocs-check.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert result["ruleId"] == "dangling-service" and result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "manifests/shop.yaml"}


def test_the_pre_commit_hook_runs_from_a_fresh_repository(fresh_repo: Path, tmp_path: Path) -> None:
    """pre-commit itself tries this checkout's hook (`pre-commit try-repo`, which installs kubedocs from the
    checkout into an environment of its own, its dependencies from the package index)."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (a test extra)")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not on PATH")
    env = {"PATH": f"{pre_commit.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "NO_MKDOCS_2_WARNING": "1", **GIT_IDENTITY}

    def try_hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pre_commit), "try-repo", str(REPO), "kubedocs-check", "--all-files"],
                              cwd=fresh_repo, env=env, capture_output=True, text=True, timeout=900, check=False)

    passed = try_hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^kubedocs check\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout

    shop = fresh_repo / "manifests" / "shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("name: web, port:", "name: wbe, port:"),
                    encoding="utf-8")
    failed = try_hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^kubedocs check\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert "manifests/shop.yaml" in failed.stdout and "[dangling-ingress]" in failed.stdout
