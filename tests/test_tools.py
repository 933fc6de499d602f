"""Running other programs within bounds: one deadline, bounded output and memory, nothing left running."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from gen.tools import Deadline, ToolStopped, run_tool


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not status.exists() or status.read_text().split()[2] != "Z"


def gone(pid: int) -> bool:
    """The process has ended (a killed one takes a moment to)."""
    for _ in range(50):
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_what_a_tool_leaves_running_is_killed_when_it_exits(tmp_path: Path) -> None:
    """As kustomize's `git fetch` for a remote base was left behind after every run."""
    pid_file = tmp_path / "child.pid"
    script = (f"import subprocess; p = subprocess.Popen(['sleep', '300']); "
              f"open({str(pid_file)!r}, 'w').write(str(p.pid))")
    done = run_tool([sys.executable, "-c", script], Deadline(30))
    assert done.returncode == 0
    assert gone(int(pid_file.read_text()))


def test_the_deadline_stops_the_whole_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = (f"import subprocess, time; p = subprocess.Popen(['sleep', '300']); "
              f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(300)")
    deadline = Deadline(1.5)
    with pytest.raises(ToolStopped, match=r"did not finish within 1\.5 s"):
        run_tool([sys.executable, "-c", script], deadline)
    assert deadline.left() == 0
    assert gone(int(pid_file.read_text()))
    # The same deadline, spent, stops a second attempt at once: a fallback never doubles the wait.
    with pytest.raises(ToolStopped):
        run_tool([sys.executable, "-c", "import time; time.sleep(300)"], deadline)


def test_output_past_its_bound_stops_the_tool() -> None:
    with pytest.raises(ToolStopped, match="printed more than 1 MiB"):
        run_tool([sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('x' * 65536)"], Deadline(60),
                 max_output=1024 * 1024)


def test_memory_past_its_bound_stops_the_tool() -> None:
    done_or_stopped: object
    try:
        done_or_stopped = run_tool([sys.executable, "-c", "b = bytearray(600 * 1024 * 1024)"], Deadline(60),
                                   max_memory=200 * 1024 * 1024)
    except ToolStopped as exc:
        done_or_stopped = exc
    assert isinstance(done_or_stopped, ToolStopped), done_or_stopped
    assert "more than 200 MiB of memory" in str(done_or_stopped)
