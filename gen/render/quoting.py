"""Quoting for DOT identifiers and Graphviz HTML-like labels."""

from __future__ import annotations

import html


def dot_id(text: str) -> str:
    """A double-quoted DOT ID: any node name (colons and slashes included) stays one identifier."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html_text(text: str) -> str:
    """Text safe inside an HTML-like label."""
    return html.escape(text, quote=True)


def escaped_lines(text: str) -> str:
    """A plain label of several lines: DOT's `\\n` centres each line."""
    return dot_id(text)
