"""The whole pipeline in one call: inputs → load → derive → view → render. Used by the CLI and the plugin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .graph import Graph
from .loading import LoadResult, load
from .model import Diagnostic
from .render import render_diagram
from .rules import derive
from .views import Filters, build_view


@dataclass
class Figure:
    output: bytes
    load: LoadResult
    graph: Graph
    diagnostics: list[Diagnostic] = field(default_factory=list)


def all_diagnostics(loaded: LoadResult, graph: Graph, *more: Diagnostic) -> list[Diagnostic]:
    """Load problems, findings and any others, each once, in file and line order."""
    return sorted({*loaded.diagnostics, *graph.findings, *more})


def analyse(inputs: Sequence[str], namespace: str = "default", stdin_text: str | None = None,
            relative_to: Path | None = None) -> tuple[LoadResult, Graph]:
    loaded = load(inputs, default_namespace=namespace, stdin_text=stdin_text, relative_to=relative_to)
    return loaded, derive(loaded.inventory())


def render_figure(
    inputs: Sequence[str],
    view: str = "topology",
    output_format: str = "svg",
    filters: Filters | None = None,
    namespace: str = "default",
    stdin_text: str | None = None,
    relative_to: Path | None = None,
) -> Figure:
    """Render what can be drawn; every problem met on the way is in `diagnostics`, sorted."""
    loaded, graph = analyse(inputs, namespace, stdin_text, relative_to)
    return render_analysed(loaded, graph, view, output_format, filters)


def render_analysed(loaded: LoadResult, graph: Graph, view: str = "topology", output_format: str = "svg",
                    filters: Filters | None = None) -> Figure:
    """One figure of inputs already loaded and derived: several figures of one input share that work."""
    diagram = build_view(graph, view, filters)
    output = render_diagram(diagram, output_format)
    diagnostics = all_diagnostics(loaded, graph)
    return Figure(output, loaded, graph, diagnostics)
