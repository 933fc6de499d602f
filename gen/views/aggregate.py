"""Aggregation: a selection view over its box budget draws fewer, larger things instead of thousands of boxes.

A figure is read at page width (about 800 px); past `NODE_BUDGET` boxes no layout keeps its labels readable, and
one dot run over thousands of nodes takes minutes. So a view that would draw more aggregates, one level at a time,
until it fits (or nothing coarser is left):

1. `pods`: the Pods of each controller become one `Pod ×N` box (every replica, not just more than three);
2. `apps`: each application (namespace + app label) becomes one box with its counts by kind, and resources of no
   application one box per namespace and kind; links between those boxes stay, one per relationship;
3. `namespaces`: each namespace becomes one box with its counts, the links between namespaces (traffic that
   crosses them) stay.

Aggregates that no link ties are laid out as a grid of at most `GRID_COLUMNS` columns (top to bottom, then the next
column), not as one column as tall as the figure is wide many times over.

Detail figures are the same view narrowed to one namespace (`--only-namespace`, or `split: namespace` in a page).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from ..diagram import Box, Colour, Link
from ..graph import GraphEdge, GraphNode, NodeState, Relation
from ..model import Ref
from ..records import record, replace

NODE_BUDGET = 150  # boxes one figure may hold before it aggregates
GRID_COLUMNS = 4  # unlinked aggregate boxes stand in at most this many columns: about 650 pt wide
MAX_COUNT_LINES = 4  # counts by kind under an aggregate's name; the rest are summed up

Level = Literal["none", "pods", "apps", "namespaces"]
CLUSTER_SCOPED = "(cluster)"  # the bucket of cluster-scoped resources at the namespace level


def collapse_replicas(nodes: dict[Ref, GraphNode], edges: list[GraphEdge]
                      ) -> tuple[dict[Ref, GraphNode], list[GraphEdge]]:
    """Level 1: the Pods one controller owns become one `Pod ×N` node; their own volumes one node per volume."""
    owned: dict[Ref, list[Ref]] = {}
    for edge in edges:
        if edge.relation is Relation.OWNS and edge.target.kind == "Pod" and edge.target in nodes:
            owned.setdefault(edge.source, []).append(edge.target)
    renamed: dict[Ref, Ref] = {}
    merged: dict[Ref, GraphNode] = {}
    for parent, pods in owned.items():
        if len(pods) < 2:
            continue
        first = nodes[pods[0]]
        ref = collapsed_pods(parent, first.ref)
        count = sum(nodes[p].count for p in pods)
        state = NodeState.DERIVED if any(nodes[p].state is NodeState.DERIVED for p in pods) else NodeState.REAL
        merged[ref] = replace(first, ref=ref, state=state, count=count, details=())
        renamed.update((pod, ref) for pod in pods)
    if not renamed:
        return nodes, edges
    for ref, node in nodes.items():  # a replica's own volume (emptyDir) is one volume of the merged Pod
        if node.owner in renamed:
            volume = ref.name.split("/", 1)[-1]
            owner = renamed[node.owner]
            renamed[ref] = Ref(ref.kind, ref.namespace, f"{owner.name}/{volume}", ref.group)
            merged.setdefault(renamed[ref], replace(node, ref=renamed[ref], owner=owner))
    kept = {ref: node for ref, node in nodes.items() if ref not in renamed}
    kept.update(merged)
    return kept, _merge_edges(GraphEdge(renamed.get(e.source, e.source), renamed.get(e.target, e.target),
                                        e.relation, e.label, e.source_part, e.target_part) for e in edges)


def collapsed_pods(parent: Ref, pod: Ref) -> Ref:
    """The one node that stands for the Pods `parent` owns (`pod` one of them): named after the parent, made by what
    makes its Pods (a Deployment's and a StatefulSet's Pods `web` stay two boxes)."""
    return Ref("Pod", parent.namespace, parent.name, parent.group, pod.made_by)


def _merge_edges(edges: Iterable[GraphEdge]) -> list[GraphEdge]:
    seen: dict[tuple[Ref, Ref, str, str | None, str | None], GraphEdge] = {}
    for edge in edges:
        seen.setdefault((edge.source, edge.target, edge.relation.name, edge.source_part, edge.target_part), edge)
    return list(seen.values())


@record
class Bucket:
    """An aggregate box: what it stands for and the kinds it counts."""

    ref: Ref
    title: str
    badge: str
    kinds: Counter[str]
    states: set[NodeState]
    namespace: str | None
    apps: set[str]


def application_key(node: GraphNode, app: str | None) -> Ref:
    """The aggregate a node joins at the `apps` level: its application, else its namespace's bucket of its kind."""
    ref = node.ref
    if app and ref.namespace is not None:
        return Ref("App", ref.namespace, app)
    return Ref(ref.kind, ref.namespace, "*", ref.group)


def namespace_key(node: GraphNode) -> Ref:
    return Ref("Namespace", None, node.ref.namespace if node.ref.namespace is not None else CLUSTER_SCOPED)


def aggregate(nodes: dict[Ref, GraphNode], edges: list[GraphEdge], key_of: dict[Ref, Ref], level: Level
              ) -> tuple[list[Bucket], list[GraphEdge]]:
    """The buckets the nodes fall into (`key_of` names each node's) and one edge per relationship between two."""
    buckets: dict[Ref, Bucket] = {}
    for ref, node in nodes.items():
        key = key_of[ref]
        bucket = buckets.get(key)
        if bucket is None:
            title, badge = key.name, key.kind.lower() if key.kind != "Namespace" else "ns"
            if level == "apps" and key.name == "*":
                title, badge = f"{ref.kind} ×", kind_short(ref.kind)
            bucket = buckets[key] = Bucket(key, title, badge, Counter(), set(), ref.namespace, set())
        # Derived ReplicaSets go without saying beside their Deployments, but a bucket of one kind counts them all.
        if node.state is not NodeState.DERIVED or ref.kind == "Pod" or key.name == "*":
            bucket.kinds["Pod" if ref.kind == "Pod" else ref.kind] += node.count
        bucket.states.add(node.state)
        if key.kind == "App":
            bucket.apps.add(key.name)
        elif node.app:
            bucket.apps.add(node.app)
    links: dict[tuple[Ref, Ref, str], GraphEdge] = {}
    crossing: Counter[tuple[Ref, Ref, str]] = Counter()
    for edge in edges:
        source, target = key_of[edge.source], key_of[edge.target]
        if source == target:
            continue  # inside one aggregate: its counts say it
        pair = (source, target, edge.relation.name)
        crossing[pair] += 1
        links.setdefault(pair, GraphEdge(source, target, edge.relation))
    merged = [replace(link, label=f"×{crossing[key]}" if crossing[key] > 1 else "") for key, link in links.items()]
    return sorted(buckets.values(), key=lambda b: b.ref), merged


def kind_short(kind: str) -> str:
    from .kinds import kind_style

    return kind_style(kind).short


def bucket_box(bucket: Bucket, box_id: str, group: str | None) -> Box:
    """An aggregate as a box: its name, its counts by kind (Pods counted one by one) and how many applications."""
    ordered = sorted(bucket.kinds.items(), key=lambda item: (-item[1], item[0]))
    counts = [f"{n} {kind}" for kind, n in ordered]
    if len(counts) > MAX_COUNT_LINES:
        rest = sum(n for _kind, n in ordered[MAX_COUNT_LINES - 1:])
        counts = [*counts[:MAX_COUNT_LINES - 1], f"+{rest} more"]
    if bucket.ref.name == "*":  # one kind of no application: "ConfigMap ×14"
        total = sum(bucket.kinds.values())
        return Box(box_id, f"{next(iter(bucket.kinds), bucket.ref.kind)} ×{total}", bucket.badge, "rounded", "neutral",
                   _state(bucket), (), group=group, tooltip=f"{total} resources of no application",
                   category="aggregate")
    details = tuple(counts)
    if bucket.ref.kind == "Namespace" and bucket.apps:
        details = (f"{len(bucket.apps)} apps", *details)
    colour: Colour = "grey" if bucket.ref.kind == "Namespace" else "green"
    return Box(box_id, bucket.title, bucket.badge, "tab" if bucket.ref.kind == "Namespace" else "rounded", colour,
               _state(bucket), details, group=group, tooltip=f"{bucket.ref.id}: {', '.join(counts)}",
               category="aggregate")


def _state(bucket: Bucket) -> Literal["real", "derived", "missing"]:
    if NodeState.REAL in bucket.states:
        return "real"
    return "derived" if NodeState.DERIVED in bucket.states else "missing"


def aggregate_link(edge: GraphEdge, ids: dict[Ref, str]) -> Link:
    relation = edge.relation
    return Link(ids[edge.source], ids[edge.target], edge.label, relation.colour, relation.line,
                category=relation.category, relation=relation.name, family=relation.family)


def grid(box_ids: list[str], links: list[Link]) -> tuple[list[tuple[str, ...]], list[Link]]:
    """Boxes no link touches, in columns (each in order, top to bottom) that follow one another left to right."""
    linked = {end for link in links for end in (link.source, link.target)}
    loose = [box for box in box_ids if box not in linked]
    if len(loose) < 2:
        return [], []
    rows = max(math.ceil(math.sqrt(len(loose))), math.ceil(len(loose) / GRID_COLUMNS))
    columns = [tuple(loose[i:i + rows]) for i in range(0, len(loose), rows)]
    placing = [Link(a[0], b[0], line="invisible", category="layout") for a, b in itertools.pairwise(columns)]
    return columns, placing
