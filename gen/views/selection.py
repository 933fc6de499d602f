"""Selection views: topology, network and storage each keep some kinds and some relationship families of the one
derived graph, and draw them in traffic order, grouped by namespace and application.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from ..diagram import Box, Diagram, Group, Link, Row, State
from ..graph import Graph, GraphEdge, GraphNode, NodeState, PodInstance, Relation, RelationFamily
from ..kinds import Category
from ..kube import CONTROLLER_KINDS, containers, pod_spec_of, replica_count, workload_spec
from ..model import Ref, as_list, as_mapping, is_declared, string_map
from ..records import record, replace
from ..relations import link_classes
from ..words import FigureWords
from .aggregate import (
    NODE_BUDGET,
    Level,
    aggregate,
    aggregate_link,
    application_key,
    bucket_box,
    collapse_replicas,
    grid,
    namespace_key,
)
from .base import Filters, ViewBuilder
from .kinds import NOT_DRAWN, category_of, kind_style


@record(frozen=True)
class Selection:
    # The kinds of these categories (gen/kinds.py; a new kind joins the views of its category); None: every kind.
    categories: frozenset[Category] | None
    families: frozenset[RelationFamily] | None  # None: every relationship
    needs: str | None = None  # a kind without which the view has nothing to say (then it draws its empty message)
    # Pods and every kind that runs them (graph.workload_kinds: the controllers, and a custom kind a rule gives a
    # Pod template), by what it does rather than by name: a view that draws Pods draws what makes them.
    workloads: bool = False
    kinds: frozenset[str] = frozenset()  # kinds a view about them names besides (the policy view's NetworkPolicy)


TOPOLOGY = Selection(None, None)
NETWORK = Selection(frozenset({"network"}), frozenset({"traffic", "ownership", "reference", "call"}), workloads=True)
STORAGE = Selection(frozenset({"config", "storage"}), frozenset({"ownership", "storage", "configuration", "reference"}),
                    workloads=True)
# NetworkPolicies: the Pods each applies to and the traffic it allows (Pods, namespaces, address blocks).
POLICY = Selection(frozenset(), frozenset({"policy"}), needs="NetworkPolicy",
                   kinds=frozenset({"NetworkPolicy", "Pod", "External"}))


def build_selection(selection: Selection, view: str, graph: Graph, filters: Filters) -> Diagram:
    if selection.needs is not None and not any(ref.kind == selection.needs for ref in graph.nodes):
        # Pods alone would look like a figure of policies that allow nothing
        return Diagram(empty_message=f"no {selection.needs} in the inputs: nothing for the {view} view to show")
    nodes = {ref: node for ref, node in graph.nodes.items()
             if _selected(node, selection, filters, graph.workload_kinds)}
    edges = [e for e in graph.edges
             if _shows(selection, e.relation) and e.source in nodes and e.target in nodes]
    # A node whose every relationship leads outside the view (the TLS Secret of an Ingress in the storage view)
    # belongs to another view; a node with no relationship at all (an unused ConfigMap) is still shown.
    related = {ref for e in graph.edges for ref in (e.source, e.target)}
    related_here = {ref for e in edges for ref in (e.source, e.target)}
    nodes = {ref: node for ref, node in nodes.items() if ref in related_here or ref not in related}
    if filters.kinds or filters.names:
        nodes, edges = _narrow(nodes, edges, filters)
    apps = _apps(nodes, edges)
    if filters.apps:
        nodes, edges = _of_apps(nodes, edges, apps, filters.apps)
        apps = _apps(nodes, edges)
    total = len(nodes)
    if filters.overview and len(set(apps.values())) > 1:
        return _aggregated(view, nodes, edges, apps, total, filters.words, overview=True)
    if total > NODE_BUDGET:
        nodes, edges = collapse_replicas(nodes, edges)
        apps = _apps(nodes, edges)
        if len(nodes) > NODE_BUDGET:
            return _aggregated(view, nodes, edges, apps, total, filters.words)
    diagram = Diagram(empty_message=_nothing_to_draw(graph, view))
    if len(nodes) < total:
        diagram.level = "pods"
        diagram.note = filters.words("note.pods", total=total, budget=NODE_BUDGET)
    groups = _groups(nodes.values(), apps)
    ids = node_ids(nodes)
    pods = {pod.ref: pod for pod in graph.pods}
    boxes = {ref: _box(node, apps.get(ref), ids[ref], key_facts(graph, ref, pods.get(ref)))
             for ref, node in nodes.items()}
    links = [_link(e, nodes, ids) for e in edges]
    replica_groups, links = _replica_groups(nodes, edges, boxes, links, ids)
    diagram.groups = sorted(groups + replica_groups, key=lambda g: g.id)
    diagram.boxes = sorted(boxes.values(), key=lambda b: (b.group or "", b.rank or 0, b.id))
    diagram.links = sorted(links, key=lambda link: (link.source, link.target, link.source_row or "", link.label))
    # Replicas of one template stand in one column: with only some of them linked (the ReplicaSet's link drawn to
    # one, the Services' entering the group's border) dot would spread them along the flow and stretch the group.
    # Not when replicas link to each other (argo-cd's HA proxies): dot 2.43 fails on links within one rank there.
    replica_group_ids = {group.id for group in replica_groups}
    members: dict[str, list[str]] = {}
    for box in diagram.boxes:
        if box.group in replica_group_ids:
            members.setdefault(box.group, []).append(box.id)
    group_of = {box_id: group for group, box_ids in members.items() for box_id in box_ids}
    linked = {group_of[link.source] for link in diagram.links
              if link.source in group_of and group_of[link.source] == group_of.get(link.target)}
    diagram.aligned.extend(tuple(ids_) for group, ids_ in sorted(members.items()) if group not in linked)
    _place_side_references(diagram)
    if filters.apps:
        _list_called_services(diagram, {ids[ref] for ref in nodes if apps.get(ref) in filters.apps},
                              {ids[ref]: ref.kind for ref in nodes})
    if view == "network":
        _add_outside_paths(diagram, graph, nodes, ids, filters.words)
    return diagram


# A figure of one application draws the other applications' Services it calls; past this many they are one list,
# a row each, so that a frontend calling seven back ends is not seven frames side by side (1,229 pt wide).
CALLED_LIST_FROM = 4


def _list_called_services(diagram: Diagram, members: set[str], kinds: Mapping[str, str]) -> None:
    """In a figure of one application, the boxes outside it that only its calls reach (the Services of the other
    applications it calls) become one box with a row per Service (its name and port), each call drawn to its row,
    unlabelled; the box's tooltip says which variable names each. The list stands in the namespace frame."""
    call = Relation.CALLS.category
    touching: dict[str, list[Link]] = {}
    for link in diagram.links:
        for end in {link.source, link.target}:
            touching.setdefault(end, []).append(link)
    called = sorted(box.id for box in diagram.boxes
                    if box.id not in members and box.id in touching and not box.rows
                    and all(link.category == call and link.target == box.id and link.source in members
                            and not link.source_group and not link.target_group for link in touching[box.id]))
    if len(called) < CALLED_LIST_FROM:
        return
    boxes = {box.id: box for box in diagram.boxes}
    first = boxes[called[0]]
    list_id = f"{first.id}+called"

    def said(box_id: str) -> list[str]:
        return sorted({" ".join(link.label.split()) for link in touching[box_id] if link.label})

    def row_text(box_id: str) -> str:
        ports = sorted({word for label in said(box_id) for word in label.split() if word[:1] == ":"})
        return " ".join([boxes[box_id].title, *ports])

    rows = tuple(Row(box_id, row_text(box_id)) for box_id in called)
    tooltip = "\n".join(" ← ".join([boxes[box_id].tooltip.split("\n")[0], *said(box_id)[:1]]) for box_id in called)
    kind = {kinds.get(box_id, "") for box_id in called}
    groups = {group.id: group for group in diagram.groups}
    app_group = groups.get(first.group or "")
    listed = Box(id=list_id, title=f"{kind.pop() if len(kind) == 1 else ''} ×{len(called)}".strip(),
                 badge=first.badge, shape="table", colour=first.colour, rows=rows, tooltip=tooltip,
                 group=app_group.parent if app_group and app_group.category == "app" else first.group,
                 rank=first.rank, category=first.category)
    gone = set(called)
    diagram.boxes = sorted([box for box in diagram.boxes if box.id not in gone] + [listed],
                           key=lambda b: (b.group or "", b.rank or 0, b.id))
    diagram.links = sorted([replace(link, target=list_id, target_row=link.target, label="")
                            if link.target in gone else link for link in diagram.links],
                           key=lambda link: (link.source, link.target, link.source_row or "", link.label))
    used = {box.group for box in diagram.boxes} | {group.parent for group in diagram.groups}
    diagram.groups = [group for group in diagram.groups if group.id in used or group.style != "inner"
                      or group.category != "app"]


def _place_side_references(diagram: Diagram) -> None:
    """A box that one reference alone leads to is a side detail of the box naming it. In the same frame (an
    Ingress's TLS Secret) it stands beside that box instead of in its kind's column: the reference ran across the
    whole figure and the box took a column of its own at the far side. Outside every frame the box naming it is
    in (its IngressClass, cluster-wide), the link is marked `aside`: the renderer puts it where it costs no width."""
    ends = Counter(end for link in diagram.links for end in {link.source, link.target})
    groups = {box.id: box.group for box in diagram.boxes}
    for index, link in enumerate(diagram.links):
        if (link.category != Relation.USES.category or ends[link.target] != 1 or link.source == link.target
                or link.source not in groups or link.target not in groups or link.source_group or link.target_group):
            continue
        if groups[link.target] == groups[link.source]:
            diagram.aligned.append((link.source, link.target))
        elif groups[link.target] is None:
            diagram.links[index] = replace(link, aside=True)


OUTSIDE_CLIENT = "outside/client"


def _add_outside_paths(diagram: Diagram, graph: Graph, nodes: Mapping[Ref, GraphNode], ids: Mapping[Ref, str],
                       words: FigureWords) -> None:
    """What tells the Service types apart: a NodePort Service is reached from outside the cluster on a port of every
    node, a LoadBalancer one through a load balancer the cloud provisions in front of those node ports; a ClusterIP
    Service has no such path (it is reached from inside only). Drawn derived: the cluster makes them, the input
    does not hold them."""
    exposed = []
    for ref in sorted(nodes):
        resource = graph.inventory.get(ref) if ref.kind == "Service" else None
        kind = str(resource.spec.get("type", "ClusterIP")) if resource is not None else ""
        if kind in ("NodePort", "LoadBalancer") and resource is not None:
            exposed.append((ref, kind, [as_mapping(p) for p in as_list(resource.spec.get("ports"))]))
    if not exposed:
        return
    diagram.boxes.append(Box(OUTSIDE_CLIENT, words("selection.client"), words("selection.outside"), "rounded",
                             "neutral", "derived", rank=-1, category="client",
                             tooltip=words("selection.client_tooltip")))
    for ref, kind, ports in exposed:
        service = ids[ref]
        node_ports = [str(p.get("nodePort", "")) for p in ports]
        shown = ", ".join(n for n in node_ports if n) or words("selection.any_port")
        node_port = f"outside/{service}/node-port"
        diagram.boxes.append(Box(node_port, f"node :{shown}", "NodePort", "rectangle", "blue", "derived",
                                 (words("selection.every_node"),), rank=0, category="node-port",
                                 tooltip=words("selection.node_port_tooltip", service=ref.name)))
        entry = node_port
        if kind == "LoadBalancer":
            balancer = f"outside/{service}/load-balancer"
            service_ports = ", ".join(str(p.get("port", "")) for p in ports if p.get("port") is not None)
            diagram.boxes.append(Box(balancer, words("selection.load_balancer"), "LoadBalancer", "hexagon", "purple",
                                     "derived", (words("selection.cloud"),), rank=-1, category="load-balancer",
                                     tooltip=words("selection.load_balancer_tooltip", service=ref.name)))
            diagram.links.append(Link(OUTSIDE_CLIENT, balancer, f":{service_ports}" if service_ports else "", "blue",
                                      category="traffic"))
            diagram.links.append(Link(balancer, node_port, "", "blue", category="traffic"))
        else:
            diagram.links.append(Link(OUTSIDE_CLIENT, entry, "", "blue", category="traffic"))
        diagram.links.append(Link(node_port, service, "", "blue", category="traffic"))
    # Top to bottom: the outside above, each path entering the cluster downwards, every Service in one row under
    # the node ports (an invisible link puts the Services with no outside path there too). Left to right the
    # outside paths added three columns before the Services: too wide to read in a text column.
    diagram.direction = "TB"
    reached = {ids[ref] for ref, _, _ in exposed}
    first_node_port = f"outside/{ids[exposed[0][0]]}/node-port"
    for ref in sorted(nodes):
        if ref.kind == "Service" and ids[ref] not in reached:
            diagram.links.append(Link(first_node_port, ids[ref], line="invisible", category="placement"))


# Applications side by side in one row of an overview laid out top to bottom: four boxes of about 140 pt fit the
# 600 pt a text column shows readably.
OVERVIEW_ACROSS = 3


def _aggregated(view: str, nodes: dict[Ref, GraphNode], edges: list[GraphEdge], apps: dict[Ref, str],
                total: int, words: FigureWords, overview: bool = False) -> Diagram:
    """Over the budget even with one box per controller's Pods: one box per application, else per namespace."""
    key_of = {ref: application_key(node, apps.get(ref)) for ref, node in nodes.items()}
    level: Level = "apps"
    if len(set(key_of.values())) > NODE_BUDGET:
        key_of = {ref: namespace_key(node) for ref, node in nodes.items()}
        level = "namespaces"
    buckets, merged = aggregate(nodes, edges, key_of, level)
    ids = {bucket.ref: bucket.ref.id for bucket in buckets}
    diagram = Diagram(empty_message=f"no resources for the {view} view")
    if level == "apps":
        groups: dict[str, Group] = {}
        for bucket in buckets:
            if bucket.namespace is not None:
                group_id = f"ns/{bucket.namespace}"
                groups.setdefault(group_id, Group(group_id, f"namespace {bucket.namespace}", style="outer",
                                                  category="namespace"))
        diagram.groups = sorted(groups.values(), key=lambda g: g.id)
        diagram.boxes = [bucket_box(b, ids[b.ref], f"ns/{b.namespace}" if b.namespace is not None else None)
                         for b in buckets]
        unit = "application"
    else:
        diagram.boxes = [bucket_box(b, ids[b.ref], None) for b in buckets]
        unit = "namespace"
    diagram.boxes.sort(key=lambda b: (b.group or "", b.id))
    links = sorted((aggregate_link(e, ids) for e in merged), key=lambda link: (link.source, link.target))
    placing: list[Link] = []
    for _group, members in itertools.groupby(diagram.boxes, key=lambda b: b.group):  # a grid in each namespace
        columns, between = grid([b.id for b in members], links)
        diagram.stacked.extend(columns)
        placing.extend(between)
    diagram.links = links + placing
    diagram.level = level
    diagram.across = OVERVIEW_ACROSS
    if overview:
        diagram.note = words("note.overview")
    else:
        diagram.note = words("note.apps" if unit == "application" else "note.namespaces", total=total,
                             budget=NODE_BUDGET)
    return diagram


def _of_apps(nodes: dict[Ref, GraphNode], edges: list[GraphEdge], apps: dict[Ref, str], wanted: set[str]
             ) -> tuple[dict[Ref, GraphNode], list[GraphEdge]]:
    """An application's resources, and the boxes they link to directly (the Services it calls, the Ingress that
    routes to it), so that a detail figure shows where the application stands."""
    members = {ref for ref in nodes if apps.get(ref) in wanted}
    keep = members | {ref for e in edges if e.source in members or e.target in members for ref in (e.source, e.target)}
    return ({ref: node for ref, node in nodes.items() if ref in keep},
            [e for e in edges if e.source in keep and e.target in keep
             and (e.source in members or e.target in members)])


def _replica_groups(nodes: dict[Ref, GraphNode], edges: list[GraphEdge], boxes: dict[Ref, Box], links: list[Link],
                    ids: dict[Ref, str]) -> tuple[list[Group], list[Link]]:
    """Derived replicas of one template (2 or 3 Pods) share a group; a link that every replica has alike stands for
    the whole group (the renderer draws it entering the group's border, or leaving every replica alike). Each
    replica's own volume (emptyDir, hostPath…) stays a box of its own beside it: the cluster makes one per Pod."""
    siblings: dict[Ref, list[Ref]] = {}
    for edge in edges:
        target = nodes[edge.target]
        if edge.relation is Relation.OWNS and target.ref.kind == "Pod" and target.state is NodeState.DERIVED:
            siblings.setdefault(edge.source, []).append(edge.target)
    groups: list[Group] = []
    group_of: dict[str, tuple[str, list[str]]] = {}  # pod id → (group id, its replicas' ids, first first)
    for parent, pods in siblings.items():
        if len(pods) < 2:
            continue
        pods = sorted(pods)
        outer = boxes[pods[0]].group
        made_by = f" ({parent.made_by})" if parent.made_by and ids[parent].endswith(f" ({parent.made_by})") else ""
        group_id = f"{outer or ''}/replicas/{parent.qualified_id}{made_by}"
        groups.append(Group(group_id, f"{len(pods)} replicas", outer, "copies", "replicas"))
        for pod in pods:
            boxes[pod] = replace(boxes[pod], group=group_id)
            group_of[boxes[pod].id] = (group_id, [boxes[p].id for p in pods])

    def shape(link: Link, end: str) -> tuple[str, str, str, str, str]:
        """What a link looks like from a replica's side: which end, the other node, style, label, row."""
        other = link.target if end == "source" else link.source
        row = link.source_row if end == "source" else link.target_row
        return (end, other, link.category, link.label, row or "")

    having: dict[tuple[str, ...], set[str]] = {}  # (group, *shape) → replicas that have such a link
    for link in links:
        for end in ("source", "target"):
            pod_id = link.source if end == "source" else link.target
            if pod_id in group_of:
                having.setdefault((group_of[pod_id][0], *shape(link, end)), set()).add(pod_id)
    kept: list[Link] = []
    for link in links:
        for end in ("source", "target"):
            pod_id = link.source if end == "source" else link.target
            if pod_id not in group_of:
                continue
            group_id, members = group_of[pod_id]
            if having.get((group_id, *shape(link, end))) != set(members):
                continue  # not every replica has it (its own emptyDir): drawn as it is
            if pod_id != members[0]:
                break  # the first replica's link, drawn from the group's border, stands for this one
            link = replace(link, source_group=group_id) if end == "source" else replace(link, target_group=group_id)
        else:
            kept.append(link)
    return groups, kept


def _shows(selection: Selection, relation: Relation) -> bool:
    return selection.families is None or relation.family in selection.families


def _selected(node: GraphNode, selection: Selection, filters: Filters,
              workload_kinds: frozenset[tuple[str, str]]) -> bool:
    ref = node.ref
    if ref.kind in NOT_DRAWN:
        return False
    chosen = (selection.categories is None or ref.kind in selection.kinds
              or category_of(ref.group, ref.kind) in selection.categories
              or (selection.workloads and (ref.kind == "Pod" or (ref.group, ref.kind) in workload_kinds)))
    return chosen and filters.keeps(ref)


def _narrow(nodes: dict[Ref, GraphNode], edges: list[GraphEdge], filters: Filters
            ) -> tuple[dict[Ref, GraphNode], list[GraphEdge]]:
    """Keep the named/kinded resources and what hangs off them downstream (their ReplicaSets, Pods, volumes)."""
    seeds = {ref for ref in nodes
             if (not filters.kinds or ref.kind in filters.kinds) and (not filters.names or ref.name in filters.names)}
    downstream: dict[Ref, list[GraphEdge]] = {}  # indexed once: a walk over every edge per node is quadratic
    for edge in edges:
        downstream.setdefault(edge.source, []).append(edge)
    keep, frontier = set(seeds), list(seeds)
    while frontier:
        current = frontier.pop()
        for edge in downstream.get(current, ()):
            if edge.target not in keep and (
                edge.relation is Relation.OWNS or edge.target.kind == "Volume"
                or not filters.kinds or edge.target.kind in filters.kinds
            ):
                keep.add(edge.target)
                frontier.append(edge.target)
    return ({r: n for r, n in nodes.items() if r in keep},
            [e for e in edges if e.source in keep and e.target in keep])


def _apps(nodes: dict[Ref, GraphNode], edges: list[GraphEdge]) -> dict[Ref, str]:
    """Each node's application; a node without one joins the single application all its neighbours share."""
    apps = {ref: node.app for ref, node in nodes.items() if node.app and ref.namespace is not None}
    neighbours: dict[Ref, set[str]] = {}
    for edge in edges:
        for this, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if other in apps:
                neighbours.setdefault(this, set()).add(apps[other])
    for ref, node in nodes.items():
        if ref not in apps and ref.namespace is not None and len(neighbours.get(ref, ())) == 1:
            apps[ref] = next(iter(neighbours[ref]))
        if node.owner is not None and node.owner in apps:
            apps[ref] = apps[node.owner]
    return apps


def _group_ids(ref: Ref, app: str | None) -> tuple[str | None, str | None]:
    if ref.namespace is None:
        return None, None
    namespace_group = f"ns/{ref.namespace}"
    return namespace_group, (f"{namespace_group}/app/{app}" if app else None)


def _groups(nodes: Iterable[GraphNode], apps: dict[Ref, str]) -> list[Group]:
    groups: dict[str, Group] = {}
    for node in nodes:
        namespace_group, app_group = _group_ids(node.ref, apps.get(node.ref))
        if namespace_group:
            groups.setdefault(namespace_group, Group(namespace_group, f"namespace {node.ref.namespace}",
                                                     style="outer", category="namespace"))
        if app_group:
            groups.setdefault(app_group, Group(app_group, f"app {apps[node.ref]}", namespace_group, "inner", "app"))
    return sorted(groups.values(), key=lambda g: g.id)


def _nothing_to_draw(graph: Graph, view: str) -> str:
    """What an empty figure says; inputs that hold only declarative diagrams are drawn by another view."""
    if any(is_declared(resource) for resource in graph.inventory):
        return (f"no resources for the {view} view: the inputs hold declarative diagrams "
                "(kind: Diagram), drawn by the diagram view")
    return f"no resources for the {view} view"


def node_ids(refs: Iterable[Ref]) -> dict[Ref, str]:
    """Each node's name: `Kind/namespace/name`, or `group/Kind/namespace/name` for kinds of one name from two
    groups in the same figure (Istio's and Gateway API's Gateway). What two workloads of one name derive (a
    Deployment's and a StatefulSet's Pod `web-1`) says what makes it where the two meet:
    `Pod/ns/web-1 (StatefulSet)`."""
    refs = list(refs)
    groups_of_kind: dict[str, set[str]] = {}
    for ref in refs:
        groups_of_kind.setdefault(ref.kind, set()).add(ref.group)
    ids = {ref: ref.qualified_id if len(groups_of_kind[ref.kind]) > 1 else ref.id for ref in refs}
    taken = Counter(ids.values())
    return {ref: f"{name} ({ref.made_by})" if taken[name] > 1 and ref.made_by else name for ref, name in ids.items()}


def _box(node: GraphNode, app: str | None, box_id: str, facts: tuple[str, ...] = ()) -> Box:
    ref = node.ref
    style = kind_style(ref.kind)
    namespace_group, app_group = _group_ids(ref, app)
    title = ref.name.split("/", 1)[1] if ref.kind == "Volume" else ref.name
    details = list(node.details)
    if node.count > 1:
        title = f"{title} ×{node.count}"
    state = BOX_STATES[node.state]
    if node.state is NodeState.MISSING:
        details.append("missing")
    # A derived node names the manifest it comes from (its workload's), so that a reader can open it.
    where = f" — {node.source}" if node.source and node.state is not NodeState.MISSING else ""
    derived = " (derived)" if node.state is NodeState.DERIVED else ""
    if ref.group:
        details.append(ref.group)
    rows = tuple(Row(part.id, ROW_PREFIX.get(part.role, "") + part.label) for part in node.parts)
    return Box(
        id=box_id, title=title, badge=style.short, shape=style.shape, colour=style.colour, state=state,
        details=tuple(details), rows=rows, group=app_group or namespace_group,
        tooltip="\n".join((f"{ref.qualified_id}{derived}{where}", *facts)), rank=style.column,
        category=style.svg_class, identity=identity_of(ref), source=where.removeprefix(" — "),
    )


def identity_of(ref: Ref) -> tuple[tuple[str, str], ...]:
    """What a box names in the input, as the tooltip's first line does: kind, namespace, name and API group."""
    return (("kind", ref.kind), ("namespace", ref.namespace or ""), ("name", ref.name), ("group", ref.group))


def key_facts(graph: Graph, ref: Ref, pod: PodInstance | None = None) -> tuple[str, ...]:
    """What a reader hovering a node wants first: replicas, images, ports, selector, Service type. Only names and
    numbers the manifest declares in the open: never a Secret's or ConfigMap's data, an env value or an annotation."""
    resource = graph.inventory.get(ref)
    facts: list[str] = []
    if resource is not None and ref.kind in CONTROLLER_KINDS:
        facts.append(f"replicas: {replica_count(resource)}")
        selector = string_map(as_mapping(workload_spec(resource).get("selector")).get("matchLabels"))
        spec = pod_spec_of(resource)
    elif pod is not None:
        selector, spec = {}, pod.spec
    elif resource is not None and ref.kind == "Service":
        spec, selector = {}, string_map(resource.spec.get("selector"))
        facts.append(f"type: {resource.spec.get('type', 'ClusterIP')}")
        ports = [_service_port(as_mapping(p)) for p in as_list(resource.spec.get("ports"))]
        if ports:
            facts.append(f"ports: {', '.join(ports)}")
    else:
        return ()
    images = [str(c.spec["image"]) for c in containers(spec, ephemeral=False) if c.spec.get("image")]
    if images:
        facts.append(f"images: {', '.join(dict.fromkeys(images))}")
    ports = [_container_port(port) for c in containers(spec, ephemeral=False) for port in c.ports]
    if ports:
        facts.append(f"ports: {', '.join(dict.fromkeys(p for p in ports if p))}")
    if selector:
        facts.append(f"selector: {', '.join(f'{k}={v}' for k, v in sorted(selector.items()))}")
    return tuple(facts)


def _container_port(port: Mapping[str, Any]) -> str:
    number = port.get("containerPort")
    if number is None:
        return ""
    name = f" ({port['name']})" if port.get("name") else ""
    return f"{number}/{port.get('protocol', 'TCP')}{name}"


def _service_port(port: Mapping[str, Any]) -> str:
    target = port.get("targetPort", port.get("port"))
    return f"{port.get('port')}→{target}/{port.get('protocol', 'TCP')}"


BOX_STATES: dict[NodeState, State] = {NodeState.REAL: "real", NodeState.DERIVED: "derived",
                                      NodeState.MISSING: "missing"}
# Each relation's link class by its name (gen/relations.py), for what keeps names rather than Relations.
LINK_CATEGORY = link_classes()
ROW_PREFIX = {"init": "init ", "sidecar": "sidecar "}  # a container's role, before its name


MAX_LABEL_LINES = 3  # an edge that carries 40 env keys says how many, not which


def _link(edge: GraphEdge, nodes: dict[Ref, GraphNode], ids: dict[Ref, str]) -> Link:
    target = nodes[edge.target]
    lines = edge.label.split("\n")
    label = edge.label
    if len(lines) > MAX_LABEL_LINES:
        label = "\n".join([*lines[:MAX_LABEL_LINES - 1], f"… +{len(lines) - MAX_LABEL_LINES + 1} more"])
    relation = edge.relation
    # An inferred call's hover names every variable that told it (the label keeps three); the page says its kind.
    tooltip = "\n".join(lines) if relation.family == "call" and len(lines) > MAX_LABEL_LINES else ""
    return Link(ids[edge.source], ids[edge.target], label, relation.colour, relation.line, edge.source_part,
                edge.target_part, target.state is NodeState.MISSING,
                category=relation.category, relation=relation.name, family=relation.family,
                ports=ports_named(edge.label), tooltip=tooltip)


# A word of a link's label that names a port: `:8080`, `8080/TCP`, `80→http(8080)/TCP`
_PORT_WORD = re.compile(r":\d{1,5}|\d{1,5}(?:→\S+)?/(?:TCP|UDP|SCTP)")


def ports_named(label: str) -> tuple[str, ...]:
    """The ports a link's label names, in its order: what a reader of a JSON graph filters links by."""
    return tuple(word.removeprefix(":") for word in label.split() if _PORT_WORD.fullmatch(word))



VIEW_BUILDERS: dict[str, ViewBuilder] = {
    name: partial(build_selection, selection, name)
    for name, selection in (("topology", TOPOLOGY), ("network", NETWORK), ("storage", STORAGE), ("policy", POLICY))
}
