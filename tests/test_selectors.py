"""Label selectors: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), plain map selectors."""

from __future__ import annotations

import pytest
import yaml

from gen.model import string_map
from gen.selectors import Selector, parse_label_selector, parse_map_selector


def _labels(text: str) -> dict[str, str]:
    """Labels as the loader gives them: YAML scalars (ints, bools) turned into label strings."""
    return string_map(yaml.safe_load(text))


def _selector(text: str) -> Selector:
    return parse_label_selector(yaml.safe_load(text))


WEB = _labels("{app: web, tier: frontend, version: 2, canary: true}")
API = _labels("{app: api, tier: backend}")
BARE = _labels("{}")


def test_match_labels() -> None:
    selector = _selector("matchLabels: {app: web, tier: frontend}")
    assert selector.matches(WEB)
    assert not selector.matches(API)
    assert not selector.matches(_labels("{app: web}"))  # every label must match


def test_in() -> None:
    selector = _selector("matchExpressions: [{key: tier, operator: In, values: [frontend, edge]}]")
    assert selector.matches(WEB)
    assert not selector.matches(API)
    assert not selector.matches(BARE)  # a missing key is not In anything


def test_not_in_is_satisfied_by_a_missing_key() -> None:
    selector = _selector("matchExpressions: [{key: tier, operator: NotIn, values: [backend]}]")
    assert selector.matches(WEB)
    assert not selector.matches(API)
    assert selector.matches(_labels("{app: other}"))


def test_exists() -> None:
    selector = _selector("matchExpressions: [{key: canary, operator: Exists}]")
    assert selector.matches(WEB)
    assert not selector.matches(API)


def test_does_not_exist() -> None:
    selector = _selector("matchExpressions: [{key: canary, operator: DoesNotExist}]")
    assert not selector.matches(WEB)
    assert selector.matches(API)


def test_match_labels_and_expressions_are_anded() -> None:
    selector = _selector(
        """
        matchLabels: {app: web}
        matchExpressions:
          - {key: tier, operator: In, values: [frontend]}
          - {key: canary, operator: DoesNotExist}
        """
    )
    assert not selector.matches(WEB)  # has canary
    assert selector.matches(_labels("{app: web, tier: frontend}"))


def test_unknown_operator_selects_nothing() -> None:
    assert not _selector("matchExpressions: [{key: app, operator: Like, values: [web]}]").matches(WEB)


@pytest.mark.parametrize("text", ["{}", "null", "matchLabels: {}", "matchExpressions: []", "[app, web]"])
def test_empty_selector_selects_nothing(text: str) -> None:
    selector = _selector(text)
    assert selector.empty
    assert not selector.matches(WEB)
    assert not selector.matches(BARE)


@pytest.mark.parametrize("text", ["{}", "null", "[1]", "app"])
def test_empty_map_selector_selects_nothing(text: str) -> None:
    selector = parse_map_selector(yaml.safe_load(text))
    assert selector.empty
    assert not selector.matches(WEB)


def test_integer_and_boolean_label_values() -> None:
    assert WEB["version"] == "2" and WEB["canary"] == "true"
    assert _selector("matchLabels: {version: 2, canary: true}").matches(WEB)
    assert _selector("matchLabels: {version: '2', canary: 'true'}").matches(WEB)
    assert not _selector("matchLabels: {version: 3}").matches(WEB)
    assert parse_map_selector(yaml.safe_load("{version: 2, canary: true}")).matches(WEB)


def test_integer_and_boolean_values_in_expressions() -> None:
    assert _selector("matchExpressions: [{key: canary, operator: In, values: [true]}]").matches(WEB)
    assert _selector("matchExpressions: [{key: version, operator: In, values: [1, 2]}]").matches(WEB)
    assert not _selector("matchExpressions: [{key: canary, operator: NotIn, values: [true]}]").matches(WEB)


def test_map_selector() -> None:
    selector = parse_map_selector({"app": "web", "tier": "frontend"})
    assert selector.matches(WEB)
    assert not selector.matches(API)


def test_describe() -> None:
    selector = _selector(
        """
        matchLabels: {tier: frontend, app: web}
        matchExpressions:
          - {key: track, operator: NotIn, values: [b, a]}
          - {key: canary, operator: Exists}
          - {key: legacy, operator: DoesNotExist}
        """
    )
    assert selector.describe() == "app=web,tier=frontend,track notin (a,b),canary,!legacy"
