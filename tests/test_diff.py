"""gen diff (gen/diff.py): what a change adds, removes and rewires, as text and as a marked figure; revisions from
git (REF:PATH); and that no Secret's or ConfigMap's value is ever printed or drawn, whatever changed in it."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gen.diff import diff_graphs
from gen.pipeline import analyse

SAMPLE = Path(__file__).resolve().parents[1] / "manifests" / "sample-app"
SECRET_BEFORE = "c2hvcA=="  # base64 of "shop", in 30-api.yaml's Secret api-db
SECRET_AFTER = "correct horse battery staple"  # a stringData value: plain text


def _sample(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(SAMPLE, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


API_DEBUG = """---
apiVersion: v1
kind: Service
metadata: {name: api-debug, namespace: shop}
spec:
  type: NodePort
  selector: {app.kubernetes.io/name: api}
  ports: [{port: 9000, targetPort: 9000}]
"""


@pytest.fixture
def revisions(tmp_path: Path) -> tuple[Path, Path]:
    """The sample app, and a change of it: a new image and replica count for api, a Secret whose values changed
    (and a stringData value added), a ConfigMap value changed, a new Service, the web app removed."""
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    api = new / "30-api.yaml"
    _edit(api, "replicas: 3", "replicas: 4")
    _edit(api, "image: registry.k8s.io/e2e-test-images/agnhost:2.39", "image: registry.example.com/shop/api:2.0.0")
    _edit(api, SECRET_BEFORE, base64.b64encode(b"hunter2").decode())
    _edit(api, "data:\n  username:", f"stringData:\n  token: {SECRET_AFTER}\ndata:\n  username:")
    _edit(api, "LOG_LEVEL: info", "LOG_LEVEL: debug-verbose-canary")
    with api.open("a", encoding="utf-8") as out:
        out.write(API_DEBUG)
    (new / "20-web.yaml").unlink()
    return old, new


def test_changes_are_listed_by_identity_with_what_is_safe_to_say(revisions: tuple[Path, Path]) -> None:
    old, new = (analyse([str(path)])[1] for path in revisions)
    lines = list(diff_graphs(old, new).lines())
    assert lines[0] == "gen diff: resources 1 added, 3 removed, 3 changed; links 1 added, 2 removed, 0 changed"
    assert lines[1:] == [
        "~ ConfigMap/shop/api-config: data changed",
        "- ConfigMap/shop/web-config",
        "~ Deployment/shop/api: image api: registry.k8s.io/e2e-test-images/agnhost:2.39 → "
        "registry.example.com/shop/api:2.0.0; replicas 3 → 4",
        "- Deployment/shop/web",
        "~ Secret/shop/api-db: data changed; stringData changed",
        "+ Service/shop/api-debug",
        "- Service/shop/web",
        "- Pods of Deployment/shop/web → ConfigMap/shop/web-config [mounts] (/etc/nginx/conf.d (ro))",
        "+ Service/shop/api-debug → Pods of Deployment/shop/api [selects] (9000→9000/TCP)",
        "- Service/shop/web → Pods of Deployment/shop/web [selects] (80→http(8080)/TCP)",
    ]


def test_the_same_manifests_differ_in_nothing_and_metadata_noise_is_no_change(tmp_path: Path) -> None:
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    _edit(new / "30-api.yaml", "  name: api-data\n", "  name: api-data\n  resourceVersion: \"4711\"\n"
          "  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}'}\n")
    changes = diff_graphs(analyse([str(old)])[1], analyse([str(new)])[1])
    assert changes.empty, list(changes.lines())
    assert next(changes.lines()) == ("gen diff: resources 0 added, 0 removed, 0 changed; "
                                     "links 0 added, 0 removed, 0 changed")


def test_a_new_replica_count_is_the_workloads_change_not_new_links(tmp_path: Path) -> None:
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    _edit(new / "30-api.yaml", "replicas: 3", "replicas: 7")
    changes = diff_graphs(analyse([str(old)])[1], analyse([str(new)])[1])
    assert [str(c) for c in changes.resources] == ["~ Deployment/shop/api: replicas 3 → 7"]
    assert changes.links == []


def test_a_service_that_stops_selecting_a_workload_is_one_link_fewer(tmp_path: Path) -> None:
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    _edit(new / "30-api.yaml", "    app.kubernetes.io/part-of: shop\n  ports:",
          "    app.kubernetes.io/part-of: shop-v2\n  ports:")
    lines = list(diff_graphs(analyse([str(old)])[1], analyse([str(new)])[1]).lines())
    assert "~ Service/shop/api: spec changed" in lines
    assert any(line.startswith("- Service/shop/api → Pods of Deployment/shop/api [selects]") for line in lines)


def _gen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def _secret_values() -> list[str]:
    return [SECRET_BEFORE, "hunter2", base64.b64encode(b"hunter2").decode(), SECRET_AFTER,
            "debug-verbose-canary"]


@pytest.mark.exe
@pytest.mark.parametrize("suffix", ["svg", "dot"])
def test_gen_diff_draws_the_change_marked_and_leaks_no_value(revisions: tuple[Path, Path], tmp_path: Path,
                                                              suffix: str) -> None:
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / f"change.{suffix}"
    done = _gen("diff", str(revisions[0]), str(revisions[1]), "-o", str(out), cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("gen diff: resources 1 added, 3 removed, 3 changed")
    drawn = out.read_text(encoding="utf-8")
    for value in _secret_values():
        assert value.strip() not in drawn and value.strip() not in done.stdout + done.stderr, value
    if suffix == "svg":
        assert drawn.lstrip().startswith("<?xml")
        classes = {html.unescape(title): klass.split() for klass, title
                   in re.findall(r'<g id="[^"]*" class="([^"]*)">\s*<title>([^<]*)</title>', drawn)}
        assert "added" in classes["Service/shop/api-debug"] and "changed" in classes["Deployment/shop/api"]
        assert "removed" in classes["Deployment/shop/web"] and "removed" in classes["ConfigMap/shop/web-config"]
        assert "removed" in classes["Service/shop/web"]  # still referenced by the Ingress: drawn missing, marked
        assert not {"added", "removed", "changed"} & set(classes["Service/shop/api"])
        assert "added" in classes["Service/shop/api-debug->Pod/shop/api"]
    else:
        assert re.search(r'"Service/shop/api-debug" \[[^\n]*penwidth=3.2, class="[^"]*added"', drawn), drawn
        assert re.search(r'"Deployment/shop/web" \[[^\n]*style="filled,dashed"[^\n]*class="[^"]*removed"', drawn)


def test_gen_diff_reads_revisions_from_git(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "manifests")

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                       check=True, capture_output=True, timeout=60)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "one")
    _edit(repo / "manifests" / "30-api.yaml", "replicas: 3", "replicas: 5")
    done = _gen("diff", "HEAD:manifests", "manifests", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["~ Deployment/shop/api: replicas 3 → 5"]
    # From a subdirectory, PATH is relative to it, as git's own REF:./PATH
    done = _gen("diff", "HEAD:./30-api.yaml", "30-api.yaml", cwd=repo / "manifests")
    assert done.stdout.splitlines()[1:] == ["~ Deployment/shop/api: replicas 3 → 5"], done.stderr
    for bad, message in [("nope:manifests", "gen diff: nope is not a revision of this repository"),
                         ("HEAD:missing", "no file at missing")]:
        done = _gen("diff", bad, "manifests", cwd=repo)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_gen_diff_usage_errors(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    assert _gen("diff", str(SAMPLE), cwd=root).returncode == 2
    done = _gen("diff", str(SAMPLE), str(SAMPLE), "-o", str(tmp_path / "x.gif"), cwd=root)
    assert done.returncode == 2 and "cannot tell the format" in done.stderr
    done = _gen("diff", str(SAMPLE), str(SAMPLE), "--view", "nope", cwd=root)
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_a_revision_outside_a_git_repository_is_a_message(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    done = subprocess.run([sys.executable, "-m", "gen.cli", "diff", "HEAD:manifests", str(SAMPLE)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent),
                               "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 1 and "not a git repository" in done.stderr and "Traceback" not in done.stderr, (
        done.stderr)


def test_a_file_of_a_revision_is_named_as_in_the_repository(tmp_path: Path) -> None:
    """An unreadable file of REF:PATH is named by its path in the repository, never by the temporary copy."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "manifests")
    (repo / "manifests" / "bad.yaml").write_text("kind: ConfigMap\nmetadata: {name: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)
    (repo / "manifests" / "bad.yaml").unlink()
    done = _gen("diff", "HEAD:manifests", "manifests", cwd=repo)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("manifests/bad.yaml:3:1: error: invalid YAML"), done.stderr
    assert "gen-diff-" not in done.stderr and str(tempfile.gettempdir()) not in done.stderr
    assert done.stdout.splitlines()[0].startswith("gen diff: resources 0 added, 0 removed, 0 changed")


def _dot_lines(root: Path, old: Path, new: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "change.dot"
    done = _gen("diff", str(old), str(new), "-o", str(out), cwd=root)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8").splitlines()


@pytest.mark.exe
def test_the_figure_draws_every_link_the_text_lists(tmp_path: Path) -> None:
    """Replicas 2 → 5 (the Pods become one `web ×5` box) with the web Service removed: the removed link reaches
    the box the Pods are drawn as now. A changed port marks its link changed."""
    root = Path(__file__).resolve().parents[1]
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    _edit(new / "20-web.yaml", "replicas: 2", "replicas: 5")
    web = (new / "20-web.yaml").read_text(encoding="utf-8").split("\n---\n")
    (new / "20-web.yaml").write_text("\n---\n".join(d for d in web if "kind: Service\n" not in d), encoding="utf-8")
    _edit(new / "30-api.yaml", "      port: 8080\n      targetPort: 8080", "      port: 9090\n      targetPort: 8080")
    lines = _dot_lines(root, old, new, tmp_path)
    removed = [line for line in lines if "->" in line and "removed" in line]
    assert len(removed) == 1 and removed[0].startswith('  "Service/shop/web" -> "Pod/shop/web" '), removed
    changed = [line for line in lines if "->" in line and 'changed"' in line]
    assert len(changed) == 1 and '"Service/shop/api" ->' in changed[0] and "9090→8080/TCP" in changed[0]


@pytest.mark.exe
def test_a_removed_workload_is_put_back_with_what_it_derived(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    old, new = _sample(tmp_path, "old"), _sample(tmp_path, "new")
    (new / "30-api.yaml").unlink()
    lines = _dot_lines(root, old, new, tmp_path)
    boxes = {line.split('"')[1] for line in lines if "removed" in line and "->" not in line and '" [' in line}
    assert {"Deployment/shop/api", "ReplicaSet/shop/api", "Pod/shop/api-1", "Secret/shop/api-db"} <= boxes, boxes
    links = {tuple(line.split('"')[1:4:2]) for line in lines if "->" in line and "removed" in line}
    assert ("Deployment/shop/api", "ReplicaSet/shop/api") in links  # the chain, though the text lists no owns link
    assert ("Service/shop/api", "Pod/shop/api-1") in links


GATEWAYS = {
    "old": "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: x}\n"
           "spec: {selector: {istio: ingressgateway}}\n",
    "new": "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: x}\n"
           "spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}\n",
}


@pytest.mark.exe
def test_a_kind_that_changes_api_group_is_one_removed_and_one_added(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    for side, text in GATEWAYS.items():
        (tmp_path / side).mkdir()
        (tmp_path / side / "gw.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "gw.dot"
    done = _gen("diff", str(tmp_path / "old"), str(tmp_path / "new"), "-o", str(out), cwd=root)
    assert done.stdout.splitlines()[1:] == ["+ gateway.networking.k8s.io/Gateway/x/gw",
                                            "- networking.istio.io/Gateway/x/gw"]
    drawn = out.read_text(encoding="utf-8")
    assert re.search(r'"Gateway/x/gw" \[[^\n]*class="[^"]*added"', drawn)
    assert re.search(r'"networking.istio.io/Gateway/x/gw \(removed\)" \[[^\n]*class="[^"]*removed"', drawn)


def test_a_defaulted_namespace_written_out_and_a_pods_image_say_only_what_changed(tmp_path: Path) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p%s}\nspec: {containers: [{name: a, image: nginx:%s}]}\n"
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "p.yaml").write_text(pod % ("", "1.25"), encoding="utf-8")
    (tmp_path / "new" / "p.yaml").write_text(pod % (", namespace: default", "1.27"), encoding="utf-8")
    changes = diff_graphs(analyse([str(tmp_path / "old")])[1], analyse([str(tmp_path / "new")])[1])
    assert [str(c) for c in changes.resources] == ["~ Pod/default/p: image a: nginx:1.25 → nginx:1.27"]


def test_a_kustomize_overlay_of_a_revision_finds_its_base(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("kubectl") is None:
        pytest.skip("git or kubectl is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "kz" / "base")
    (repo / "kz" / "base" / "kustomization.yaml").write_text(
        "resources: [00-namespace.yaml, 10-ingress.yaml, 20-web.yaml, 30-api.yaml]\n", encoding="utf-8")
    (repo / "kz" / "overlay").mkdir()
    (repo / "kz" / "overlay" / "kustomization.yaml").write_text("resources: [../base]\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)
    _edit(repo / "kz" / "base" / "30-api.yaml", "replicas: 3", "replicas: 2")
    done = _gen("diff", "HEAD:kz/overlay", "kz/overlay", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["~ Deployment/shop/api: replicas 3 → 2"]


@pytest.mark.exe
def test_a_removed_namespace_comes_back_with_its_frames(tmp_path: Path) -> None:
    """Nothing of namespace shop is left: its app frames and the namespace frame around them are put back."""
    root = Path(__file__).resolve().parents[1]
    old = _sample(tmp_path, "old")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "c.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n",
                                             encoding="utf-8")
    drawn = "\n".join(_dot_lines(root, old, tmp_path / "new", tmp_path))
    for frame in ("namespace shop", "app web", "app api"):
        assert frame in drawn, frame
    assert re.search(r'"Deployment/shop/web" \[[^\n]*class="[^"]*removed"', drawn)


@pytest.mark.exe
def test_a_new_workload_of_an_existing_one_s_name_marks_its_own_pods_only(tmp_path: Path, fixtures_dir: Path
                                                                          ) -> None:
    """A StatefulSet `web` beside a Deployment `web`: the Pods `web-1` of each are two boxes; the StatefulSet's is
    added, the Deployment's is not (and keeps its own image), instead of one box for both."""
    root = Path(__file__).resolve().parents[1]
    documents = (fixtures_dir / "shared-names.yaml").read_text(encoding="utf-8").split("\n---\n")
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "web.yaml").write_text(documents[0], encoding="utf-8")
    (new / "web.yaml").write_text("\n---\n".join(documents[:2]), encoding="utf-8")
    boxes = {line.split('" [', 1)[0].strip().strip('"'): line for line in _dot_lines(root, old, new, tmp_path)
             if line.strip().startswith('"Pod/shop/web-1') and '" [shape' in line}
    assert set(boxes) == {"Pod/shop/web-1 (Deployment)", "Pod/shop/web-1 (StatefulSet)"}
    assert "added" not in boxes["Pod/shop/web-1 (Deployment)"] and "images: web:1" in boxes[
        "Pod/shop/web-1 (Deployment)"]
    assert "added" in boxes["Pod/shop/web-1 (StatefulSet)"]


HOSTILE_NAME = "x\n```\n![forged](https://evil.example/x.png)\n+ Deployment/shop/forged\x1b[2J\u202e`"


def test_names_that_hold_newlines_backticks_or_esc_are_one_escaped_line_each(tmp_path: Path) -> None:
    import json

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before, namespace: shop}\n")
    hostile = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": HOSTILE_NAME, "namespace": "shop"}},
               {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": HOSTILE_NAME, "namespace": "shop"},
                "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {
                    "metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "i\n`"}]}}}},
               {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": "shop"},
                "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}}]
    new.write_text("".join(f"---\n{json.dumps(document)}\n" for document in hostile))
    done = _gen("diff", str(old), str(new), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "gen diff: resources 3 added, 1 removed, 0 changed; links 1 added, 0 removed, 0 changed"
    assert len(lines) == 1 + 4 + 1  # one line a resource and a link, whatever their names hold
    assert all(line[:2] in ("+ ", "- ", "~ ") for line in lines[1:]), lines
    for raw in ("\x1b", "\u202e", "``", "\r"):  # a backtick is escaped: never two in a row
        assert raw not in done.stdout + done.stderr, raw
    escaped = "x\\n\\`\\`\\`\\n![forged](https://evil.example/x.png)\\n+ Deployment/shop/forged\\x1b[2J\\u202e\\`"
    assert f"+ ConfigMap/shop/{escaped}" in lines
    assert f"+ Service/shop/svc → Pods of Deployment/shop/{escaped} [selects] (80→80/TCP)" in lines


@pytest.mark.exe
def test_gen_diff_marks_changes_in_every_text_format(revisions: tuple[Path, Path], tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    drawn = {}
    for suffix in ("json", "mmd", "d2", "drawio"):
        out = tmp_path / f"change.{suffix}"
        done = _gen("diff", str(revisions[0]), str(revisions[1]), "-o", str(out), cwd=root)
        assert done.returncode == 0, done.stderr
        drawn[suffix] = out.read_text(encoding="utf-8")
        for value in _secret_values():
            assert value.strip() not in drawn[suffix], (suffix, value)
    nodes = {node["id"]: node for node in json.loads(drawn["json"])["nodes"]}
    assert nodes["Service/shop/api-debug"]["change"] == "added"
    assert nodes["Deployment/shop/api"]["change"] == "changed"
    assert nodes["Deployment/shop/web"]["change"] == "removed"
    assert nodes["Service/shop/api"]["change"] is None
    edges = json.loads(drawn["json"])["edges"]
    assert any(e["source"] == "Service/shop/api-debug" and e["change"] == "added" for e in edges)
    # each format marks them with the sign before the badge and the change's colour (green, red, orange)
    for suffix, line_break in (("mmd", "<br>"), ("d2", "\\n"), ("drawio", "&#10;")):
        text = drawn[suffix]
        assert f"+ svc{line_break}api-debug" in text, suffix
        assert f"~ deploy{line_break}api" in text and f"− deploy{line_break}web" in text, suffix
        assert all(colour in text for colour in ("#1a7f37", "#cf222e", "#bc4c00")), suffix
