"""`gen render` from the shell: formats by extension, stdin, views, exit codes, no tracebacks, determinism."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.exe

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SAMPLE = "manifests/sample-app"


def gen(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=root, input=stdin,
                          capture_output=True, timeout=120, check=False)


def titles(svg: bytes) -> set[str]:
    return {html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg.decode("utf-8"))}


def stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.svg", lambda data: data.lstrip().startswith((b"<?xml", b"<svg")) and b"</svg>" in data),
        ("out.dot", lambda data: data.startswith(b"digraph ")),
        ("out.png", lambda data: data.startswith(PNG_MAGIC)),
        ("OUT.SVG", lambda data: b"<svg" in data),
    ],
)
def test_format_is_chosen_by_extension(root: Path, tmp_path: Path, name: str, check: Callable[[bytes], bool]) -> None:
    output = tmp_path / name
    result = gen(root, "render", SAMPLE, "-o", str(output))
    assert result.returncode == 0, stderr(result)
    assert check(output.read_bytes())
    assert result.stdout == b""


def test_svg_on_stdout_without_output(root: Path) -> None:
    result = gen(root, "render", SAMPLE)
    assert result.returncode == 0, stderr(result)
    assert b"<svg" in result.stdout
    assert "Deployment/shop/web" in titles(result.stdout)


def test_dash_reads_stdin(root: Path) -> None:
    text = (root / SAMPLE / "30-api.yaml").read_bytes()
    result = gen(root, "render", "-", stdin=text)
    assert result.returncode == 0, stderr(result)
    found = titles(result.stdout)
    assert {"Deployment/shop/api", "Service/shop/api", "PersistentVolumeClaim/shop/api-data"} <= found
    assert "Deployment/shop/web" not in found


def test_network_view_drops_configmaps(root: Path) -> None:
    topology = titles(gen(root, "render", SAMPLE).stdout)
    network = titles(gen(root, "render", SAMPLE, "--view", "network").stdout)
    assert "ConfigMap/shop/web-config" in topology
    assert not any(t.startswith(("ConfigMap/", "Secret/", "PersistentVolumeClaim/")) for t in network)
    assert {"Ingress/shop/shop", "Service/shop/web", "Deployment/shop/web"} <= network


def test_unknown_extension_is_a_usage_error(root: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.gif"
    result = gen(root, "render", SAMPLE, "-o", str(output))
    assert result.returncode == 2
    assert ".svg" in stderr(result)
    assert not output.exists()
    assert "Traceback" not in stderr(result)


def test_lang_draws_the_figure_in_that_language_english_by_default(root: Path) -> None:
    hangul = re.compile("[\uac00-\ud7a3]")
    english = gen(root, "render", "manifests/lifecycle/web.yaml", "--view", "lifecycle")
    korean = gen(root, "render", "manifests/lifecycle/web.yaml", "--view", "lifecycle", "--lang", "ko")
    assert english.returncode == korean.returncode == 0
    assert "Pod deletion request" in english.stdout.decode() and not hangul.search(english.stdout.decode())
    assert "Pod 삭제 요청" in korean.stdout.decode()
    assert gen(root, "render", "manifests/lifecycle/web.yaml", "--view", "lifecycle", "--lang", "en").stdout == (
        english.stdout)


@pytest.mark.parametrize("args", [["render"], ["render", SAMPLE, "--view", "nope"], ["frobnicate"],
                                  ["render", SAMPLE, "--lang", "fr"]])
def test_usage_errors_exit_2(root: Path, args: list[str]) -> None:
    result = gen(root, *args)
    assert result.returncode == 2
    assert "Traceback" not in stderr(result)


def test_unreadable_input_exits_1_after_drawing_the_rest(root: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.svg"
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n")
    result = gen(root, "render", "tests/fixtures/loading/broken.yaml", SAMPLE, str(latin1),
                 str(tmp_path / "missing.yaml"), "-o", str(output))
    assert result.returncode == 1
    err = stderr(result)
    assert "tests/fixtures/loading/broken.yaml:5:13: error: invalid YAML" in err
    assert f"{latin1}:3: error: cannot read: not UTF-8 text (byte 0xe9" in err
    assert f"{tmp_path / 'missing.yaml'}: error: no such file or directory" in err
    assert "Traceback" not in err
    # The rest was drawn all the same.
    assert {"Deployment/shop/web", "Deployment/shop/api", "Ingress/shop/shop"} <= titles(output.read_bytes())


def test_warnings_only_exit_0(root: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.svg"
    result = gen(root, "render", "tests/fixtures/broken-app", "-o", str(output))
    assert result.returncode == 0, stderr(result)
    assert "warning:" in stderr(result)
    assert "[dangling-service]" in stderr(result)
    assert "Service/broken/payments" in titles(output.read_bytes())


def test_notes_are_quiet_with_q(root: Path) -> None:
    loud = gen(root, "render", "tests/fixtures/loading/kustomize-config.yaml", SAMPLE)
    quiet = gen(root, "render", "-q", "tests/fixtures/loading/kustomize-config.yaml", SAMPLE)
    assert loud.returncode == quiet.returncode == 0
    assert "note: skipped" in stderr(loud)
    assert "note:" not in stderr(quiet)


BAD_INPUTS = {
    "bad-indent.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n",
    "tab.yaml": b"\tapiVersion: v1\n",
    "nul.yaml": b"apiVersion: v1\x00\n",
    "latin1.yaml": b"name: caf\xe9\n",
    "binary.json": bytes(range(256)),
    "empty.yaml": b"",
    "comments.yaml": b"# nothing here\n---\n# nor here\n",
    "scalar.yaml": b"just a string\n",
    "unclosed.json": b'{"apiVersion": "v1", "kind": "ConfigMap"',
    "deep.yaml": b"[" * 5000 + b"]" * 5000,
    "alias-loop.yaml": b"a: &x [*x]\n",
    "template.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
    "wrong-types.yaml": (
        b"apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: 5, labels: [1]}\n"
        b"spec: {selector: [a], ports: [{port: 80, targetPort: {x: 1}}, 7, null]}\n---\n"
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: b}, ownerReferences: 3}\n"
        b"spec: {containers: [{name: [c], ports: [{containerPort: [1]}], env: [{valueFrom: 1}], envFrom: 2,"
        b" volumeMounts: [{name: v}]}], volumes: [1, {name: v, hostPath: 3}, {name: w, projected: 4}],"
        b" initContainers: {a: b}, serviceAccountName: [x], imagePullSecrets: [{name: 1}]}\n---\n"
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        b"spec: {replicas: many, template: [1]}\n---\n"
        b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: st}\n"
        b"spec: {replicas: -3, template: {metadata: {labels: 7}, spec: {containers: 1}}}\n---\n"
        b"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec: {jobTemplate: []}\n---\n"
        b"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, annotations: []}\n"
        b"spec: {rules: [{host: 1, http: {paths: [{backend: {service: {name: s, port: 80}}}, 5]}}], tls: [7],"
        b" defaultBackend: [1]}\n---\n"
        b"apiVersion: v1\nkind: List\n"
        b"items: [1, {kind: ConfigMap}, {apiVersion: v1, kind: Secret, metadata: {name: s2}}]\n"
        b"---\napiVersion: 1\nkind: 2\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: [name]\n"
        b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: {nested: map}}\n"
        b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: 'quote\"back\\\\slash<b>&amp;'}\n"
    ),
    # What a chart rendered with empty values leaves: nothing may become a blank box, which dot rejects.
    "blank-names.yaml": (
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\n"
        b"spec:\n  serviceAccountName: ' '\n  imagePullSecrets: [{name: ''}]\n"
        b"  containers: [{name: '', image: x, envFrom: [{configMapRef: {name: ''}}, {secretRef: {name: ' '}}],"
        b" volumeMounts: [{name: '', mountPath: /x}]}]\n"
        b"  volumes: [{name: '', emptyDir: {}}, {name: c, configMap: {name: ''}},"
        b" {name: d, secret: {secretName: ' '}}]\n"
        b"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
        b"spec: {tls: [{secretName: ' '}], defaultBackend: {service: {name: ' ', port: {number: 80}}}}\n"
        b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ' '}\n"
    ),
}


BAD_INPUTS["chart/templates/deployment.yaml"] = BAD_INPUTS["template.yaml"]

# What the README promises for each: (`gen render` exit code, `gen check` exit code, a line gen prints about it).
# render: 0 when it drew everything (warnings and skipped non-Kubernetes files allowed), 1 when an input could not
# be read or parsed. check: 0 when clean, 1 on any unreadable input or finding.
NOTHING = ""
EXPECTED: dict[str, tuple[int, int, str]] = {
    "bad-indent.yaml": (1, 1, "bad-indent.yaml:5:13: error: invalid YAML: "),
    "tab.yaml": (1, 1, "tab.yaml:1:1: error: invalid YAML: "),
    "nul.yaml": (1, 1, "nul.yaml:1: error: invalid YAML: a character YAML does not allow (U+0000"),
    "latin1.yaml": (1, 1, "latin1.yaml:1: error: cannot read: not UTF-8 text (byte 0xe9 at offset 9)"),
    "binary.json": (1, 1, "binary.json:2: error: cannot read: not UTF-8 text (byte 0x80 at offset 128)"),
    "empty.yaml": (0, 0, NOTHING),
    "comments.yaml": (0, 0, NOTHING),
    "scalar.yaml": (0, 0, "scalar.yaml:1: note: skipped: a str value, not a Kubernetes object"),
    "unclosed.json": (1, 1, "unclosed.json:2:1: error: invalid YAML: "),
    "deep.yaml": (1, 1, "deep.yaml:1: error: refused: nested more than 100 deep (no manifest needs that)"),
    # A recursive alias is valid YAML (nothing expands it); the mapping it makes is no Kubernetes object.
    "alias-loop.yaml": (1, 1, "alias-loop.yaml:1: error: refused: an alias refers to the node that holds it (a cycle)"),
    # Outside a chart's templates/ a template is a file that does not parse ...
    "template.yaml": (1, 1, "template.yaml:4:10: error: invalid YAML: "),
    # ... inside one it is a Helm template, skipped with a note.
    "chart/templates/deployment.yaml": (0, 0, "deployment.yaml:1: note: skipped: a Helm template"),
    # Every object of the wrong types still loads or is skipped; one dangling Service is a finding.
    "wrong-types.yaml": (0, 1, "wrong-types.yaml:26: warning: Ingress i routes 1/ to Service s, which is not in "
                               "the input [dangling-ingress]"),
    "blank-names.yaml": (0, 0, "blank-names.yaml:15: note: skipped: v1 ConfigMap has no metadata.name"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exit_codes_and_messages(root: Path, tmp_path: Path, name: str) -> None:
    render_code, check_code, message = EXPECTED[name]
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BAD_INPUTS[name])
    output = tmp_path / "out.svg"
    result = gen(root, "render", str(path), SAMPLE, "-o", str(output))
    err = stderr(result)
    assert "Traceback" not in err
    assert result.returncode == render_code, err
    assert "Deployment/shop/web" in titles(output.read_bytes()), err  # the rest is drawn all the same
    if message:
        assert message in err
    else:
        assert err == ""  # nothing to say about a file that holds no document
    check = gen(root, "check", str(path))
    check_err = stderr(check)
    assert "Traceback" not in check_err
    assert check.returncode == check_code, check_err
    if message:
        assert message in check_err
    summary = check_err.splitlines()[-1]
    assert summary.startswith("gen check: "), summary
    assert summary.endswith(" 0 problems") == (check_code == 0), summary


def test_two_runs_give_byte_identical_svg(root: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.svg", tmp_path / "second.svg"
    assert gen(root, "render", SAMPLE, "-o", str(first)).returncode == 0
    assert gen(root, "render", SAMPLE, "-o", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_input_order_does_not_change_the_figure(root: Path) -> None:
    files = sorted(str(p.relative_to(root)) for p in (root / SAMPLE).glob("*.yaml"))
    forward = gen(root, "render", *files).stdout
    backward = gen(root, "render", *reversed(files)).stdout
    assert forward == backward


def test_namespace_option(root: Path) -> None:
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose}\n"
    assert "ConfigMap/default/loose" in titles(gen(root, "render", "-", stdin=text).stdout)
    assert "ConfigMap/staging/loose" in titles(gen(root, "render", "-n", "staging", "-", stdin=text).stdout)


def test_an_output_in_a_missing_directory_is_a_message(root: Path, tmp_path: Path) -> None:
    result = gen(root, "render", SAMPLE, "-o", str(tmp_path / "missing" / "out.svg"))
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert f"gen: error: cannot write {tmp_path / 'missing' / 'out.svg'}: No such file or directory" in err


def test_a_bug_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import gen.cli

    def broken(args: object) -> int:
        raise StopIteration("planted")

    monkeypatch.setattr(gen.cli, "_render", broken)
    monkeypatch.delenv("KUBEDOCS_DEBUG", raising=False)
    assert gen.cli.main(["render", "x.yaml"]) == 1
    assert capsys.readouterr().err == ("gen: internal error: StopIteration: planted (a bug in kubedocs: please report "
                                       "it; KUBEDOCS_DEBUG=1 shows the traceback)\n")
    monkeypatch.setenv("KUBEDOCS_DEBUG", "1")
    with pytest.raises(StopIteration):
        gen.cli.main(["render", "x.yaml"])


def test_a_filter_that_matches_nothing_is_a_warning(root: Path, tmp_path: Path) -> None:
    done = gen(root, "render", "manifests/sample-app", "--kind", "Deploymnt", "--only-namespace", "shop",
               "-o", str(tmp_path / "x.svg"))
    assert done.returncode == 0
    text = stderr(done)
    assert "filters: warning: filter kind 'Deploymnt' matches nothing in the inputs (kinds there: " in text
    assert "unmatched-filter" in text and "filter namespace" not in text


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_standard_input_is_a_warning(root: Path, text: str) -> None:
    done = gen(root, "render", "-", stdin=text.encode())
    assert done.returncode == 0
    assert "inputs: warning: nothing to draw: the inputs hold no Kubernetes object [empty-input]" in stderr(done)


GARBAGE_PROBE = """\
import gc, sys
gc.disable()  # as `gen render` and `gen check` run (gen/cli.py)
gc.collect()
from gen.cli import main
main(sys.argv[1:])
print(gc.collect())  # what a collector would have had to free
"""


def test_render_and_check_leave_no_garbage_that_grows_with_the_input(root: Path, tmp_path: Path) -> None:
    """Why `gen render` and `gen check` run without the cyclic collector: they leave no cycles behind per object,
    only what start-up leaves, the same for 4 and for 40 copies of the sample application."""
    from gen.cli import _needs_garbage_collection

    assert not _needs_garbage_collection(["render", "x.yaml"]) and not _needs_garbage_collection(["check"])
    assert _needs_garbage_collection([]) and _needs_garbage_collection(["watch"])
    text = "---\n".join(path.read_text(encoding="utf-8") for path in sorted((root / SAMPLE).glob("*.yaml")))
    left = {}
    for copies in (4, 40):
        big = tmp_path / f"copies-{copies}.yaml"
        big.write_text("---\n".join(text.replace("namespace: shop", f"namespace: shop-{n}").replace(
            "name: shop\n", f"name: shop-{n}\n") for n in range(copies)), encoding="utf-8")
        for command in (["render", str(big), "-q", "-o", str(tmp_path / "out.svg")], ["check", str(big), "-q"]):
            done = subprocess.run([sys.executable, "-c", GARBAGE_PROBE, *command], cwd=root, capture_output=True,
                                  text=True, timeout=300, check=False)
            assert done.returncode in (0, 1), done.stderr
            left[copies, command[0]] = int(done.stdout.split()[-1])
    assert left[4, "render"] == left[40, "render"] and left[4, "check"] == left[40, "check"], left


def test_inputs_of_declarative_diagrams_only_point_to_the_diagram_view(root: Path, tmp_path: Path) -> None:
    done = gen(root, "render", "manifests/diagrams/", "-o", str(tmp_path / "t.svg"))
    assert done.returncode == 0
    assert "warning: nothing for the topology view: the inputs hold declarative diagrams" in stderr(done)
    assert "drawn by the diagram view" in (tmp_path / "t.svg").read_text(encoding="utf-8")
    done = gen(root, "render", "manifests/diagrams/", "--view", "diagram", "-o", str(tmp_path / "d.svg"))
    assert done.returncode == 0 and stderr(done) == ""


@pytest.mark.parametrize(("argument", "start"), [
    ("mermaid", b"flowchart LR\n"), ("mmd", b"flowchart LR\n"), ("d2", b"direction: right\n"),
    ("drawio", b'<?xml version="1.0" encoding="UTF-8"?>\n<mxfile'), ("json", b"{\n"), ("dot", b"digraph kubedocs {"),
])
def test_render_format_writes_that_format_to_standard_output(root: Path, argument: str, start: bytes) -> None:
    done = gen(root, "render", SAMPLE, "--format", argument)
    assert done.returncode == 0, stderr(done)
    assert done.stdout.startswith(start) and b"web-config" in done.stdout


@pytest.mark.parametrize(("suffix", "start"), [
    ("mmd", b"flowchart LR\n"), ("d2", b"direction: right\n"), ("drawio", b"<?xml"), ("json", b"{\n"),
])
def test_render_output_extension_chooses_the_backend(root: Path, tmp_path: Path, suffix: str, start: bytes) -> None:
    out = tmp_path / f"figure.{suffix.upper()}"  # the extension in any case
    done = gen(root, "render", SAMPLE, "-o", str(out))
    assert done.returncode == 0, stderr(done)
    assert out.read_bytes().startswith(start)


def test_render_refuses_an_unknown_format_or_extension(root: Path, tmp_path: Path) -> None:
    done = gen(root, "render", SAMPLE, "--format", "visio")
    assert done.returncode == 2 and "choose from svg, png, dot, mermaid, d2, drawio, json" in stderr(done)
    done = gen(root, "render", SAMPLE, "-o", str(tmp_path / "figure.vsdx"))
    assert done.returncode == 2 and ".mmd, .d2, .drawio or .json" in stderr(done)
    assert not (tmp_path / "figure.vsdx").exists()


def _deployments(count: int) -> str:
    return "".join(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{i:03}}}\nspec:\n"
                   f"  selector: {{matchLabels: {{app: a{i}}}}}\n  template:\n    metadata: {{labels: {{app: a{i}}}}}\n"
                   "    spec: {containers: [{name: main, image: nginx}]}\n" for i in range(count))


def test_a_mermaid_text_over_its_default_size_is_a_warning_naming_the_size(root: Path, tmp_path: Path) -> None:
    manifests = tmp_path / "many.yaml"
    manifests.write_text(_deployments(60))
    done = gen(root, "render", str(manifests), "--view", "states", "--format", "mermaid")
    assert done.returncode == 0, stderr(done)
    size = len(done.stdout.decode("utf-8"))  # ASCII and Hangul: one UTF-16 unit each, as Mermaid counts
    assert size > 50_000
    assert f"the Mermaid text is {size:,} characters" in stderr(done) and "maxTextSize (50,000)" in stderr(done)
    assert "[mermaid-text-size]" in stderr(done)
    small = gen(root, "render", SAMPLE, "--format", "mermaid")
    assert "maxTextSize" not in stderr(small)


def test_the_text_formats_aggregate_as_the_svg_does(root: Path, tmp_path: Path) -> None:
    manifests = tmp_path / "many.yaml"
    manifests.write_text(_deployments(60))  # 180 boxes: over the selection views' budget
    svg = gen(root, "render", str(manifests)).stdout
    graph = json.loads(gen(root, "render", str(manifests), "--format", "json").stdout)
    mermaid = gen(root, "render", str(manifests), "--format", "mermaid").stdout.decode("utf-8")
    assert graph["aggregation"] == "apps" and len(graph["nodes"]) == svg.count(b'class="node')
    assert len(re.findall(r"^\s+n\d+\W", mermaid, re.MULTILINE)) == len(graph["nodes"]) < 180
