"""Declarative diagrams (apiVersion kubedocs.dev/v1, kind Diagram): their problems, as findings of the graph.

The checks themselves live in gen/declarative.py (shared with the `diagram` view); this rule reports them, so
that `gen check`, `gen render` and every figure in the site name the file and line of each.
"""

from __future__ import annotations

from ..declarative import diagnose, is_declared
from ..graph import Facts, PodInstance
from ..model import Inventory


def check_declared_diagrams(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Every problem of every Diagram document, as an error at its file, line and column."""
    return Facts(findings=[d for resource in inventory if is_declared(resource) for d in diagnose(resource)])
