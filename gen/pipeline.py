"""The whole pipeline in one call: inputs → load → derive → view → render. Used by the CLI and the plugin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .graph import Graph
from .isolate import draw_without_culprits
from .loading import LoadResult, load
from .model import Diagnostic, Severity, Source, is_declared
from .records import field, record
from .render import RenderError, RenderTimeout, render_diagram
from .rules import derive
from .rules.custom import read_rule_files
from .views import Filters, build_view


@record
class Figure:
    output: bytes
    load: LoadResult
    graph: Graph
    diagnostics: list[Diagnostic] = field(default_factory=list)


def all_diagnostics(loaded: LoadResult, graph: Graph, *more: Diagnostic) -> list[Diagnostic]:
    """Load problems, findings and any others, each once, in file and line order."""
    return sorted({*loaded.diagnostics, *graph.findings, *more})


def analyse(inputs: Sequence[str], namespace: str = "default", stdin_text: str | None = None,
            relative_to: Path | None = None, rule_files: Sequence[str] = (),
            rule_roots: Sequence[Path] | None = None) -> tuple[LoadResult, Graph]:
    """Load and derive; `rule_files` are a project's own relationship rules for custom kinds, besides the
    shipped ones (their problems are errors of the graph); with `rule_roots` (a site's) they must lie inside."""
    loaded = load(inputs, default_namespace=namespace, stdin_text=stdin_text, relative_to=relative_to)
    inventory = loaded.inventory()
    book = read_rule_files(rule_files, inventory.kinds(), rule_roots, relative_to)
    return loaded, derive(inventory, rule_book=book)


def render_figure(
    inputs: Sequence[str],
    view: str = "topology",
    output_format: str = "svg",
    filters: Filters | None = None,
    namespace: str = "default",
    stdin_text: str | None = None,
    relative_to: Path | None = None,
    timeout: float | None = None,
    rule_files: Sequence[str] = (),
    rule_roots: Sequence[Path] | None = None,
) -> Figure:
    """Render what can be drawn; every problem met on the way is in `diagnostics`, sorted."""
    loaded, graph = analyse(inputs, namespace, stdin_text, relative_to, rule_files, rule_roots)
    return render_analysed(loaded, graph, view, output_format, filters, timeout)


def render_analysed(loaded: LoadResult, graph: Graph, view: str = "topology", output_format: str = "svg",
                    filters: Filters | None = None, timeout: float | None = None) -> Figure:
    """One figure of inputs already loaded and derived: several figures of one input share that work."""
    diagram = build_view(graph, view, filters)
    rejected: list[Diagnostic] = []
    try:
        output = render_diagram(diagram, output_format, timeout)
    except RenderTimeout:
        raise
    except RenderError as exc:
        if not str(exc).startswith("Graphviz dot failed") or not loaded.resources:
            raise  # dot is missing or the figure is too large: no one input is to blame
        output, rejected = draw_without_culprits(list(loaded.inventory()),
                                                view, output_format, filters, timeout, exc)
    # The filters come from a command line or a figure's declaration (whose page and line the site adds), not
    # from a manifest: the message is placed on them.
    warnings = [Diagnostic(Source("filters"), Severity.WARNING, problem, "unmatched-filter")
                 for problem in (filters or Filters()).unmatched(graph)]
    if not diagram.boxes and view != "diagram" and any(is_declared(r) for r in loaded.resources):
        warnings.append(Diagnostic(Source("inputs"), Severity.WARNING, f"nothing for the {view} view: the inputs "
                                   "hold declarative diagrams (kind: Diagram), drawn by the diagram view",
                                   "declared-diagrams-only"))
    if not loaded.resources and not loaded.diagnostics:  # empty standard input, empty files: say so
        warnings.append(Diagnostic(Source("inputs"), Severity.WARNING,
                                    "nothing to draw: the inputs hold no Kubernetes object", "empty-input"))
    diagnostics = all_diagnostics(loaded, graph, *rejected, *warnings)
    return Figure(output, loaded, graph, diagnostics)
