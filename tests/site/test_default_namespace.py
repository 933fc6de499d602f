"""A figure block's `namespace:`: the namespace of objects that name none, as `gen -n` (issue 18). Helm output in
which only some templates set a namespace is otherwise split across `default` and the release's namespace."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Sites

# The OpenTelemetry chart's shape: the Deployment names its namespace, the ConfigMap it mounts does not.
HELM_OUTPUT = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: otel-collector}
data: {relay: x}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: collector, namespace: otel}
spec:
  selector: {matchLabels: {app: collector}}
  template:
    metadata: {labels: {app: collector}}
    spec:
      containers:
      - {name: collector, image: otel/opentelemetry-collector, volumeMounts: [{name: config, mountPath: /conf}]}
      volumes: [{name: config, configMap: {name: otel-collector}}]
"""


def _site(root: Path, block: str) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "manifests").mkdir()
    (root / "manifests" / "otel.yaml").write_text(HELM_OUTPUT, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: otel\ntheme: {name: material, font: false}\nplugins: [kubedocs]\n",
                                     encoding="utf-8")
    (root / "docs" / "index.md").write_text(f"# Collector\n\n```kubedocs\nmanifests: otel.yaml\n{block}```\n",
                                            encoding="utf-8")
    return root


@pytest.mark.exe
def test_a_blocks_default_namespace_draws_helm_output_in_one_namespace(tmp_path: Path, sites: type[Sites]) -> None:
    without = sites.build(_site(tmp_path / "without", ""), tmp_path / "out-without", strict=True)
    assert without.returncode != 0  # the ConfigMap sits in `default`: the mount dangles, and --strict fails
    assert "which is not in namespace otel but in default" in without.log  # and the finding says why
    drawn = sites.build(_site(tmp_path / "with", "namespace: otel\n"), tmp_path / "out-with", strict=True)
    assert drawn.returncode == 0, drawn.log
    titles = {title.get_text() for title in drawn.page().select("figure.kubedocs-figure svg title")}
    assert "ConfigMap/otel/otel-collector" in titles and "Deployment/otel/collector" in titles
    assert not any("/default/" in title for title in titles)
