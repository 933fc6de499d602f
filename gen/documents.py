"""Reading one text: YAML or JSON documents → resources, each with its file and line; tool configuration, Helm
templates and declarative diagrams told apart from objects of a cluster. Bad input never raises: every problem
becomes a Diagnostic in the LoadResult."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .model import (
    BUILTIN_KINDS,
    CLUSTER_SCOPED_KINDS,
    Diagnostic,
    Inventory,
    Ref,
    Resource,
    Severity,
    Source,
    as_list,
    as_mapping,
)
from .records import field, record
from .safeyaml import Refused, Unreadable, describe_error, documents, plain_data_problem

# API groups of tools' configuration files that carry apiVersion/kind but are not objects of a cluster.
TOOL_CONFIG_GROUPS = (
    "kustomize.config.k8s.io",
    "kubelet.config.k8s.io",
    "kubeproxy.config.k8s.io",
    "kubeadm.k8s.io",
    "kubescheduler.config.k8s.io",
    "apiserver.config.k8s.io",
    "config.kubernetes.io",
    "builtin",
)


@record
class LoadResult:
    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when an input could not be read or parsed."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def inventory(self) -> Inventory:
        return Inventory(self.resources)


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped); Refused names the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Refused(line, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def load_text(text: str, path: str, result: LoadResult, default_namespace: str = "default") -> None:
    """Parse one file's text into `result`, documents in order."""
    if _looks_like_helm_template(text, path):
        result.diagnostics.append(
            note_at(Source(path, 1), "skipped: a Helm template; render it first (`helm template CHART | gen render -`)")
        )
        return
    loaded_before = len(result.resources)
    try:
        # Streamed: each document's nodes are dropped once it is collected, and the documents before a
        # syntax error are kept.
        for document in documents(text):
            source = Source(path, document.line)
            for key, first, second in document.inspection.duplicates:
                result.diagnostics.append(Diagnostic(
                    Source(path, second), Severity.WARNING,
                    f"duplicate key {key!r} (also on line {first}): the last one is used", "duplicate-key"))
            if document.refused is not None:
                refused = document.refused
                what = "invalid YAML" if isinstance(refused, Unreadable) else "refused"
                result.diagnostics.append(error_at(Source(path, refused.line, refused.column),
                                                 f"{what}: {refused.message}"))
                continue
            _collect_objects(document.data, document.node, source, result, default_namespace)
    except Refused as exc:
        result.diagnostics.append(error_at(Source(path, exc.line), f"refused: {exc.message}"))
    except yaml.YAMLError as exc:
        if path.endswith(".json") and len(result.resources) == loaded_before:
            import json  # JSON that YAML refuses is rare: not imported on every start

            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                data = None
            problem = plain_data_problem(data) if data is not None else None
            if problem is not None:
                result.diagnostics.append(error_at(Source(path, 1), f"refused: {problem}"))
                return
            if data is not None:
                _collect_objects(data, None, Source(path, 1), result, default_namespace)
                return
        result.diagnostics.append(_yaml_error(path, exc, text))


def _collect_objects(
    data: Any, node: yaml.Node | None, source: Source, result: LoadResult, default_namespace: str
) -> None:
    if not isinstance(data, Mapping):
        shape = "a YAML sequence" if isinstance(data, list) else f"a {type(data).__name__} value"
        result.diagnostics.append(note_at(source, f"skipped: {shape}, not a Kubernetes object"))
        return
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        what = "apiVersion and kind" if kind is None and api_version is None else "apiVersion or kind"
        result.diagnostics.append(note_at(source, f"skipped: no {what}, not a Kubernetes object"))
        return
    group = api_version.split("/")[0] if "/" in api_version else ""
    if group in TOOL_CONFIG_GROUPS:
        result.diagnostics.append(
            note_at(source, f"skipped: {api_version} {kind} is a tool's configuration, not a Kubernetes object")
        )
        return
    if kind == "List" or (kind.endswith("List") and "items" in data):
        item_nodes = _item_nodes(node)
        for index, item in enumerate(as_list(data.get("items"))):
            if kind != "List" and isinstance(item, Mapping) and "kind" not in item:
                # The API returns a SecretList's items without kind and apiVersion: they are the list's.
                item = {"kind": kind.removesuffix("List"), "apiVersion": api_version, **item}
            line = item_nodes[index].start_mark.line + 1 if index < len(item_nodes) else source.line
            _collect_objects(item, item_nodes[index] if index < len(item_nodes) else None,
                             Source(source.path, line), result, default_namespace)
        return
    metadata = as_mapping(data.get("metadata"))
    name = metadata.get("name") or metadata.get("generateName")
    if not isinstance(name, str) or not name.strip():
        result.diagnostics.append(note_at(source, f"skipped: {api_version} {kind} has no metadata.name"))
        return
    declared = metadata.get("namespace")
    builtin = kind in BUILTIN_KINDS
    namespace: str | None = str(declared) if declared else default_namespace
    if kind in CLUSTER_SCOPED_KINDS:
        namespace = None
    ref = Ref(kind, namespace, name, "" if builtin else group)
    # A custom resource without a namespace: its scope is settled once every CRD is loaded (_apply_crd_scopes).
    scope_known = builtin or bool(declared) or kind in CLUSTER_SCOPED_KINDS
    kept = node if group == "kubedocs.dev" else None  # a declarative diagram's errors name lines inside it
    result.resources.append(Resource(ref, api_version, data, source, scope_known, node=kept))


def _item_nodes(node: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "items" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _looks_like_helm_template(text: str, path: str) -> bool:
    parts = Path(path).parts
    return "{{" in text and ("templates" in parts or path.endswith(".tpl"))


def _yaml_error(path: str, exc: yaml.YAMLError, text: str) -> Diagnostic:
    line, column, message = describe_error(exc, text)
    if "{{" in message or "{{" in str(exc):
        message += " (a template? render it first)"
    return error_at(Source(path, line, column), f"invalid YAML: {message}")


def os_reason(exc: Exception) -> str:
    """Why a file could not be read, in a few words (an OSError's own, lower case)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def error_at(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.ERROR, message)


def note_at(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.NOTE, message)
