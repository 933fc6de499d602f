"""`gen check`'s findings in the formats linters and CI read: text (one `file:line: severity: message [check]` a
line), JSON (documented in the README) and SARIF 2.1.0 (GitHub code scanning's annotations on a pull request).

All three are made from the one sorted list of diagnostics `gen check` already has; the messages are the same words,
which never quote a Secret's or ConfigMap's value. Every format is deterministic: the same findings give the same
bytes (no time, no absolute path of the machine that ran it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from urllib.parse import quote

from . import __version__
from .model import Diagnostic, Severity, printable

FORMATS = ("text", "json", "sarif")
JSON_FORMAT_VERSION = 1  # bumped when a key of the JSON output changes meaning or goes away

# What each check reports, for SARIF's rules (a code scanning alert shows it). A diagnostic with no check of its own
# (input that cannot be read, a skipped file) takes the code of its severity (UNCODED).
CHECKS: dict[str, str] = {
    "dangling-service": "A Service selects no Pod.",
    "dangling-ingress": "An Ingress names a Service, port or TLS Secret that is missing.",
    "dangling-route": "A Gateway API route names a parent or backend that is missing.",
    "dangling-volume": "A volume's ConfigMap, Secret or PersistentVolumeClaim is missing.",
    "dangling-image-pull-secret": "A Pod's imagePullSecrets names a Secret that is missing.",
    "dangling-hpa": "A HorizontalPodAutoscaler's target is missing.",
    "dangling-custom-reference": "A custom resource names an object that is missing (a relationship rule says so).",
    "duplicate-hpa": "Two autoscalers scale one workload.",
    "duplicate-resource": "Two documents declare the same resource.",
    "duplicate-key": "A key appears twice in one YAML mapping; the last one is used.",
    "env-value-from": "env or envFrom reads a ConfigMap or Secret that is missing.",
    "non-existent-service-account": "A Pod runs as a ServiceAccount that is missing.",
    "invalid-target-ports": "A Service's targetPort matches no port of the Pods it selects.",
    "mismatching-selector": "A workload's selector does not match the labels of its own Pod template.",
    "invalid-name": "A resource's name is not one Kubernetes accepts.",
    "invalid-diagram": "A kubedocs Diagram document is not valid.",
    "invalid-rules": "A relationship rule file is not valid.",
    "rule-bound": "The relationship rules find more than a figure can hold.",
    "figure-declaration": "A ```kubedocs figure block in a page is not valid, or its manifests cannot be read.",
    "inferred-call": "A workload calls a Service that its env, args or ConfigMaps name (gen check --calls).",
    "empty-input": "An input holds no Kubernetes object.",
    "unmatched-filter": "A filter matches nothing in the inputs.",
    "declared-diagrams-only": "The inputs hold only kubedocs Diagrams, which the diagram view draws.",
    "not-drawn": "Graphviz rejected these resources; the rest of the figure is drawn.",
    "readable-layout": "A figure too wide for the text column is drawn another way.",
    "mermaid-text-size": "A Mermaid figure is larger than Mermaid's default maxTextSize (50,000 characters).",
}
UNCODED: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("unreadable-input", "An input cannot be read or parsed."),
    Severity.WARNING: ("input-warning", "An input is read with a warning."),
    Severity.NOTE: ("input-note", "A note about the input, such as a file that is not a Kubernetes object."),
}
SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def code_of(diagnostic: Diagnostic) -> str:
    """The diagnostic's check, or the code of its severity when it has none: never empty."""
    return diagnostic.check or UNCODED[diagnostic.severity][0]


def as_text(diagnostics: Sequence[Diagnostic]) -> str:
    """One line each, as every message of gen is written; no ESC of an input's name reaches a terminal."""
    return "".join(f"{printable(str(diagnostic))}\n" for diagnostic in diagnostics)


def as_json(diagnostics: Sequence[Diagnostic], resources: int, files: int) -> str:
    """{"version", "tool", "findings": [{file, line, column, severity, check, message}], "summary"}; keys sorted,
    findings in file and line order. `line` and `column` are null when unknown."""
    findings = [{"file": d.source.path, "line": d.source.line or None, "column": d.source.column or None,
                 "severity": str(d.severity), "check": code_of(d), "message": d.message} for d in diagnostics]
    counts = {str(severity): sum(d.severity is severity for d in diagnostics) for severity in Severity}
    document = {"version": JSON_FORMAT_VERSION, "tool": {"name": "kubedocs", "version": __version__},
                "findings": findings, "summary": {"resources": resources, "files": files, **counts}}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """One SARIF 2.1.0 run: the tool's rules are the checks met (sorted), each result names its rule, level,
    message and, when the diagnostic has a file, where it is (a path relative to the directory gen ran in)."""
    descriptions = {code_of(d): _description(d) for d in diagnostics}
    rule_ids = sorted(descriptions)
    # No helpUri or informationUri: the project has no published address of its own; the README says it all.
    rules = [{"id": code, "name": _rule_name(code), "shortDescription": {"text": descriptions[code]}}
             for code in rule_ids]
    index = {code: number for number, code in enumerate(rule_ids)}
    results = []
    for diagnostic in diagnostics:
        code = code_of(diagnostic)
        result: dict[str, object] = {"ruleId": code, "ruleIndex": index[code],
                                     "level": SARIF_LEVELS[diagnostic.severity],
                                     "message": {"text": diagnostic.message}}
        location = _location(diagnostic)
        if location is not None:
            result["locations"] = [location]
        results.append(result)
    run = {"tool": {"driver": {"name": "kubedocs", "version": __version__, "rules": rules}},
           "columnKind": "unicodeCodePoints", "results": results}
    document = {"$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                           "sarif-schema-2.1.0.json",
                "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _description(diagnostic: Diagnostic) -> str:
    if not diagnostic.check:
        return UNCODED[diagnostic.severity][1]
    return CHECKS.get(diagnostic.check, f"The check {diagnostic.check}.")


def _rule_name(code: str) -> str:
    """SARIF's rule name, an identifier: `dangling-service` → `DanglingService`."""
    return "".join(part.capitalize() for part in code.split("-"))


def _location(diagnostic: Diagnostic) -> dict[str, object] | None:
    """A physical location: the file as a URI reference relative to the working directory (where a repository's
    workflow runs gen), with the line and column when known. Standard input has none."""
    path = diagnostic.source.path
    if not path or path == "<stdin>":
        return None
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        uri = quote(relative.replace(os.sep, "/")) if not relative.startswith("..") else "file://" + quote(path)
    else:
        uri = quote(os.path.normpath(path).replace(os.sep, "/"))
    physical: dict[str, object] = {"artifactLocation": {"uri": uri}}
    if diagnostic.source.line:
        region = {"startLine": diagnostic.source.line}
        if diagnostic.source.column:
            region["startColumn"] = diagnostic.source.column
        physical["region"] = region
    return {"physicalLocation": physical}
