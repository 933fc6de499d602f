"""Declarative diagrams (apiVersion kubedocs.dev/v1, kind Diagram): their problems, as findings of the graph.

The checks themselves live in gen/declarative.py (shared with the `diagram` view); this rule reports them, so
that `gen check`, `gen render` and every figure in the site name the file and line of each.
"""

from __future__ import annotations

from ..graph import Facts, PodInstance
from ..model import Diagnostic, Inventory, Severity, is_declared


def check_declared_diagrams(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Every problem of every Diagram document, as an error at its file, line and column."""
    declared = [resource for resource in inventory if is_declared(resource)]
    if not declared:
        return Facts()
    from ..declarative import (  # only for inputs that hold diagrams
        CHECK,
        MAX_FIGURE_NODES,
        diagnose,
        diagram_of,
        drawn_count,
    )

    findings = [d for resource in declared for d in diagnose(resource)]
    drawn = drawn_count([len(diagram_of(resource).nodes) for resource in declared])
    if drawn < len(declared):  # the view stops at the same diagram
        findings.append(Diagnostic(declared[drawn].source, Severity.ERROR,
                                   f"Diagram {declared[drawn].name}: the diagrams of this input have more than "
                                   f"{MAX_FIGURE_NODES} nodes together: this one and the {len(declared) - drawn - 1} "
                                   "after it are not drawn (pick some with `names`)", CHECK))
    return Facts(findings=findings)
