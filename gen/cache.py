"""The figure cache: keyed by the bytes of a figure's inputs and its options, never by walking parsed YAML.

A key covers the manifests' paths and bytes, the view and filters, the Graphviz version and gen's own source, so
an unchanged rebuild renders nothing. Entries are written atomically (temporary file + rename): a killed or a
concurrent build leaves either the old entry or the new one, never half of one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Diagnostic, Severity, Source

FORMAT_VERSION = "1"


@functools.cache
def code_fingerprint() -> str:
    """A hash of gen's own source: a new release of the drawing code invalidates old figures."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml")]):  # shipped rules are code too
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def figure_key(files: Sequence[tuple[str, bytes]], options: str, graphviz_version: str) -> str:
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, code_fingerprint(), graphviz_version, options):
        digest.update(part.encode("utf-8") + b"\0")
    for name, content in files:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedFigure:
    svg: str
    diagnostics: tuple[Diagnostic, ...]


class FigureCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str) -> CachedFigure | None:
        path = self.directory / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            diagnostics = tuple(
                Diagnostic(Source(d["path"], d["line"], d["column"]), Severity(d["severity"]), d["message"],
                           d["check"])
                for d in entry["diagnostics"]
            )
            return CachedFigure(entry["svg"], diagnostics)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or unreadable: render again

    def put(self, key: str, figure: CachedFigure) -> None:
        entry = {
            "svg": figure.svg,
            "diagnostics": [
                {"path": d.source.path, "line": d.source.line, "column": d.source.column,
                 "severity": d.severity.value, "message": d.message, "check": d.check}
                for d in figure.diagnostics
            ],
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream, ensure_ascii=False)
            os.replace(temporary, self.directory / f"{key}.json")
        except OSError:
            Path(temporary).unlink(missing_ok=True)
