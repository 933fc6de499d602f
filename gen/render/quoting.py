"""Quoting for DOT identifiers and Graphviz HTML-like labels."""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML, so not in labels
_WORD = re.compile(r"[^-./_ ]+[-./_ ]*|[-./_ ]+")


def wrap_words(text: str, width: int = 20) -> list[str]:
    """Lines of at most `width` characters, broken only after a separator (- . / _ or space), never inside
    a word: a word longer than `width` keeps a line of its own."""
    lines: list[str] = []
    current = ""
    for word in _WORD.findall(text):
        if current and len(current) + len(word.rstrip()) > width:
            lines.append(current.rstrip())
            current = ""
        current += word
    if current or not lines:
        lines.append(current.rstrip())
    if len(lines) > 1 and len(lines[-1]) <= 3:  # no orphan such as a replica's "-1" on a line of its own
        lines[-2:] = [lines[-2] + lines[-1]]
    return lines


def dot_id(text: str) -> str:
    """A double-quoted DOT ID: any node name (colons and slashes included) stays one identifier."""
    text = _CONTROL.sub("", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html_text(text: str) -> str:
    """Text safe inside an HTML-like label: escaped, without the control characters XML forbids."""
    return html.escape(_CONTROL.sub("", text), quote=True)


def escaped_lines(text: str) -> str:
    """A plain label of several lines: DOT's `\\n` centres each line."""
    return dot_id(text)
