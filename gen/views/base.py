"""What every view shares: its registry entry and the filters a figure may narrow it with."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..diagram import Diagram
from ..graph import Graph
from ..model import Ref
from ..records import field, record
from ..words import FALLBACK, FigureWords, language_of


@record
class Filters:
    """Optional narrowing of a view: only these namespaces, kinds, names or applications (empty means all);
    `overview`: one box per application, with its counts (a figure too wide to read, drawn as an overview whose
    details are each application's figure); and `language`: the language of the words the view draws (a site's
    `theme.language`, `gen render --lang`; gen/words.py)."""

    namespaces: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    apps: set[str] = field(default_factory=set)
    overview: bool = False
    language: str = FALLBACK

    def key(self) -> str:
        """The filters as text, for a cache key (the language too: the same figure in another language is drawn
        again)."""
        return "|".join([*(",".join(sorted(values)) for values in (self.namespaces, self.kinds, self.names,
                                                                   self.apps)), "overview" if self.overview else "",
                         language_of(self.language)])

    @property
    def words(self) -> FigureWords:
        """The words the view draws, in the figure's language."""
        return FigureWords(self.language)

    def unmatched(self, graph: Graph) -> list[str]:
        """Why a value of these filters matches nothing the inputs hold, one line each: a typo (`Servcie`) would
        otherwise draw an empty figure that nobody notices."""
        refs = list(graph.nodes)
        problems = []
        for what, values, present in (("namespace", self.namespaces, {r.namespace for r in refs if r.namespace}),
                                      ("kind", self.kinds, {r.kind for r in refs}),
                                      ("name", self.names, {r.name for r in refs}),
                                      ("application", self.apps, {n.app for n in graph.nodes.values() if n.app})):
            for value in sorted(values - present):
                known = ", ".join(sorted(present)[:8]) + (", …" if len(present) > 8 else "")
                problems.append(f"filter {what} {value!r} matches nothing in the inputs"
                                + (f" ({what}s there: {known})" if what not in ("name", "application") and known
                                   else ""))
        return problems

    def keeps(self, ref: Ref) -> bool:
        # Kinds and names are applied after selection, so that what hangs off a kept resource stays.
        return not self.namespaces or ref.namespace is None or ref.namespace in self.namespaces


ViewBuilder = Callable[[Graph, Filters], Diagram]


def located(name: str, source: object | None) -> str:
    """A box's tooltip line naming it and where it was written (`name — file:line`): the site links a box whose
    tooltip says so to those lines of its manifest (gen/site/html.py), and a reader's name stops at the dash."""
    return f"{name} — {source}" if source else name


@record(frozen=True)
class ViewSpec:
    """A view: a name, a line for `gen views`, and the module (gen/views/MODULE.py) whose VIEW_BUILDERS holds the
    function that draws the derived graph as a Diagram. That module is imported only when the view is drawn."""

    name: str
    description: str
    module: str

    @property
    def build(self) -> ViewBuilder:
        builders: dict[str, ViewBuilder] = importlib.import_module(f"{__package__}.{self.module}").VIEW_BUILDERS
        return builders[self.name]
