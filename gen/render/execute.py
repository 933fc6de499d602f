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
    from ..uptodate import cache_home  # the one place that says where the user's cache directory is

    return Path(cache_home()) / "graphviz-version.json"


def _read_version() -> str:
    try:
        output = b"".join(_run(["dot", "-V"], b"", VERSION_TIMEOUT))  # dot prints its version on stderr
    except RenderError:
        return "unknown"
    match = re.search(rb"version\s+(\S+)", output)
    return match.group(1).decode("ascii", "replace") if match else "unknown"


# A graph of one node: laying it out loads dot's layout and SVG plugins and reads the font configuration, 10 ms
# of the 25 a small figure takes. The newline is needed: without it dot's scanner waits for more input before it
# hands over the closing brace, and the graph is laid out only once the figure has come.
WARM_UP = b"digraph warm_up { w }\n"
# A figure's first line when it is only the graph's header (gen's are): dot reads it on line 2, after the warm-up
# graph, and the figure's line break after it is dropped, so that every line after it keeps its number in dot's
# messages.
_HEADER_LINE = re.compile(rb"(?:strict\s+)?(?:di)?graph\s*[\w\"]*\s*\{\n")
SVG_END = b"</svg>\n"
_PAGE_PREFIX = re.compile(rb'^(<g id=")page\d+,\d+_(?=graph)', re.MULTILINE)
_warm: dict[str, subprocess.Popen[bytes]] = {}  # format -> a dot started by warm_up_dot, not yet used


def warm_up_dot(output_format: str = "svg") -> None:
    """Start the dot the next run_dot of an SVG will use, and have it lay out a one-node graph while Python goes
    on importing and reading the input (`gen render` does this first). A dot left unused ends when gen does: its
    input is closed."""
    if output_format != "svg" or output_format in _warm:
        return  # only SVG: its output ends where the warm-up graph's does (`</svg>`), and the figure's follows
    with contextlib.suppress(OSError):  # no dot: run_dot says so
        process = _warm[output_format] = _start(["dot", "-Tsvg"])
        assert process.stdin is not None
        process.stdin.write(WARM_UP)
        process.stdin.flush()


def stop_unused_dots() -> None:
    """Kill the dots warm_up_dot started that no figure used (a PNG was asked for, the input failed, Ctrl-C)."""
    while _warm:
        _kill_group(_warm.popitem()[1])


def run_dot(source: str, output_format: str, timeout: float | None = None) -> bytes:
    """Lay out DOT source and return the rendered bytes (svg or png)."""
    warm = _warm.pop(output_format, None)
    if warm is not None:
        data = source.encode("utf-8")
        if _HEADER_LINE.match(data):
            data = data.replace(b"\n", b" ", 1)
        both = _finish(warm, data, timeout or DEFAULT_TIMEOUT)[0]
        _warm_up, ended, output = both.partition(SVG_END)
        if ended and output:  # what follows the warm-up graph's SVG is the figure's
            # The figure is dot's second graph, and dot 2.43 names its root group as if it were on a second page
            # (`page0,1_graph0`); gen never paginates, so the prefix goes: the SVG is the one a fresh dot draws.
            return _PAGE_PREFIX.sub(rb"\1", output, count=1)
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
        raise RenderError(MISSING_DOT if isinstance(exc, FileNotFoundError) else f"cannot run dot: {exc}") from exc
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
        raise RenderError(f"Graphviz dot failed: {message or f'exit status {process.returncode}'}")
    return stdout, stderr


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # a descendant that left the group holds a pipe
        process.communicate(timeout=5)
