"""The renderer: a neutral Diagram → DOT → SVG or PNG. Split by concern: quoting, dot (source), execute, svg."""

from __future__ import annotations

from ..diagram import Diagram
from .dot import diagram_to_dot
from .execute import FORMATS, RenderError, dot_available, graphviz_version, run_dot
from .svg import clean_svg, embeddable_svg

__all__ = ["FORMATS", "RenderError", "diagram_to_dot", "dot_available", "embeddable_svg", "graphviz_version",
           "render_diagram"]


PNG_DPI = 192


def render_diagram(diagram: Diagram, output_format: str = "svg") -> bytes:
    """Render to `svg`, `png` or `dot` bytes. Raises RenderError when dot is missing or fails."""
    # A bitmap at screen resolution blurs 8-point badges: draw it at 2x (vector SVG needs no such thing).
    source = diagram_to_dot(diagram, dpi=PNG_DPI if output_format == "png" else None)
    if output_format == "dot":
        return source.encode("utf-8")
    output = run_dot(source, output_format)
    if output_format == "svg":
        return clean_svg(output.decode("utf-8")).encode("utf-8")
    return output
