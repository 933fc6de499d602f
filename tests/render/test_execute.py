"""Running dot (gen/render/execute.py): a timeout, the process group killed on timeout or interrupt, a size cap.

A dot that never returns cannot be made from the real one on demand, so these tests put a stand-in named `dot` first
on PATH: a shell script that answers `-V` and then sleeps, after starting a child (as a plugin of dot could) whose
pid it writes down, so that the test can tell whether the whole group was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gen.diagram import Box, Diagram
from gen.render import MAX_BOXES, RenderError, RenderTimeout, execute, render_diagram
from gen.render.execute import graphviz_version, run_dot, start_dot, stop_unused_dots

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"


@pytest.fixture
def hanging_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `dot` that never finishes; returns the file its sleeping child's pid is written to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "child.pid"
    script = bin_dir / "dot"
    script.write_text(f"""#!/bin/sh
if [ "$1" = "-V" ]; then echo "dot - graphviz version 0.0.0-hanging (0)" >&2; exit 0; fi
sleep 600 &
echo $! > {pid_file}
wait
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    graphviz_version.cache_clear()
    yield pid_file
    graphviz_version.cache_clear()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie is dead, waiting for its parent (init) to reap it


def _wait_for_pid(pid_file: Path) -> int:
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            return int(pid_file.read_text())
        time.sleep(0.05)
    raise AssertionError("the stand-in dot never started")


def test_a_dot_that_never_returns_is_stopped_with_its_children(hanging_dot: Path) -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="did not finish within 1 s"):
        run_dot("digraph { a }", "svg", timeout=1)
    assert time.monotonic() - started < 8
    child = _wait_for_pid(hanging_dot)
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child), "dot's child outlived the timeout"


def test_gen_render_timeout_option(hanging_dot: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MANIFEST)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", str(tmp_path / "a.yaml"), "--timeout", "1",
                           "-o", str(tmp_path / "a.svg")], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))
    assert done.returncode == 1 and "did not finish within 1 s" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and time.monotonic() - started < 20
    assert not _alive(_wait_for_pid(hanging_dot))


@pytest.mark.parametrize("value", ["0", "-3", "soon", "nan"])
def test_gen_render_timeout_must_be_a_positive_number(value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", "x.yaml", "--timeout", value], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a number of seconds" in done.stderr


def test_interrupting_gen_stops_dot_too(hanging_dot: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MANIFEST)
    process = subprocess.Popen([sys.executable, "-m", "gen.cli", "render", str(tmp_path / "a.yaml"), "-o",
                                str(tmp_path / "a.svg")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child = _wait_for_pid(hanging_dot)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 1
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child), "killing gen left dot running"


def test_a_figure_too_large_to_lay_out_is_refused_before_dot_runs() -> None:
    diagram = Diagram(boxes=[Box(f"b{i}", f"b{i}") for i in range(MAX_BOXES + 1)])
    started = time.monotonic()
    with pytest.raises(RenderError, match=f"{MAX_BOXES + 1} boxes"):
        render_diagram(diagram)
    assert time.monotonic() - started < 1


@pytest.mark.exe
def test_the_real_dot_still_renders() -> None:
    assert run_dot("digraph { a -> b }", "svg", timeout=30).startswith(b"<?xml")
    assert graphviz_version()[0].isdigit()


VERSION_PROBE = """\
import os, subprocess, sys
from gen.render.execute import graphviz_version
print(graphviz_version())
"""


def _version_in_a_fresh_process(bin_dir: Path, cache: Path) -> str:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", VERSION_PROBE], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.strip()


def test_the_dot_version_is_read_once_per_binary(tmp_path: Path) -> None:
    bin_dir, cache, runs = tmp_path / "bin", tmp_path / "cache", tmp_path / "runs"
    bin_dir.mkdir()
    dot = bin_dir / "dot"
    dot.write_text(f'#!/bin/sh\necho run >> "{runs}"\necho "dot - graphviz version 9.9.9 (0)" >&2\n')
    dot.chmod(0o755)
    assert _version_in_a_fresh_process(bin_dir, cache) == "9.9.9"
    assert _version_in_a_fresh_process(bin_dir, cache) == "9.9.9"
    assert runs.read_text().count("run") == 1  # the second `gen` asked no dot -V
    # Another binary (an upgrade changes its size or mtime) is asked again.
    dot.write_text(f'#!/bin/sh\necho run >> "{runs}"\necho "dot - graphviz version 10.0.1 (0)" >&2\n')
    os.utime(dot, ns=(0, 10**9))
    assert _version_in_a_fresh_process(bin_dir, cache) == "10.0.1"
    assert runs.read_text().count("run") == 2
    # A damaged store is read past, never trusted.
    (cache / "kubedocs" / "graphviz-version.json").write_text("[1, 2")
    assert _version_in_a_fresh_process(bin_dir, cache) == "10.0.1"


CLUSTERED = """digraph "g" { graph [rankdir=LR];
  subgraph cluster_a { label="가 namespace"; a1 [label="앱 1", shape=box]; a2 }
  subgraph cluster_b { b1 -> b2 [label="link"] }
  a1 -> b1; a2 -> b2 [style=dashed]
}
"""


@pytest.mark.exe
@pytest.mark.parametrize("output_format", ["svg", "png"])
def test_a_dot_started_ahead_draws_the_same_bytes_as_a_fresh_one(output_format: str) -> None:
    cold = run_dot(CLUSTERED, output_format, timeout=30)
    start_dot(output_format)
    assert output_format in execute._started, "no dot was started ahead"
    early = run_dot(CLUSTERED, output_format, timeout=30)
    assert not execute._started, "the dot started ahead was not the one used"
    assert early == cold


@pytest.mark.exe
def test_a_dot_started_ahead_reports_a_broken_figure_as_a_fresh_one_does() -> None:
    start_dot("svg")
    with pytest.raises(RenderError, match="syntax error in line 3") as early:
        run_dot("digraph {\n a -> b\n a -> -> c\n}\n", "svg", timeout=30)
    with pytest.raises(RenderError) as cold:  # a fresh dot
        run_dot("digraph {\n a -> b\n a -> -> c\n}\n", "svg", timeout=30)
    assert str(early.value) == str(cold.value)


@pytest.mark.exe
def test_an_unused_dot_is_stopped() -> None:
    start_dot("dot")
    assert not execute._started  # DOT output needs no dot
    start_dot("svg")
    process = execute._started["svg"]
    assert run_dot("digraph { a }", "png", timeout=30).startswith(b"\x89PNG")  # a PNG leaves the SVG dot alone
    stop_unused_dots()
    assert not execute._started and process.returncode is not None


def test_interrupting_gen_while_dot_waits_stops_it(hanging_dot: Path, tmp_path: Path) -> None:
    """`gen render` starts dot first of all: the stand-in is that one, interrupted before any figure."""
    (tmp_path / "a.yaml").write_text(MANIFEST)
    for delay in (0.0, 0.05):
        hanging_dot.unlink(missing_ok=True)
        process = subprocess.Popen([sys.executable, "-m", "gen.cli", "render", str(tmp_path / "a.yaml")], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        child = _wait_for_pid(hanging_dot)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
        for _ in range(50):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child), f"interrupting gen {delay} s after dot started left it running"
