"""The renderer: a neutral Diagram → DOT → SVG or PNG. Split by concern: quoting, dot (source), execute, svg."""

from __future__ import annotations

from ..diagram import Diagram
from ..records import replace
from .dot import diagram_to_dot
from .execute import (
    DEFAULT_TIMEOUT,
    FORMATS,
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

__all__ = ["DEFAULT_TIMEOUT", "FORMATS", "MAX_BOXES", "MAX_LINKS", "DotFailed", "DotMissing", "FigureTooLarge",
           "RenderError", "RenderTimeout", "diagram_to_dot", "dot_available", "embeddable_svg", "graphviz_version",
           "render_diagram"]


PNG_DPI = 192
# Past these dot takes minutes or more (layout is worse than quadratic in crossings): refused before it starts.
MAX_BOXES = 3000
MAX_LINKS = 6000


def render_diagram(diagram: Diagram, output_format: str = "svg", timeout: float | None = None) -> bytes:
    """Render to `svg`, `png` or `dot` bytes. Raises RenderError when dot is missing, fails or takes longer than
    `timeout` seconds (default DEFAULT_TIMEOUT), or when the diagram is too large to lay out in time."""
    if len(diagram.boxes) > MAX_BOXES or len(diagram.links) > MAX_LINKS:
        raise FigureTooLarge(f"the figure has {len(diagram.boxes)} boxes and {len(diagram.links)} links, more than dot "
                          f"lays out in time ({MAX_BOXES} boxes, {MAX_LINKS} links): narrow its inputs (filters, "
                          "names) or split it")
    # A bitmap at screen resolution blurs 8-point badges: draw it at 2x (vector SVG needs no such thing).
    dpi = PNG_DPI if output_format == "png" else None
    source = diagram_to_dot(diagram, dpi=dpi)
    if output_format == "dot":
        return source.encode("utf-8")
    try:
        output = run_dot(source, output_format, timeout)
    except DotFailed:
        if not (diagram.aligned or diagram.stacked):
            raise
        # Alignment is a hint: dot (2.43) sometimes fails on rank constraints among clusters; lay out without them.
        unhinted = replace(diagram, aligned=[], stacked=[])
        output = run_dot(diagram_to_dot(unhinted, dpi=dpi), output_format, timeout)
    if output_format == "svg":
        return clean_svg(output.decode("utf-8")).encode("utf-8")
    return output
