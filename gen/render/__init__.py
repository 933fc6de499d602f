"""The renderer: a neutral Diagram → DOT → SVG or PNG, or another format's text. One module per backend (dot,
mermaid, d2, drawio, graph_json), beside what they share (parts, quoting), running dot (execute) and the SVG's
post-processing (svg)."""

from __future__ import annotations

from collections.abc import Callable

from ..diagram import Diagram
from ..records import replace
from .dot import diagram_to_dot
from .execute import (
    DEFAULT_TIMEOUT,
    DotFailed,
    DotMissing,
    FigureTooLarge,
    RenderError,
    RenderTimeout,
    dot_available,
    graphviz_version,
    run_dot,
)
from .svg import clean_svg, embeddable_svg

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "FORMAT_NAMES",
    "MAX_BOXES",
    "MAX_LINKS",
    "TEXT_FORMATS",
    "DotFailed",
    "DotMissing",
    "FigureTooLarge",
    "RenderError",
    "RenderTimeout",
    "diagram_to_dot",
    "dot_available",
    "embeddable_svg",
    "format_named",
    "graphviz_version",
    "render_diagram",
]


# Every format, by the extension of its file (`gen render -o x.mmd`): Graphviz's and the text backends'.
FORMATS = ("svg", "png", "dot", "mmd", "d2", "drawio", "json")
# The names `--format` and a page's `format:` take, beside the extensions themselves.
FORMAT_NAMES = {"mermaid": "mmd", "graphviz": "dot"}
TEXT_FORMATS = ("mmd", "d2", "json")  # written without dot


def format_named(name: str) -> str | None:
    """The format a name or a file extension stands for (`mermaid`, `.mmd`, `MMD`), or None."""
    word = name.lower().lstrip(".")
    word = FORMAT_NAMES.get(word, word)
    return word if word in FORMATS else None


PNG_DPI = 192
# Past these dot takes minutes or more (layout is worse than quadratic in crossings): refused before it starts.
MAX_BOXES = 3000
MAX_LINKS = 6000


def render_diagram(diagram: Diagram, output_format: str = "svg", timeout: float | None = None) -> bytes:
    """Render to the bytes of one of FORMATS. Raises RenderError when dot is missing, fails or takes longer than
    `timeout` seconds (default DEFAULT_TIMEOUT), or when the diagram is too large to lay out in time."""
    if len(diagram.boxes) > MAX_BOXES or len(diagram.links) > MAX_LINKS:
        raise FigureTooLarge(f"the figure has {len(diagram.boxes)} boxes and {len(diagram.links)} links, more than dot "
                          f"lays out in time ({MAX_BOXES} boxes, {MAX_LINKS} links): narrow its inputs (filters, "
                          "names) or split it")
    if output_format in TEXT_FORMATS:
        return _text_backend(diagram, output_format).encode("utf-8")
    if output_format == "drawio":
        from .drawio import diagram_to_drawio, layout_source, read_layout

        return diagram_to_drawio(diagram, read_layout(_laid_out(diagram, "json", timeout, layout_source))).encode()
    # A bitmap at screen resolution blurs 8-point badges: draw it at 2x (vector SVG needs no such thing).
    dpi = PNG_DPI if output_format == "png" else None
    source = diagram_to_dot(diagram, dpi=dpi)
    if output_format == "dot":
        return source.encode("utf-8")
    output = _laid_out(diagram, output_format, timeout, lambda d: diagram_to_dot(d, dpi=dpi), source)
    if output_format == "svg":
        return clean_svg(output.decode("utf-8")).encode("utf-8")
    return output


def _laid_out(diagram: Diagram, output_format: str, timeout: float | None, source_of: Callable[[Diagram], str],
              source: str | None = None) -> bytes:
    try:
        return run_dot(source if source is not None else source_of(diagram), output_format, timeout)
    except DotFailed:
        if not (diagram.aligned or diagram.stacked):
            raise
        # Alignment is a hint: dot (2.43) sometimes fails on rank constraints among clusters; lay out without them.
        return run_dot(source_of(replace(diagram, aligned=[], stacked=[])), output_format, timeout)


def _text_backend(diagram: Diagram, output_format: str) -> str:
    """A format written without dot; each backend's module is imported only when it is used."""
    if output_format == "mmd":
        from .mermaid import diagram_to_mermaid

        return diagram_to_mermaid(diagram)
    if output_format == "d2":
        from .d2 import diagram_to_d2

        return diagram_to_d2(diagram)
    from .graph_json import diagram_to_json

    return diagram_to_json(diagram)
