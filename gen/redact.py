"""Showing a manifest's YAML without any value that could be a secret.

Secret `data`/`stringData` values, ConfigMap `data`/`binaryData` values, annotation values and env literals are
replaced in the original text (comments and layout kept), found through the YAML nodes' positions.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from .loading import ManifestLoader, flow_nesting_too_deep

REDACTED = "«redacted»"


def redact_manifest(text: str) -> str:
    """The text with every sensitive value replaced; unparseable text is withheld entirely."""
    if flow_nesting_too_deep(text) is not None:
        return "# (not shown: nested too deeply to be a manifest)\n"
    spans: list[tuple[int, int]] = []
    loader = ManifestLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                spans.extend(_sensitive_spans(node))
    except yaml.YAMLError:
        return "# (not shown: this file is not valid YAML)\n"
    finally:
        loader.dispose()
    for start, end in sorted(set(spans), reverse=True):
        replacement = REDACTED
        if "\n" in text[start:end]:  # a block scalar: keep the next key on its own line
            replacement += "\n"
        text = text[:start] + replacement + text[end:]
    return text


def _sensitive_spans(root: yaml.Node) -> Iterator[tuple[int, int]]:
    if isinstance(root, yaml.SequenceNode):
        for item in root.value:  # a List's items, at any depth
            yield from _sensitive_spans(item)
        return
    if not isinstance(root, yaml.MappingNode):
        return
    kind = _scalar(_get(root, "kind"))
    if kind in ("Secret", "ConfigMap"):
        for key in ("data", "stringData", "binaryData"):
            yield from _value_spans(_get(root, key))
    yield from _value_spans(_get(_get(root, "metadata"), "annotations"))
    if kind in ("Kustomization", None):  # generator literals (`TOKEN=x`) become Secret and ConfigMap data
        for generators in (_get(root, "secretGenerator"), _get(root, "configMapGenerator")):
            for generator in generators.value if isinstance(generators, yaml.SequenceNode) else []:
                literals = _get(generator, "literals")
                for literal in literals.value if isinstance(literals, yaml.SequenceNode) else []:
                    yield literal.start_mark.index, literal.end_mark.index
    items = _get(root, "items")
    if items is not None:
        yield from _sensitive_spans(items)
    yield from _env_literal_spans(root)


def _env_literal_spans(node: yaml.Node | None, seen: set[int] | None = None) -> Iterator[tuple[int, int]]:
    """Every `env: [{name, value}]` literal anywhere below (Pod templates nest at several depths).
    Each node is visited once: aliases share nodes, and an alias bomb must not make this exponential."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if _scalar(key) == "env" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    literal = _get(item, "value")
                    if isinstance(literal, yaml.ScalarNode):
                        yield literal.start_mark.index, literal.end_mark.index
            else:
                yield from _env_literal_spans(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _env_literal_spans(item, seen)


def _value_spans(mapping: yaml.Node | None) -> Iterator[tuple[int, int]]:
    if isinstance(mapping, yaml.MappingNode):
        for _key, value in mapping.value:
            yield value.start_mark.index, value.end_mark.index


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if _scalar(k) == key:
                return v  # type: ignore[no-any-return]
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None
