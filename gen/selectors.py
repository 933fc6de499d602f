"""Label selectors: matchLabels plus matchExpressions (In, NotIn, Exists, DoesNotExist)."""

from __future__ import annotations

from collections.abc import Mapping

from .model import as_list, as_mapping, string_map
from .records import record


@record(frozen=True)
class Requirement:
    key: str
    operator: str
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            # The API server's semantics: a missing key satisfies NotIn.
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        return False  # an unknown operator selects nothing, as the API server would reject it


@record(frozen=True)
class Selector:
    """A parsed selector. `empty` selectors select nothing here: a Service without one has no Pods."""

    requirements: tuple[Requirement, ...]

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        return bool(self.requirements) and all(r.matches(labels) for r in self.requirements)

    def describe(self) -> str:
        parts = []
        for r in self.requirements:
            if r.operator == "In" and len(r.values) == 1:
                parts.append(f"{r.key}={next(iter(r.values))}")
            elif r.operator == "Exists":
                parts.append(r.key)
            elif r.operator == "DoesNotExist":
                parts.append(f"!{r.key}")
            else:
                parts.append(f"{r.key} {r.operator.lower()} ({','.join(sorted(r.values))})")
        return ",".join(parts)


def parse_label_selector(value: object) -> Selector:
    """A LabelSelector (`matchLabels` / `matchExpressions`), as Deployments and PVCs use."""
    selector = as_mapping(value)
    requirements = [
        Requirement(key, "In", frozenset({v})) for key, v in sorted(string_map(selector.get("matchLabels")).items())
    ]
    for expression in as_list(selector.get("matchExpressions")):
        expression = as_mapping(expression)
        key, operator = expression.get("key"), expression.get("operator")
        if isinstance(key, str) and isinstance(operator, str):
            # Normalised like label values: a YAML `true` is the label value "true", not "True".
            listed = as_list(expression.get("values"))
            values = frozenset(string_map(dict(enumerate(listed))).values())
            requirements.append(Requirement(key, operator, values))
    return Selector(tuple(requirements))


def parse_map_selector(value: object) -> Selector:
    """A plain label map (Service and ReplicationController `spec.selector`)."""
    return Selector(tuple(Requirement(k, "In", frozenset({v})) for k, v in sorted(string_map(value).items())))
