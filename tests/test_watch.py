"""`gen` and `gen watch` in a copy of the fixture site tests/site/good/ (three figures, two of them distinct), and
`gen`'s exit codes on the broken fixture sites."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

pytestmark = pytest.mark.exe  # skipped without dot, except in CI (tests/conftest.py)

GOOD_SITE = Path(__file__).resolve().parent / "site" / "good"
SUMMARY = re.compile(r"^gen: (\d+) rendered, (\d+) unchanged, (\d+) failed$")


def _env() -> dict[str, str]:
    # Without PYTHONUNBUFFERED, as in a user's shell: gen watch itself must not hold its lines back in a pipe.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "good"
    shutil.copytree(GOOD_SITE, target, ignore=shutil.ignore_patterns(".cache", "site"))
    return target


def _gen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=site, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env=_env())


def _summary(output: str) -> tuple[int, int, int]:
    found = [SUMMARY.match(line) for line in output.splitlines()]
    matches = [m for m in found if m]
    assert len(matches) == 1, output
    rendered, unchanged, failed = (int(group) for group in matches[0].groups())
    return rendered, unchanged, failed


def test_gen_renders_then_reports_everything_unchanged(site: Path) -> None:
    first = _gen(site)
    assert first.returncode == 0, first.stdout + first.stderr
    rendered, unchanged, failed = _summary(first.stdout)
    # docs/index.md and docs/two.md draw the same topology: the second one is the first one's cache entry
    assert (rendered, unchanged, failed) == (2, 1, 0)
    assert re.search(r"^docs/index\.md:\d+: rendered: 데모 애플리케이션의 전체 구성 \(topology\)$", first.stdout, re.M)
    assert re.search(r"^docs/two\.md:\d+: rendered: .*\(storage\)$", first.stdout, re.M)

    second = _gen(site)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _summary(second.stdout) == (0, rendered + unchanged, 0)
    assert "rendered:" not in second.stdout  # nothing is listed when nothing changed

    build = _gen(site, "build", "--config", "mkdocs.yml")  # the explicit form of the same
    assert _summary(build.stdout) == (0, 3, 0)


SITES = Path(__file__).resolve().parent / "site"


@pytest.mark.parametrize(("name", "failed", "message"), [
    ("broken", 1, "manifests/broken/bad.yaml:11:6: error: invalid YAML"),
    ("spec-errors", 2, "docs/unknown-view.md:5:7: error: view: unknown view; allowed: "),
])
def test_gen_exits_1_when_a_figure_cannot_be_drawn(tmp_path: Path, name: str, failed: int, message: str) -> None:
    site = tmp_path / name
    shutil.copytree(SITES / name, site, ignore=shutil.ignore_patterns(".cache", "site"))
    done = _gen(site)
    assert done.returncode == 1, done.stdout + done.stderr
    assert _summary(done.stdout) == (1, 0, failed)  # the good figure is drawn all the same
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_gen_exits_1_when_a_figure_names_a_missing_path(site: Path) -> None:
    (site / "docs" / "missing.md").write_text("# Missing\n\n```kubedocs\nmanifests: [nope/]\ncaption: gone\n```\n",
                                              encoding="utf-8")
    done = _gen(site)
    assert done.returncode == 1, done.stdout + done.stderr
    assert _summary(done.stdout) == (2, 1, 1)
    assert re.search(r"^docs/missing\.md:3: failed: gone \(topology\)$", done.stdout, re.M)
    assert "manifests/nope: error: no such file or directory" in done.stderr


@pytest.mark.parametrize("command", [[], ["build"], ["watch"], ["check"]])
def test_no_site_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    done = _gen(tmp_path, *command)  # no mkdocs.yml here; `gen watch` says so instead of watching nothing
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no mkdocs.yml here" in done.stderr
    assert "Traceback" not in done.stderr


class _Lines:
    """The lines a process writes, read by threads so that waiting can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        # Lines of one stream that arrived while waiting on the other: the two pipes are read apart, so their
        # order relative to each other is not the order they were written in.
        self.pending: dict[str, list[str]] = {"stdout": [], "stderr": []}
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put((name, line.rstrip("\n")))

    def wait_for(self, stream: str, pattern: str, timeout: float) -> str:
        backlog = self.pending[stream]
        while backlog:
            line = backlog.pop(0)
            if re.search(pattern, line):
                return line
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, line = self.queue.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append((name, line))
            if name != stream:
                self.pending[name].append(line)
            elif re.search(pattern, line):
                return line
        pytest.fail(f"no {stream} line matching {pattern!r} within {timeout} s; saw {self.seen}")


def test_watch_renders_again_when_a_manifest_changes(site: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "gen.cli", "watch", "--config", "mkdocs.yml"], cwd=site,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                               env=_env())
    try:
        lines = _Lines(process)
        lines.wait_for("stdout", r"rendered", timeout=60)
        assert lines.wait_for("stdout", SUMMARY.pattern, timeout=30) == "gen: 2 rendered, 1 unchanged, 0 failed"
        lines.wait_for("stderr", r"^gen watch: watching ", timeout=30)
        time.sleep(0.5)  # the watcher takes its first snapshot right after saying so

        web = site / "manifests" / "app" / "20-web.yaml"
        web.write_text(web.read_text(encoding="utf-8").replace("replicas: 2", "replicas: 3"), encoding="utf-8")

        line = lines.wait_for("stdout", r"^docs/index\.md:\d+: rendered: ", timeout=20)
        assert "데모 애플리케이션의 전체 구성" in line
        # both figures of app/ were drawn again; the repeated topology on two.md is the fresh entry
        assert lines.wait_for("stdout", SUMMARY.pattern, timeout=20) == "gen: 2 rendered, 1 unchanged, 0 failed"
        assert process.poll() is None, "gen watch keeps running"
        process.send_signal(signal.SIGINT)  # Ctrl-C: how a watch ends, not a failure
        assert process.wait(timeout=20) == 0
        lines.wait_for("stderr", r"^gen watch: stopped$", timeout=10)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_declaration_error_names_the_pages_line_of_the_mistake(site: Path) -> None:
    # the fence is on line 3; the bad line is the body's second, so line 5 of the page
    (site / "docs" / "bad.md").write_text("# Bad\n\n```kubedocs\nmanifests: [app/]\n  view: network: x\n```\n",
                                          encoding="utf-8")
    done = _gen(site)
    assert done.returncode == 1
    assert "docs/bad.md:5:3: error: the block is not valid YAML: " in done.stderr, done.stderr
    check = _gen(site, "check")
    assert "docs/bad.md:5:3: error: kubedocs figure: the block is not valid YAML: " in check.stderr, check.stderr
