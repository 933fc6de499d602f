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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .documents import LoadResult, load_text
from .ignore import WalkRules
from .model import Diagnostic, Resource, Severity, Source, as_list, as_mapping
from .paths import STDIN, expand_inputs, is_inside, matching_directories, real_path, relative_path
from .records import replace
from .tools import MAX_TOOL_ERROR_BYTES, Deadline, ToolStopped, run_tool

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


def rendered_roots(directory: Path, excluded: Sequence[Path] = ()) -> list[Path]:
    """The outermost kustomization and chart directories at or under `directory`, walked as manifests are (dot
    directories, `excluded` and what .gitignore ignores left out: gen/ignore.py): a base inside an overlay, or a
    subchart inside a chart, is rendered by its parent. A kustomization that another one found here uses as a base
    or component (`overlays/prod` naming `../../base`) is rendered by it, not as an application of its own."""
    return rendered_directories(directory, excluded)[0]


def rendered_directories(directory: Path, excluded: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """rendered_roots, and the kustomizations under `directory` that those roots use (rendered by them)."""
    if is_rendered_directory(directory):
        return [directory], []
    rules = WalkRules(excluded)
    candidates: list[Path] = []
    for current, subdirectories, _names in os.walk(directory):
        subdirectories[:] = sorted(d for d in subdirectories if not rules.skips(current, d, True))
        if Path(current) != directory and is_rendered_directory(Path(current)):
            candidates.append(Path(current))
            subdirectories[:] = []  # what is inside is the outermost one's to render
    used = {real_path(reached) for root in candidates if kustomization_file(root) is not None
            for reached in kustomization_reach(root, None)[0] if real_path(reached) != real_path(root)}
    return (sorted(root for root in candidates if real_path(root) not in used),
            sorted(root for root in candidates if real_path(root) in used))


def rendered_inputs(inputs: Iterable[str], excluded: Sequence[Path] = ()) -> tuple[list[str], list[Diagnostic]]:
    """Like `expand_inputs`, except that each kustomization or chart directory met in a directory (or a pattern's
    directory) stands for every file under it, once. Files named one by one stay files: `gen render
    overlay/kustomization.yaml` reads that file alone. Sorted, as `expand_inputs` is: a function of the set of
    inputs, never of their order."""
    inputs = list(inputs)
    files, problems = expand_inputs(inputs, excluded=excluded)
    directories = [directory for item in inputs if item != STDIN for directory in _directories_of(item)]
    found = [rendered_directories(directory, excluded) for directory in directories]
    roots = [root for directory_roots, _used in found for root in directory_roots]
    used = [base for _roots, bases in found for base in bases]
    entries: set[str] = set()
    for path in files:
        if path != STDIN and any(Path(path).is_relative_to(base) for base in used):
            continue  # a base another kustomization here renders: its files are that one's
        root = None if path == STDIN else next((r for r in roots if Path(path).is_relative_to(r)), None)
        entries.add(path if root is None else str(root))
    entries.update(str(root) for root in roots)  # a kustomization with no manifest file (only `Kustomization`)
    stdin = [STDIN] if STDIN in entries else []
    return stdin + sorted(entries - {STDIN}), problems


def _directories_of(item: str) -> list[Path]:
    if Path(item).is_dir():
        return [Path(item)]
    if glob.has_magic(item):  # walked as expand_inputs walks it: a link loop ends, no link leads out
        return matching_directories(item)
    return []


def load_rendered(directory: str, result: LoadResult, default_namespace: str, relative_to: Path | None) -> None:
    """Render a kustomization or chart directory and load what it makes into `result`. Nothing it reaches may be
    outside the project: `relative_to` (the site's root, a revision's copy) or else the working directory."""
    path = Path(directory)
    display = relative_path(directory, relative_to)
    boundary = _boundary(path, relative_to)
    if kustomization_file(path) is not None:
        _load_kustomization(path, display, result, default_namespace, relative_to, boundary)
    else:
        _load_chart(path, display, result, default_namespace, relative_to)


def _boundary(directory: Path, relative_to: Path | None) -> tuple[Path, ...] | None:
    """Where a rendered directory's files must be: the project's root, else the working directory when the
    directory is in it. A directory named from elsewhere on a command line has no project to keep to."""
    if relative_to is not None:
        return (real_path(relative_to),)
    here = real_path(Path.cwd())
    return (here,) if is_inside(real_path(directory), (here,)) else None


# Fields of a Kustomization that name other kustomization roots (directories), which kustomize reads wherever they
# are. Every other file it reads (patches, generators' files) must be under the kustomization's own directory:
# kustomize's default load restrictor refuses anything else, and gen never relaxes it.
_ROOT_FIELDS = ("resources", "bases", "components")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|git::|github\.com/|gitlab\.com/|bitbucket\.org/)", re.I)
MAX_KUSTOMIZATION_ROOTS = 200


def kustomization_reach(directory: Path, boundary: tuple[Path, ...] | None,
                        relative_to: Path | None = None) -> tuple[list[Path], list[Diagnostic]]:
    """The directories a build of the kustomization at `directory` reads (itself, its bases and components, theirs
    in turn), and a refusal for each that is outside `boundary`. Remote bases are not directories of ours; entries
    that name nothing are kustomize's to report."""
    seen: dict[Path, Path] = {}
    problems: list[Diagnostic] = []
    stack = [directory]
    while stack and len(seen) < MAX_KUSTOMIZATION_ROOTS:
        current = stack.pop()
        real = real_path(current)
        if real in seen:
            continue
        seen[real] = current
        marker = kustomization_file(current)
        if marker is None:
            continue
        for entry, line in root_entries(marker):
            if _REMOTE.match(entry):
                continue
            target = Path(os.path.normpath(current / entry))
            if not target.is_dir():
                continue
            if boundary is not None and not is_inside(real_path(target), boundary):
                where = Source(relative_path(str(marker), relative_to), line)
                problems.append(Diagnostic(where, Severity.ERROR, "refused: this kustomization names a base or "
                                           "component outside the project; keep every input in the project"))
                continue
            stack.append(target)
    if stack:
        where = Source(relative_path(str(directory), relative_to))
        problems.append(Diagnostic(where, Severity.ERROR, f"this kustomization reaches more than "
                                   f"{MAX_KUSTOMIZATION_ROOTS} kustomizations; not rendered"))
    return sorted(seen.values()), problems


def root_entries(marker: Path) -> list[tuple[str, int]]:
    """The entries of a kustomization's root fields, with the line each is on (0 when not found)."""
    try:
        text = marker.read_text(encoding="utf-8-sig")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError):
        return []  # kustomize says what is wrong with it
    lines = text.splitlines()
    entries: list[tuple[str, int]] = []
    for name in _ROOT_FIELDS:
        for entry in as_list(as_mapping(data).get(name)):
            if isinstance(entry, str) and entry.strip():
                entry = entry.strip()
                line = next((number for number, text_line in enumerate(lines, 1) if entry in text_line), 0)
                entries.append((entry, line))
    return entries


def kustomization_bases(inputs: Iterable[str], boundary: tuple[Path, ...] | None) -> list[Path]:
    """The bases and components the kustomizations of `inputs` (directories, patterns) reach, inside `boundary`
    (a site's roots): what kustomize reads besides the named folder, whose manifests are the figure's as much as
    the overlay's are. A base outside the boundary is left out here (the render refuses it, saying where)."""
    reached: set[Path] = set()
    for item in inputs:
        for directory in _directories_of(item) if item != STDIN else []:
            for root in rendered_roots(directory):
                if kustomization_file(root) is not None:
                    reached.update(d for d in kustomization_reach(root, boundary)[0] if d != root)
    return sorted(reached)


MAX_DEPENDENCY_FILES = 20000


def files_read_by(directories: Iterable[Path]) -> list[Path]:
    """Every file under the rendered directories of `directories` (and the kustomizations they reach): what
    kustomize or helm may read (a generator's `.env` or `.properties`, a chart's `.tpl` or `files/`), so that a
    change to any of them is a change of the figure. `.git` is left out; at most MAX_DEPENDENCY_FILES."""
    roots: set[Path] = set()
    for directory in directories:
        for root in rendered_roots(directory) if directory.is_dir() else []:
            if kustomization_file(root) is not None:
                roots.update(kustomization_reach(root, None)[0])
            else:
                roots.add(root)
    found: set[Path] = set()
    walks = (os.walk(root) for root in sorted(roots))
    for current, subdirectories, names in (step for walk in walks for step in walk):
        subdirectories[:] = sorted(d for d in subdirectories if d != ".git")
        found.update(Path(current, name) for name in names)
        if len(found) > MAX_DEPENDENCY_FILES:
            break
    return sorted(path for path in found if path.is_file())


def _load_kustomization(directory: Path, display: str, result: LoadResult, default_namespace: str,
                        relative_to: Path | None, boundary: tuple[Path, ...] | None) -> None:
    marker = kustomization_file(directory)
    assert marker is not None
    where = Source(relative_path(str(marker), relative_to), 1)
    _reached, refusals = kustomization_reach(directory, boundary, relative_to)
    if refusals:
        result.diagnostics.extend(refusals)
        return
    import tempfile  # only when a kustomization is built: most inputs are plain files

    deadline = Deadline(RENDER_TIMEOUT_SECONDS)  # one for both attempts below
    with tempfile.TemporaryDirectory(prefix="kubedocs-kustomize-") as temporary:
        # An overlay of the directory that adds origin annotations; kustomize wants a relative path to a base.
        base = os.path.relpath(directory.resolve(), temporary)
        overlay = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                   "resources": [base], "buildMetadata": ["originAnnotations"]}
        Path(temporary, "kustomization.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
        attempt = LoadResult()
        listed = [entry for entry, _line in root_entries(marker)]
        text = _run(_kustomize_command(temporary), where, "kustomize", KUSTOMIZE_MISSING, attempt, deadline, listed)
        if text is None and any(d.message.startswith("kustomize failed") for d in attempt.diagnostics):
            # Our overlay wraps the directory's error in words of its own: build the directory itself, whose
            # error is the user's (and whose output, should it build, is used without origins).
            attempt = LoadResult()
            text = _run(_kustomize_command(str(directory)), where, "kustomize", KUSTOMIZE_MISSING, attempt,
                        deadline, listed)
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

    # `--` before the path: a directory named `--output=x` is a path, never an option.
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize", "--", directory]
    if shutil.which("kustomize"):
        return ["kustomize", "build", "--", directory]
    return None


# Helm's own rule for a release name (a DNS-1123 subdomain of at most 53 characters).
_RELEASE_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_NAMESPACE = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")


def release_name(directory: Path) -> str:
    """The release name a chart is rendered under: its directory's name when Helm accepts it as one, else that
    name made into one (lower case, other characters as `-`), else `release`. Never anything that starts with `-`,
    which helm would take for an option."""
    name = re.sub(r"[^a-z0-9.-]+", "-", directory.resolve().name.lower())[:53]
    name = name.strip("-.")
    return name if _RELEASE_NAME.fullmatch(name) else "release"


def _load_chart(directory: Path, display: str, result: LoadResult, default_namespace: str,
                relative_to: Path | None) -> None:
    where = Source(relative_path(str(directory / CHART_FILE), relative_to), 1)
    command = None
    import shutil  # only for charts

    if shutil.which("helm"):
        namespace = default_namespace if _NAMESPACE.fullmatch(default_namespace) else "default"
        command = ["helm", "template", f"--namespace={namespace}", "--", release_name(directory), str(directory)]
    text = _run(command, where, "helm template", HELM_MISSING, result, Deadline(RENDER_TIMEOUT_SECONDS))
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


def _run(command: list[str] | None, where: Source, tool: str, missing: str, result: LoadResult,
         deadline: Deadline, listed: Iterable[str] = ()) -> str | None:
    """The tool's output, or None with an error in `result`. No shell; the tool's process group is bounded in
    time, output and memory (a remote base that cannot be fetched does not hang the build)."""
    if command is None:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"cannot render this directory: {missing}"))
        return None
    try:
        done = run_tool(command, deadline, env={**os.environ, "HELM_NO_PLUGINS": "1"})
    except ToolStopped as exc:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"{tool} {exc}"))
        return None
    except OSError as exc:
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"cannot run {tool}: {exc.strerror or exc}"))
        return None
    if done.returncode != 0:
        reason = tool_failure(done.stderr.decode("utf-8", "replace"), tool, listed)
        result.diagnostics.append(Diagnostic(where, Severity.ERROR, f"{tool} failed: {reason}"))
        return None
    return done.stdout.decode("utf-8", "replace")


# A tool's message may quote a generator's literal, a value inlined for a chart, a remote base's URL with its token,
# or absolute paths of the machine that built the site: none of it is published. A failure is said in our words,
# chosen by what the message is about (first match), naming only paths the kustomization itself lists.
def _failures(*table: tuple[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern, re.I), words) for pattern, words in table)


_KUSTOMIZE_FAILURES = _failures(
    (r"literal source|expected key=value", "a generator's literal is not written KEY=VALUE"),
    (r"HelmChartInflationGenerator|helmCharts|helm", "its helmCharts are not rendered (gen does not enable "
     "kustomize's Helm support; declare the chart's directory instead)"),
    (r"dial tcp|could not resolve host|no such host|git fetch|unable to access|timed? ?out|repository",
     "a remote base cannot be fetched (figures are built offline: keep bases in the project)"),
    (r"security; file|is not in or below", "it reads a file outside its own directory, which kustomize refuses"),
    (r"already registered id|already registered|conflicts with an existing", "two resources have the same kind and "
     "name"),
    (r"no matches for|unable to find patch target|failed to find unique target|nothing selected",
     "a patch or replacement names a resource that it does not have"),
    (r"cycle", "its bases form a cycle"),
    (r"no such file|not a valid directory|unable to find|does not exist|not found",
     "a file or directory it names does not exist"),
    (r"yaml|json|unmarshal|mapping values|did not find expected", "a file it reads is not valid YAML"),
)
_HELM_FAILURES = _failures(
    (r"missing in charts/|dependency", "a dependency is missing (run `helm dependency build` on the chart)"),
    (r"parse error|unexpected|function \S{1,100} not defined", "a template does not parse"),
    (r"required", "a value that a template requires is not set"),
    (r"execution error|error calling|executing", "a template fails when it is rendered"),
    (r"chart\.ya?ml|chart metadata|apiversion|validation", "Chart.yaml is not valid"),
    (r"yaml|json|unmarshal", "a values file or a rendered template is not valid YAML"),
)
# A path a tool quotes that is safe to repeat: relative, plain characters, no scheme, user or query.
_PLAIN_PATH = re.compile(r"[\w][\w./-]{0,200}")
_TEMPLATE_NAME = re.compile(r"templates/[\w./-]{1,200}\.(?:ya?ml|tpl|txt|json)")


def tool_failure(stderr: str, tool: str, listed: Iterable[str] = ()) -> str:
    """Why `tool` failed, in our words; `listed` are the paths a kustomization lists, named when the message is
    about one of them. The tool's own text is never repeated: run the tool by hand to read it."""
    table = _HELM_FAILURES if tool.startswith("helm") else _KUSTOMIZE_FAILURES
    text = stderr[:MAX_TOOL_ERROR_BYTES]
    reason = next((words for pattern, words in table if pattern.search(text)), "")
    names = sorted({entry for entry in listed if _PLAIN_PATH.fullmatch(entry) and f"'{entry}'" in text})
    if tool.startswith("helm"):
        names = sorted(set(_TEMPLATE_NAME.findall(text)))[:3]
    named = f" ({', '.join(names)})" if names else ""
    command = "helm template" if tool.startswith("helm") else "kubectl kustomize"
    if not reason:
        return f"run `{command}` on it to read the tool's message (not shown: it may quote values){named}"
    return f"{reason}{named}"


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
