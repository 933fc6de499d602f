"""What every view shares: its registry entry and the filters a figure may narrow it with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..diagram import Diagram
from ..graph import Graph
from ..model import Ref


@dataclass
class Filters:
    """Optional narrowing of a view: only these namespaces, kinds or names (empty means all)."""

    namespaces: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def keeps(self, ref: Ref) -> bool:
        # Kinds and names are applied after selection, so that what hangs off a kept resource stays.
        return not self.namespaces or ref.namespace is None or ref.namespace in self.namespaces


@dataclass(frozen=True)
class ViewSpec:
    """A view: a name, a line for `gen views`, and the function that draws the derived graph as a Diagram."""

    name: str
    description: str
    build: Callable[[Graph, Filters], Diagram]
