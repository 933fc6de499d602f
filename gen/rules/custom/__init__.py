"""Relationship rules of custom kinds, written as data (`kind: RelationshipRules`), beside the rule files gen ships
(gen/rules/custom/*.yaml: prometheus-operator, cert-manager, Istio, Argo Rollouts, LeaderWorkerSet).

- reader.py reads rule files through the schema reader (gen/schema.py): every problem at its line and column;
- derive.py follows the rules over an input (names, selectors, Pod templates) and draws CRD → resources.
"""

from __future__ import annotations

from ...graph import Facts, PodInstance
from ...model import Inventory
from .derive import (
    API_VERSION,
    CHECK,
    DANGLING,
    DEFINES,
    KIND,
    MAX_RULE_LINKS,
    MONITORS,
    CustomRule,
    NameReference,
    Reference,
    RuleBook,
    SelectorReference,
    Target,
    derive_definitions,
    value_path_reason,
)
from .reader import MAX_BYTES, SHIPPED, _parsed_file, _shipped_files, parse_rules, read_rule_files, shipped_rules

__all__ = [
    "API_VERSION", "CHECK", "DANGLING", "DEFINES", "KIND", "MAX_BYTES", "MAX_RULE_LINKS", "MONITORS", "SHIPPED",
    "CustomRule", "NameReference", "Reference", "RuleBook", "SelectorReference", "Target", "_parsed_file",
    "_shipped_files", "derive_custom_edges", "derive_definitions", "parse_rules", "read_rule_files",
    "shipped_rules", "value_path_reason",
]


def derive_custom_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """The shipped rules' relationships (derive() puts a project's rule book in this rule's place)."""
    return shipped_rules(inventory.kinds()).derive(inventory, pods)
