"""Reading relationship rule files (`kind: RelationshipRules`), YAML and never code, through the schema reader
(gen/schema.py): every problem is an ERROR Diagnostic at the rule file's line and column (check `invalid-rules`),
and a rule with any problem is dropped whole.

    apiVersion: kubedocs.dev/v1
    kind: RelationshipRules
    metadata: {name: cert-manager}
    spec:
      rules:
        - group: cert-manager.io
          kind: Certificate
          when: {annotation: KEY, value: VALUE}          # optional: only resources annotated so
          references:
            - {field: spec.secretName, to: {kind: Secret}, relation: creates}        # a name reference
            - {selector: spec.selector, to: {kind: Service}, namespaceSelector: spec.namespaceSelector}
            - {podTemplate: spec.template, replicas: spec.replicas, through: ReplicaSet}  # a workload

Paths are dotted field paths, `[]` for every item of a list, a key with dots or slashes quoted
(`metadata.annotations["dapr.io/app-id"]`). The rules shipped beside this module
(gen/rules/custom/*.yaml) are always loaded; a project adds its own (`gen render --rules FILE`, the plugin's
`rules` option).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from ...kube import POD_PLACEHOLDERS, CustomPodTemplate, FieldPathError, parse_field_path
from ...model import BUILTIN_KINDS, Diagnostic, Severity, Source
from ...relations import RELATIONS_BY_NAME
from ...safeyaml import Refused, describe_error, inspected_nodes
from ...schema import STR, Problem, Reader, child, position
from .derive import (
    API_VERSION,
    CHECK,
    KIND,
    NAME_FORMS,
    SELECTOR_FORMS,
    CustomRule,
    NameReference,
    Reference,
    RuleBook,
    SelectorReference,
    Target,
    value_path_reason,
)

SHIPPED = "custom"  # gen/rules/custom/*.yaml, package data beside this module

_DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")
_RULE_KEYS = ("group", "kind", "when", "references")
_WHEN_KEYS = ("annotation", "value")
_TARGET_KEYS = ("group", "kind")
_NAME_KEYS = ("field", "to", "relation", "label", "labelField", "namespaceField", "kindField", "optional", "nameForm",
              "ignore")
_SELECTOR_KEYS = ("selector", "to", "relation", "namespaceSelector", "namespaces", "label", "labelField",
                  "selectorForm", "anyNamespace")
MAX_IGNORED = 100  # values a name reference ignores: a few reserved words
_TEMPLATE_KEYS = ("podTemplate", "replicas", "name", "through", "groups", "firstIndex", "podName", "labels")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MAX_BYTES = 1_000_000  # a rule file is read by people: nothing near this is useful

# libyaml's parser gives the same events and marks as the pure-Python one, ten times faster: the shipped rules are
# parsed on every `gen render`.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _whole_file(reader: Reader, line: int, column: int, message: str) -> None:
    """A problem of the file as a whole (not of one of its keys)."""
    reader.problems.append(Problem("", message, line, column))


def _mapping(reader: Reader, node: yaml.Node, path: str, keys: Sequence[str], required: Sequence[str] = ()
             ) -> dict[str, yaml.Node] | None:
    """A rule file's mapping: a key given twice is a problem, and one without a required key is not used."""
    found = reader.mapping(node, path, keys, required, duplicates=True)
    return found if found is not None and all(name in found for name in required) else None


def _text(reader: Reader, node: yaml.Node, path: str) -> str | None:
    return reader.text(node, path, nonblank=True)


def _path_text(reader: Reader, node: yaml.Node, path: str, names_one: bool = False) -> str | None:
    """A field path (gen/kube.py parse_field_path) that reads no value that may be secret."""
    value = _text(reader, node, path)
    if value is None:
        return None
    try:
        parse_field_path(value)
    except FieldPathError as exc:
        reader.problem(node, path, f"is not a field path (spec.endpoints[].port, a key with dots or slashes "
                                   f"quoted: metadata.annotations[\"dapr.io/app-id\"]): {exc}")
        return None
    reason = value_path_reason(value, names_one)
    if reason is not None:
        reader.problem(node, path, f"reads {reason}, which may be secret: a rule reads names, selectors and "
                                   "numbers only (refused)")
        return None
    return value


def parse_rules(text: str, path: str) -> tuple[list[CustomRule], list[Diagnostic]]:
    """The valid rules of one rule file and an error for every problem, at its line and column."""
    reader = Reader()
    rules: list[CustomRule] = []
    for root in _documents(reader, text):
        rules.extend(_document(reader, root, path))
    return rules, [Diagnostic(Source(path, p.line, p.column), Severity.ERROR, f"rule file: {p}", CHECK)
                   for p in reader.problems]


def _documents(reader: Reader, text: str) -> list[yaml.Node]:
    """The file's documents as composed nodes, through the safe layer; none (said) when the file cannot be read."""
    if len(text) > MAX_BYTES:
        _whole_file(reader, 0, 0, f"larger than {MAX_BYTES} bytes")
        return []
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                _whole_file(reader, *position_of(event.start_mark),
                            "anchors and aliases are not allowed: rules are plain data")
                return []
        documents = list(inspected_nodes(text))
    except Refused as exc:
        _whole_file(reader, exc.line, exc.column, f"refused: {exc.message}")
        return []
    except yaml.YAMLError as exc:
        line, column, message = describe_error(exc, text)
        _whole_file(reader, line, column, f"not valid YAML: {message}")
        return []
    if not documents:
        _whole_file(reader, 0, 0, "no rules in the file")
    return documents


def position_of(mark: Any) -> tuple[int, int]:  # a Mark of PyYAML's or of libyaml's, or None
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _is_rule_document(reader: Reader, node: yaml.Node) -> bool:
    """Whether a document says it is a rule file (apiVersion and kind), told without quoting any of its text: a
    path given as a rule file may name any file (a key file, /etc/shadow), whose text must reach no page."""
    header = {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)
              and key.value in ("apiVersion", "kind")} if isinstance(node, yaml.MappingNode) else {}
    api_version, kind = header.get("apiVersion"), header.get("kind")

    def says(value: yaml.Node | None, expected: str) -> bool:
        return isinstance(value, yaml.ScalarNode) and value.tag == STR and value.value == expected

    if says(api_version, API_VERSION) and says(kind, KIND):
        return True
    if says(api_version, API_VERSION) and kind is not None:
        reader.problem(kind, "kind", f"must be {KIND}")  # a kubedocs document of another kind: safe to say where
    else:
        _whole_file(reader, *position(node), f"not a rule file: a rule file is YAML with apiVersion {API_VERSION} "
                                             f"and kind {KIND} (nothing of this file is shown)")
    return False


def _document(reader: Reader, node: yaml.Node, file: str) -> Iterator[CustomRule]:
    if not _is_rule_document(reader, node):
        return
    document = _mapping(reader, node, "", _DOCUMENT_KEYS, ("apiVersion", "kind", "spec"))
    if document is None:
        return
    if "metadata" in document:
        _mapping(reader, document["metadata"], "metadata", ("name",))
    spec = _mapping(reader, document["spec"], "spec", ("rules",), ("rules",))
    if spec is None:
        return
    for index, item in enumerate(reader.items(spec["rules"], "spec.rules") or []):
        rule = _rule(reader, item, child("spec.rules", index), file)
        if rule is not None:
            yield rule


def _rule(reader: Reader, node: yaml.Node, path: str, file: str) -> CustomRule | None:
    rule = _mapping(reader, node, path, _RULE_KEYS, ("kind", "references"))
    if rule is None:
        return None
    kind = _text(reader, rule["kind"], child(path, "kind"))
    group = _text(reader, rule["group"], child(path, "group")) if "group" in rule else ""
    if kind is not None and not group and kind not in BUILTIN_KINDS:
        reader.problem(rule["kind"], child(path, "kind"), "is not a built-in kind, so its API group is required "
                                                          "(`group`)")
        return None
    annotation = value = None
    if "when" in rule:
        when = _mapping(reader, rule["when"], child(path, "when"), _WHEN_KEYS, ("annotation",))
        if when is not None:
            annotation = _text(reader, when["annotation"], child(path, "when.annotation"))
            if "value" in when:
                value = _text(reader, when["value"], child(path, "when.value"))
    references: list[Reference] = []
    templates: list[CustomPodTemplate] = []
    items = reader.items(rule["references"], child(path, "references"))
    for index, item in enumerate(items or []):
        found = _reference(reader, item, child(path, f"references[{index}]"), group or "", kind or "")
        if isinstance(found, CustomPodTemplate):
            templates.append(found)
        elif found is not None:
            references.append(found)
    if items is None or kind is None or group is None or reader.problems_within(node):
        return None  # a rule with any problem is dropped whole
    line, column = position(node)
    return CustomRule(group, kind, tuple(references), tuple(templates), Source(file, line, column), annotation,
                      value)


def _reference(reader: Reader, node: yaml.Node, path: str, group: str, kind: str
               ) -> Reference | CustomPodTemplate | None:
    keys = {key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)} \
        if isinstance(node, yaml.MappingNode) else set()
    if "podTemplate" in keys:
        return _template(reader, node, path, group, kind)
    if "selector" in keys:
        found = _mapping(reader, node, path, _SELECTOR_KEYS, ("selector", "to"))
    elif "field" in keys:
        found = _mapping(reader, node, path, _NAME_KEYS, ("field", "to"))
    else:
        reader.problem(node, path, "must be a mapping with one of field, selector or podTemplate")
        return None
    if found is None:
        return None
    to = _target(reader, found["to"], child(path, "to"))
    relation = RELATIONS_BY_NAME.get("selects" if "selector" in found else "uses")
    if "relation" in found:
        name = reader.choice(found["relation"], child(path, "relation"), sorted(RELATIONS_BY_NAME), "relation")
        relation = RELATIONS_BY_NAME.get(name or "")
    label = _text(reader, found["label"], child(path, "label")) if "label" in found else ""
    # A name reference's field may name one annotation (value_path_reason); no other path may read one.
    paths = {key: _path_text(reader, found[key], child(path, key), names_one=key == "field") if key in found else None
             for key in ("field", "selector", "labelField", "namespaceField", "kindField", "namespaceSelector",
                         "namespaces")}
    if to is None or relation is None or label is None:
        return None
    if "selector" in found:
        selector = paths["selector"]
        form = reader.choice(found["selectorForm"], child(path, "selectorForm"), SELECTOR_FORMS, "selector form") \
            if "selectorForm" in found else SELECTOR_FORMS[0]
        anywhere = reader.flag(found["anyNamespace"], child(path, "anyNamespace")) if "anyNamespace" in found \
            else False
        if anywhere and ("namespaces" in found or "namespaceSelector" in found):
            reader.problem(found["anyNamespace"], child(path, "anyNamespace"), "cannot go with namespaces or "
                                                                              "namespaceSelector")
            return None
        if selector is None or form is None or anywhere is None:
            return None
        return SelectorReference(selector, to, relation, paths["namespaceSelector"], label, paths["labelField"],
                                 paths["namespaces"], form, anywhere)
    name_field = paths["field"]
    optional = reader.flag(found["optional"], child(path, "optional")) if "optional" in found else False
    name_form = reader.choice(found["nameForm"], child(path, "nameForm"), NAME_FORMS, "name form") \
        if "nameForm" in found else NAME_FORMS[0]
    ignore = _words(reader, found["ignore"], child(path, "ignore")) if "ignore" in found else ()
    if name_field is None or name_form is None or ignore is None:
        return None
    return NameReference(name_field, to, relation, label, paths["labelField"], paths["namespaceField"],
                         paths["kindField"], bool(optional), name_form, ignore)


def _words(reader: Reader, node: yaml.Node, path: str) -> tuple[str, ...] | None:
    """A list of values (a name reference's `ignore`)."""
    items = reader.items(node, path, most=MAX_IGNORED)
    words = [_text(reader, item, path) for item in items or []]
    return None if items is None or None in words else tuple(str(word) for word in words)


def _target(reader: Reader, node: yaml.Node, path: str) -> Target | None:
    target = _mapping(reader, node, path, _TARGET_KEYS, ("kind",))
    if target is None:
        return None
    kind = _text(reader, target["kind"], child(path, "kind"))
    group = _text(reader, target["group"], child(path, "group")) if "group" in target else ""
    if kind is None or group is None:
        return None
    if not group and kind not in BUILTIN_KINDS and kind != "Pod":
        reader.problem(target["kind"], child(path, "kind"), "is not a built-in kind, so its API group is required "
                                                            "(`group`)")
        return None
    return Target(kind, "" if kind in BUILTIN_KINDS else group)


def _template(reader: Reader, node: yaml.Node, path: str, group: str, kind: str) -> CustomPodTemplate | None:
    found = _mapping(reader, node, path, _TEMPLATE_KEYS, ("podTemplate",))
    if found is None:
        return None
    # One path, or a list of paths of which the first present one is used (a LeaderWorkerSet's leader runs its
    # leaderTemplate, else the workerTemplate).
    value = found["podTemplate"]
    paths = [_path_text(reader, item, child(path, "podTemplate"))
             for item in (value.value if isinstance(value, yaml.SequenceNode) else [value])]
    if not paths:
        reader.problem(value, child(path, "podTemplate"), "must name at least one path")
    replicas: list[str | None] = []
    if "replicas" in found:
        value = found["replicas"]
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        replicas = [_path_text(reader, item, child(path, "replicas")) for item in items]
    name = _text(reader, found["name"], child(path, "name")) if "name" in found else ""
    through = _text(reader, found["through"], child(path, "through")) if "through" in found else None
    if through is not None and through not in BUILTIN_KINDS:
        reader.problem(found["through"], child(path, "through"), "must be a built-in kind (ReplicaSet)")
        return None
    groups = _path_text(reader, found["groups"], child(path, "groups")) if "groups" in found else None
    first_index = reader.integer(found["firstIndex"], child(path, "firstIndex"), least=0) \
        if "firstIndex" in found else 0
    pod_name = _pattern(reader, found["podName"], child(path, "podName")) if "podName" in found else ""
    labels = _labels(reader, found["labels"], child(path, "labels")) if "labels" in found else ()
    if (None in paths or not paths or name is None or None in replicas or ("groups" in found and groups is None)
            or first_index is None or pod_name is None or labels is None):
        return None
    return CustomPodTemplate(group, kind, str(paths[0]), tuple(r for r in replicas if r), name, through,
                             tuple(str(p) for p in paths[1:]), groups, first_index, pod_name, labels)


def _pattern(reader: Reader, node: yaml.Node, path: str) -> str | None:
    """A name or label value with placeholders: {name}, {group} and {index}, nothing else."""
    value = _text(reader, node, path)
    if value is None:
        return None
    if any(p not in POD_PLACEHOLDERS for p in _PLACEHOLDER.findall(value)):
        reader.problem(node, path, f"an unknown placeholder (known: {', '.join(POD_PLACEHOLDERS)})")
        return None
    return value


def _labels(reader: Reader, node: yaml.Node, path: str) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(node, yaml.MappingNode):
        reader.problem(node, path, "must be a mapping of label to value")
        return None
    labels: dict[str, str] = {}
    for key, value in node.value:
        label = _text(reader, key, child(path, "a label"))
        pattern = _pattern(reader, value, child(path, label or "a label"))
        if label is None or pattern is None:
            return None
        if label in labels:
            reader.problem(key, path, f"'{label}' given twice")
            return None
        labels[label] = pattern
    return tuple(sorted(labels.items()))


def read_rule_files(paths: Iterable[str], kinds: Collection[str] | None = None, roots: Sequence[Path] | None = None,
                    relative_to: Path | None = None) -> RuleBook:
    """The shipped rules and those of the given files (a project's own), in that order; given the kinds of the
    input, only the shipped files that name one of them (see shipped_rules). With `roots` (a site's), a rule file
    must lie inside one of them, every symbolic link resolved, as a site's manifests must; messages name each file
    relative to `relative_to` (never an absolute path of the build machine)."""
    from ...paths import inside_roots, relative_path

    shipped = shipped_rules(None if kinds is None else frozenset(kinds))
    rules: list[CustomRule] = list(shipped.rules)
    problems: list[Diagnostic] = list(shipped.problems)
    files: list[str] = []
    for path in paths:
        files.append(path)
        name = relative_path(path, relative_to)
        if roots is not None and not inside_roots(Path(path), roots):
            problems.append(Diagnostic(Source(name), Severity.ERROR, "rule file: refused: it lies outside the "
                                       "project (or is a symbolic link that leads outside it)", CHECK))
            continue
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except OSError as exc:
            problems.append(Diagnostic(Source(name), Severity.ERROR,
                                       f"rule file: cannot read it: {(exc.strerror or 'error').lower()}", CHECK))
            continue
        except UnicodeDecodeError:
            problems.append(Diagnostic(Source(name), Severity.ERROR, "rule file: not UTF-8 text", CHECK))
            continue
        found, trouble = parse_rules(text, name)
        rules.extend(found)
        problems.extend(trouble)
    return RuleBook(tuple(rules), tuple(problems), tuple(files))


# A rule's own kind, in block style at the start of a line (`- kind: X` or `  kind: X`); a target's in flow style
# (`to: {kind: Secret}`) is left out. A test holds every shipped rule's kind to this.
_KIND_NAMED = re.compile(r"""^[ \t]*(?:-[ \t]+)?kind:[ \t]*["']?([A-Za-z0-9]+)""", re.MULTILINE)


@functools.cache
def _shipped_files() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """Each shipped rule file: its name, its text and the kinds it names at the start of a line."""
    folder = Path(__file__).parent  # package data beside this module (importlib.resources costs 3 ms)
    files = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            files.append((entry.name, text, frozenset(_KIND_NAMED.findall(text))))
    return tuple(files)


@functools.cache
def _parsed_file(name: str) -> tuple[tuple[CustomRule, ...], tuple[Diagnostic, ...]]:
    text = next(text for file, text, _kinds in _shipped_files() if file == name)
    found, trouble = parse_rules(text, f"gen/rules/{SHIPPED}/{name}")
    return tuple(found), tuple(trouble)


@functools.cache
def shipped_rules(kinds: frozenset[str] | None = None) -> RuleBook:
    """The rules shipped with gen (gen/rules/custom/*.yaml): prometheus-operator, cert-manager, Istio, Argo
    Rollouts, LeaderWorkerSet. Given the kinds of an input, only the files that name one of them: a rule applies to the
    resources of its own kind, so a file that names none of the input's kinds has nothing to add, and is not
    parsed (2.5 ms of a small `gen render`); each file is parsed once a process."""
    rules: list[CustomRule] = []
    problems: list[Diagnostic] = []
    for name, _text, named in _shipped_files():
        if kinds is None or named & kinds:
            found, trouble = _parsed_file(name)
            rules.extend(found)
            problems.extend(trouble)
    return RuleBook(tuple(rules), tuple(problems))
