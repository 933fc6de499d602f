"""The one table of kinds (gen/kinds.py): its facts are Kubernetes', every kind list is derived from it, and views
choose kinds by its categories."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gen.graph import Graph
from gen.kinds import BY_NAME, CATEGORIES, KINDS, facts_of
from gen.kube import CONTROLLER_KINDS, MIDDLE_KIND, SELECTOR_KINDS
from gen.loading import LoadResult
from gen.model import BUILTIN_KINDS, CLUSTER_SCOPED_KINDS, KNOWN_CUSTOM_SCOPES, Ref
from gen.rules.custom import shipped_rules
from gen.rules.gateway import ROUTE_KINDS
from gen.views import build_view
from gen.views.kinds import LOOKS, kind_style

# Built-in kinds of Kubernetes v1.34 that manifests hold, with their API group and scope, as the API reference
# (https://kubernetes.io/docs/reference/kubernetes-api/) lists them; kubedocs once took the newer ones for custom.
REFERENCE_BUILTINS: dict[str, tuple[str, str]] = {
    "ServiceCIDR": ("networking.k8s.io", "Cluster"), "IPAddress": ("networking.k8s.io", "Cluster"),
    "VolumeAttributesClass": ("storage.k8s.io", "Cluster"), "ResourceClaim": ("resource.k8s.io", "Namespaced"),
    "ResourceClaimTemplate": ("resource.k8s.io", "Namespaced"), "ResourceSlice": ("resource.k8s.io", "Cluster"),
    "DeviceClass": ("resource.k8s.io", "Cluster"), "ClusterTrustBundle": ("certificates.k8s.io", "Cluster"),
    "ValidatingAdmissionPolicy": ("admissionregistration.k8s.io", "Cluster"),
    "ValidatingAdmissionPolicyBinding": ("admissionregistration.k8s.io", "Cluster"),
    "MutatingAdmissionPolicy": ("admissionregistration.k8s.io", "Cluster"),
    "MutatingAdmissionPolicyBinding": ("admissionregistration.k8s.io", "Cluster"),
    "LeaseCandidate": ("coordination.k8s.io", "Namespaced"), "Lease": ("coordination.k8s.io", "Namespaced"),
    "EndpointSlice": ("discovery.k8s.io", "Namespaced"), "CSIStorageCapacity": ("storage.k8s.io", "Namespaced"),
    "RuntimeClass": ("node.k8s.io", "Cluster"), "PriorityClass": ("scheduling.k8s.io", "Cluster"),
    "FlowSchema": ("flowcontrol.apiserver.k8s.io", "Cluster"), "Node": ("", "Cluster"), "Event": ("", "Namespaced"),
}


@pytest.mark.parametrize("kind", sorted(REFERENCE_BUILTINS))
def test_current_builtin_kinds_are_built_in_with_their_scope(kind: str, load_text: Callable[..., LoadResult]
                                                             ) -> None:
    group, scope = REFERENCE_BUILTINS[kind]
    facts = facts_of("", kind)
    assert facts is not None and facts.builtin and (facts.group, facts.scope) == (group, scope)
    api_version = f"{group}/v1" if group else "v1"
    loaded = load_text(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, namespace: shop}}\n")
    assert [r.ref for r in loaded.resources] == [Ref(kind, "shop" if scope == "Namespaced" else None, "x")]
    assert not loaded.diagnostics, [str(d) for d in loaded.diagnostics]


def test_a_service_cidr_is_drawn_as_a_built_in_network_kind(graph_of: Callable[..., Graph]) -> None:
    """It was a custom kind of unknown scope: 'scope unknown', its group under its name, in no view but topology."""
    graph = graph_of("apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: kubernetes}\n"
                     "spec: {cidrs: [10.96.0.0/28]}\n")
    cidr = Ref("ServiceCIDR", None, "kubernetes")
    assert graph.nodes[cidr].details == ()
    assert cidr.id in {box.id for box in build_view(graph, "network").boxes}
    assert cidr.id not in {box.id for box in build_view(graph, "storage").boxes}


def test_every_kind_list_is_derived_from_the_table() -> None:
    def where(**wanted: object) -> set[str]:
        return {f.kind for f in KINDS if all(getattr(f, key) == value for key, value in wanted.items())}

    assert where(builtin=True) == BUILTIN_KINDS
    assert where(scope="Cluster") == CLUSTER_SCOPED_KINDS
    assert {key for key, scope in KNOWN_CUSTOM_SCOPES.items() if key[0] != "kubedocs.dev"} == {
        (f.group, f.kind) for f in KINDS if not f.builtin}
    assert set(CONTROLLER_KINDS) == where(builtin=True, makes_pods=True)
    assert set(SELECTOR_KINDS) == where(spec_selector=True)
    assert MIDDLE_KIND == {"Deployment": "ReplicaSet", "CronJob": "Job"}
    assert set(ROUTE_KINDS) == {"HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"}


def test_each_kind_is_declared_once_and_a_name_shared_by_two_groups_looks_alike() -> None:
    identities = [(f.group, f.kind) for f in KINDS]
    assert len(identities) == len(set(identities))
    assert all(f.category in CATEGORIES and f.scope in ("Namespaced", "Cluster") for f in KINDS)
    for facts in KINDS:  # a box knows its kind by name alone (Istio's and Gateway API's Gateway)
        assert (facts.short, facts.category) == (BY_NAME[facts.kind].short, BY_NAME[facts.kind].category)
    assert all(kind in BY_NAME or kind in ("Volume", "External") for kind in LOOKS), "a look for no kind"


def test_a_kind_that_makes_pods_says_through_what_as_its_rule_file_does() -> None:
    """A custom kind's Pod template is in its shipped rule file; the table says the same of it."""
    templates = {(t.group, t.kind): t.through or "" for t in shipped_rules().pod_templates}
    custom = {(f.group, f.kind): f.middle for f in KINDS if f.makes_pods and not f.builtin}
    assert custom == templates
    assert all(facts_of("", middle) is not None and facts_of("", middle).makes_pods  # type: ignore[union-attr]
               for middle in MIDDLE_KIND.values())


def test_the_badge_comes_from_the_table_and_the_look_from_the_views() -> None:
    assert kind_style("Deployment").short == "deploy" and kind_style("Deployment").shape == "stack"
    assert kind_style("ServiceCIDR").short == "servicecidr" and kind_style("ServiceCIDR").colour == "neutral"
    assert kind_style("Widget").short == "widget"


NETWORK_AND_STORAGE = """
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: shop}
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: csi.example.com}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: shop}
"""


def test_views_choose_kinds_by_category(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(NETWORK_AND_STORAGE)
    network = {box.id for box in build_view(graph, "network").boxes}
    storage = {box.id for box in build_view(graph, "storage").boxes}
    assert network == {"Endpoints/shop/web"}
    assert storage == {"CSIDriver/csi.example.com", "ConfigMap/shop/settings"}
