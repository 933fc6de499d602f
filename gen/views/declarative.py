"""The `diagram` view: diagrams written as data (apiVersion kubedocs.dev/v1, kind Diagram; see gen/declarative.py)
for what no manifest can express, mapped one to one onto the neutral Diagram.

Several Diagram documents in one figure are drawn side by side; each id is prefixed with its diagram's name, so
ids never collide and every SVG <title> says which diagram a box comes from. The `names` filter picks diagrams by
`metadata.name`. Problems are reported by the rule in gen/rules/declarative.py; this view draws the valid part.
"""

from __future__ import annotations

from ..declarative import MAX_FIGURE_NODES, DeclaredDiagram, diagram_of, drawn_count
from ..diagram import Box, Diagram, Group, Link
from ..graph import Graph
from ..model import Source, is_declared
from .base import Filters, ViewBuilder, located

CATEGORY = "declared"  # the SVG class of every box, link and group drawn from a Diagram document


def build_declared(graph: Graph, filters: Filters) -> Diagram:
    resources = [r for r in graph.inventory if is_declared(r) and (not filters.names or r.name in filters.names)]
    declared = [diagram_of(r) for r in resources]
    diagram = Diagram(empty_message="no Diagram documents (apiVersion: kubedocs.dev/v1, kind: Diagram) "
                                    "in this figure's input")
    drawn = drawn_count([len(one.nodes) for one in declared])
    if drawn < len(declared):  # a bound on the figure, besides each diagram's own (gen/rules/declarative.py)
        diagram.note = (f"{len(declared) - drawn} of {len(declared)} diagrams not drawn: more than "
                        f"{MAX_FIGURE_NODES} nodes together (pick some with `names`)")
        declared = declared[:drawn]
    if declared:
        diagram.direction = declared[0].direction
    for one, resource in zip(declared, resources, strict=False):
        _add(diagram, one, resource.source)
    return diagram


def _add(diagram: Diagram, declared: DeclaredDiagram, source: Source) -> None:
    def scoped(identifier: str) -> str:
        return f"{declared.name}/{identifier}"

    diagram.groups.extend(
        Group(scoped(g.id), g.label, scoped(g.parent) if g.parent else None, g.style, CATEGORY)
        for g in declared.groups)
    diagram.boxes.extend(
        Box(scoped(n.id), n.label, badge=n.badge, shape=n.shape, colour=n.colour, state=n.state, details=n.details,
            group=scoped(n.group) if n.group else None, tooltip=located(n.label, source), category=CATEGORY)
        for n in declared.nodes)
    diagram.links.extend(
        Link(scoped(e.source), scoped(e.target), e.label, e.colour, e.line, category=CATEGORY, arrow=e.arrow)
        for e in declared.edges)
    diagram.aligned.extend(tuple(scoped(i) for i in row) for row in declared.aligned)


VIEW_BUILDERS: dict[str, ViewBuilder] = {"diagram": build_declared}
