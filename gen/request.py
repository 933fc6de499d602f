"""What a figure is drawn from: a FigureRequest (the declared inputs and every option), the files it stands for,
and its one cache key. Light to import: a site's warm build keys its figures without loading the pipeline."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from .inputs import files_read_by, kustomization_bases
from .model import Diagnostic, Source
from .paths import STDIN, expand_inputs, inside_roots, real_path, relative_path
from .records import field, record, replace
from .views.base import Filters

DEFAULT_NAMESPACE = "default"  # what the API server gives an object that names no namespace


@record(frozen=True)
class FigureRequest:
    """Everything a figure is drawn from. `inputs` are the paths as declared (a kustomization's directory, a glob),
    not their expansion; `root` is where files are named from and what a kustomization may not leave (a site's
    root, a git revision's copy), None on a command line; `roots` confine the inputs and rule files (a site's)."""

    inputs: tuple[str, ...]
    view: str = "topology"
    output_format: str = "svg"
    filters: Filters = field(default_factory=Filters, compare=False)
    namespace: str = DEFAULT_NAMESPACE
    rule_files: tuple[str, ...] = ()
    roots: tuple[Path, ...] | None = None
    root: Path | None = None
    timeout: float | None = None
    stdin_text: str | None = field(default=None, repr=False)
    direction: str = ""  # "TB": lay the view out top to bottom instead of its own direction
    excluded: tuple[Path, ...] = ()  # directories a walk leaves out besides dot and ignored ones (a site's build)

    def options_key(self) -> str:
        """The options that change the drawing, as text for a cache key."""
        return "|".join([self.view, self.output_format, self.namespace, self.filters.key(), self.direction])


# --- What a figure is drawn from, and its cache key ----------------------------------------------------------

KEY_FORMAT = "3"


@functools.cache
def code_fingerprint() -> str:
    """A hash of gen's own source: a new release of the drawing code invalidates old figures."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml")]):  # shipped rules are code too
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def request_files(request: FigureRequest) -> tuple[list[str], list[Diagnostic]]:
    """The manifest files the request's inputs stand for, named from its root, and why any input is refused
    (outside `roots`, a link that leads out, nothing there). A kustomization stands for the manifests of the bases
    and components it reaches inside the project too (after its own files): an overlay's Deployment is drawn from
    its base's file, which the source view must show. Nothing outside `roots` (else `root`) is ever listed."""
    inputs = [p for p in request.inputs if p != STDIN]
    files, problems = expand_inputs(inputs, roots=request.roots, excluded=request.excluded)
    confine = request.roots if request.roots is not None else (request.root,) if request.root is not None else None
    boundary = tuple(real_path(r) for r in confine) if confine is not None else None
    bases = kustomization_bases(inputs, boundary)
    if bases:
        # kustomize says what is wrong there
        from_bases, _ = expand_inputs([str(b) for b in bases], roots=confine, excluded=request.excluded)
        seen = {real_path(Path(f)) for f in files}
        files += [f for f in from_bases if real_path(Path(f)) not in seen]
    named = [relative_path(f, request.root) for f in files]
    problems = [replace(d, source=Source(relative_path(d.source.path, request.root))) for d in problems]
    return named, problems


def request_key(request: FigureRequest, files: Sequence[str], graphviz_version: str, purpose: str = "") -> str:
    """The one cache key of a request: gen's code, the Graphviz version, the options, and the names and bytes of
    everything the figure is drawn from — its manifest files, every other file a kustomization or chart reads
    (a generator's `.env`, a chart's `.tpl`, a base elsewhere in the project) and the project's rule files (an
    unreadable one, or one refused as outside the project, counts as empty). `purpose` keys what else is kept of
    the request (the namespaces of a split)."""
    digest = hashlib.sha256()
    for part in (KEY_FORMAT, code_fingerprint(), graphviz_version, request.options_key(), purpose):
        digest.update(part.encode("utf-8") + b"\0")

    def add(name: str, content: bytes) -> None:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(content).digest())

    base = request.root or Path()
    for name in files:
        add(name, (base / name).read_bytes())
    named = set(files)
    for path in files_read_by(Path(p) for p in request.inputs if p != STDIN):
        name = relative_path(str(path), request.root)
        if name not in named:
            named.add(name)
            with contextlib.suppress(OSError):
                add(f"read:{name}", path.read_bytes())
    for rule_file in map(Path, request.rule_files):
        readable = rule_file.is_file() and (request.roots is None or inside_roots(rule_file, request.roots))
        add(f"rules:{rule_file}", rule_file.read_bytes() if readable else b"")
    return digest.hexdigest()


def request_dependencies(request: FigureRequest) -> list[Path]:
    """Files the tools read besides the manifests (for the record of a complete build)."""
    return files_read_by(Path(p) for p in request.inputs if p != STDIN)
