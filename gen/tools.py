"""Running the other programs gen asks for help (kubectl kustomize, helm, git), within bounds.

Each runs in a session of its own, so that the whole process group (a `git fetch` that kustomize starts for a
remote base, say) is killed at once: at the deadline, when its output or memory passes its bound, on Ctrl-C, and
after it exits, so that nothing it left behind goes on running. One deadline covers every attempt of one job.
No shell is ever involved: arguments are a list, and every path is given after `--`.
"""

from __future__ import annotations

import contextlib
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence

from .records import record

# Bounds of one tool run. A kustomization that doubles its resources at each of a dozen overlays, or a chart that
# prints 50 MB, would otherwise take gigabytes in the tool and then in gen.
MAX_TOOL_OUTPUT_BYTES = 32 * 1024 * 1024
MAX_TOOL_MEMORY_BYTES = 1024 * 1024 * 1024
MAX_TOOL_ERROR_BYTES = 64 * 1024  # enough for any message we read; the rest is dropped


class ToolStopped(Exception):
    """The tool was stopped before it finished; the message says why, in our words."""


@record(frozen=True)
class ToolOutput:
    returncode: int
    stdout: bytes
    stderr: bytes


class Deadline:
    """The time left for one job, however many commands it runs."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self._end - time.monotonic())


def run_tool(command: Sequence[str], deadline: Deadline, *, env: Mapping[str, str] | None = None,
             cwd: str | None = None, max_output: int = MAX_TOOL_OUTPUT_BYTES,
             max_memory: int = MAX_TOOL_MEMORY_BYTES) -> ToolOutput:
    """Run `command` to its end and return what it printed; ToolStopped when a bound was hit; OSError when it
    cannot be started."""
    process = subprocess.Popen(list(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(env) if env is not None else None, cwd=cwd,
                               start_new_session=True)
    try:
        # Its data segment (heap and anonymous memory) is bounded; an address-space bound would stop Go programs
        # (kubectl, helm) at their start, which reserve far more than they use.
        with contextlib.suppress(OSError, ValueError):
            resource.prlimit(process.pid, resource.RLIMIT_DATA, (max_memory, max_memory))
        stdout, stderr = _collect(process, deadline, max_output)
        returncode = process.wait(timeout=max(deadline.left(), 1.0))
    except subprocess.TimeoutExpired:
        raise ToolStopped(f"did not finish within {deadline.seconds:g} s and was stopped") from None
    finally:
        kill_group(process)
    if returncode != 0 and _ran_out_of_memory(stderr):
        raise ToolStopped(f"needed more than {max_memory // (1024 * 1024)} MiB of memory and was stopped")
    return ToolOutput(returncode, stdout, stderr)


def _collect(process: subprocess.Popen[bytes], deadline: Deadline, max_output: int) -> tuple[bytes, bytes]:
    assert process.stdout is not None and process.stderr is not None
    chunks: dict[int, list[bytes]] = {process.stdout.fileno(): [], process.stderr.fileno(): []}
    sizes = dict.fromkeys(chunks, 0)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        exited = False
        while selector.get_map():
            if deadline.left() <= 0:
                raise subprocess.TimeoutExpired(list(map(str, process.args)), deadline.seconds)  # type: ignore[arg-type]
            # Once the tool has exited, what it printed is in the pipes: read it, and stop there, although
            # something it started may hold the pipes open (that is killed next).
            ready = selector.select(timeout=0 if exited else min(deadline.left(), 0.2))
            if exited and not ready:
                break
            exited = exited or process.poll() is not None
            for key, _ in ready:
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                sizes[key.fd] += len(data)
                if key.fd == process.stdout.fileno():
                    if sizes[key.fd] > max_output:
                        raise ToolStopped(f"printed more than {max_output // (1024 * 1024)} MiB and was stopped")
                    chunks[key.fd].append(data)
                elif sizes[key.fd] <= MAX_TOOL_ERROR_BYTES:
                    chunks[key.fd].append(data)
    return b"".join(chunks[process.stdout.fileno()]), b"".join(chunks[process.stderr.fileno()])


def _ran_out_of_memory(stderr: bytes) -> bool:
    text = stderr.lower()  # a Go program's crash prints its goroutines after the cause: read it all (≤ 64 KiB)
    return any(words in text for words in (b"out of memory", b"cannot allocate memory", b"memoryerror"))


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process and everything it started in its group (it ran in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    for stream in (process.stdout, process.stderr, process.stdin):
        if stream is not None:
            stream.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
