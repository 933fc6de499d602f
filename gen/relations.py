"""Every kind of relationship, declared once: its family (which views show it), how its links look, the class
stylesheets see, and its words in the figure's legend and text alternative in every language of the site.

Rules make edges of these (gen/rules/), relationship rule files name them (`relation: uses`), views draw them,
the site's legend reads their words here. A new kind of relationship is one more entry in RELATIONS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from .diagram import Colour, Line
from .records import field, record
from .words import LANGUAGES

# What a relationship is about; views choose relationships by family.
RelationFamily = Literal["traffic", "ownership", "configuration", "storage", "reference", "call", "policy",
                         "monitoring"]
# Every relation says itself in each language of the figures' words (gen/words.py LANGUAGES).
__all__ = ["LANGUAGES", "RELATIONS", "RELATIONS_BY_NAME", "Relation", "RelationFamily", "link_classes", "link_words"]


@record(frozen=True)
class Relation:
    """A kind of relationship, with all a view, the renderer and the legend need to know of it."""

    name: str
    family: RelationFamily
    colour: Colour
    line: Line
    description: str = ""
    # Its links' class, when several relations are drawn alike under one (routes and selects are both traffic).
    link_class: str = ""
    words: Mapping[str, str] = field(default_factory=dict, compare=False)  # language → legend words

    OWNS: ClassVar[Relation]
    CREATES: ClassVar[Relation]
    ROUTES: ClassVar[Relation]
    SELECTS: ClassVar[Relation]
    MOUNTS: ClassVar[Relation]
    ENV: ClassVar[Relation]
    USES: ClassVar[Relation]
    CALLS: ClassVar[Relation]
    CONFIGURED: ClassVar[Relation]
    ALLOWS: ClassVar[Relation]
    MONITORS: ClassVar[Relation]
    DEFINES: ClassVar[Relation]

    @property
    def category(self) -> str:
        """The class of its links (an SVG class, and the key of its words in the legend)."""
        return self.link_class or self.name

    def __str__(self) -> str:
        return self.name


_TRAFFIC_WORDS = {"en": "traffic / selector", "ko": "트래픽 · 셀렉터"}

Relation.OWNS = Relation("owns", "ownership", "green", "solid", "controller → what it creates (ReplicaSet, Pod)",
                         words={"en": "ownership", "ko": "소유"})
Relation.CREATES = Relation("creates", "ownership", "orange", "dashed",
                            "a Job or operator that produces an object at run time (a certificate Secret)",
                            words={"en": "created at run time", "ko": "실행 중 생성"})
Relation.ROUTES = Relation("routes", "traffic", "blue", "solid", "Ingress → Service", "traffic", _TRAFFIC_WORDS)
Relation.SELECTS = Relation("selects", "traffic", "blue", "solid", "Service → Pod, by label selector", "traffic",
                            _TRAFFIC_WORDS)
Relation.MOUNTS = Relation("mounts", "storage", "teal", "solid",
                           "container → volume source (ConfigMap, Secret, PVC, emptyDir, hostPath)", "mount",
                           {"en": "volume mount", "ko": "볼륨 마운트"})
Relation.ENV = Relation("env", "configuration", "purple", "dashed", "container → ConfigMap / Secret by env",
                        words={"en": "configuration reference (env)", "ko": "환경 변수 설정 참조"})
Relation.USES = Relation("uses", "reference", "neutral", "dashed",
                         "Pod → ServiceAccount, pull Secret; Ingress → TLS Secret, IngressClass",
                         words={"en": "reference", "ko": "참조"})
Relation.CALLS = Relation("calls", "call", "magenta", "dotted",
                          "workload → Service (or control-plane component) it calls, inferred from env, args and "
                          "ConfigMap data", words={"en": "inferred call", "ko": "추론된 호출"})
# An address offered to many workloads alike (a ConfigMap several take by envFrom, a variable a chart sets on every
# component): the workload may or may not call it, so it is drawn fainter than a call it names itself.
Relation.CONFIGURED = Relation("configured", "call", "magenta", "faint",
                               "workload → Service whose address it is offered among others (a ConfigMap shared by "
                               "envFrom, a variable set alike on every component of a chart), not one it names",
                               words={"en": "configured address (offered, maybe not called)",
                                      "ko": "설정으로 받은 주소 (호출은 불확실)"})
Relation.ALLOWS = Relation("allows", "policy", "red", "dashed",
                           "NetworkPolicy → the Pods it applies to; allowed peer → Pod (ingress), Pod → peer (egress)",
                           words={"en": "allowed traffic", "ko": "허용된 트래픽"})
# Relationships only custom kinds have: a monitoring system and what it scrapes; a CRD and its resources.
Relation.MONITORS = Relation("monitors", "monitoring", "orange", "solid",
                             "Prometheus → ServiceMonitor / PodMonitor / rules; ServiceMonitor → Service; "
                             "PodMonitor → Pod", words={"en": "monitors", "ko": "모니터링"})
Relation.DEFINES = Relation("defines", "reference", "grey", "dotted",
                            "CustomResourceDefinition → its custom resources",
                            words={"en": "defines (CRD)", "ko": "정의"})

RELATIONS: tuple[Relation, ...] = (Relation.OWNS, Relation.CREATES, Relation.ROUTES, Relation.SELECTS,
                                   Relation.MOUNTS, Relation.ENV, Relation.USES, Relation.CALLS, Relation.CONFIGURED,
                                   Relation.ALLOWS, Relation.MONITORS, Relation.DEFINES)
RELATIONS_BY_NAME: dict[str, Relation] = {relation.name: relation for relation in RELATIONS}


def link_words(language: str, relations: tuple[Relation, ...] = RELATIONS) -> dict[str, str]:
    """Each relation's legend words in one language, by the class of its links."""
    return {relation.category: relation.words[language] for relation in relations}


def link_classes(relations: tuple[Relation, ...] = RELATIONS) -> Mapping[str, str]:
    """The class of each relation's links, by its name (a comparison of two revisions keeps names, not Relations)."""
    return {relation.name: relation.category for relation in relations}
