"""Loading: files, directories, globs and standard input → resources, each with its file and line.

Bad input never stops loading: every problem becomes a Diagnostic and the other files still load.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .model import (
    BUILTIN_KINDS,
    CLUSTER_SCOPED_KINDS,
    KNOWN_CUSTOM_SCOPES,
    Diagnostic,
    Inventory,
    Ref,
    Resource,
    Severity,
    Source,
    as_list,
    as_mapping,
)

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"

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


def _base_loader() -> type[yaml.SafeLoader]:
    # The C loader is several times faster; fall back to the pure-Python one where libyaml is missing.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


class ManifestLoader(_base_loader()):  # type: ignore[misc]
    """Safe loader that also accepts the `=` value tag (an unquoted `- =` in some CRDs)."""


def _construct_value_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return None


ManifestLoader.add_constructor("tag:yaml.org,2002:value", _construct_value_tag)


@dataclass
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


def expand_inputs(inputs: Iterable[str]) -> tuple[list[str], list[Diagnostic]]:
    """Files, directories (recursively, manifest suffixes only), globs and `-`, in a stable order."""
    paths: list[str] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        if path not in seen:
            seen.add(path)
            paths.append(path)

    for item in inputs:
        if item == STDIN:
            add(STDIN)
            continue
        path = Path(item)
        if path.is_dir():
            for found in _walk_manifests(path):
                add(str(found))
        elif path.is_file():
            add(item)
        elif glob.has_magic(item):
            # Like a directory, a pattern stands for the manifests it matches: README.md in `dir/*` is not one.
            matches = [m for m in sorted(glob.glob(item, recursive=True))
                       if Path(m).is_dir() or Path(m).suffix.lower() in MANIFEST_SUFFIXES]
            if not matches:
                problems.append(_error(Source(item), "no manifest file matches this pattern"))
            for match in matches:
                if Path(match).is_dir():
                    for found in _walk_manifests(Path(match)):
                        add(str(found))
                else:
                    add(match)
        else:
            problems.append(_error(Source(item), "no such file or directory"))
    return paths, problems


def _walk_manifests(directory: Path) -> list[Path]:
    found = [
        p
        for p in directory.rglob("*")
        if p.suffix.lower() in MANIFEST_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    ]
    return sorted(found)


def load(
    inputs: Iterable[str],
    default_namespace: str = "default",
    stdin_text: str | None = None,
    relative_to: Path | None = None,
) -> LoadResult:
    """Load every input; never raises for bad input. With `relative_to`, sources name files relative to it
    (the site's root), so that figures do not depend on where the project is checked out."""
    from .inputs import rendered_inputs  # kustomize and Helm directories (that module imports this one)

    result = LoadResult()
    paths, problems = rendered_inputs(inputs)
    result.diagnostics.extend(problems)
    with _collector_paused():
        for path in paths:
            _load_path(path, result, default_namespace, stdin_text, relative_to)
    _apply_crd_scopes(result)
    _report_duplicates(result)
    return result


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing allocates millions of acyclic objects, each of which would count towards a cyclic-GC pass that finds
    nothing to free; pausing the collector makes loading about 2x faster on large inputs (see tests/bench)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_path(path: str, result: LoadResult, default_namespace: str, stdin_text: str | None,
               relative_to: Path | None) -> None:
    result.files.append(path)
    if path != STDIN and Path(path).is_dir():  # a kustomization or a Helm chart, rendered by its tool
        from .inputs import load_rendered
        return load_rendered(path, result, default_namespace, relative_to)
    try:
        if path == STDIN:
            text = stdin_text if stdin_text is not None else sys.stdin.read()
            display = "<stdin>"
        else:
            text = Path(path).read_bytes().decode("utf-8-sig")
            display = relative_path(path, relative_to)
    except (OSError, UnicodeDecodeError) as exc:
        result.diagnostics.append(_error(Source(path), f"cannot read: {_reason(exc)}"))
        return
    load_text(text, display, result, default_namespace)


def load_text(text: str, path: str, result: LoadResult, default_namespace: str = "default") -> None:
    """Parse one file's text into `result`, documents in order."""
    if _looks_like_helm_template(text, path):
        result.diagnostics.append(
            _note(Source(path, 1), "skipped: a Helm template; render it first (`helm template CHART | gen render -`)")
        )
        return
    too_deep = flow_nesting_too_deep(text)
    if too_deep is not None:
        result.diagnostics.append(_error(Source(path, too_deep), f"refused: flow collections nested more than "
                                                                 f"{MAX_FLOW_DEPTH} deep (no manifest needs that)"))
        return
    loaded_before = len(result.resources)
    try:
        # Streamed: each document's nodes are dropped once it is collected, and the documents before a
        # syntax error are kept.
        for data, node, line in _parse_documents(text):
            _collect_objects(data, node, Source(path, line), result, default_namespace)
    except yaml.YAMLError as exc:
        if path.endswith(".json") and len(result.resources) == loaded_before:
            try:
                _collect_objects(json.loads(text), None, Source(path, 1), result, default_namespace)
                return
            except ValueError:
                pass
        result.diagnostics.append(_yaml_error(path, exc))


MAX_FLOW_DEPTH = 1000
_FLOW_BRACKET = re.compile(r"[\[\]{}]")


def flow_nesting_too_deep(text: str) -> int | None:
    """The line where `[`/`{` nesting passes MAX_FLOW_DEPTH, else None. libyaml's composer recurses on the C stack:
    a file of a few hundred kilobytes of `[[[[...` would crash the process instead of raising an error."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return None  # the common case costs two C-speed counts
    depth = 0
    for match in _FLOW_BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def _parse_documents(text: str) -> Iterable[tuple[Any, yaml.Node | None, int]]:
    """(data, node, line) per non-empty document; composing first keeps each node's position."""
    loader = ManifestLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            if data is None:
                continue  # an empty document: `---` followed by nothing, or comments only
            yield data, node, node.start_mark.line + 1
    finally:
        loader.dispose()


def _collect_objects(
    data: Any, node: yaml.Node | None, source: Source, result: LoadResult, default_namespace: str
) -> None:
    if not isinstance(data, Mapping):
        shape = "a YAML sequence" if isinstance(data, list) else f"a {type(data).__name__} value"
        result.diagnostics.append(_note(source, f"skipped: {shape}, not a Kubernetes object"))
        return
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        what = "apiVersion and kind" if kind is None and api_version is None else "apiVersion or kind"
        result.diagnostics.append(_note(source, f"skipped: no {what}, not a Kubernetes object"))
        return
    group = api_version.split("/")[0] if "/" in api_version else ""
    if group in TOOL_CONFIG_GROUPS:
        result.diagnostics.append(
            _note(source, f"skipped: {api_version} {kind} is a tool's configuration, not a Kubernetes object")
        )
        return
    if kind == "List" or (kind.endswith("List") and "items" in data):
        item_nodes = _item_nodes(node)
        for index, item in enumerate(as_list(data.get("items"))):
            line = item_nodes[index].start_mark.line + 1 if index < len(item_nodes) else source.line
            _collect_objects(item, item_nodes[index] if index < len(item_nodes) else None,
                             Source(source.path, line), result, default_namespace)
        return
    metadata = as_mapping(data.get("metadata"))
    name = metadata.get("name") or metadata.get("generateName")
    if not isinstance(name, str) or not name.strip():
        result.diagnostics.append(_note(source, f"skipped: {api_version} {kind} has no metadata.name"))
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


def _report_duplicates(result: LoadResult) -> None:
    first: dict[Ref, Resource] = {}
    for resource in result.resources:
        if resource.ref in first:
            result.diagnostics.append(
                Diagnostic(resource.source, Severity.WARNING,
                           f"duplicate {resource.ref.id}: first defined at {first[resource.ref].source}; "
                           "this one is ignored", "duplicate-resource")
            )
        else:
            first[resource.ref] = resource


def _apply_crd_scopes(result: LoadResult) -> None:
    """Custom resources take the scope of their CRD in the input (or of a widely used kind we know): those of a
    cluster-scoped kind lose the namespace they were given; those of an unknown scope are put in no namespace,
    with a note, rather than in an invented one."""
    scopes = dict(KNOWN_CUSTOM_SCOPES)
    for crd in result.resources:
        if crd.kind == "CustomResourceDefinition":
            names = as_mapping(crd.spec.get("names"))
            scopes[(str(crd.spec.get("group", "")), str(names.get("kind")))] = str(crd.spec.get("scope"))
    settled: list[Resource] = []
    for r in result.resources:
        scope = scopes.get((r.ref.group, r.kind))
        if scope == "Cluster" and r.namespace is not None:
            r = replace(r, ref=r.ref._replace(namespace=None), scope_known=True)
        elif not r.scope_known and scope == "Namespaced":
            r = replace(r, scope_known=True)
        elif not r.scope_known:
            r = replace(r, ref=r.ref._replace(namespace=None))
            result.diagnostics.append(_note(r.source, f"{r.api_version} {r.kind} {r.name}: its scope is unknown "
                                                      "(no CustomResourceDefinition in the input): shown in no "
                                                      "namespace"))
        settled.append(r)
    result.resources = settled


def relative_path(path: str, root: Path | None) -> str:
    """`path` relative to `root` in POSIX form; unchanged without a root or when it lies outside it."""
    if root is None:
        return path
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _looks_like_helm_template(text: str, path: str) -> bool:
    parts = Path(path).parts
    return "{{" in text and ("templates" in parts or path.endswith(".tpl"))


def _yaml_error(path: str, exc: yaml.YAMLError) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 0
    column = mark.column + 1 if mark is not None else 0
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    if "{{" in message or "{{" in str(exc):
        message += " (a template? render it first)"
    return _error(Source(path, line, column), f"invalid YAML: {message}")


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(exc)


def _error(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.ERROR, message)


def _note(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.NOTE, message)
