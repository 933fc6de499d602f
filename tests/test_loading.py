"""Loading: files, directories, globs and stdin → resources with file and line; bad input → diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gen.loading import LoadResult, load
from gen.model import Diagnostic, Ref, Severity, Source
from gen.paths import expand_inputs


def _load(path: Path, namespace: str = "default") -> LoadResult:
    return load([str(path)], default_namespace=namespace)


def _where(result: LoadResult) -> dict[Ref, int]:
    """Each resource's 1-based line."""
    return {r.ref: r.source.line for r in result.resources}


def _by_severity(result: LoadResult, severity: Severity) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity is severity]


@pytest.fixture
def loading(fixtures_dir: Path) -> Path:
    return fixtures_dir / "loading"


# --- document shapes -------------------------------------------------------------------------------------------


def test_multi_document_with_empty_documents(loading: Path) -> None:
    result = _load(loading / "multi-doc.yaml")
    # Leading `---`, doubled `---`, a comment-only document and a trailing `---` give nothing, and no note.
    assert _where(result) == {
        Ref("ConfigMap", "default", "first"): 4,
        Ref("Service", "shop", "second"): 14,
    }
    assert result.diagnostics == []
    assert not result.failed


def test_every_resource_keeps_its_file(loading: Path) -> None:
    result = _load(loading / "multi-doc.yaml")
    assert {r.source.path for r in result.resources} == {str(loading / "multi-doc.yaml")}


def test_document_end_marker(loading: Path) -> None:
    result = _load(loading / "document-end.yaml")
    assert _where(result) == {
        Ref("ServiceAccount", "default", "before-end"): 1,
        Ref("ServiceAccount", "default", "after-end"): 7,
    }
    assert result.diagnostics == []


def test_kind_list_items_are_resources_with_their_own_lines(loading: Path) -> None:
    result = _load(loading / "list.yaml")
    assert _where(result) == {
        Ref("ConfigMap", "default", "listed-config"): 4,
        Ref("Service", "listed", "listed-service"): 8,
    }
    assert not any(r.kind == "List" for r in result.resources)


def test_configmaplist_items(loading: Path) -> None:
    result = _load(loading / "configmaplist.yaml")
    assert _where(result) == {
        Ref("ConfigMap", "monitoring", "dashboards-a"): 5,
        Ref("ConfigMap", "monitoring", "dashboards-b"): 12,
    }
    assert result.resources[0].body["data"] == {"a.json": "{}"}


def test_json_manifest(loading: Path) -> None:
    result = _load(loading / "manifest.json")
    assert _where(result) == {Ref("Deployment", "default", "from-json"): 1}
    assert result.resources[0].labels == {"app": "from-json"}


def test_json_that_yaml_cannot_parse_still_loads(tmp_path: Path) -> None:
    # Valid JSON, but an implicit YAML key may not be longer than 1024 characters.
    path = tmp_path / "long-key.json"
    long_key = "example.com/" + "k" * 1100
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "long",'
                    f' "annotations": {{"{long_key}": "x"}}}}}}', encoding="utf-8")
    result = _load(path)
    assert [r.ref for r in result.resources] == [Ref("ConfigMap", "default", "long")]
    assert not result.failed


def test_crlf_line_endings(loading: Path) -> None:
    path = loading / "crlf.yaml"
    assert b"\r\n" in path.read_bytes(), "the fixture lost its CRLF line endings (see .gitattributes)"
    result = _load(path)
    assert _where(result) == {
        Ref("ConfigMap", "windows", "crlf-config"): 1,
        Ref("Secret", "windows", "crlf-secret"): 9,
    }
    # No stray carriage return in any value.
    assert result.resources[0].body["data"] == {"line": "one"}


def test_flow_style_with_trailing_commas(loading: Path) -> None:
    result = _load(loading / "flow.yaml")
    assert _where(result) == {Ref("Service", "default", "flow-service"): 1}
    service = result.resources[0]
    assert service.labels == {"app": "flow"}
    assert service.spec["ports"] == [{"port": 80, "targetPort": 8080}]


def test_unquoted_equals_enum_value(loading: Path) -> None:
    # `- =` is YAML 1.1's value tag; PyYAML's safe loader raises on it unless it is given a constructor.
    result = _load(loading / "crd.yaml")
    assert not result.failed, [str(d) for d in result.diagnostics]
    (crd,) = result.resources
    assert crd.ref == Ref("CustomResourceDefinition", None, "matchers.example.com")
    schema = crd.spec["versions"][0]["schema"]["openAPIV3Schema"]
    assert schema["properties"]["matchType"]["enum"] == ["!=", "=", "=~", "!~"]


def test_legacy_api_versions_load(loading: Path) -> None:
    result = _load(loading / "legacy.yaml")
    assert [(r.ref, r.api_version, r.source.line) for r in result.resources] == [
        (Ref("Ingress", "default", "legacy-ingress"), "extensions/v1beta1", 1),
        (Ref("CronJob", "default", "legacy-cron"), "batch/v1beta1", 20),
    ]


# --- namespaces ------------------------------------------------------------------------------------------------


def test_namespace_defaults_to_default(loading: Path) -> None:
    refs = set(_where(_load(loading / "namespaces.yaml")))
    assert Ref("ConfigMap", "default", "undeclared") in refs
    assert Ref("ConfigMap", "team-a", "declared") in refs


def test_namespace_option_applies_only_where_none_is_declared(loading: Path) -> None:
    refs = set(_where(_load(loading / "namespaces.yaml", namespace="staging")))
    assert Ref("ConfigMap", "staging", "undeclared") in refs
    assert Ref("ConfigMap", "team-a", "declared") in refs  # metadata.namespace wins over --namespace


def test_cluster_scoped_kinds_have_no_namespace(loading: Path) -> None:
    refs = set(_where(_load(loading / "namespaces.yaml", namespace="staging")))
    assert Ref("Namespace", None, "team-a") in refs
    # A namespace given to a cluster-scoped object is ignored, as the API server ignores it.
    assert Ref("ClusterRole", None, "reader") in refs
    assert Ref("CustomResourceDefinition", None, "clusterwidgets.example.com") in refs
    # A custom resource whose CRD (in the input) says `scope: Cluster`.
    assert Ref("ClusterWidget", None, "global", "example.com") in refs
    assert all(ref.namespace is None for ref in refs if ref.kind in ("Namespace", "ClusterRole", "ClusterWidget"))


TWO_GATEWAYS = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: helloworld-gateway}
spec: {selector: {istio: ingressgateway}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: helloworld-gateway}
spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}
"""


def test_two_kinds_of_one_name_in_different_groups_are_two_resources(load_text: Callable[..., LoadResult]) -> None:
    loaded = load_text(TWO_GATEWAYS)
    assert {r.ref for r in loaded.resources} == {
        Ref("Gateway", "default", "helloworld-gateway", "networking.istio.io"),
        Ref("Gateway", "default", "helloworld-gateway", "gateway.networking.k8s.io"),
    }
    assert not [d for d in loaded.diagnostics if d.check == "duplicate-resource"]
    assert len(loaded.inventory()) == 2


def test_a_custom_resource_of_unknown_scope_gets_no_invented_namespace(
        load_text: Callable[..., LoadResult]) -> None:
    loaded = load_text("""\
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: placed, namespace: team-a}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: known}
        """)
    refs = {r.name: r for r in loaded.resources}
    assert refs["w"].namespace is None and not refs["w"].scope_known
    assert [d.message for d in loaded.diagnostics if "scope is unknown" in d.message] == [
        "example.com/v1 Widget w: its scope is unknown (no CustomResourceDefinition in the input): shown in no "
        "namespace"]
    assert refs["placed"].namespace == "team-a"  # a declared namespace says it is namespaced
    assert refs["known"].namespace == "default" and refs["known"].scope_known  # a kind whose scope we know


def test_a_namespaced_crd_in_the_input_settles_the_scope(load_text: Callable[..., LoadResult]) -> None:
    loaded = load_text("""\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec: {group: example.com, scope: Namespaced, names: {kind: Widget, plural: widgets}}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        """)
    widget = next(r for r in loaded.resources if r.kind == "Widget")
    assert widget.ref == Ref("Widget", "default", "w", "example.com") and widget.scope_known
    assert not [d for d in loaded.diagnostics if "scope" in d.message]


def test_node_id_is_kind_namespace_name() -> None:
    assert Ref("Service", "shop", "web").id == "Service/shop/web"
    assert Ref("ClusterRole", None, "reader").id == "ClusterRole/reader"


# --- skipped files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("kustomize-config.yaml", "tool's configuration"),
        ("kubelet-config.yaml", "tool's configuration"),
        ("../chart/Chart.yaml", "no apiVersion or kind"),
        ("../chart/values.yaml", "no apiVersion and kind"),
        ("patch.yaml", "a YAML sequence"),
        ("../chart/templates/deployment.yaml", "Helm template"),
    ],
)
def test_non_kubernetes_files_are_skipped_with_one_note(loading: Path, relative: str, reason: str) -> None:
    path = loading / relative
    result = _load(path)
    assert result.resources == []
    assert not result.failed
    (note,) = result.diagnostics
    assert note.severity is Severity.NOTE
    assert note.source.path == str(path)
    assert note.message.startswith("skipped: ")
    assert reason in note.message
    assert str(note).startswith(f"{path}:1: note: skipped: ")
    assert "\n" not in str(note)


def test_kubelet_configuration_note_names_the_kind(loading: Path) -> None:
    (note,) = _load(loading / "kubelet-config.yaml").diagnostics
    assert "KubeletConfiguration" in note.message


def test_helm_template_note_says_to_render_first(loading: Path) -> None:
    (note,) = _load(loading.parent / "chart" / "templates" / "deployment.yaml").diagnostics
    assert "helm template" in note.message


# --- broken input ----------------------------------------------------------------------------------------------


def test_broken_yaml_gives_file_line_column(loading: Path) -> None:
    path = loading / "broken.yaml"
    result = _load(path)
    assert result.failed
    assert result.resources == []
    (error,) = result.diagnostics
    assert error.severity is Severity.ERROR
    # Line 5 is `   namespace: bad-indent`, indented one space more than `name:` above it.
    assert error.source == Source(str(path), 5, 13)
    assert str(error).startswith(f"{path}:5:13: error: invalid YAML: ")
    assert "mapping values are not allowed" in error.message


def test_broken_file_does_not_stop_the_others(loading: Path) -> None:
    result = _load(loading)
    assert result.failed
    errors = _by_severity(result, Severity.ERROR)
    assert [e.source.path for e in errors] == [str(loading / "broken.yaml")]
    refs = {r.ref for r in result.resources}
    # The files read after broken.yaml (the first in sorted order) still load.
    assert Ref("ConfigMap", "monitoring", "dashboards-a") in refs
    assert Ref("ConfigMap", "default", "first") in refs
    assert Ref("Namespace", None, "team-a") in refs
    assert len(refs) == 21


def test_directory_notes_each_skipped_file_once(loading: Path) -> None:
    result = _load(loading)
    notes = _by_severity(result, Severity.NOTE)
    assert sorted(Path(n.source.path).relative_to(loading).as_posix() for n in notes) == [
        "kubelet-config.yaml",
        "kustomize-config.yaml",
        "patch.yaml",
    ]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = load([str(missing)])
    assert result.failed
    (error,) = result.diagnostics
    assert error.severity is Severity.ERROR
    assert error.source.path == str(missing)
    assert "no such file or directory" in error.message


def test_glob_without_matches_is_an_error(tmp_path: Path) -> None:
    result = load([str(tmp_path / "*.yaml")])
    assert result.failed
    assert "matches" in result.diagnostics[0].message


def test_missing_path_does_not_stop_the_others(loading: Path, tmp_path: Path) -> None:
    result = load([str(tmp_path / "nope.yaml"), str(loading / "list.yaml")])
    assert result.failed
    assert len(result.resources) == 2


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n")
    result = _load(path)
    assert result.failed
    assert "not UTF-8" in result.diagnostics[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfapiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bom\n")
    assert [r.ref for r in _load(path).resources] == [Ref("ConfigMap", "default", "bom")]


def test_object_without_name_is_skipped_with_a_note() -> None:
    result = load(["-"], stdin_text="apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
    assert result.resources == []
    (note,) = result.diagnostics
    assert note.severity is Severity.NOTE
    assert "no metadata.name" in note.message


def test_duplicate_resource_gives_a_warning_and_the_first_wins() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice}\ndata: {n: '1'}\n"
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice}\ndata: {n: '2'}\n"
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice, namespace: other}\n"
    )
    result = load(["-"], stdin_text=text)
    assert not result.failed
    (warning,) = result.diagnostics
    assert warning.severity is Severity.WARNING
    assert warning.check == "duplicate-resource"
    assert warning.source == Source("<stdin>", 6)
    assert "ConfigMap/default/twice" in warning.message
    assert "<stdin>:1" in warning.message
    inventory = result.inventory()
    assert len(inventory) == 2
    first = inventory.get(Ref("ConfigMap", "default", "twice"))
    assert first is not None and first.body["data"] == {"n": "1"}


# --- inputs: stdin, directories, globs -------------------------------------------------------------------------


def test_stdin_text() -> None:
    result = load(["-"], stdin_text="apiVersion: v1\nkind: Secret\nmetadata:\n  name: piped\n")
    assert [(r.ref, r.source) for r in result.resources] == [
        (Ref("Secret", "default", "piped"), Source("<stdin>", 1))
    ]
    assert result.files == ["-"]


def test_stdin_broken_yaml_names_stdin() -> None:
    result = load(["-"], stdin_text="a: b\n c: d\n")
    assert result.failed
    assert str(result.diagnostics[0]).startswith("<stdin>:2:")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A directory of manifests and of files that are not manifests."""
    files = {
        "b.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: b}\n",
        "a.yml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n",
        "c.json": '{"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"}}',
        "README.md": "# not a manifest: {\n",
        "notes.txt": "not: [a manifest\n",
        "no-extension": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: no-extension}\n",
        "nested/deeper/d.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: d}\n",
        "nested/E.YAML": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: e}\n",
        ".hidden/h.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: hidden}\n",
    }
    for relative, text in files.items():
        path = tmp_path / "tree" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "tree"


def _relative(paths: list[str], base: Path) -> list[str]:
    return [Path(p).relative_to(base).as_posix() for p in paths]


def test_directory_is_expanded_recursively_sorted_manifests_only(tree: Path) -> None:
    paths, problems = expand_inputs([str(tree)])
    assert problems == []
    assert _relative(paths, tree) == ["a.yml", "b.yaml", "c.json", "nested/E.YAML", "nested/deeper/d.yaml"]
    result = load([str(tree)])
    assert sorted(r.name for r in result.resources) == ["a", "b", "c", "d", "e"]
    assert result.diagnostics == []


def test_glob_is_expanded_sorted(tree: Path) -> None:
    paths, problems = expand_inputs([str(tree / "*.y*ml")])
    assert problems == []
    assert _relative(paths, tree) == ["a.yml", "b.yaml"]


def test_recursive_glob(tree: Path) -> None:
    paths, _ = expand_inputs([str(tree / "**" / "*.yaml")])
    assert _relative(paths, tree) == ["b.yaml", "nested/deeper/d.yaml"]


def test_glob_keeps_manifests_only(tree: Path) -> None:
    # `dir/*` stands for the manifests in dir, as the directory itself does: README.md is no input error.
    paths, problems = expand_inputs([str(tree / "*")])
    assert problems == []
    assert _relative(paths, tree) == ["a.yml", "b.yaml", "c.json", "nested/E.YAML", "nested/deeper/d.yaml"]
    assert not load([str(tree / "*")]).failed


def test_explicit_file_without_extension_is_loaded(tree: Path) -> None:
    result = load([str(tree / "no-extension")])
    assert [r.name for r in result.resources] == ["no-extension"]


def test_inputs_are_read_once_in_an_order_that_does_not_depend_on_theirs(tree: Path) -> None:
    paths, _ = expand_inputs([str(tree / "b.yaml"), str(tree), str(tree / "a.yml")])
    assert _relative(paths, tree) == ["a.yml", "b.yaml", "c.json", "nested/E.YAML", "nested/deeper/d.yaml"]
    assert expand_inputs([str(tree / "a.yml"), str(tree / "b.yaml"), str(tree)])[0] == paths
    assert load([str(tree / "b.yaml"), str(tree)]).diagnostics == []  # no duplicate warning for b
