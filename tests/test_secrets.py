"""Canary: values never reach a figure. Secret data, env literals, annotation values, ConfigMap data and
container arguments are planted with distinctive strings; no view, in no format, may show one. Names and keys may
appear."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gen.graph import Graph
from gen.loading import LoadResult
from gen.pipeline import analyse
from gen.render import diagram_to_dot, render_diagram
from gen.views import VIEWS, build_view

Analysed = tuple[LoadResult, Graph]

CANARIES = {
    "secret-data": "CANARY-SECRET-3f9a",
    "secret-string": "CANARY-STRINGDATA-8c21",
    "env": "CANARY-ENV-51d0",
    "annotation": "CANARY-ANNOTATION-7b44",
    "configmap": "CANARY-CONFIGMAP-e9c3",
    "binary": "CANARY-BINARY-02fe",
    "argument": "CANARY-ARGUMENT-a6b7",
}
SECRET_B64 = base64.b64encode(CANARIES["secret-data"].encode()).decode()
LAST_APPLIED = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
                           "stringData": {"password": CANARIES["secret-string"]}})

MANIFESTS = f"""
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: vault
  annotations:
    note: {CANARIES["annotation"]}
    kubectl.kubernetes.io/last-applied-configuration: '{LAST_APPLIED}'
type: Opaque
data:
  password: {SECRET_B64}
  raw: {CANARIES["secret-data"]}
stringData:
  token: {CANARIES["secret-string"]}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: vault
  annotations: {{owner: {CANARIES["annotation"]}}}
data:
  greeting: {CANARIES["configmap"]}
  app.conf: |
    secret_line = {CANARIES["configmap"]}
binaryData:
  blob: {base64.b64encode(CANARIES["binary"].encode()).decode()}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: vault
  labels: {{app: app}}
  annotations: {{deployment.kubernetes.io/revision: "{CANARIES["annotation"]}"}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata:
      labels: {{app: app}}
      annotations: {{checksum/config: {CANARIES["annotation"]}}}
    spec:
      containers:
        - name: main
          image: example/app:1
          args: ["--token={CANARIES["argument"]}", "{CANARIES["argument"]}"]
          ports: [{{name: http, containerPort: 8080}}]
          env:
            - {{name: API_KEY, value: {CANARIES["env"]}}}
            - {{name: MODE, value: "{CANARIES["env"]}"}}
            - name: PASSWORD
              valueFrom: {{secretKeyRef: {{name: db, key: password}}}}
            - name: GREETING
              valueFrom: {{configMapKeyRef: {{name: settings, key: greeting}}}}
          envFrom: [{{secretRef: {{name: db}}}}, {{configMapRef: {{name: settings}}}}]
          volumeMounts: [{{name: creds, mountPath: /creds}}, {{name: conf, mountPath: /conf}}]
      volumes:
        - {{name: creds, secret: {{secretName: db}}}}
        - {{name: conf, configMap: {{name: settings}}}}
---
apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: vault
  annotations: {{cloud.example.com/secret-header: {CANARIES["annotation"]}}}
spec:
  selector: {{app: app}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: vault
  annotations: {{nginx.ingress.kubernetes.io/auth-secret: {CANARIES["annotation"]}}}
spec:
  tls: [{{hosts: [app.example.com], secretName: db}}]
  rules:
    - host: app.example.com
      http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: app, port: {{number: 80}}}}}}}}]}}
"""


def _assert_clean(output: str, where: str) -> None:
    for what, canary in CANARIES.items():
        assert canary not in output, f"{what} value {canary} leaked into {where}"
    assert SECRET_B64 not in output, f"base64 Secret data leaked into {where}"


@pytest.fixture(scope="module")
def analysed() -> Analysed:
    loaded, graph = analyse(["-"], stdin_text=MANIFESTS)
    assert not loaded.failed
    assert len(loaded.resources) == 5
    return loaded, graph


def test_manifests_really_carry_the_canaries(analysed: Analysed) -> None:
    loaded, _ = analysed
    bodies = json.dumps([r.body for r in loaded.resources])
    for canary in CANARIES.values():
        assert canary in bodies or base64.b64encode(canary.encode()).decode() in bodies


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_no_canary_in_dot(analysed: Analysed, view: str) -> None:
    _, graph = analysed
    source = diagram_to_dot(build_view(graph, view))
    _assert_clean(source, f"the {view} DOT")
    if view in ("topology", "storage"):
        # What may appear: names and keys.
        assert "Secret/vault/db" in source and "ConfigMap/vault/settings" in source
        assert "env password" in source


@pytest.mark.exe
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("output_format", ["svg", "dot"])
def test_no_canary_in_rendered_output(analysed: Analysed, view: str, output_format: str) -> None:
    _, graph = analysed
    output = render_diagram(build_view(graph, view), output_format).decode("utf-8")
    _assert_clean(output, f"the {view} {output_format}")


def test_no_canary_in_diagnostics(analysed: Analysed) -> None:
    loaded, graph = analysed
    _assert_clean("\n".join(str(d) for d in [*loaded.diagnostics, *graph.findings]), "diagnostics")


def test_no_canary_in_graph_labels_or_details(analysed: Analysed) -> None:
    _, graph = analysed
    text = "\n".join([*(e.label for e in graph.edges),
                      *(d for n in graph.nodes.values() for d in n.details),
                      *(p.label for n in graph.nodes.values() for p in n.parts)])
    _assert_clean(text, "the graph")


@pytest.mark.exe
def test_no_canary_from_the_command_line(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "canary.yaml"
    path.write_text(MANIFESTS, encoding="utf-8")
    for view in VIEWS:
        for suffix in ("svg", "dot"):
            output = tmp_path / f"{view}.{suffix}"
            result = subprocess.run([sys.executable, "-m", "gen.cli", "render", str(path), "--view", view,
                                     "-o", str(output)], cwd=root, capture_output=True, text=True, timeout=120,
                                    check=False)
            assert result.returncode == 0, result.stderr
            _assert_clean(output.read_text(encoding="utf-8") + result.stderr, f"gen render --view {view}")
    check = subprocess.run([sys.executable, "-m", "gen.cli", "check", str(path)], cwd=root, capture_output=True,
                           text=True, timeout=120, check=False)
    _assert_clean(check.stdout + check.stderr, "gen check")
