"""When dot still rejects a figure, the message names the input and line, and the rest is drawn (gen/isolate.py).

Quoting leaves the real dot nothing known to reject, so a stand-in `dot` first on PATH rejects any graph that holds
the word `poison` (as dot rejects a bad label: an error on stderr, exit 1) and hands every other graph to the real
dot."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gen.model import Severity
from gen.pipeline import render_figure

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_the_input_dot_rejects_is_named_and_the_rest_drawn(picky_dot: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for index in range(6):
        _write(inputs, f"good-{index}.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: good-{index}}}\n")
    _write(inputs, "bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n---\n"
                               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: poison}\n")
    figure = render_figure([str(inputs)])
    svg = html.unescape(figure.output.decode())
    assert all(f"ConfigMap/default/good-{i}" in svg for i in range(6)) and "ConfigMap/default/fine" in svg
    assert "poison" not in svg
    (warning,) = [d for d in figure.diagnostics if d.check == "not-drawn"]
    assert warning.severity is Severity.WARNING
    assert str(warning.source) == f"{inputs / 'bad.yaml'}:5"
    assert "ConfigMap/default/poison is not drawn" in warning.message and "syntax error" in warning.message


def test_from_the_command_line(picky_dot: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: poison}\n---\n"
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n")
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", str(path), "-o", str(tmp_path / "a.svg")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert "Traceback" not in done.stderr
    assert f"{path}:1: warning: ConfigMap/default/poison is not drawn" in done.stderr
    assert "ConfigMap/default/ok" in html.unescape((tmp_path / "a.svg").read_text())
