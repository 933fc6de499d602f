"""Output is a function of the set of inputs, not of their order."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from gen.pipeline import render_figure

pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]


def _app(name: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, labels: {{app: {name}}}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: main
          image: example/{name}:1
          envFrom: [{{secretRef: {{name: shared-missing}}}}]
"""


def test_two_apps_sharing_a_missing_secret_draw_alike_in_any_order(tmp_path: Path) -> None:
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / f"{name}.yaml").write_text(_app(name))
    files = [str(tmp_path / f"{name}.yaml") for name in ("alpha", "beta", "gamma")]
    outputs = {render_figure(list(order)).output for order in itertools.permutations(files)}
    assert len(outputs) == 1
    assert render_figure([str(tmp_path)]).output in outputs


@pytest.mark.parametrize("output_format", ["mmd", "d2", "drawio", "json"])
def test_every_text_format_is_the_same_bytes_in_any_order_and_run(tmp_path: Path, output_format: str) -> None:
    sample = Path(__file__).resolve().parents[1] / "manifests" / "sample-app"
    files = sorted(str(path) for path in sample.glob("*.yaml"))
    assert len(files) >= 3
    orders = [files, files[::-1], files[1:] + files[:1]]
    outputs = {render_figure(order, output_format=output_format).output for order in orders}
    outputs.add(render_figure([str(sample)], output_format=output_format).output)  # a second run, another form
    assert len(outputs) == 1
    assert b"web-config" in outputs.pop()  # the figure, not an empty one
