"""Property-based tests (hypothesis): arbitrary YAML text and generated manifests. Loading, deriving and redacting
never raise; rendering raises nothing but RenderError and otherwise yields well-formed SVG. The in-suite runs are
short; `KUBEDOCS_FUZZ_EXAMPLES=N python -m pytest tests/test_fuzz.py` runs a long session."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen.loading import load
from gen.render import RenderError, render_diagram
from gen.rules import derive
from gen.site.redact import redact_manifest
from gen.views import VIEWS, build_view

EXAMPLES = int(os.environ.get("KUBEDOCS_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# Text built from the pieces YAML is made of, so that most examples parse into something and some do not.
TOKENS = ["\n", " ", "  ", "- ", ": ", "---\n", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: ", "? ",
          "|\n  ", ">\n  ", "#", "'", '"', "!!str ", "!!binary ", "kind", "apiVersion", "v1", "metadata", "name",
          "namespace", "labels", "spec", "items", "List", "Pod", "Deployment", "Service", "containers", "image",
          "env", "value", "selector", "app", "x", "\\u0000", "\\ud800", "\ufeff", "\t", "~", "1e999", "0x1F", ":"]
yaml_texts = st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), max_size=60).map("".join)

names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
scalars = st.none() | st.booleans() | st.integers() | names
labels = st.dictionaries(st.sampled_from(["app", "app.kubernetes.io/name", "tier", "x"]), scalars, max_size=3)


def _container(draw: Any) -> dict[str, Any]:
    return {
        "name": draw(scalars), "image": draw(scalars),
        "ports": draw(st.lists(st.fixed_dictionaries({"containerPort": scalars, "name": scalars}), max_size=2)),
        "env": draw(st.lists(st.fixed_dictionaries({"name": scalars, "value": scalars}), max_size=2)),
        "envFrom": [{"secretRef": {"name": draw(scalars)}}],
        "volumeMounts": draw(st.lists(st.fixed_dictionaries({"name": scalars, "mountPath": scalars}), max_size=2)),
    }


@st.composite
def manifests(draw: Any) -> str:
    documents = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["Deployment", "StatefulSet", "CronJob", "Pod", "Service", "Ingress", "Secret",
                                     "ConfigMap", "PersistentVolumeClaim", "ServiceAccount", "Widget"]))
        pod_spec = {"containers": [_container(draw) for _ in range(draw(st.integers(0, 2)))],
                    "volumes": [{"name": draw(scalars), "secret": {"secretName": draw(scalars)}},
                                {"name": draw(scalars), "emptyDir": {}}],
                    "serviceAccountName": draw(scalars)}
        spec: Any = {"selector": {"matchLabels": draw(labels)}, "replicas": draw(scalars),
                     "template": {"metadata": {"labels": draw(labels)}, "spec": pod_spec}}
        if kind == "Pod":
            spec = pod_spec
        elif kind == "CronJob":
            spec = {"jobTemplate": {"spec": spec}}
        elif kind == "Service":
            spec = {"selector": draw(labels), "type": draw(scalars),
                    "ports": [{"port": draw(scalars), "targetPort": draw(scalars)}]}
        elif kind == "Ingress":
            spec = {"rules": [{"host": draw(scalars), "http": {"paths": [
                {"path": draw(scalars), "backend": {"service": {"name": draw(scalars), "port": {"number": 80}}}}]}}],
                "tls": [{"secretName": draw(scalars)}]}
        document = {"apiVersion": "v1", "kind": kind, "spec": draw(st.sampled_from([spec, None, [], "x"])),
                    "metadata": {"name": draw(names), "namespace": draw(st.none() | names), "labels": draw(labels)}}
        documents.append(document)
    return yaml.safe_dump_all(documents, allow_unicode=draw(st.booleans()))


@FUZZ
@given(yaml_texts)
def test_loading_deriving_and_redacting_any_text_never_raise(text: str) -> None:
    loaded = load(["-"], stdin_text=text)
    derive(loaded.inventory())
    shown = redact_manifest(text)
    assert isinstance(shown, str)


@FUZZ
@given(manifests())
def test_generated_manifests_load_derive_and_redact(text: str) -> None:
    loaded = load(["-"], stdin_text=text)
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    graph = derive(loaded.inventory())
    for view in VIEWS:
        build_view(graph, view)
    assert not redact_manifest(text).startswith("# (not shown")


@pytest.mark.exe
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")
@settings(max_examples=max(20, EXAMPLES // 4), deadline=None, suppress_health_check=list(HealthCheck))
@given(manifests(), st.sampled_from(sorted(VIEWS)))
def test_rendering_generated_manifests_yields_well_formed_svg(text: str, view: str) -> None:
    graph = derive(load(["-"], stdin_text=text).inventory())
    try:
        svg = render_diagram(build_view(graph, view))
    except RenderError as exc:  # the documented error: only a figure too large to draw may raise it here
        assert "boxes" in str(exc)
        return
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
