"""gen/rules/names.py: names and namespaces Kubernetes would refuse are `invalid-name` findings at their file and
line, with the name escaped (a newline, ESC or backtick in a name never reaches a message raw)."""

from __future__ import annotations

import json

import pytest

from gen.model import Diagnostic, Severity
from gen.pipeline import analyse
from gen.rules.names import CHECK


def _findings(kind: str, metadata: dict[str, str], api_version: str = "v1") -> list[Diagnostic]:
    # JSON: any character, newlines and ESC included, written exactly as the test means it.
    text = "---\n" + json.dumps({"apiVersion": api_version, "kind": kind, "metadata": metadata}) + "\n"
    _loaded, graph = analyse(["-"], stdin_text=text)
    return [finding for finding in graph.findings if finding.check == CHECK]


@pytest.mark.parametrize(("kind", "name"), [
    ("ConfigMap", "app-config.v2"), ("Deployment", "web"), ("Secret", "a" * 253), ("Namespace", "shop-1"),
    ("Service", "api"), ("Service", "a" * 63), ("ClusterRole", "system:controller:job-controller"),
    ("RoleBinding", "Read_Only:Team"), ("Node", "node-1.example.com"),
])
def test_names_kubernetes_accepts_are_no_finding(kind: str, name: str) -> None:
    assert _findings(kind, {"name": name}) == []


def test_a_generate_name_prefix_may_end_with_a_dash() -> None:
    assert _findings("Pod", {"generateName": "job-run-"}) == []
    assert len(_findings("Pod", {"generateName": "Job_"})) == 1


@pytest.mark.parametrize(("kind", "name", "rule"), [
    ("ConfigMap", "Web", "DNS-1123 subdomain"), ("ConfigMap", "a" * 254, "DNS-1123 subdomain"),
    ("Deployment", "web_app", "DNS-1123 subdomain"), ("Deployment", "-web", "DNS-1123 subdomain"),
    ("Namespace", "a.b", "DNS-1123 label"), ("Service", "1api", "RFC 1035 label"),
    ("Service", "a" * 64, "RFC 1035 label"), ("ClusterRole", "a/b", "path segment"),
    ("Role", "..", "path segment"), ("ClusterRole", "a\nb", "path segment"),
    ("Widget", "Upper", "DNS-1123 subdomain"),  # a custom resource: validated as a subdomain too
])
def test_names_kubernetes_refuses_are_a_warning_naming_the_rule(kind: str, name: str, rule: str) -> None:
    api_version = "example.com/v1" if kind == "Widget" else "v1"
    (finding,) = _findings(kind, {"name": name, "namespace": "shop"}, api_version)
    assert finding.severity is Severity.WARNING and rule in finding.message
    assert (finding.source.path, finding.source.line) == ("<stdin>", 2)


def test_a_namespace_kubernetes_refuses_is_a_finding() -> None:
    (finding,) = _findings("ConfigMap", {"name": "fine", "namespace": "Shop"})
    assert "metadata.namespace is not a DNS-1123 label" in finding.message


def test_a_name_that_could_forge_lines_is_flagged_and_escaped_in_the_message() -> None:
    name = "evil\n```\n![x](https://evil.example/x.png)\x1b[31m\u202e"
    (finding,) = _findings("ConfigMap", {"name": name, "namespace": "shop"})
    text = str(finding)
    assert "\n" not in text and "\x1b" not in text and "```" not in text and "\u202e" not in text
    assert "ConfigMap/shop/evil\\n\\`\\`\\`\\n![x](https://evil.example/x.png)\\x1b[31m\\u202e:" in text
