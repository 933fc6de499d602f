"""The one road: a FigureRequest → load → derive → view → render. The site (figures, `split`), the isolation of
what dot rejects, `gen render`, `gen check` and `gen diff` all go through here, so that a figure is drawn from the
same inputs, rule files and options wherever it is drawn, and cached under one key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .diagram import Diagram
from .graph import Graph
from .isolate import draw_without_culprits
from .loading import LoadResult, load
from .model import Diagnostic, Inventory, Resource, Severity, Source, is_declared
from .records import field, record
from .render import DotFailed, render_diagram
from .request import FigureRequest
from .rules import derive
from .rules.custom import RuleBook, read_rule_files
from .views import Filters, build_view

if TYPE_CHECKING:
    from .diff import GraphDiff


@record
class Analysis:
    """The inputs loaded and derived, with the rules that derived them (a redraw of a part uses the same)."""

    loaded: LoadResult
    graph: Graph
    rule_book: RuleBook


@record
class Figure:
    output: bytes
    load: LoadResult
    graph: Graph
    diagnostics: list[Diagnostic] = field(default_factory=list)
    diagram: Diagram | None = None  # the diagram drawn (without what dot rejected): the words around it


def all_diagnostics(loaded: LoadResult, graph: Graph, *more: Diagnostic) -> list[Diagnostic]:
    """Load problems, findings and any others, each once, in file and line order."""
    return sorted({*loaded.diagnostics, *graph.findings, *more})


def analyse_request(request: FigureRequest) -> Analysis:
    """Load and derive; the project's rule files are read besides the shipped ones (their problems are errors of
    the graph)."""
    loaded = load(request.inputs, default_namespace=request.namespace, stdin_text=request.stdin_text,
                  relative_to=request.root, excluded=request.excluded)
    inventory = loaded.inventory()
    book = read_rule_files(request.rule_files, inventory.kinds(), roots=request.roots, relative_to=request.root)
    return Analysis(loaded, derive(inventory, rule_book=book), book)


def render(request: FigureRequest, analysis: Analysis | None = None) -> Figure:
    """Draw what can be drawn; every problem met on the way is in `diagnostics`, sorted. Several figures of one
    input (a split's details) pass the analysis they share. Raises RenderError when nothing can be drawn."""
    analysis = analysis or analyse_request(request)
    loaded, graph = analysis.loaded, analysis.graph
    diagram = _directed(build_view(graph, request.view, request.filters), request)
    rejected: list[Diagnostic] = []
    try:
        output = render_diagram(diagram, request.output_format, request.timeout)
    except DotFailed as exc:
        if not loaded.resources:
            raise
        drawn: list[Diagram] = []

        def draw(subset: list[Resource]) -> bytes:  # the same rules, view and options, on fewer resources
            part = derive(Inventory(subset), rule_book=analysis.rule_book)
            drawn.append(_directed(build_view(part, request.view, request.filters), request))
            return render_diagram(drawn[-1], request.output_format, request.timeout)

        output, rejected = draw_without_culprits(list(loaded.inventory()), draw, exc)
        diagram = drawn[-1]  # the last drawn is what is kept
    # The filters come from a command line or a figure's declaration (whose page and line the site adds), not
    # from a manifest: the message is placed on them.
    warnings = [Diagnostic(Source("filters"), Severity.WARNING, problem, "unmatched-filter")
                for problem in request.filters.unmatched(graph)]
    if not diagram.boxes and request.view != "diagram" and any(is_declared(r) for r in loaded.resources):
        warnings.append(Diagnostic(Source("inputs"), Severity.WARNING, f"nothing for the {request.view} view: the "
                                   "inputs hold declarative diagrams (kind: Diagram), drawn by the diagram view",
                                   "declared-diagrams-only"))
    if request.output_format == "mmd":
        warnings.extend(_mermaid_size(output, diagram))
    if not loaded.resources and not loaded.diagnostics:  # empty standard input, empty files: say so
        warnings.append(Diagnostic(Source("inputs"), Severity.WARNING,
                                   "nothing to draw: the inputs hold no Kubernetes object", "empty-input"))
    return Figure(output, loaded, graph, all_diagnostics(loaded, graph, *rejected, *warnings), diagram)


def _mermaid_size(output: bytes, diagram: Diagram) -> list[Diagnostic]:
    """A Mermaid text longer than Mermaid renders by default: said, with the figure drawn as it is."""
    from .render.mermaid import MAX_TEXT_SIZE, text_size

    size = text_size(output.decode("utf-8"))
    if size <= MAX_TEXT_SIZE:
        return []
    level = f", already aggregated to {diagram.level}" if diagram.level != "none" else ""
    return [Diagnostic(Source("figure"), Severity.WARNING,
                       f"the Mermaid text is {size:,} characters{level}, more than Mermaid's default maxTextSize "
                       f"({MAX_TEXT_SIZE:,}): a site must raise maxTextSize to render it, or narrow the figure "
                       "(--only-namespace, --kind, --name, --app)", "mermaid-text-size")]


def _directed(diagram: Diagram, request: FigureRequest) -> Diagram:
    if request.direction in ("LR", "TB", "BT") and diagram.direction == "LR":
        diagram.direction = request.direction  # type: ignore[assignment]  # checked just above
    return diagram


# --- Shorthands for callers that draw one figure of paths (tests, scripts) ---------------------------------------


def analyse(inputs: Sequence[str], namespace: str = "default", stdin_text: str | None = None,
            relative_to: Path | None = None, rule_files: Sequence[str] = (),
            roots: Sequence[Path] | None = None, excluded: Sequence[Path] = ()) -> tuple[LoadResult, Graph]:
    """Load and derive `inputs` (see analyse_request)."""
    analysis = analyse_request(FigureRequest(tuple(inputs), namespace=namespace, stdin_text=stdin_text,
                                             root=relative_to, rule_files=tuple(rule_files),
                                             roots=None if roots is None else tuple(roots), excluded=tuple(excluded)))
    return analysis.loaded, analysis.graph


def render_figure(inputs: Sequence[str], view: str = "topology", output_format: str = "svg",
                  filters: Filters | None = None, namespace: str = "default", stdin_text: str | None = None,
                  relative_to: Path | None = None, timeout: float | None = None, rule_files: Sequence[str] = (),
                  roots: Sequence[Path] | None = None) -> Figure:
    """Draw `inputs` (see render)."""
    return render(FigureRequest(tuple(inputs), view, output_format, filters or Filters(), namespace,
                                tuple(rule_files), None if roots is None else tuple(roots), relative_to, timeout,
                                stdin_text))


# --- Two revisions compared (`gen diff`) -------------------------------------------------------------------------


@record
class Comparison:
    """What `gen diff` says: the changes, the problems met reading either side (each once), how many were errors,
    and the new revision's view with every change marked (when asked for)."""

    changes: GraphDiff
    problems: list[Diagnostic]
    errors: int
    diagram: Diagram | None = None

    @property
    def unseen(self) -> bool:
        """There are changes, and the drawn view shows none of them."""
        return self.diagram is not None and not self.changes.empty and not any(
            b.change for b in self.diagram.boxes) and not any(link.change for link in self.diagram.links)


def compare(old: FigureRequest, new: FigureRequest, draw: bool = False) -> Comparison:
    """Load and derive both revisions as their figures would be, and compare them by identity. What could not be
    read, and duplicate keys (the data is not what it seems), are the problems: the diff is of the rest; other
    findings are `gen check`'s."""
    from .diff import Revision, diff_diagram, diff_graphs

    sides = [analyse_request(old), analyse_request(new)]
    problems: list[Diagnostic] = []
    errors = 0
    for side in sides:
        for diagnostic in all_diagnostics(side.loaded, side.graph):
            if diagnostic.severity is Severity.ERROR:
                errors += 1
            if (diagnostic.severity is Severity.ERROR or diagnostic.check == "duplicate-key") and (
                    diagnostic not in problems):
                problems.append(diagnostic)
    changes = diff_graphs(sides[0].graph, sides[1].graph)
    diagram = None
    if draw:
        old_view, new_view = (Revision(side.graph, build_view(side.graph, request.view, request.filters))
                              for side, request in zip(sides, (old, new), strict=True))
        diagram = diff_diagram(old_view, new_view, changes)
    return Comparison(changes, problems, errors, diagram)
