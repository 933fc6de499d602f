"""Quoting for DOT identifiers and Graphviz HTML-like labels."""

from __future__ import annotations

import re

# Not allowed in XML (so not in SVG): control characters, surrogates, and the non-characters U+FFFE / U+FFFF (of
# every plane) and U+FDD0–U+FDEF, which make dot's XML parser reject a label and with it the whole figure.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef"
                      + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
                      + "]")
MAX_QUOTED = 3000  # characters of one quoted DOT string: dot rejects those of more than 16384 bytes
MAX_LABEL = 200  # characters of one line of a label; the tooltip holds the whole text
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


def clip(text: str, limit: int, unique: bool = False) -> str:
    """At most `limit` characters; clipped text ends in `…` (and, when it must stay unique, a hash of the whole)."""
    if len(text) <= limit:
        return text
    if not unique:
        return text[:limit - 1] + "…"
    import hashlib  # rarely needed: only names past the limit

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return text[:limit - 14] + "…" + digest


def dot_id(text: str) -> str:
    """A double-quoted DOT ID: any node name (colons and slashes included) stays one identifier, however long."""
    # `&` as `&amp;`: dot copies an ID into the SVG's <title> as is when it looks like an entity (`&;` does),
    # which makes the SVG malformed (found by fuzzing); an escaped one reads back as the name.
    text = clip(_CONTROL.sub("", text), MAX_QUOTED, unique=True).replace("&", "&amp;")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_label(text: str) -> str:
    """A plain (not HTML) label shown as written: Graphviz would expand `\\N`, `\\G`, `\\L`… and decode entities."""
    lines = [clip(line, MAX_LABEL) for line in _CONTROL.sub("", text).split("\n")]
    text = clip("\n".join(lines), MAX_QUOTED).replace("&", "&amp;")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_tooltip(text: str) -> str:
    """A tooltip shown as written, one fact a line: dot applies its escapes to tooltips twice, so a backslash is
    written four times; a line break stays one (a newline in the SVG title)."""
    text = clip(_CONTROL.sub("", text), MAX_QUOTED // 2).replace("&", "&amp;").replace("\r", "")
    return '"' + text.replace("\\", "\\\\\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def escape_markup(text: str) -> str:
    """`&`, `<`, `>` and both quotes as entities, as html.escape(quote=True) does (the html module costs a
    millisecond at start, for this one function)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def html_text(text: str) -> str:
    """Text safe inside an HTML-like label and shown as written: escaped, without the characters XML forbids, a
    backslash doubled (Graphviz expands `\\G` and the like in HTML labels too), one line at most MAX_LABEL long."""
    escaped = escape_markup(clip(_CONTROL.sub("", text), MAX_LABEL)).replace("\\", "\\\\")
    return escaped.replace("]", "&#93;")  # dot's HTML parser rejects text that starts with `]` (found by fuzzing)

