"""The declarative diagram format (gen/declarative.py) and its rule: every problem an ERROR at file:line:column,
the valid part parsed, Diagram documents never mistaken for cluster objects, and no input that makes it raise."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from gen.cli import main
from gen.declarative import (
    API_VERSION,
    CHECK,
    MAX_DETAILS,
    MAX_FIGURE_NODES,
    MAX_ITEMS,
    MAX_ROW,
    MAX_TEXT,
    MAX_TOTAL_TEXT,
    parse_diagram,
)
from gen.diagram import COLOURS, SHAPES
from gen.loading import load
from gen.model import Diagnostic, Severity
from gen.pipeline import all_diagnostics
from gen.render import diagram_to_dot
from gen.rules import derive
from gen.views import build_view

DIAGRAMS = Path(__file__).resolve().parents[1] / "manifests" / "diagrams"

BROKEN = """\
apiVersion: kubedocs.dev/v1
kind: Diagram
metadata:
  name: broken
spec:
  nodes:
    - id: web
      label: Web
      colr: blue
    - {id: db, label: DB}
  edges:
    - {from: web, to: cache}
"""


def _diagnostics(text: str, path: str = "-") -> list[Diagnostic]:
    loaded = load([path], stdin_text=textwrap.dedent(text))
    return [d for d in all_diagnostics(loaded, derive(loaded.inventory())) if d.severity is not Severity.NOTE]


def _one(text: str, fragment: str) -> Diagnostic:
    found = [d for d in _diagnostics(text) if fragment in d.message]
    assert len(found) == 1, [str(d) for d in _diagnostics(text)]
    return found[0]


def _document(**spec: Any) -> str:
    return yaml.safe_dump({"apiVersion": API_VERSION, "kind": "Diagram", "metadata": {"name": "d"}, "spec": spec},
                          sort_keys=False)


# --- what the issue asks: an unknown key and an edge to an unknown node, at their file and line ----------------


def test_an_unknown_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    diagnostics = _diagnostics("", str(path))
    unknown = next(d for d in diagnostics if "unknown key 'colr'" in d.message)
    assert (unknown.source.path, unknown.source.line, unknown.source.column) == (str(path), 9, 7)
    assert unknown.severity is Severity.ERROR and unknown.check == CHECK
    assert "allowed: id, label, group, shape, colour" in unknown.message
    assert str(unknown).startswith(f"{path}:9:7: error: Diagram broken: spec.nodes[0]: unknown key 'colr'")


def test_an_edge_to_an_unknown_node_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    edge = next(d for d in _diagnostics("", str(path)) if "edges[0].to" in d.message)
    assert (edge.source.line, edge.source.column) == (12, 23)  # the `to:` value of the edge
    assert "spec.edges[0].to: names no node declared in this diagram" in edge.message
    assert edge.severity is Severity.ERROR


def test_gen_check_and_gen_render_fail_on_a_broken_diagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert f"{path}:12:23: error: Diagram broken: spec.edges[0].to: names no node" in capsys.readouterr().err
    assert main(["render", str(path), "--view", "diagram", "-o", str(tmp_path / "x.dot")]) == 1
    assert f"{path}:9:7: error" in capsys.readouterr().err
    assert '"broken/web"' in (tmp_path / "x.dot").read_text(encoding="utf-8")  # the valid part is still drawn


def test_every_problem_of_a_diagram_is_reported_at_its_line_and_column_never_quoting_a_value() -> None:
    text = """\
apiVersion: kubedocs.dev/v1
kind: Diagram
metadata: {name: many}
spec:
  direction: sideways-kdS3cret
  nodes:
    - {id: a, shape: hexagn-kdS3cret, label: 3}
    - {id: a}
  edges:
    - {from: a, to: nowhere-kdS3cret, arrow: maybe}
"""
    found = [(d.source.line, d.source.column, d.message.split(": ", 1)[1].split(";")[0]) for d in _diagnostics(text)]
    assert found == [
        (5, 14, "spec.direction: unknown direction"),
        (7, 22, "spec.nodes[0].shape: unknown shape"),
        (7, 46, "spec.nodes[0].label: must be a string, not a number (quote it)"),
        (8, 12, "spec.nodes[1].id: duplicate id: first declared at spec.nodes[0]"),
        (10, 21, "spec.edges[0].to: names no node declared in this diagram"),
        (10, 46, "spec.edges[0].arrow: must be true or false, not a string"),
    ]
    assert "kdS3cret" not in " ".join(str(d) for d in _diagnostics(text))


# --- every other problem ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "fragment"), [
    ({"nodes": [{"id": "a", "shape": "hexagn"}]}, f"spec.nodes[0].shape: unknown shape; allowed: {', '.join(SHAPES)}"),
    ({"nodes": [{"id": "a", "colour": "pink"}]}, f"nodes[0].colour: unknown colour; allowed: {', '.join(COLOURS)}"),
    ({"nodes": [{"id": "a", "state": "gone"}]}, "unknown state; allowed: real, derived, missing"),
    ({"nodes": [{"id": "a"}], "direction": "RL"}, "unknown direction; allowed: LR, TB, BT"),
    ({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "a", "line": "wavy"}]}, "unknown line; allowed"),
    ({"nodes": [{"id": "a"}], "groups": [{"id": "g", "style": "fancy"}]}, "unknown group style; allowed"),
    ({"nodes": [{"id": "a"}, {"id": "a"}]}, "spec.nodes[1].id: duplicate id: first declared at spec.nodes[0]"),
    ({"nodes": [{"id": "a"}], "groups": [{"id": "a"}]}, "duplicate id: first declared at spec.groups[0]"),
    ({"nodes": [{"id": "a", "group": "g"}]}, "spec.nodes[0].group: names no group declared in this diagram"),
    ({"nodes": [{"id": "a"}], "groups": [{"id": "g", "parent": "h"}]}, "spec.groups[0].parent: names no group"),
    ({"nodes": [{"id": "a"}], "groups": [{"id": "g", "parent": "h"}, {"id": "h", "parent": "g"}]},
     "groups form a cycle: spec.groups[0] → spec.groups[1] → spec.groups[0]"),
    ({"nodes": [{"id": "a"}], "groups": [{"id": "g", "parent": "g"}]}, "a cycle: spec.groups[0] → spec.groups[0]"),
    ({"nodes": [{"id": "a", "label": 3}]}, "spec.nodes[0].label: must be a string, not a number"),
    ({"nodes": [{"id": "a", "details": "x"}]}, "spec.nodes[0].details: must be a list"),
    ({"nodes": [{"id": "a", "details": [["x"]]}]}, "spec.nodes[0].details[0]: must be a string, not a list"),
    ({"nodes": [{"id": "a b"}]}, "spec.nodes[0].id: must be an id"),
    ({"nodes": [{"label": "no id"}]}, "spec.nodes[0]: `id` is required"),
    ({"nodes": ["a"]}, "spec.nodes[0]: must be a mapping"),
    ({"nodes": [{"id": "a"}], "edges": [{"to": "a"}]}, "spec.edges[0]: `from` is required"),
    ({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "a", "arrow": "no"}]}, "must be true or false"),
    ({"nodes": [{"id": "a"}], "aligned": [["a", "b"]]}, "spec.aligned[0][1]: names no node declared in this diagram"),
    ({"nodes": []}, "`nodes` is missing or empty"),
    ({"nodes": [{"id": "a"}], "layout": "LR"}, "spec: unknown key 'layout'; allowed: direction, groups, nodes"),
])
def test_each_problem_is_one_error(spec: dict[str, Any], fragment: str) -> None:
    diagnostic = _one(_document(**spec), fragment)
    assert diagnostic.severity is Severity.ERROR and diagnostic.source.line > 1


def test_document_level_problems() -> None:
    assert _one(BROKEN.replace("kubedocs.dev/v1", "kubedocs.dev/v2"), "unsupported apiVersion; this gen")
    assert _one(BROKEN.replace("kind: Diagram", "kind: Chart"), "kind: unknown kind in kubedocs.dev")
    assert _one(BROKEN.replace("  name: broken", "  name: broken\n  namespace: x"), "unknown key 'namespace'")
    assert _one(BROKEN.split("spec:")[0], "`spec` is required")
    assert _one(BROKEN + "extra: 1\n", "the document: unknown key 'extra'")


def test_aliases_are_refused_at_their_line() -> None:
    text = BROKEN.replace("    - {id: db, label: DB}", "    - {id: db, label: &n DB}\n    - {id: db2, label: *n}")
    alias = _one(text, "aliases (*name) are not allowed")
    assert alias.source.line == 11


def test_a_json_diagram_without_positions_names_the_document() -> None:
    """JSON input has no composed nodes: the problem still names the file and the document's line."""
    text = json.dumps({"apiVersion": API_VERSION, "kind": "Diagram", "metadata": {"name": "j"},
                       "spec": {"nodes": [{"id": "a", "colr": "x"}]}})
    diagnostic = _one(text, "unknown key 'colr'")
    assert diagnostic.source.path == "<stdin>" and diagnostic.source.line == 1


def test_the_valid_part_is_kept() -> None:
    body = yaml.safe_load(BROKEN)
    diagram, problems = parse_diagram(body)
    assert [n.id for n in diagram.nodes] == ["web", "db"] and diagram.edges == []
    assert len(problems) == 2


@pytest.mark.parametrize("path", sorted(DIAGRAMS.glob("*.yaml")), ids=lambda p: p.name)
def test_the_projects_diagrams_are_clean(path: Path) -> None:
    assert _diagnostics("", str(path)) == []


# --- a Diagram is a drawing, not a cluster object ----------------------------------------------------------------


def test_diagrams_are_not_graph_nodes_nor_drawn_by_kubernetes_views(root: Path) -> None:
    loaded = load([str(root / "manifests" / "sample-app"), str(DIAGRAMS)])
    graph = derive(loaded.inventory())
    assert loaded.inventory().of_kind("Diagram")
    assert not any(ref.kind == "Diagram" for ref in graph.nodes)
    assert graph.findings == []
    for view in ("topology", "network", "storage"):
        assert not any("Diagram" in box.id or box.category == "declared" for box in build_view(graph, view).boxes)


# --- never raises ----------------------------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.sampled_from(["a", "b", "g", "h", "x y", "", "LR", "BT", "blue", "hexagon", "outer", "derived",
                         "apiVersion", "kind", "spec", "nodes", "id", "from", "to", "parent", "group", "내 노드"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), WORDS, st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(WORDS, inner, max_size=4)), max_leaves=20)
KEYS = {
    "node": ["id", "label", "group", "shape", "colour", "badge", "details", "state", "colr"],
    "edge": ["from", "to", "label", "line", "colour", "arrow", "weight"],
    "group": ["id", "label", "parent", "style", "colour"],
}


def _entries(kind: str) -> st.SearchStrategy[Any]:
    return st.lists(st.one_of(st.dictionaries(st.sampled_from(KEYS[kind]), st.one_of(WORDS, VALUES), max_size=6),
                              VALUES), max_size=5)


SPECS = st.one_of(VALUES, st.fixed_dictionaries({}, optional={
    "direction": st.one_of(WORDS, VALUES), "groups": _entries("group"), "nodes": _entries("node"),
    "edges": _entries("edge"), "aligned": st.lists(st.lists(WORDS, max_size=3), max_size=3), "extra": VALUES}))
DOCUMENTS = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from([API_VERSION, "kubedocs.dev/v2"]), "kind": st.sampled_from(["Diagram", "Other"]),
     "metadata": st.one_of(st.fixed_dictionaries({"name": st.sampled_from(["d", "내-그림", "a b"])}), VALUES)},
    optional={"spec": SPECS})


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_any_document_draws_or_is_diagnosed_never_raises(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    loaded = load(["-"], stdin_text=text)
    graph = derive(loaded.inventory())
    source = diagram_to_dot(build_view(graph, "diagram"))
    assert source.startswith("digraph")
    errors = [d for d in all_diagnostics(loaded, graph) if d.severity is Severity.ERROR]
    if not errors and loaded.inventory().of_kind("Diagram"):
        diagram, _ = parse_diagram(loaded.resources[0].body)
        assert all(f'"d/{node.id}"' in source or f'/{node.id}"' in source for node in diagram.nodes)


# --- bounds: the largest diagram stays cheap, and a bound that is hit is an error at its place ------------------


def _big(name: str, nodes: int, **node: Any) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": "Diagram", "metadata": {"name": name},
            "spec": {"nodes": [{"id": f"n{i}", **node} for i in range(nodes)]}}


@pytest.mark.parametrize(("spec", "fragment"), [
    ({"nodes": [{"id": f"n{i}"} for i in range(MAX_ITEMS + 1)]}, f"has {MAX_ITEMS + 1} entries; at most {MAX_ITEMS}"),
    ({"nodes": [{"id": "a", "details": ["x"] * (MAX_DETAILS + 1)}]}, f"at most {MAX_DETAILS} are read"),
    ({"nodes": [{"id": "a", "details": ["x" * (MAX_TEXT + 1)]}]}, f"spec.nodes[0].details[0]: is {MAX_TEXT + 1} "),
    ({"nodes": [{"id": f"n{i}"} for i in range(MAX_ROW + 1)], "aligned": [[f"n{i}" for i in range(MAX_ROW + 1)]]},
     f"spec.aligned[0]: has {MAX_ROW + 1} entries; at most {MAX_ROW} are read"),
])
def test_a_bound_that_is_hit_is_an_error_at_its_place(spec: dict[str, Any], fragment: str) -> None:
    diagnostic = _one(_document(**spec), fragment)
    assert diagnostic.severity is Severity.ERROR and diagnostic.source.line > 1


def test_the_text_of_one_diagram_is_bounded_in_total() -> None:
    per_node = MAX_TOTAL_TEXT // 100
    text = yaml.safe_dump(_big("d", 150, label="L" * (per_node // 2), badge="B" * (per_node // 2)), sort_keys=False)
    diagnostic = _one(text, f"the diagram's text passes {MAX_TOTAL_TEXT:,} characters")
    assert "spec.nodes[100].label" in diagnostic.message and diagnostic.source.line > 1
    diagram, _problems = parse_diagram(yaml.safe_load(text))
    drawn = sum(len(node.label) + len(node.badge) for node in diagram.nodes if node.label != node.id)
    assert drawn <= MAX_TOTAL_TEXT and len(diagram.nodes) == 150  # every node is drawn, past the bound by its id


def test_the_diagrams_of_one_figure_are_bounded_together() -> None:
    per = MAX_FIGURE_NODES // 2
    text = "---\n".join(yaml.safe_dump(_big(f"d{i}", per), sort_keys=False) for i in range(4))
    loaded = load(["-"], stdin_text=text)
    errors = [d for d in all_diagnostics(loaded, derive(loaded.inventory())) if d.severity is Severity.ERROR]
    third = [number for number, line in enumerate(text.splitlines(), 1) if line == "---"][1] + 1
    assert [(d.source.line, d.message.split(":")[0]) for d in errors] == [(third, "Diagram d2")]
    assert f"more than {MAX_FIGURE_NODES} nodes together: this one and the 1 after it are not drawn" in str(errors[0])
    diagram = build_view(derive(loaded.inventory()), "diagram")
    assert {box.id.split("/")[0] for box in diagram.boxes} == {"d0", "d1"}
    assert "2 of 4 diagrams not drawn" in diagram.note


@pytest.mark.exe
def test_the_largest_figure_the_bounds_allow_stays_small(tmp_path: Path) -> None:
    """Two diagrams at every bound (the most one figure draws), measured as gen and dot run: about 50 MB and a
    second here. At the old bounds (500 items, 500 details a node, 300 characters, no totals) it took 2.1 GB."""
    import subprocess
    import sys

    def largest(name: str) -> dict[str, Any]:
        nodes = MAX_FIGURE_NODES // 2
        text = MAX_TOTAL_TEXT // (nodes * (2 + MAX_DETAILS))
        return {"apiVersion": API_VERSION, "kind": "Diagram", "metadata": {"name": name}, "spec": {
            "groups": [{"id": f"g{i}", **({"parent": f"g{i - 1}"} if i else {})} for i in range(MAX_ITEMS)],
            "nodes": [{"id": f"n{i}", "group": f"g{i}", "label": "L" * text, "badge": "B" * text,
                       "details": ["d" * text] * MAX_DETAILS} for i in range(nodes)],
            "edges": [{"from": f"n{i}", "to": f"n{(7 * i + 1) % nodes}"} for i in range(MAX_ITEMS)],
            "aligned": [[f"n{(i + k) % nodes}" for k in range(MAX_ROW)] for i in range(MAX_ITEMS)]}}

    path = tmp_path / "largest.yaml"
    path.write_text("".join(f"---\n{json.dumps(largest(f'd{i}'))}\n" for i in range(2)))
    probe = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
             "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    measured = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "gen.cli", "render", str(path),
                               "--view", "diagram", "-o", str(tmp_path / "largest.svg")],
                              capture_output=True, text=True, timeout=300)
    code, peak_kib = map(int, measured.stdout.split())
    assert code == 0, measured.stderr  # within every bound: no problem
    assert peak_kib < 250 * 1024, f"{peak_kib // 1024} MB"
