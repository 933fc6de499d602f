"""Loading: files, directories, globs and standard input → resources, each with its file and line.

Bad input never stops loading: every problem becomes a Diagnostic and the other files still load.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import glob
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
from .records import field, record, replace
from .safeyaml import Refused, Unreadable, describe_error, documents, plain_data_problem

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


def expand_inputs(inputs: Iterable[str], roots: Sequence[Path] | None = None) -> tuple[list[str], list[Diagnostic]]:
    """Files, directories (recursively, manifest suffixes only), globs and `-`, sorted: the result is a function of
    the set of inputs, never of their order, and names each real file once (however many links lead to it).

    Symbolic links are followed, but what a directory or a pattern finds must resolve inside that directory (the
    pattern's fixed part); with `roots`, everything, files named outright included, must resolve inside one of
    them. What leads elsewhere is refused with a message that names the link, never its target."""
    problems: list[Diagnostic] = []
    named: dict[Path, str] = {}  # real path → how it was named (the smallest spelling, for a stable result)
    stdin = False
    confine = tuple(real_path(r) for r in roots) if roots is not None else None

    def add(path: str, boundary: tuple[Path, ...] | None) -> None:
        real = real_path(Path(path))
        if boundary is not None and not is_inside(real, boundary):
            problems.append(_error(Source(path), "refused: a symbolic link that leads outside the project"))
            return
        if real not in named or path < named[real]:
            named[real] = path

    for item in inputs:
        if item == STDIN:
            stdin = True
            continue
        path = Path(item)
        if path.is_dir():
            if confine is not None and not is_inside(real_path(path), confine):
                problems.append(_error(Source(item), "refused: a symbolic link that leads outside the project"))
                continue
            found = _walk(path, confine or (real_path(path),), problems)
            if not found:
                problems.append(Diagnostic(Source(item), Severity.WARNING,
                                           "no manifest file (*.yaml, *.yml, *.json) in this directory"))
            for file in found:
                add(str(file), None)
        elif path.is_file():
            add(item, confine)
        elif glob.has_magic(item):
            # Like a directory, a pattern stands for the manifests it matches: README.md in `dir/*` is not one.
            matches = _glob(item, confine, problems)
            if not matches:
                problems.append(_error(Source(item), "no manifest file matches this pattern"))
            for match in matches:
                add(str(match), None)
        elif path.is_symlink():
            problems.append(_error(Source(item), "a symbolic link that leads nowhere (or to itself)"))
        else:
            problems.append(_error(Source(item), "no such file or directory"))
    paths = sorted(named.values())
    return ([STDIN] if stdin else []) + paths, problems


def inside_roots(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path`, every symbolic link resolved, lies inside one of `roots` (as a site confines its inputs)."""
    return is_inside(real_path(path), tuple(real_path(r) for r in roots))


def real_path(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop on Python < 3.13
        return path.absolute()


def is_inside(real: Path, boundary: tuple[Path, ...]) -> bool:
    return any(real == root or real.is_relative_to(root) for root in boundary)


def _walk(directory: Path, boundary: tuple[Path, ...], problems: list[Diagnostic],
          max_depth: int | None = None, with_dirs: bool = False) -> list[Path]:
    """Manifest files below `directory` (hidden ones left out), iteratively. Symbolic links are followed, but never
    out of `boundary` and never into a directory already visited: a link loop ends, instead of walking (and loading
    the same files) until the path is too long."""
    found: list[Path] = []
    seen = {real_path(directory)}
    stack: list[tuple[Path, int]] = [(directory, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue  # unreadable or gone: nothing to load from it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(current, entry.name)
            real = real_path(path)
            if entry.is_symlink() and not is_inside(real, boundary):
                problems.append(_error(Source(str(path)), "refused: a symbolic link that leads outside the project"))
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                continue
            if is_dir:
                if real in seen:
                    continue
                seen.add(real)
                if with_dirs:
                    found.append(path)
                if max_depth is None or depth + 1 < max_depth:
                    stack.append((path, depth + 1))
            elif is_file and (with_dirs or path.suffix.lower() in MANIFEST_SUFFIXES):
                found.append(path)
    return sorted(found)


def _glob(pattern: str, confine: tuple[Path, ...] | None, problems: list[Diagnostic]) -> list[Path]:
    """What `glob.glob(pattern, recursive=True)` finds, but through `_walk`: loop-safe and confined to the pattern's
    fixed part. A matching directory stands for its manifests."""
    found: list[Path] = []
    for path, boundary in _pattern_matches(pattern, confine, problems):
        if path.is_dir():
            found.extend(_walk(path, boundary, problems))
        elif path.suffix.lower() in MANIFEST_SUFFIXES:
            found.append(path)
    return found


def matching_directories(pattern: str, confine: Sequence[Path] | None = None) -> list[Path]:
    """The directories a pattern matches, found as `_glob` finds files: a link loop ends, and no link leads out of
    the pattern's fixed part (or `confine`). The refusals are said by `expand_inputs`, which walks the same way."""
    boundary = tuple(real_path(root) for root in confine) if confine is not None else None
    return [path for path, _ in _pattern_matches(pattern, boundary, []) if path.is_dir()]


def _pattern_matches(pattern: str, confine: tuple[Path, ...] | None,
                     problems: list[Diagnostic]) -> list[tuple[Path, tuple[Path, ...]]]:
    """Every file and directory the pattern matches, each with the boundary links must stay in."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = Path(*parts[:fixed]) if fixed else Path()
    wanted = parts[fixed:]
    if not base.is_dir():
        return []
    boundary = confine or (real_path(base),)
    max_depth = None if "**" in wanted else len(wanted)
    return [(path, boundary) for path in _walk(base, boundary, problems, max_depth, with_dirs=True)
            if _matches(wanted, path.relative_to(base).parts)]


def _matches(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    """Path components against glob components; `**` stands for any number of them (iterative, no recursion)."""
    states = {0}
    for part in parts:
        following: set[int] = set()
        for state in _closure(states, pattern):
            if state < len(pattern):
                if pattern[state] == "**":
                    following.add(state)
                elif fnmatch.fnmatchcase(part, pattern[state]):
                    following.add(state + 1)
        states = following
        if not states:
            return False
    return len(pattern) in _closure(states, pattern)


def _closure(states: set[int], pattern: Sequence[str]) -> set[int]:
    result = set(states)
    for state in sorted(states):
        while state < len(pattern) and pattern[state] == "**":
            state += 1
            result.add(state)
    return result


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
    display = "<stdin>" if path == STDIN else relative_path(path, relative_to)
    try:
        if path == STDIN and stdin_text is not None:
            text = stdin_text
        else:
            # Bytes, decoded here: standard input's own decoding would turn bad bytes into surrogates or raise.
            data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
            text = decode(data)
    except OSError as exc:
        result.diagnostics.append(_error(Source(display), f"cannot read: {_reason(exc)}"))
        return
    except Refused as exc:
        result.diagnostics.append(_error(Source(display, exc.line), f"cannot read: {exc.message}"))
        return
    load_text(text, display, result, default_namespace)


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
            _note(Source(path, 1), "skipped: a Helm template; render it first (`helm template CHART | gen render -`)")
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
                result.diagnostics.append(_error(Source(path, refused.line, refused.column),
                                                 f"{what}: {refused.message}"))
                continue
            _collect_objects(document.data, document.node, source, result, default_namespace)
    except Refused as exc:
        result.diagnostics.append(_error(Source(path, exc.line), f"refused: {exc.message}"))
    except yaml.YAMLError as exc:
        if path.endswith(".json") and len(result.resources) == loaded_before:
            import json  # JSON that YAML refuses is rare: not imported on every start

            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                data = None
            problem = plain_data_problem(data) if data is not None else None
            if problem is not None:
                result.diagnostics.append(_error(Source(path, 1), f"refused: {problem}"))
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
    """`path` relative to `root` in POSIX form (symbolic links not resolved: a link is named where it is), with
    `..` when it lies outside; never an absolute path of the build machine. Unchanged without a root."""
    if root is None:
        return path
    return Path(os.path.relpath(Path(path).absolute(), root.absolute())).as_posix()


def _looks_like_helm_template(text: str, path: str) -> bool:
    parts = Path(path).parts
    return "{{" in text and ("templates" in parts or path.endswith(".tpl"))


def _yaml_error(path: str, exc: yaml.YAMLError, text: str) -> Diagnostic:
    line, column, message = describe_error(exc, text)
    if "{{" in message or "{{" in str(exc):
        message += " (a template? render it first)"
    return _error(Source(path, line, column), f"invalid YAML: {message}")


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def _error(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.ERROR, message)


def _note(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.NOTE, message)
