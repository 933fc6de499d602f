"""Hostile input: alias bombs and pathological nesting give a message, never a crash or a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gen.loading import load
from gen.model import Ref, Severity
from gen.safeyaml import MAX_DEPTH
from gen.site.blocks import SpecError, parse_spec
from gen.site.redact import redact_manifest


def _alias_bomb() -> str:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [" + ",".join(['"x"'] * 9) + "]\n"
    for level in range(1, 10):  # 9**10 strings if anything expanded it
        text += f"  a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]\n"
    return text


def _deep_flow(depth: int) -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " + "[" * depth + "]" * depth + "\n"


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb() + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n")
    result = load([str(path)])
    assert [r.ref for r in result.resources] == [Ref("ConfigMap", "default", "fine")]  # the next document loads
    (error,) = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert error.source.line == 1 and "alias bomb" in error.message
    assert redact_manifest(_alias_bomb()).startswith("# (not shown: line 1:")


@pytest.mark.exe
def test_alias_bomb_renders_small(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb())
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", str(path), "-o", str(tmp_path / "b.dot")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "bomb.yaml:1: error: refused" in done.stderr, done.stderr
    assert (tmp_path / "b.dot").stat().st_size < 10_000


def test_deep_flow_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_deep_flow(100_000))  # libyaml's composer would overflow the C stack on this
    result = load([str(path)])
    (error,) = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert error.source.path == str(path) and error.source.line == 5
    assert str(MAX_DEPTH) in error.message
    assert result.resources == []


def test_nesting_within_the_limit_still_loads() -> None:
    result = load(["-"], stdin_text=_deep_flow(MAX_DEPTH - 10))
    assert [r.ref.name for r in result.resources] == ["deep"]


def test_deep_nesting_crashes_no_process(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_deep_flow(100_000))
    done = subprocess.run([sys.executable, "-m", "gen.cli", "check", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1  # an error, not a signal (a segfault would be -11)
    assert "Traceback" not in done.stderr and "deep.yaml:5: error: refused" in done.stderr


def test_deep_nesting_in_shown_manifests_and_figure_blocks() -> None:
    assert redact_manifest(_deep_flow(100_000)).startswith("# (not shown")
    with pytest.raises(SpecError, match="nested more than"):
        parse_spec("manifests: " + "[" * 100_000 + "]" * 100_000)


BAD_VALUE_STREAM = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: v1
kind: Secret
metadata: {name: bad-int}
stringData:
  port: !!int kdS3cretInt
---
apiVersion: v1
kind: Secret
metadata: {name: bad-tag}
stringData:
  password: !kdS3cretTag
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after, labels: {when: !!timestamp kdS3cretTime}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: last}
"""


def test_values_yaml_cannot_construct_are_errors_at_their_line_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "bad-values.yaml"
    path.write_text(BAD_VALUE_STREAM)
    result = load([str(path)])
    assert [r.ref.name for r in result.resources] == ["before", "last"]
    errors = [str(d) for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == [f"{path}:9:9: error: invalid YAML: a value that is not a valid !!int",
                      f"{path}:15:13: error: invalid YAML: an unknown tag (only YAML's standard tags, such as !!str, "
                      "are read)",
                      f"{path}:19:40: error: invalid YAML: a value that is not a valid !!timestamp"]


@pytest.mark.exe
@pytest.mark.parametrize("command", ["render", "check"])
def test_values_yaml_cannot_construct_give_file_and_line_from_every_command(tmp_path: Path, command: str) -> None:
    path = tmp_path / "bad-values.yaml"
    path.write_text(BAD_VALUE_STREAM)
    (tmp_path / "good.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-file}\n")
    args = [str(path), str(tmp_path / "good.yaml")] + (["-o", str(tmp_path / "out.dot")] if command == "render" else [])
    done = subprocess.run([sys.executable, "-m", "gen.cli", command, *args], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1, done.stderr  # as for any input that cannot be parsed
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "kdS3cret" not in done.stdout + done.stderr
    assert "bad-values.yaml:9:9: error: invalid YAML: a value that is not a valid !!int" in done.stderr
    assert "bad-values.yaml:15:13: error: invalid YAML: an unknown tag" in done.stderr
    if command == "render":
        drawn = (tmp_path / "out.dot").read_text()
        assert "other-file" in drawn and "last" in drawn and "kdS3cret" not in drawn
