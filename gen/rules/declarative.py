"""Declarative diagrams (apiVersion kubedocs.dev/v1, kind Diagram): their problems, as findings of the graph.

The checks themselves live in gen/declarative.py (shared with the `diagram` view); this rule reports them, so
that `gen check`, `gen render` and every figure in the site name the file and line of each.
"""

from __future__ import annotations

from ..graph import Facts, PodInstance
from ..model import Inventory, is_declared


def check_declared_diagrams(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Every problem of every Diagram document, as an error at its file, line and column."""
    declared = [resource for resource in inventory if is_declared(resource)]
    if not declared:
        return Facts()
    from ..declarative import diagnose  # only for inputs that hold diagrams: most hold none

    return Facts(findings=[d for resource in declared for d in diagnose(resource)])
