"""Hostile input to loading: symbolic links, link loops, alias bombs, deep nesting, bytes that are not text.
Each gives a message naming file and line, never a traceback, a hang or a leak; the other inputs still load."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.loading import LoadResult, load
from gen.model import Severity
from gen.paths import expand_inputs
from gen.safeyaml import MAX_ALIAS_NODES, MAX_DEPTH

ROOT = Path(__file__).resolve().parents[1]
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n"


def _errors(result: LoadResult) -> list[str]:
    return [str(d) for d in result.diagnostics if d.severity is Severity.ERROR]


# --- symbolic links -------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose manifests/ holds one good file, a link to a file outside and a link to a directory outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n")
    manifests = tmp_path / "project" / "manifests"
    manifests.mkdir(parents=True)
    (manifests / "good.yaml").write_text(GOOD)
    (manifests / "file-link.yaml").symlink_to(outside / "secret.yaml")
    (manifests / "dir-link").symlink_to(outside)
    return tmp_path / "project"


def test_links_out_of_a_walked_directory_are_refused_by_name(project: Path) -> None:
    manifests = project / "manifests"
    paths, problems = expand_inputs([str(manifests)])
    assert paths == [str(manifests / "good.yaml")]
    refused = sorted(str(p.source) for p in problems)
    assert refused == [str(manifests / "dir-link"), str(manifests / "file-link.yaml")]
    assert all("outside the project" in p.message and "outside/" not in p.message for p in problems)


def test_links_out_of_the_project_are_refused_even_when_named(project: Path) -> None:
    manifests = project / "manifests"
    _, problems = expand_inputs([str(manifests / "file-link.yaml"), str(manifests / "dir-link")], roots=[project])
    assert len(problems) == 2 and all("refused" in p.message for p in problems)
    result = load([str(manifests)])
    assert [r.name for r in result.resources] == ["good"]


def test_a_link_inside_the_project_is_followed(project: Path) -> None:
    manifests = project / "manifests"
    (project / "shared.yaml").write_text(GOOD.replace("good", "shared"))
    (manifests / "shared-link.yaml").symlink_to(project / "shared.yaml")
    paths, problems = expand_inputs([str(manifests / "shared-link.yaml")], roots=[project])
    assert problems == [] and paths == [str(manifests / "shared-link.yaml")]


def test_link_loops_end_and_each_real_file_loads_once(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.yaml").write_text(GOOD)
    (tree / "sub" / "loop").symlink_to(tree)  # sub/loop/sub/loop/… forever, for a walker that follows it
    (tree / "self").symlink_to(tree / "self")  # a link to itself
    started = time.monotonic()
    for inputs in ([str(tree)], [str(tree / "**" / "*")], [str(tree / "**" / "*.yaml"), str(tree)]):
        result = load(inputs)
        assert [r.name for r in result.resources] == ["good"], inputs
        assert not [d for d in result.diagnostics if d.check == "duplicate-resource"]
    assert time.monotonic() - started < 5


def test_the_same_file_named_twice_loads_once(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(GOOD)
    (tmp_path / "alias.yaml").symlink_to(path)
    result = load([str(path), str(tmp_path / "." / "a.yaml"), str(tmp_path / "alias.yaml")])
    assert [r.name for r in result.resources] == ["good"]
    assert result.diagnostics == []


@pytest.mark.exe
def test_glob_with_a_link_loop_finishes_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.yaml").write_text(GOOD)
    (tmp_path / "m" / "loop").symlink_to(tmp_path / "m")
    for command in ("render", "check"):
        done = subprocess.run([sys.executable, "-m", "gen.cli", command, "m/**/*"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert done.returncode == 0, done.stderr
        assert "duplicate" not in done.stderr


def test_an_empty_directory_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = load([str(tmp_path / "empty")])
    (warning,) = result.diagnostics
    assert warning.severity is Severity.WARNING and "no manifest file" in warning.message


# --- alias bombs ------------------------------------------------------------------------------------------------


def _bomb(anchor_indent: str = "") -> str:
    lines = [f'{anchor_indent}x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{anchor_indent}x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    return "\n".join(lines)


BOMB_PLACES = {
    "label value": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels:\n{bomb}\n    app: *a11\n",
    "namespace": "apiVersion: v1\nkind: ConfigMap\nbombs:\n{bomb}\nmetadata: {{name: b, namespace: *a11}}\n",
    "container name": ("apiVersion: v1\nkind: Pod\nbombs:\n{bomb}\nmetadata: {{name: b}}\n"
                       "spec: {{containers: [{{name: *a11, image: x}}]}}\n"),
    "List items": "apiVersion: v1\nkind: List\nbombs:\n{bomb}\nitems: *a11\n",
    "merge key": "bombs:\n{bomb}\nm0: &m0 {{a: 1, b: 2}}\nm1: &m1 {{<<: [*m0, *m0, *m0], c: *a11}}\n",
    "document root": "- \n{bomb}\n- *a11\n",
}


@pytest.mark.parametrize("place", sorted(BOMB_PLACES))
def test_alias_bomb_is_refused_wherever_it_sits_within_5s_and_200mib(tmp_path: Path, place: str) -> None:
    text = BOMB_PLACES[place].format(bomb=textwrap.indent(_bomb(), "    " if place == "label value" else "  "))
    path = tmp_path / "bomb.yaml"
    path.write_text(text + "---\n" + GOOD)
    probe = textwrap.dedent(f"""
        import time
        from gen.loading import load
        from gen.site.redact import redact_manifest
        from gen.pipeline import analyse
        started = time.monotonic()
        loaded, graph = analyse([{str(path)!r}])
        shown = redact_manifest(open({str(path)!r}).read())
        print([r.name for r in loaded.resources], [str(d) for d in loaded.diagnostics if d.severity == "error"])
        print(shown.splitlines()[0])
        peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
        print(time.monotonic() - started, int(peak) // 1024)  # VmHWM, unlike ru_maxrss, starts afresh at exec
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    names, first_shown, measures = done.stdout.splitlines()
    seconds, mebibytes = map(float, measures.split())
    assert "'good'" in names and "error: refused" in names and "alias" in names, names
    assert first_shown.startswith("# (not shown")
    assert seconds < 5 and mebibytes < 200, measures


def test_a_few_aliases_are_fine() -> None:
    text = GOOD + "data:\n  a: &x hello\n  b: *x\n"
    result = load(["-"], stdin_text=text)
    assert [r.name for r in result.resources] == ["good"] and result.diagnostics == []
    assert MAX_ALIAS_NODES >= 10_000


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    result = load(["-"], stdin_text=GOOD + "data: &x {a: *x}\n")
    assert result.resources == [] and "a cycle" in _errors(result)[0]


# --- nesting -----------------------------------------------------------------------------------------------------


def _block_nested(depth: int, where: str) -> str:
    if where == "labels":
        body = "".join(f"{'  ' * (i + 2)}k{i}:\n" for i in range(depth)) + "  " * (depth + 2) + "v\n"
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  labels:\n" + body
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x:\n    " + "- " * depth + "v\n"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 990, 999, 3000])
@pytest.mark.parametrize("where", ["labels", "data"])
def test_nesting_past_the_limit_is_refused_with_its_line(tmp_path: Path, depth: int, where: str) -> None:
    if where == "labels" and depth > 1000:
        pytest.skip("indentation of 3000 levels is 9 MB of spaces; the `- ` form covers it")
    (tmp_path / "deep.yaml").write_text(_block_nested(depth, where))
    (tmp_path / "good.yaml").write_text(GOOD)
    result = load([str(tmp_path)])
    assert [r.name for r in result.resources] == ["good"]
    (error,) = _errors(result)
    assert error.startswith(f"{tmp_path / 'deep.yaml'}:") and f"nested more than {MAX_DEPTH} deep" in error


@pytest.mark.parametrize("command", ["render", "check"])
def test_nesting_just_under_the_old_guard_crashes_no_command(tmp_path: Path, command: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_block_nested(995, "labels"))
    done = subprocess.run([sys.executable, "-m", "gen.cli", command, str(path), *(["-o", str(tmp_path / "d.dot")]
                                                                                    if command == "render" else [])],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "deep.yaml:" in done.stderr, done.stderr


def test_a_label_value_that_is_a_list_is_no_crash() -> None:
    result = load(["-"], stdin_text=GOOD.replace("{name: good}", "{name: good, labels: {app: [[[[x]]]]}}"))
    from gen.rules import derive

    derive(result.inventory())  # a nested label value is not a label value: nothing to crash on


# --- text that is not text -----------------------------------------------------------------------------------


def test_non_utf8_standard_input_is_a_message_with_its_line() -> None:
    done = subprocess.run([sys.executable, "-m", "gen.cli", "check", "-"], cwd=ROOT, capture_output=True,
                          input=GOOD.encode() + b"data: {a: caf\xe9}\n", timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err
    assert "<stdin>:4: error: cannot read: not UTF-8 text" in err


def test_non_utf8_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.encode() + b"data:\n  a: caf\xe9\n")
    assert _errors(load([str(path)])) == [f"{path}:5: error: cannot read: not UTF-8 text (byte 0xe9 at offset 68)"]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_lone_surrogate_escape_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"s{suffix}"
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a\\ud800"}}')
    result = load([str(path)])
    # libyaml itself rejects the escape; JSON's decoder accepts it, and the loader refuses what it gives
    expected = "lone surrogate" if suffix == ".json" else "invalid Unicode character escape"
    assert result.resources == [] and expected in _errors(result)[0]


def test_duplicate_keys_warn_naming_both_lines() -> None:
    result = load(["-"], stdin_text=GOOD + "data:\n  password: one\n  password: two\n")
    (warning,) = result.diagnostics
    assert warning.severity is Severity.WARNING and warning.source.line == 6
    assert "duplicate key 'password' (also on line 5)" in warning.message


def test_list_items_without_kind_take_the_lists() -> None:
    result = load(["-"], stdin_text="apiVersion: v1\nkind: SecretList\nitems:\n  - metadata: {name: s}\n")
    assert [(r.kind, r.api_version, r.name) for r in result.resources] == [("Secret", "v1", "s")]


FLOW_BOMB = ("{x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol], "
             + ", ".join(f"x{i}: [{','.join([f'*a{i - 1}'] * 9)}]".replace("[", f"&a{i} [", 1) for i in range(1, 12))
             + "}")


@pytest.mark.parametrize("bomb", [
    FLOW_BOMB,
    FLOW_BOMB.replace(": &", ":&").replace("{x0:&", "{x0:&"),  # `:` right before the anchor, in a flow mapping
    FLOW_BOMB.replace(" &", "&"),  # anchors right after `,` and `{`
    FLOW_BOMB.replace(": &", ":\t&"),
])
def test_a_flow_alias_bomb_is_refused(bomb: str) -> None:
    from gen.safeyaml import is_plain

    assert not is_plain(bomb)
    result = load(["-"], stdin_text=GOOD + f"bombs: {bomb}\n")
    assert "alias" in " ".join(_errors(result)) or "invalid YAML" in " ".join(_errors(result)), _errors(result)


@pytest.mark.parametrize(("text", "plain"), [
    ("command: [sh, -c, 'wget http://x 2>&1 | awk']\n", True),  # `&` inside a scalar
    ("url: http://x/?a=1&b=2\n", True),
    ("args: [sh, -c, mkdir -p /x && ln -sf /x /y]\n", True),  # `&&` and `& ` are no anchor names
    ("description: set at both the pod & container level\n", True),
    ("a: &-x 1\nb: *-x\n", False),
    ("a: &x 1\nb: *x\n", False),
    ("[&x 1, *x]\n", False),
    ("{? &x k : v, z: *x}\n", False),
    ("[1,&x 2,*x]\n", False),
    ("&x a\n", False),
    ("a: '\\u00e9'\n", False),
])
def test_plain_text_is_told_from_text_that_may_hold_an_anchor(text: str, plain: bool) -> None:
    from gen.safeyaml import is_plain

    assert is_plain(text) is plain


@given(st.text(alphabet="&*ax1 \t\n[]{},:?-'\"|>!#%@`.", max_size=60))
@settings(max_examples=400, deadline=None)
def test_text_taken_for_plain_never_composes_to_shared_nodes(text: str) -> None:
    """The fast inspection walks plain text as a tree: if an alias could get past is_plain, a bomb would be walked
    node by node. Whatever composes from text taken for plain has no node reachable twice."""
    import yaml

    from gen.safeyaml import ManifestLoader, is_plain

    if not is_plain(text):
        return
    try:
        roots = list(yaml.compose_all(text, Loader=ManifestLoader))
    except yaml.YAMLError:
        return
    seen: set[int] = set()
    stack = [root for root in roots if root is not None]
    while stack:
        node = stack.pop()
        assert id(node) not in seen, text
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
