"""Running the Graphviz `dot` binary through the graphviz package."""

from __future__ import annotations

import functools
import shutil

FORMATS = ("svg", "png", "dot")


class RenderError(Exception):
    """dot is missing or failed; the message says what to do."""


MISSING_DOT = (
    "Graphviz `dot` is not installed: install the `graphviz` system package "
    "(apt-get install graphviz, brew install graphviz, or see https://graphviz.org/download/)"
)


def dot_available() -> bool:
    return shutil.which("dot") is not None


@functools.cache
def graphviz_version() -> str:
    """The dot version, part of every figure's cache key (another version lays out differently)."""
    if not dot_available():
        return "missing"
    import graphviz

    return ".".join(str(part) for part in graphviz.version())


def run_dot(source: str, output_format: str) -> bytes:
    """Lay out DOT source and return the rendered bytes (svg or png)."""
    import graphviz  # imported here so that `import gen` stays light

    try:
        return graphviz.pipe("dot", output_format, source.encode("utf-8"), quiet=True)  # type: ignore[no-any-return]
    except graphviz.ExecutableNotFound as exc:
        raise RenderError(MISSING_DOT) from exc
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode("utf-8", "replace").strip() if isinstance(exc.stderr, bytes) else ""
        raise RenderError(f"Graphviz dot failed: {stderr or exc}") from exc
