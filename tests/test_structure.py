"""The seams the package is built on: relations carry their own look, the renderer speaks no Kubernetes, a new
relationship is one change."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable
from pathlib import Path

import pytest

from gen.diagram import COLOURS, LINES
from gen.graph import RELATIONS, Facts, Graph, GraphEdge, PodInstance, Relation
from gen.model import Inventory, Ref
from gen.render import diagram_to_dot
from gen.rules import RULES, derive
from gen.views import build_view

RENDER = Path(__file__).resolve().parents[1] / "gen" / "render"
KUBERNETES_WORDS = re.compile(
    r"pod|secret|configmap|sidecar|namespace|replica|ingress|deployment|container|kubernetes|service", re.I)


# Words of a format's own vocabulary that contain a Kubernetes word: draw.io's style key that makes a cell hold others.
FORMAT_WORDS = re.compile(r"\bcontainer=1;")


def _code_without_comments(path: Path) -> str:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return FORMAT_WORDS.sub("", " ".join(t.string for t in tokens if t.type != tokenize.COMMENT))


@pytest.mark.parametrize("path", sorted(RENDER.glob("*.py")), ids=lambda p: p.name)
def test_the_renderer_speaks_no_kubernetes(path: Path) -> None:
    found = sorted({m.group(0).lower() for m in KUBERNETES_WORDS.finditer(_code_without_comments(path))})
    assert found == [], f"{path.name} names Kubernetes things outside comments: {found}"


def test_the_word_check_would_see_a_kubernetes_word(tmp_path: Path) -> None:
    planted = tmp_path / "x.py"
    planted.write_text('PALETTE = {"secret": 1}  # a comment about a Pod is fine\n'
                       'STYLE = "container=1;container"\n', encoding="utf-8")
    assert KUBERNETES_WORDS.findall(_code_without_comments(planted)) == ["secret", "container"]


@pytest.mark.parametrize("relation", RELATIONS, ids=str)
def test_every_relation_says_how_it_looks(relation: Relation) -> None:
    assert relation.colour in COLOURS and relation.line in LINES
    assert relation.family and relation.description


CALLS = Relation("calls", "call", "purple", "dotted", "a workload → a Service it calls, read from its env")


def derive_fixture_calls(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """A rule written for this test alone: the Pod calls the Service."""
    return Facts(edges=[GraphEdge(Ref("Pod", "default", "client"), Ref("Service", "default", "backend"), CALLS,
                                  "http")])


CLIENT_AND_BACKEND = """\
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec: {ports: [{port: 80}]}
"""


def test_a_new_relation_is_drawn_without_touching_views_or_renderer(
        inventory_of: Callable[..., Inventory]) -> None:
    graph: Graph = derive(inventory_of(CLIENT_AND_BACKEND), (*RULES, derive_fixture_calls))
    source = diagram_to_dot(build_view(graph, "topology"))
    line = next(line for line in source.splitlines() if '"Pod/default/client" -> "Service/default/backend"' in line)
    assert 'style="dotted"' in line and 'class="calls"' in line and 'label="http"' in line
    assert "#8250df" in line  # the purple family's colour


def test_a_view_chooses_relations_by_family(inventory_of: Callable[..., Inventory]) -> None:
    graph = derive(inventory_of(CLIENT_AND_BACKEND), (*RULES, derive_fixture_calls))
    # The storage view shows no "call" family, so the new edge stays out of it.
    assert not any(link.category == "calls" for link in build_view(graph, "storage").links)
