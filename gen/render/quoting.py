"""Quoting for DOT identifiers and Graphviz HTML-like labels."""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML, so not in labels
NAME_SEPARATORS = "-./_ "  # where a resource name may wrap
PATH_SEPARATORS = "/ "  # where an edge label (host/path, mount path) may wrap: never inside a host or file name


def wrap_words(text: str, width: int = 20, separators: str = NAME_SEPARATORS) -> list[str]:
    """Lines of at most `width` characters, broken only after one of `separators`, never inside a word: a word
    longer than `width` keeps a line of its own."""
    lines: list[str] = []  # each with its trailing separator, so that joining two back restores the text
    current = ""
    escaped = re.escape(separators)
    for word in re.findall(rf"[^{escaped}]+[{escaped}]*|[{escaped}]+", text):
        if current and len(current) + len(word.rstrip()) > width:
            lines.append(current)
            current = ""
        current += word
    if current or not lines:
        lines.append(current)
    if len(lines) > 1 and len(lines[-1].strip()) <= 4:  # no orphan such as a replica's "-1" on a line of its own
        lines[-2:] = [lines[-2] + lines[-1]]
    return [line.rstrip() for line in lines]


def dot_id(text: str) -> str:
    """A double-quoted DOT ID: any node name (colons and slashes included) stays one identifier."""
    text = _CONTROL.sub("", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html_text(text: str) -> str:
    """Text safe inside an HTML-like label: escaped, without the control characters XML forbids."""
    return html.escape(_CONTROL.sub("", text), quote=True)

