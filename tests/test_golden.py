"""Golden figures: the DOT source of known inputs, byte for byte.

The DOT source is what kubedocs decides (nodes, names, groups, styles, order); the SVG also depends on the
Graphviz version, so only its determinism is checked here. After an intended change, regenerate with

    KUBEDOCS_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change. Updating is refused when `CI` is set: a CI run that
rewrote the golden files would compare each file with itself and pass whatever the code now draws.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gen.diagram import Diagram
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import build_view

GOLDEN = Path(__file__).resolve().parent / "golden"


def _diagram(base: Path, relative: str, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    # Sources in tooltips name files as given; load from `base` so that they do not depend on the checkout.
    monkeypatch.chdir(base)
    loaded = load([relative])
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    return build_view(derive(loaded.inventory()), "topology")


def _update_requested() -> bool:
    """KUBEDOCS_UPDATE_GOLDEN=1, read when a comparison is made (so that a test can set it)."""
    if os.environ.get("KUBEDOCS_UPDATE_GOLDEN") != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail("KUBEDOCS_UPDATE_GOLDEN=1 is refused when CI is set: golden files are regenerated on a "
                    "developer's machine and the diff of tests/golden/ is reviewed, never rewritten by CI",
                    pytrace=False)
    return True


def _compare(name: str, source: str, golden: Path = GOLDEN) -> None:
    path = golden / f"{name}.dot"
    if _update_requested():
        golden.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8", newline="\n")
        return  # comparing the file just written with `source` could not fail
    if not path.exists():
        pytest.fail(f"{path} is missing: generate it with KUBEDOCS_UPDATE_GOLDEN=1 pytest tests/test_golden.py")
    expected = path.read_text(encoding="utf-8")
    if source != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), source.splitlines(True),
                                            f"golden/{name}.dot", "now", n=1))
        pytest.fail(f"DOT differs from {path.name} (KUBEDOCS_UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


@pytest.fixture
def sample_app(root: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(root, "manifests/sample-app", monkeypatch)


@pytest.fixture
def microservices_demo(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(corpus, "microservices-demo-release/release/kubernetes-manifests.yaml", monkeypatch)


def test_sample_app_dot(sample_app: Diagram) -> None:
    _compare("sample-app", diagram_to_dot(sample_app))


@pytest.mark.corpus
def test_microservices_demo_dot(microservices_demo: Diagram) -> None:
    _compare("microservices-demo", diagram_to_dot(microservices_demo))


def test_golden_files_are_plain_dot() -> None:
    for path in sorted(GOLDEN.glob("*.dot")):
        text = path.read_bytes()
        assert text.startswith(b"digraph kubedocs {\n"), path
        assert b"\r" not in text and text.endswith(b"}\n"), path


def _gen_render(cwd: Path, *inputs: str, hash_seed: str) -> bytes:
    """`gen render` in a fresh interpreter with its own hash seed: set and dict order cannot carry over."""
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", *inputs], cwd=cwd, env=env,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


@pytest.mark.exe
def test_sample_app_svg_is_deterministic(sample_app: Diagram, root: Path) -> None:
    # The files in reverse order, in another process with another hash seed: the same bytes as drawn here.
    files = sorted((root / "manifests" / "sample-app").glob("*.yaml"), reverse=True)
    assert len(files) > 1
    relative = [path.relative_to(root).as_posix() for path in files]
    here = render_diagram(sample_app, "svg")
    assert b"<title>Deployment/shop/web</title>" in here
    assert _gen_render(root, *relative, hash_seed="1") == here
    assert _gen_render(root, *relative, hash_seed="2") == here


@pytest.mark.exe
@pytest.mark.corpus
def test_microservices_demo_svg_is_deterministic(microservices_demo: Diagram, corpus: Path) -> None:
    here = render_diagram(microservices_demo, "svg")
    assert b"<title>Deployment/default/frontend</title>" in here
    relative = "microservices-demo-release/release/kubernetes-manifests.yaml"
    assert _gen_render(corpus, relative, hash_seed="3") == here


# --- the update switch ------------------------------------------------------------------------------------------


def test_update_is_refused_when_ci_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n}\n", encoding="utf-8")
    monkeypatch.setenv("KUBEDOCS_UPDATE_GOLDEN", "1")
    for ci in ("true", "1", "yes"):
        monkeypatch.setenv("CI", ci)
        with pytest.raises(pytest.fail.Exception, match="refused when CI is set"):
            _compare("x", "digraph kubedocs {\n  changed;\n}\n", golden=tmp_path)
        with pytest.raises(pytest.fail.Exception, match="refused when CI is set"):
            _compare("new", "digraph kubedocs {\n}\n", golden=tmp_path)
    assert (tmp_path / "x.dot").read_text(encoding="utf-8") == "digraph kubedocs {\n}\n"  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dot"]  # and nothing new written


@pytest.mark.parametrize("ci", [None, ""])
def test_update_rewrites_the_file_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n}\n", encoding="utf-8")
    monkeypatch.setenv("KUBEDOCS_UPDATE_GOLDEN", "1")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)  # set but empty: not a CI run
    _compare("x", "digraph kubedocs {\r\n  changed;\n}\n", golden=tmp_path)
    assert (tmp_path / "x.dot").read_bytes() == b"digraph kubedocs {\r\n  changed;\n}\n"


def test_without_update_a_difference_fails_with_the_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBEDOCS_UPDATE_GOLDEN", raising=False)
    monkeypatch.setenv("CI", "true")  # comparing is what CI does
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n  a;\n}\n", encoding="utf-8")
    _compare("x", "digraph kubedocs {\n  a;\n}\n", golden=tmp_path)  # equal: passes
    with pytest.raises(pytest.fail.Exception, match=r"(?s)DOT differs from x\.dot.*-  a;\n\+  b;"):
        _compare("x", "digraph kubedocs {\n  b;\n}\n", golden=tmp_path)
    with pytest.raises(pytest.fail.Exception, match="missing: generate it"):
        _compare("absent", "digraph kubedocs {\n}\n", golden=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dot"]
