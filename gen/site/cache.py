"""The figure cache: keyed by the bytes of a figure's inputs and its options, never by walking parsed YAML.

A key covers the manifests' paths and bytes, the view and filters, the Graphviz version and gen's own source, so
an unchanged rebuild renders nothing. Entries are written atomically (temporary file + rename): a killed or a
concurrent build leaves either the old entry or the new one, never half of one. An entry is never trusted: it must
name its own key, carry a checksum of its content and have exactly the expected shape, else it is rendered again.

The checksum catches damage, not forgery: anyone who can write an entry can compute it, and a key kept beside the
entries (or in a CI cache restored whole) would be theirs too. So what a page shows from an entry is checked for
what it is: the SVG must be a plain drawing as gen writes it (gen/render/svg.py `is_plain_drawing`: known elements
and presentation attributes, no script, event handler, foreign content or outside link), and every message is
escaped when the page's HTML is built. An entry that fails is drawn again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..diagram import Diagram, describe
from ..model import Diagnostic, Severity, Source
from ..records import record
from ..uptodate import private_directory

FORMAT_VERSION = "3"


@record(frozen=True)
class DrawnLink:
    """A drawn link as the words around the figure name it: its ends, its kind and label, and its look."""

    source: str
    target: str
    category: str
    label: str
    colour: str  # #rrggbb
    style: str  # solid, dashed, dotted, bold, faint


@record(frozen=True)
class Drawn:
    """What a figure draws, kept with it, so that its legend and text alternative are built from the diagram
    (never by reading the drawing's markup): the boxes as a reader names them, and the links."""

    boxes: tuple[str, ...] = ()
    links: tuple[DrawnLink, ...] = ()
    # (badge, the kind it stands for) of each short kind badge drawn (`po`, Pod), in drawing order, each once
    badges: tuple[tuple[str, str], ...] = ()


def drawn_of(diagram: Diagram | None) -> Drawn:
    if diagram is None:
        return Drawn()
    from ..render.dot import link_look
    from ..views.kinds import badge_meanings

    described = describe(diagram)
    meanings = badge_meanings()
    badges = dict.fromkeys((box.badge, meanings[box.badge]) for box in diagram.boxes if box.badge in meanings)
    return Drawn(described.boxes, tuple(
        DrawnLink(link.source, link.target, "missing" if link.link.missing else link.category, link.label,
                  *link_look(link.link)) for link in described.links), tuple(badges))


@record(frozen=True)
class CachedFigure:
    svg: str
    diagnostics: tuple[Diagnostic, ...]
    drawn: Drawn = Drawn()


class FigureCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[Path] = set()  # the entries read or written: what an unchanged build depends on
        self.unwritten = 0  # entries that could not be written: the next build must render them again

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> CachedFigure | None:
        """The entry for `key`, or None when it is absent, unreadable or not exactly what put() writes."""
        path = self.path(key)
        try:
            entry = json.loads(path.read_bytes().decode("utf-8"))
            found = _parse_entry(entry, key)
            self.used.add(path)
            return found
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # absent, unreadable or tampered with: render again

    def put(self, key: str, figure: CachedFigure) -> None:
        content = {
            "svg": figure.svg,
            "diagnostics": [
                {"path": d.source.path, "line": d.source.line, "column": d.source.column,
                 "severity": d.severity.value, "message": d.message, "check": d.check}
                for d in figure.diagnostics
            ],
            "drawn": {"boxes": list(figure.drawn.boxes),
                      "links": [[link.source, link.target, link.category, link.label, link.colour, link.style]
                                for link in figure.drawn.links],
                      "badges": [list(pair) for pair in figure.drawn.badges]},
        }
        self._write(key, {"key": key, "checksum": _checksum(content), **content})

    def get_names(self, key: str) -> list[str] | None:
        """A list of names put_names() stored (the namespaces of a `split:` figure), or None as get() would be.
        Not a figure: get() refuses anything that is not an SVG, so such a list was never found again."""
        path = self.path(key)
        try:
            entry = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or set(entry) != {"key", "checksum", "names"} or entry["key"] != key:
            return None
        names = entry["names"]
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            return None
        if entry["checksum"] != _checksum({"names": names}):
            return None
        self.used.add(path)
        return names

    def put_names(self, key: str, names: Sequence[str]) -> None:
        content = {"names": list(names)}
        self._write(key, {"key": key, "checksum": _checksum(content), **content})

    def _write(self, key: str, entry: Mapping[str, object]) -> None:
        private_directory(str(self.directory))  # 0700; mkstemp makes the entry 0600
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream, ensure_ascii=False)
            os.replace(temporary, self.path(key))
            self.used.add(self.path(key))
        except OSError:
            self.unwritten += 1
            Path(temporary).unlink(missing_ok=True)


def _checksum(content: Mapping[str, object]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


_DIAGNOSTIC_FIELDS = {"path": str, "line": int, "column": int, "severity": str, "message": str, "check": str}


_COLOUR = re.compile(r"#[0-9a-f]{6}")
_STYLES = frozenset({"solid", "dashed", "dotted", "bold", "faint"})


def _parse_drawn(drawn: object) -> Drawn | None:
    """The `drawn` part of an entry, or None when it is not exactly what put() writes (its colours and styles go
    into the page's markup: only #rrggbb and dot's line styles pass; its words are escaped there)."""
    if not isinstance(drawn, dict) or set(drawn) != {"boxes", "links", "badges"}:
        return None
    boxes, links, badges = drawn["boxes"], drawn["links"], drawn["badges"]
    if not isinstance(boxes, list) or not all(isinstance(box, str) for box in boxes) or not isinstance(links, list):
        return None
    if not isinstance(badges, list) or not all(isinstance(pair, list) and len(pair) == 2
                                                and all(isinstance(part, str) for part in pair) for pair in badges):
        return None
    parsed = []
    for link in links:
        if not isinstance(link, list) or len(link) != 6 or not all(isinstance(part, str) for part in link):
            return None
        if not _COLOUR.fullmatch(link[4]) or link[5] not in _STYLES:
            return None
        parsed.append(DrawnLink(*link))
    return Drawn(tuple(boxes), tuple(parsed), tuple((badge, kind) for badge, kind in badges))


def _parse_entry(entry: object, key: str) -> CachedFigure | None:
    if not isinstance(entry, dict) or set(entry) != {"key", "checksum", "svg", "diagnostics", "drawn"}:
        return None
    svg, diagnostics = entry["svg"], entry["diagnostics"]
    if entry["key"] != key or not isinstance(svg, str) or not isinstance(diagnostics, list):
        return None
    if entry["checksum"] != _checksum({"svg": svg, "diagnostics": diagnostics, "drawn": entry["drawn"]}):
        return None
    drawn = _parse_drawn(entry["drawn"])
    if drawn is None:
        return None
    if not svg.lstrip().startswith("<?xml") or not svg.rstrip().endswith("</svg>"):
        return None
    from ..render.svg import is_plain_drawing  # only when an entry is read: a cache hit still loads no stage

    if not is_plain_drawing(svg):
        return None  # not what gen writes (a forged entry: a script, an event handler): drawn again
    parsed = []
    for item in diagnostics:
        if not isinstance(item, dict) or set(item) != set(_DIAGNOSTIC_FIELDS):
            return None
        if not all(type(item[name]) is kind for name, kind in _DIAGNOSTIC_FIELDS.items()):
            return None
        parsed.append(Diagnostic(Source(item["path"], item["line"], item["column"]), Severity(item["severity"]),
                                 item["message"], item["check"]))
    return CachedFigure(svg, tuple(parsed), drawn)
