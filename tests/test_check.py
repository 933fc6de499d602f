"""`gen check`: findings like a linter, `file:line: severity: message [check]`; exit 1 when there are any."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DIAGNOSTIC = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: (?P<severity>error|warning|note): "
                        r"(?P<message>.*?)(?: \[(?P<check>[a-z-]+)\])?$")
SUMMARY = re.compile(r"^gen check: \d+ resources? in \d+ files?, (?P<problems>\d+) problems?$")


def gen(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=root, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def _expected(fixtures_dir: Path) -> list[tuple[str, int, str]]:
    found = []
    for line in (fixtures_dir / "broken-app" / "expected-findings.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            where, check = line.rsplit(": ", 1)
            file, number = where.rsplit(":", 1)
            found.append((file, int(number), check))
    return sorted(found)


def test_broken_app_reports_exactly_the_planted_findings(root: Path, fixtures_dir: Path) -> None:
    result = gen(root, "check", "tests/fixtures/broken-app")
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    summary = [line for line in lines if SUMMARY.match(line)]
    assert len(summary) == 1, result.stderr
    reported = []
    for line in lines:
        if line in summary:
            continue
        match = DIAGNOSTIC.match(line)
        assert match, f"not a diagnostic: {line!r}"
        assert match["severity"] == "warning", line
        path = Path(match["file"])
        assert path.parent == Path("tests/fixtures/broken-app"), line
        reported.append((path.name, int(match["line"]), match["check"]))
    expected = _expected(fixtures_dir)
    assert len(expected) == 8  # one per planted reference
    assert sorted(reported) == expected
    counted = SUMMARY.match(summary[0])
    assert counted is not None and counted["problems"] == str(len(expected))


def test_every_planted_finding_names_its_target(root: Path) -> None:
    stderr = gen(root, "check", "tests/fixtures/broken-app").stderr
    for name in ("admin", "payments", "checkout", "8443", "worker-settings", "smtp-credentials",
                 "ServiceAccount indexer", "PersistentVolumeClaim archive"):
        assert name in stderr


@pytest.mark.parametrize("app", ["manifests/sample-app", "manifests/volumes", "manifests/service-types"])
def test_good_app_passes(root: Path, app: str) -> None:
    result = gen(root, "check", app)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith(" 0 problems")
    assert "warning" not in result.stderr and "error" not in result.stderr


def test_unparsable_input_fails_check(root: Path) -> None:
    result = gen(root, "check", "manifests/sample-app", "tests/fixtures/loading/broken.yaml")
    assert result.returncode == 1
    assert "tests/fixtures/loading/broken.yaml:5:13: error: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_notes_alone_do_not_fail_check(root: Path) -> None:
    result = gen(root, "check", "tests/fixtures/loading/kustomize-config.yaml", "manifests/sample-app")
    assert result.returncode == 0, result.stderr
    assert "note: skipped" in result.stderr
    quiet = gen(root, "check", "-q", "tests/fixtures/loading/kustomize-config.yaml")
    assert quiet.returncode == 0
    assert "note:" not in quiet.stderr


def test_check_reads_stdin(root: Path, fixtures_dir: Path) -> None:
    text = (fixtures_dir / "broken-app" / "30-workers.yaml").read_text(encoding="utf-8")
    result = gen(root, "check", "-", stdin=text)
    assert result.returncode == 1
    assert "<stdin>:47: warning: " in result.stderr


def test_check_usage_error(root: Path) -> None:
    result = gen(root, "check", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [[], ["manifests/"]])
def test_the_projects_own_manifests_pass(root: Path, args: list[str]) -> None:
    """The Pages workflow and the pre-commit hook run `gen check`: the project's own manifests must pass it, also
    all together (two example folders once defined the same Namespace, Deployment and Service)."""
    done = gen(root, "check", *args)
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().endswith(", 0 problems"), done.stderr


def test_names_kubernetes_refuses_are_findings_printed_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "names.json").write_text(
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a\\n```\\n\\u001b[2Jb", "namespace": "shop"}}')
    result = gen(tmp_path, "check", "names.json")
    assert result.returncode == 1, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.endswith("[invalid-name]")]
    match = DIAGNOSTIC.match(line)
    assert match and (match["file"], match["line"], match["severity"]) == ("names.json", "1", "warning")
    assert match["message"].startswith("ConfigMap/shop/a\\n\\`\\`\\`\\n\\x1b[2Jb: metadata.name is not a DNS-1123")
    assert "\x1b" not in result.stderr
