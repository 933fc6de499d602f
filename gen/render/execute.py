"""Running the Graphviz `dot` binary: with a timeout, in its own process group, killed with all its children on
timeout or interrupt, so that no figure can hang a build or outlive it."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import subprocess
from pathlib import Path

FORMATS = ("svg", "png", "dot")
DEFAULT_TIMEOUT = 120.0  # seconds per figure; `gen render --timeout`, the plugin's `dot_timeout`
VERSION_TIMEOUT = 10.0


class RenderError(Exception):
    """dot is missing, failed or took too long; the message says what to do."""


class RenderTimeout(RenderError):
    """dot did not finish within the timeout; it has been killed."""


class DotMissing(RenderError):
    """dot is not installed (or cannot be started)."""


class DotFailed(RenderError):
    """dot ran and rejected the figure: the one failure that some input can be blamed for."""


class FigureTooLarge(RenderError):
    """The figure has more boxes or links than dot lays out in time; refused before dot starts."""


MISSING_DOT = (
    "Graphviz `dot` is not installed: install the `graphviz` system package "
    "(apt-get install graphviz, brew install graphviz, or see https://graphviz.org/download/)"
)


def dot_available() -> bool:
    import shutil  # here, not at the top: `gen render` does not need it (a missing dot fails to start)

    return shutil.which("dot") is not None


@functools.cache
def graphviz_version() -> str:
    """The dot version, part of every figure's cache key (another version lays out differently). Read once per
    dot binary: kept on disk against the binary's real path, size and mtime, so that `gen` with nothing to do
    runs no `dot -V`, and an upgraded Graphviz is read afresh."""
    import json
    import shutil

    found = shutil.which("dot")
    if found is None:
        return "missing"
    try:
        real = os.path.realpath(found)
        stat = os.stat(real)
    except OSError:
        return _read_version()
    identity = f"{real}:{stat.st_size}:{stat.st_mtime_ns}"
    store = version_store()
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("dot") == identity and isinstance(kept.get("version"), str):
            return str(kept["version"])
    except (OSError, ValueError):
        pass  # absent or unreadable: read the version again
    version = _read_version()
    if version != "unknown":
        with contextlib.suppress(OSError):
            store.parent.mkdir(parents=True, exist_ok=True)
            temporary = store.with_name(f"{store.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"dot": identity, "version": version}), encoding="utf-8")
            os.replace(temporary, store)
    return version


def version_store() -> Path:
    """Where the dot version is kept between runs: the user's cache directory (XDG_CACHE_HOME, else ~/.cache)."""
    from ..userdirs import cache_home

    return Path(cache_home()) / "graphviz-version.json"


def _read_version() -> str:
    try:
        output = b"".join(_run(["dot", "-V"], b"", VERSION_TIMEOUT))  # dot prints its version on stderr
    except RenderError:
        return "unknown"
    match = re.search(rb"version\s+(\S+)", output)
    return match.group(1).decode("ascii", "replace") if match else "unknown"


# dot started ahead of the figure, by format, not yet used. Only started: a dot that lays out a warm-up graph
# first would load its plugins and fonts ahead too (10 ms), but draws the figure that follows differently from a
# fresh dot (the order of clusters follows the addresses of their names, and the first graph's freed memory
# reorders them), and a figure must be the same bytes however it is drawn.
_started: dict[str, subprocess.Popen[bytes]] = {}


def start_dot(output_format: str) -> None:
    """Start the dot the next run_dot of this format will use, while Python goes on importing and reading the
    input (`gen render` does this first): the process start and dynamic linking, 5 ms, are out of the way. A dot
    left unused ends when gen does (its input is closed), or by stop_unused_dots."""
    if output_format in _started or output_format not in ("svg", "png"):
        return
    with contextlib.suppress(OSError):  # no dot: run_dot says so
        _started[output_format] = _start(["dot", f"-T{output_format}"])


def stop_unused_dots() -> None:
    """Kill the dots start_dot started that no figure used (the input failed, a usage error, Ctrl-C)."""
    while _started:
        _kill_group(_started.popitem()[1])


def run_dot(source: str, output_format: str, timeout: float | None = None) -> bytes:
    """Lay out DOT source and return the rendered bytes (svg or png)."""
    started = _started.pop(output_format, None)
    if started is not None:
        return _finish(started, source.encode("utf-8"), timeout or DEFAULT_TIMEOUT)[0]
    return _run(["dot", f"-T{output_format}"], source.encode("utf-8"), timeout or DEFAULT_TIMEOUT)[0]


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    # A session of its own: the whole group (dot and any child it starts) can be killed at once, and a Ctrl-C
    # meant for gen does not reach dot half-way.
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _run(command: list[str], data: bytes, timeout: float) -> tuple[bytes, bytes]:
    """(stdout, stderr) of a command that succeeded; RenderError otherwise."""
    try:
        process = _start(command)
    except OSError as exc:
        raise DotMissing(MISSING_DOT if isinstance(exc, FileNotFoundError) else f"cannot run dot: {exc}") from exc
    return _finish(process, data, timeout)


def _finish(process: subprocess.Popen[bytes], data: bytes, timeout: float) -> tuple[bytes, bytes]:
    """Give a started command its input and wait for it: (stdout, stderr) if it succeeded; RenderError otherwise."""
    try:
        stdout, stderr = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderTimeout(f"Graphviz dot did not finish within {timeout:g} s and was stopped: the figure is too "
                            "large or too tangled; narrow its inputs (filters, names) or raise the timeout") from None
    except BaseException:  # KeyboardInterrupt, SystemExit: never leave dot running behind
        _kill_group(process)
        raise
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip()
        raise DotFailed(f"Graphviz dot failed: {message or f'exit status {process.returncode}'}")
    return stdout, stderr


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # a descendant that left the group holds a pipe
        process.communicate(timeout=5)
