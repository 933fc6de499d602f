"""Loading: files, directories, globs and standard input → resources, each with its file and line.

The inputs are found (gen/paths.py), kustomization and chart directories rendered by their tools (gen/inputs.py),
every other file read as text (gen/documents.py); then custom resources take their CRD's scope and duplicates are
reported. Bad input never stops loading: every problem becomes a Diagnostic and the other files still load.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .documents import LoadResult, decode, error_at, load_text, note_at, os_reason
from .inputs import load_rendered, rendered_inputs
from .model import KNOWN_CUSTOM_SCOPES, Diagnostic, Ref, Resource, Severity, Source, as_mapping
from .paths import STDIN, relative_path
from .records import replace
from .safeyaml import Refused

__all__ = ["LoadResult", "load", "load_text"]

def load(
    inputs: Iterable[str],
    default_namespace: str = "default",
    stdin_text: str | None = None,
    relative_to: Path | None = None,
    excluded: Sequence[Path] = (),
) -> LoadResult:
    """Load every input; never raises for bad input. With `relative_to`, sources name files relative to it
    (the site's root), so that figures do not depend on where the project is checked out. A directory walk leaves
    out the `excluded` directories (a site's build directory) besides dot entries and what .gitignore ignores."""
    result = LoadResult()
    paths, problems = rendered_inputs(inputs, excluded)
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
        result.diagnostics.append(error_at(Source(display), f"cannot read: {os_reason(exc)}"))
        return
    except Refused as exc:
        result.diagnostics.append(error_at(Source(display, exc.line), f"cannot read: {exc.message}"))
        return
    load_text(text, display, result, default_namespace)


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
            result.diagnostics.append(note_at(r.source, f"{r.api_version} {r.kind} {r.name}: its scope is unknown "
                                                      "(no CustomResourceDefinition in the input): shown in no "
                                                      "namespace"))
        settled.append(r)
    result.resources = settled
