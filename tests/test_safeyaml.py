"""gen/safeyaml.py's construct_tree: the data of a plain document (no alias) built at a fraction of PyYAML's cost,
held to PyYAML's own construct_document: the same values of the same types, on tricky scalars, on generated
documents (hypothesis) and on every document of the corpus."""

from __future__ import annotations

import datetime
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen import safeyaml
from gen.safeyaml import ManifestLoader, Unreadable, construct_tree, describe_error, is_plain

EXAMPLES = int(os.environ.get("KUBEDOCS_FUZZ_EXAMPLES", "300"))


def typed(value: Any) -> Any:
    """A value with its types spelled out: 1, 1.0 and True are equal in Python, not in YAML."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def both_ways(text: str) -> tuple[list[Any], list[Any]]:
    """Every document of `text` built by construct_tree and by PyYAML, from the same composed nodes."""
    fast, slow = [], []
    for target, build in ((fast, construct_tree), (slow, None)):
        loader = ManifestLoader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    target.append(typed(build(loader, node) if build else loader.construct_document(node)))
        finally:
            loader.dispose()
    return fast, slow


TRICKY = """\
plain: text
quoted: "yes"
single: 'null'
booleans: [yes, No, on, OFF, true, False, y, n]
nulls: [~, null, Null, '']
ints: [0, -17, 0x1F, 0o17, 017, 0b101, 1_000, "12", 1:30, +5]
floats: [1.5, -0.0, 1e3, 1.5e-3, .inf, -.Inf, .NaN, 6.8523015e+5, 190:20:30.15]
dates: [2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, 2002-12-14]
binary: !!binary aGVsbG8=
tagged: [!!str 5, !!int "7", !!float "1", !!bool "true", !!null ""]
value: =
empty_map: {}
empty_list: []
nested: {a: [1, {b: [x, {c: d}]}], "k: colon": v}
0: zero key
1.5: float key
true: bool key
null: null key
~: tilde key
multi: |
  line one
  line two
folded: >
  folded
  text
"""


def test_tricky_scalars_keys_and_tags_are_built_as_pyyaml_builds_them() -> None:
    assert is_plain(TRICKY)
    fast, slow = both_ways(TRICKY)
    assert fast == slow
    data = dict(slow[0][1])
    assert data[("str", "dates")][1][0] == ("date", datetime.date(2001, 12, 14))


@pytest.mark.parametrize("text", [
    "base: {a: 1}\nderived:\n  <<: {a: 2, b: 3}\n  c: 4\n",  # a merge key: PyYAML's rules
    "- = : eq\n- {=: x}\n",  # `=` keys
    "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\np: !!pairs [{a: 1}, {a: 2}]\n",
    "? [complex, key]\n: value\n",  # a sequence as a key: PyYAML refuses it, the same way
    "k: !!timestamp 2001-12-14\n",
])
def test_unusual_documents_are_left_to_pyyaml(text: str) -> None:
    try:
        slow = both_ways(text)[1]
    except Exception as exc:  # PyYAML's own error is what the fast path must give too
        with pytest.raises(type(exc)):
            both_ways(text)
        return
    assert both_ways(text)[0] == slow


SCALAR_TEXT = st.sampled_from([
    "x", "yes", "No", "on", "~", "null", "0x1F", "0o17", "017", "1_000", "1:30", "1.5e3", ".inf", "-.Inf", ".NaN",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "'quoted'", '"dq\\tesc"', "!!str 5", "!!int '5'", "-1",
    "+.5", "True", "FALSE", "0b11", "12:30:45", "''", '""', "a b c", "é한글", "1e999",
])
KEY_TEXT = st.sampled_from(["a", "b", "yes", "1", "1.5", "null", "~", "'q'", "2001-12-14", "k-1", "true"])


def _render(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "\n" + "".join(f"{pad}{k}: {_render(v, indent + 2)}".rstrip(" ") + "\n" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "\n" + "".join(f"{pad}- {_render(v, indent + 2).lstrip()}".rstrip(" ") + "\n" for v in value)
    return str(value)


documents = st.recursive(
    SCALAR_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEY_TEXT, children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.dictionaries(KEY_TEXT, documents, min_size=1, max_size=5), min_size=1, max_size=3))
def test_generated_documents_are_built_as_pyyaml_builds_them(tops: list[dict[str, Any]]) -> None:
    text = "---\n".join(_render(top, 0).lstrip("\n") for top in tops)
    try:
        slow = both_ways(text)[1]
    except Exception as exc:  # text PyYAML refuses: the fast path refuses it alike
        with pytest.raises(type(exc)):
            both_ways(text)
        return
    assert both_ways(text)[0] == slow


def test_every_plain_document_of_the_corpus_is_built_as_pyyaml_builds_it(corpus: Path) -> None:
    compared = 0
    for path in sorted(corpus.rglob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if not is_plain(text):
            continue
        try:
            fast, slow = both_ways(text)
        except Exception:  # not YAML (templates): not this test's subject
            continue
        assert fast == slow, path
        compared += len(slow)
    assert compared > 1000


# --- values PyYAML's constructors cannot make: one document is unreadable, at its line, never quoted ------------

SECRET = "kdS3cretValue"
BAD_VALUES = [  # (the value's text, what the message names); each line below the value holds `k: VALUE`
    (f"!!int {SECRET}", "!!int"), (f"!!float {SECRET}", "!!float"), (f"!!bool {SECRET}", "!!bool"),
    (f"!!timestamp {SECRET}", "!!timestamp"), ("!!timestamp 2020-02-30", "!!timestamp"),
    ("!!timestamp 2001-12-14t21:59:43.10+99:00", "!!timestamp"), ("1" * 5000, "!!int"),  # int()'s digit limit
    (f"!!binary {SECRET}", "!!binary"), (f"!{SECRET}", "an unknown tag"), (f"!{SECRET} {{a: b}}", "an unknown tag"),
    (f"!!python/name:{SECRET} x", "an unknown tag"), (f"!!str {{a: {SECRET}}}", "does not fit"),
    (f"!!map {SECRET}", "does not fit"), (f"!!omap {SECRET}", "!!omap"), (f"[1, !!int {SECRET}]", "!!int"),
    (f"&anchor !!int {SECRET}", "!!int"),  # not plain: PyYAML's construct_document raises
]


@pytest.mark.parametrize(("value", "named"), BAD_VALUES)
def test_a_value_that_cannot_be_constructed_is_unreadable_at_its_line_and_the_rest_loads(value: str,
                                                                                           named: str) -> None:
    text = f"a: 1\n---\nfirst: ok\nk: {value}\n---\nb: 2\n"
    loaded = list(safeyaml.documents(text))
    assert [d.data for d in loaded] == [{"a": 1}, None, {"b": 2}]
    refused = loaded[1].refused
    assert isinstance(refused, Unreadable)
    assert (refused.line, refused.column) == (4, 8 if value.startswith("[") else 4)
    assert named in refused.message and SECRET not in refused.message and "1111" not in refused.message


@pytest.mark.parametrize("text", [
    f'a: "\\{SECRET[0]}{SECRET}"\n',  # an unknown escape
    f"a: *{SECRET}\n",  # an undefined alias
    f"a: !{SECRET}!x y\n",  # an undefined tag handle
    f"a: [{SECRET}\n",
    f"a: b\x01{SECRET}\n",  # a control character
])
def test_syntax_errors_are_described_without_quoting_the_input(text: str) -> None:
    for loader in (yaml.SafeLoader, ManifestLoader):  # the pure-Python parser quotes more than libyaml
        with pytest.raises(yaml.YAMLError) as caught:
            yaml.load(text, Loader=loader)
        line, _column, message = describe_error(caught.value, text)
        assert line in (1, 2) and message and SECRET not in message and SECRET[0:4] not in message
