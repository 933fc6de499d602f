"""Inputs that are not plain manifests: kustomize directories and Helm charts, rendered by their own tools.

A directory holding a kustomization (given, or found while walking a directory) is rendered with
`kubectl kustomize` and loaded as one stream; the files under it are never loaded on their own, so an overlay's
patches never pass for whole objects. Each resource names the file it came from (kustomize's
`config.kubernetes.io/origin` annotation, asked for through a temporary overlay) or, for what a generator made,
the kustomization. A directory holding `Chart.yaml` is rendered with `helm template` when helm is installed; each
resource names its template (helm's `# Source:` comments).
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .loading import STDIN, LoadResult, expand_inputs, load_text, relative_path
from .model import Diagnostic, Resource, Severity, Source, as_mapping
from .records import replace

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
RENDER_TIMEOUT_SECONDS = 120
HELM_MISSING = "install helm (https://helm.sh) or render the chart first (`helm template CHART | gen render -`)"
KUSTOMIZE_MISSING = "install kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize to render it"


def kustomization_file(directory: Path) -> Path | None:
    return next((directory / name for name in KUSTOMIZATION_FILES if (directory / name).is_file()), None)


def is_chart(directory: Path) -> bool:
    return (directory / CHART_FILE).is_file()


def is_rendered_directory(directory: Path) -> bool:
    """A directory its tool renders: a kustomization or a Helm chart."""
    return kustomization_file(directory) is not None or is_chart(directory)


def rendered_roots(directory: Path) -> list[Path]:
    """The outermost kustomization and chart directories at or under `directory` (hidden ones skipped): a base
    inside an overlay, or a subchart inside a chart, is rendered by its parent."""
    candidates = [directory] if is_rendered_directory(directory) else []
    if not candidates:
        for marker in (*KUSTOMIZATION_FILES, CHART_FILE):
            for found in directory.rglob(marker):
                parts = found.parent.relative_to(directory).parts
                if found.is_file() and not any(part.startswith(".") for part in parts):
                    candidates.append(found.parent)
    roots: list[Path] = []
    for candidate in sorted(set(candidates), key=lambda p: (len(p.parts), p)):
        if not any(candidate.is_relative_to(root) for root in roots):
            roots.append(candidate)
    return sorted(roots)


def rendered_inputs(inputs: Iterable[str]) -> tuple[list[str], list[Diagnostic]]:
    """Like `expand_inputs`, except that each kustomization or chart directory met in a directory (or a pattern's
    directory) stands for every file under it, once. Files named one by one stay files: `gen render
    overlay/kustomization.yaml` reads that file alone. Sorted, as `expand_inputs` is: a function of the set of
    inputs, never of their order."""
    inputs = list(inputs)
    files, problems = expand_inputs(inputs)
    directories = [directory for item in inputs if item != STDIN for directory in _directories_of(item)]
    roots = [root for directory in directories for root in rendered_roots(directory)]
    entries: set[str] = set()
    for path in files:
        root = None if path == STDIN else next((r for r in roots if Path(path).is_relative_to(r)), None)
        entries.add(path if root is None else str(root))
    entries.update(str(root) for root in roots)  # a kustomization with no manifest file (only `Kustomization`)
    stdin = [STDIN] if STDIN in entries else []
    return stdin + sorted(entries - {STDIN}), problems


def _directories_of(item: str) -> list[Path]:
    if Path(item).is_dir():
        return [Path(item)]
    if glob.has_magic(item):
        return [Path(m) for m in sorted(glob.glob(item, recursive=True)) if Path(m).is_dir()]
    return []


def load_rendered(directory: str, result: LoadResult, default_namespace: str, relative_to: Path | None) -> None:
    """Render a kustomization or chart directory and load what it makes into `result`."""
    path = Path(directory)
    display = relative_path(directory, relative_to)
    if kustomization_file(path) is not None:
        _load_kustomization(path, display, result, default_namespace, relative_to)
    else:
        _load_chart(path, display, result, default_namespace, relative_to)


def _load_kustomization(directory: Path, display: str, result: LoadResult, default_namespace: str,
                        relative_to: Path | None) -> None:
    marker = kustomization_file(directory)
    assert marker is not None
    where = Source(relative_path(str(marker), relative_to), 1)
    import tempfile  # only when a kustomization is built: most inputs are plain files

    with tempfile.TemporaryDirectory(prefix="kubedocs-kustomize-") as temporary:
        # An overlay of the directory that adds origin annotations; kustomize wants a relative path to a base.
        base = os.path.relpath(directory.resolve(), temporary)
        overlay = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                   "resources": [base], "buildMetadata": ["originAnnotations"]}
        Path(temporary, "kustomization.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
        attempt = LoadResult()
        text = _run(_kustomize_command(temporary), where, "kustomize", KUSTOMIZE_MISSING, attempt)
        if text is None and any(d.message.startswith("kustomize failed") for d in attempt.diagnostics):
            # Our overlay wraps the directory's error in words of its own: build the directory itself, whose
            # error is the user's (and whose output, should it build, is used without origins).
            attempt = LoadResult()
            text = _run(_kustomize_command(str(directory)), where, "kustomize", KUSTOMIZE_MISSING, attempt)
        if text is None:
            result.diagnostics.extend(attempt.diagnostics)
            return
        scratch = LoadResult()
        load_text(text, display, scratch, default_namespace)
    lines = _OriginLines()
    for resource in scratch.resources:
        origin = _origin(resource)
        source = where
        if origin.get("path"):
            original = Path(os.path.normpath(Path(temporary, str(origin["path"]))))  # the overlay is gone
            source = _source_file(original, directory, display, relative_to)
            source = replace(source, line=lines.line_of(original, resource))
        elif origin.get("configuredIn"):  # made by a generator: it names the kustomization that configures it
            source = _source_file(Path(temporary, str(origin["configuredIn"])), directory, display, relative_to)
        result.resources.append(replace(resource, body=_without_origin(resource.body), source=source))
    result.diagnostics.extend(_relocated(d, where) for d in scratch.diagnostics)


class _OriginLines:
    """The line where a rendered resource starts in its origin file: the document of the same kind whose name the
    rendered name contains (a namePrefix or nameSuffix may have changed it). 0 when none matches."""

    def __init__(self) -> None:
        self._documents: dict[Path, list[tuple[str, str, int]]] = {}

    def line_of(self, path: Path, resource: Resource) -> int:
        if path not in self._documents:
            self._documents[path] = self._read(path)
        matches = [(len(name), line) for kind, name, line in self._documents[path]
                   if kind == resource.kind and name and name in resource.name]
        return max(matches)[1] if matches else 0

    @staticmethod
    def _read(path: Path) -> list[tuple[str, str, int]]:
        scratch = LoadResult()
        try:
            load_text(path.read_text(encoding="utf-8-sig"), str(path), scratch)
        except (OSError, UnicodeDecodeError):
            return []
        return [(r.kind, r.name, r.source.line) for r in scratch.resources]


def _kustomize_command(directory: str) -> list[str] | None:
    import shutil  # only for kustomizations: not on every `gen render`

    if shutil.which("kubectl"):
        return ["kubectl", "kustomize", directory]
    if shutil.which("kustomize"):
        return ["kustomize", "build", directory]
    return None


def _load_chart(directory: Path, display: str, result: LoadResult, default_namespace: str,
                relative_to: Path | None) -> None:
    where = Source(relative_path(str(directory / CHART_FILE), relative_to), 1)
    command = None
    import shutil  # only for charts

    if shutil.which("helm"):
        release = directory.resolve().name or "release"
        command = ["helm", "template", release, str(directory), "--namespace", default_namespace]
    text = _run(command, where, "helm template", HELM_MISSING, result)
    if text is None:
        return
    # helm writes `# Source: CHART/templates/x.yaml` before each document: load each under its template's name.
    for document in _documents(text):
        template = next((line.removeprefix("# Source:").strip() for line in document.splitlines()
                         if line.startswith("# Source:")), "")
        name = display
        if template:
            inside = template.split("/", 1)[1] if "/" in template else template
            name = relative_path(str(directory / inside), relative_to)
        scratch = LoadResult()
        load_text(document, name, scratch, default_namespace)
        result.resources.extend(replace(r, source=Source(name)) for r in scratch.resources)
        result.diagnostics.extend(_relocated(d, Source(name)) for d in scratch.diagnostics)


def _documents(text: str) -> list[str]:
    documents: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.rstrip() == "---":
            documents.append([])
        else:
            documents[-1].append(line)
    return ["\n".join(lines) + "\n" for lines in documents if any(line.strip() for line in lines)]


def _run(command: list[str] | None, where: Source, tool: str, missing: str, result: LoadResult) -> str | None:
    """The tool's output, or None with an error in `result`. No shell; a timeout so that a remote base that
    cannot be fetched does not hang the build."""
    if command is None:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"cannot render this directory: {missing}"))
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RENDER_TIMEOUT_SECONDS,
                              check=False, env={**os.environ, "HELM_NO_PLUGINS": "1"})
    except subprocess.TimeoutExpired:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR,
                                             f"{tool} did not finish within {RENDER_TIMEOUT_SECONDS} s"))
        return None
    except OSError as exc:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"cannot run {tool}: {exc.strerror or exc}"))
        return None
    if done.returncode != 0:
        reason = _one_line(done.stderr) or f"exit status {done.returncode}"
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"{tool} failed: {reason}"))
        return None
    return done.stdout


_KLOG_PREFIX = re.compile(r'^[EWI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] (?:"command failed" err=)?')
MAX_REASON = 300


def _one_line(stderr: str) -> str:
    """A tool's complaint as one short line: kubectl's log prefix and quoting dropped, whitespace collapsed."""
    text = " ".join(line.strip() for line in stderr.splitlines() if line.strip())
    text = _KLOG_PREFIX.sub("", text).strip()
    if text[:1] in ('"', "<") and text[-1:] in ('"', ">"):
        text = text[1:-1].strip()
    text = text.removeprefix("Error: ").strip()
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def _origin(resource: Resource) -> Mapping[str, Any]:
    text = as_mapping(resource.metadata.get("annotations")).get(ORIGIN_ANNOTATION)
    if not isinstance(text, str):
        return {}
    try:
        return as_mapping(yaml.safe_load(text))
    except yaml.YAMLError:
        return {}


def _source_file(path: Path, directory: Path, display: str, relative_to: Path | None) -> Source:
    """The origin file named as the rendered directory was named: `display` plus the path from the directory."""
    real = Path(os.path.normpath(path))
    try:
        inside = os.path.relpath(real, directory.resolve())
    except ValueError:
        return Source(str(real))
    named = os.path.normpath(os.path.join(display, inside))
    return Source(Path(named).as_posix() if relative_to is not None else named)


def _without_origin(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The object as the directory renders it without our overlay."""
    metadata = dict(as_mapping(body.get("metadata")))
    annotations = {k: v for k, v in as_mapping(metadata.get("annotations")).items() if k != ORIGIN_ANNOTATION}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return {**body, "metadata": metadata}


def _relocated(diagnostic: Diagnostic, where: Source) -> Diagnostic:
    """A problem in the rendered stream, at the file that stands for it (stream lines exist nowhere on disk)."""
    return replace(diagnostic, source=where)
