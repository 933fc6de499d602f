"""Every Kubernetes kind kubedocs knows, each declared once with its facts: API group, built in or not, scope,
category, the short name drawn above a box, and whether it makes Pods (and through which object).

Every list of kinds elsewhere is derived from KINDS: the built-in and cluster-scoped kinds loading needs
(gen/model.py), the controllers of the workload chain (gen/kube.py), the kinds each selection view shows (by
category, gen/views/selection.py), Gateway API's routes (gen/rules/gateway.py). A new kind is one line here; its
look, when the default one will not do, is one line in gen/views/kinds.py.

Built-in kinds are those of Kubernetes v1.34 (the API reference, https://kubernetes.io/docs/reference/kubernetes-api/);
the others are widely used custom kinds, for inputs that hold their resources but not their CRDs (an input's CRD
still decides a custom kind's scope). This module imports nothing else of gen but records: every stage reads it.
"""

from __future__ import annotations

from typing import Literal, get_args

from .records import record

Scope = Literal["Namespaced", "Cluster"]
# What a kind is for, after the sections of the Kubernetes API reference; views choose kinds by category.
Category = Literal["workload", "network", "config", "storage", "access", "policy", "extension", "cluster",
                   "monitoring"]
CATEGORIES: tuple[str, ...] = get_args(Category)


@record(frozen=True)
class KindFacts:
    kind: str
    group: str  # the API group: "" for the core group (apiVersion v1), "apps", "argoproj.io"
    scope: Scope
    category: Category
    badge: str = ""  # the short name above a box's title (kubectl's where kubedocs had one); "": the kind in lower case
    builtin: bool = True  # served by every API server; its references (a Pod's Secret) name it by kind alone
    makes_pods: bool = False  # creates Pods from a template (a custom kind's template is named by its rule file)
    middle: str = ""  # the object it creates between itself and its Pods (Deployment → ReplicaSet → Pod)
    spec_selector: bool = False  # its spec.selector must match its own Pod template's labels

    @property
    def identity(self) -> tuple[str, str]:
        """(group, kind) as a Ref names it: built-in kinds carry no group."""
        return ("" if self.builtin else self.group, self.kind)

    @property
    def short(self) -> str:
        return self.badge or self.kind.lower()


def _custom(kind: str, group: str, scope: Scope, category: Category, badge: str = "", makes_pods: bool = False,
            middle: str = "") -> KindFacts:
    """A kind that is not built in: served once its CRD is applied."""
    return KindFacts(kind, group, scope, category, badge, builtin=False, makes_pods=makes_pods, middle=middle)


NS: Scope = "Namespaced"
CLUSTER: Scope = "Cluster"

# The order of the controllers is the order the workload chain visits them in (it decides the order of edges).
KINDS: tuple[KindFacts, ...] = (
    # Workloads: what runs Pods, and what shapes how they run.
    KindFacts("Deployment", "apps", NS, "workload", "deploy", makes_pods=True, middle="ReplicaSet",
              spec_selector=True),
    KindFacts("StatefulSet", "apps", NS, "workload", "sts", makes_pods=True, spec_selector=True),
    KindFacts("DaemonSet", "apps", NS, "workload", "ds", makes_pods=True, spec_selector=True),
    KindFacts("CronJob", "batch", NS, "workload", "cj", makes_pods=True, middle="Job"),
    KindFacts("Job", "batch", NS, "workload", "job", makes_pods=True, spec_selector=True),
    KindFacts("ReplicaSet", "apps", NS, "workload", "rs", makes_pods=True, spec_selector=True),
    KindFacts("ReplicationController", "", NS, "workload", "rc", makes_pods=True, spec_selector=True),
    KindFacts("Pod", "", NS, "workload", "po"),
    KindFacts("PodTemplate", "", NS, "workload"),
    KindFacts("ControllerRevision", "apps", NS, "workload"),
    KindFacts("Binding", "", NS, "workload"),
    KindFacts("HorizontalPodAutoscaler", "autoscaling", NS, "workload", "hpa"),
    KindFacts("PriorityClass", "scheduling.k8s.io", CLUSTER, "workload"),
    KindFacts("ResourceClaim", "resource.k8s.io", NS, "workload"),
    KindFacts("ResourceClaimTemplate", "resource.k8s.io", NS, "workload"),
    KindFacts("ResourceSlice", "resource.k8s.io", CLUSTER, "workload"),
    _custom("Rollout", "argoproj.io", NS, "workload", "rollout", makes_pods=True, middle="ReplicaSet"),
    _custom("LeaderWorkerSet", "leaderworkerset.x-k8s.io", NS, "workload", "lws", makes_pods=True),
    # Network: what carries traffic to Pods.
    KindFacts("Service", "", NS, "network", "svc"),
    KindFacts("Endpoints", "", NS, "network", "ep"),
    KindFacts("EndpointSlice", "discovery.k8s.io", NS, "network", "endpointslice"),
    KindFacts("Ingress", "networking.k8s.io", NS, "network", "ing"),
    KindFacts("IngressClass", "networking.k8s.io", CLUSTER, "network", "ingressclass"),
    KindFacts("ServiceCIDR", "networking.k8s.io", CLUSTER, "network"),
    KindFacts("IPAddress", "networking.k8s.io", CLUSTER, "network"),
    _custom("Gateway", "gateway.networking.k8s.io", NS, "network", "gtw"),
    _custom("GatewayClass", "gateway.networking.k8s.io", CLUSTER, "network", "gatewayclass"),
    _custom("HTTPRoute", "gateway.networking.k8s.io", NS, "network", "httproute"),
    _custom("GRPCRoute", "gateway.networking.k8s.io", NS, "network", "grpcroute"),
    _custom("TCPRoute", "gateway.networking.k8s.io", NS, "network", "tcproute"),
    _custom("TLSRoute", "gateway.networking.k8s.io", NS, "network", "tlsroute"),
    _custom("UDPRoute", "gateway.networking.k8s.io", NS, "network", "udproute"),
    _custom("ReferenceGrant", "gateway.networking.k8s.io", NS, "network"),
    _custom("Gateway", "networking.istio.io", NS, "network", "gtw"),
    _custom("VirtualService", "networking.istio.io", NS, "network"),
    _custom("DestinationRule", "networking.istio.io", NS, "network"),
    _custom("ServiceEntry", "networking.istio.io", NS, "network"),
    _custom("Sidecar", "networking.istio.io", NS, "network"),
    _custom("WorkloadEntry", "networking.istio.io", NS, "network"),
    # Configuration a Pod reads.
    KindFacts("ConfigMap", "", NS, "config", "cm"),
    KindFacts("Secret", "", NS, "config", "secret"),
    # Storage: claims, volumes and what provides them.
    KindFacts("PersistentVolumeClaim", "", NS, "storage", "pvc"),
    KindFacts("PersistentVolume", "", CLUSTER, "storage", "pv"),
    KindFacts("StorageClass", "storage.k8s.io", CLUSTER, "storage", "sc"),
    KindFacts("VolumeAttributesClass", "storage.k8s.io", CLUSTER, "storage"),
    KindFacts("VolumeAttachment", "storage.k8s.io", CLUSTER, "storage"),
    KindFacts("CSIDriver", "storage.k8s.io", CLUSTER, "storage"),
    KindFacts("CSINode", "storage.k8s.io", CLUSTER, "storage"),
    KindFacts("CSIStorageCapacity", "storage.k8s.io", NS, "storage"),
    KindFacts("StorageVersionMigration", "storagemigration.k8s.io", CLUSTER, "storage"),
    _custom("VolumeSnapshot", "snapshot.storage.k8s.io", NS, "storage"),
    _custom("VolumeSnapshotContent", "snapshot.storage.k8s.io", CLUSTER, "storage"),
    _custom("VolumeSnapshotClass", "snapshot.storage.k8s.io", CLUSTER, "storage"),
    # Access: identities, their permissions, certificates.
    KindFacts("ServiceAccount", "", NS, "access", "sa"),
    KindFacts("Role", "rbac.authorization.k8s.io", NS, "access", "role"),
    KindFacts("RoleBinding", "rbac.authorization.k8s.io", NS, "access", "rolebinding"),
    KindFacts("ClusterRole", "rbac.authorization.k8s.io", CLUSTER, "access", "clusterrole"),
    KindFacts("ClusterRoleBinding", "rbac.authorization.k8s.io", CLUSTER, "access", "clusterrolebinding"),
    KindFacts("CertificateSigningRequest", "certificates.k8s.io", CLUSTER, "access"),
    KindFacts("ClusterTrustBundle", "certificates.k8s.io", CLUSTER, "access"),
    _custom("Certificate", "cert-manager.io", NS, "access", "cert"),
    _custom("CertificateRequest", "cert-manager.io", NS, "access"),
    _custom("Issuer", "cert-manager.io", NS, "access", "issuer"),
    _custom("ClusterIssuer", "cert-manager.io", CLUSTER, "access", "clusterissuer"),
    # Policy: what limits Pods and requests.
    KindFacts("NetworkPolicy", "networking.k8s.io", NS, "policy", "netpol"),
    KindFacts("PodDisruptionBudget", "policy", NS, "policy", "pdb"),
    KindFacts("ResourceQuota", "", NS, "policy"),
    KindFacts("LimitRange", "", NS, "policy"),
    KindFacts("PodSecurityPolicy", "policy", CLUSTER, "policy"),
    KindFacts("ValidatingAdmissionPolicy", "admissionregistration.k8s.io", CLUSTER, "policy"),
    KindFacts("ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io", CLUSTER, "policy"),
    KindFacts("MutatingAdmissionPolicy", "admissionregistration.k8s.io", CLUSTER, "policy"),
    KindFacts("MutatingAdmissionPolicyBinding", "admissionregistration.k8s.io", CLUSTER, "policy"),
    KindFacts("FlowSchema", "flowcontrol.apiserver.k8s.io", CLUSTER, "policy"),
    KindFacts("PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io", CLUSTER, "policy"),
    # Extension: what adds kinds, APIs and admission calls to the API server.
    KindFacts("CustomResourceDefinition", "apiextensions.k8s.io", CLUSTER, "extension", "crd"),
    KindFacts("APIService", "apiregistration.k8s.io", CLUSTER, "extension", "apiservice"),
    KindFacts("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", CLUSTER, "extension", "webhook"),
    KindFacts("MutatingWebhookConfiguration", "admissionregistration.k8s.io", CLUSTER, "extension", "webhook"),
    KindFacts("DeviceClass", "resource.k8s.io", CLUSTER, "extension"),
    # The cluster itself.
    KindFacts("Namespace", "", CLUSTER, "cluster"),
    KindFacts("Node", "", CLUSTER, "cluster"),
    KindFacts("Event", "", NS, "cluster"),
    KindFacts("ComponentStatus", "", CLUSTER, "cluster"),
    KindFacts("Lease", "coordination.k8s.io", NS, "cluster"),
    KindFacts("LeaseCandidate", "coordination.k8s.io", NS, "cluster"),
    KindFacts("RuntimeClass", "node.k8s.io", CLUSTER, "cluster"),
    # Monitoring (prometheus-operator).
    *(_custom(kind, "monitoring.coreos.com", NS, "monitoring", badge) for kind, badge in (
        ("Prometheus", "prom"), ("PrometheusAgent", "promagent"), ("Alertmanager", "am"),
        ("ThanosRuler", "thanosruler"), ("ServiceMonitor", "smon"), ("PodMonitor", "pmon"), ("Probe", "probe"),
        ("PrometheusRule", "promrule"), ("AlertmanagerConfig", "amcfg"), ("ScrapeConfig", ""))),
)

# By identity, as a Ref names a kind: ("", "Deployment"), ("argoproj.io", "Rollout").
BY_IDENTITY: dict[tuple[str, str], KindFacts] = {facts.identity: facts for facts in KINDS}
# By kind name alone, for what knows no group (a box's badge): the first of a name (Gateway API's Gateway).
BY_NAME: dict[str, KindFacts] = {}
for _facts in KINDS:
    BY_NAME.setdefault(_facts.kind, _facts)


def facts_of(group: str, kind: str) -> KindFacts | None:
    """The facts of a kind as a Ref names it (group "" for a built-in kind), or None for a kind not in the table."""
    return BY_IDENTITY.get((group, kind))


def kinds_where(**wanted: object) -> tuple[str, ...]:
    """The names of the kinds whose facts have these values, in table order: `kinds_where(builtin=True)`."""
    return tuple(dict.fromkeys(f.kind for f in KINDS if all(getattr(f, k) == v for k, v in wanted.items())))
