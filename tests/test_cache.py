"""The figure cache (gen/cache.py) trusts no entry: any shape other than its own, a wrong key or checksum, a torn
write, is a miss and the figure is rendered again. Concurrent writers and a writer killed mid-write leave entries
that are whole or absent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.cache import CachedFigure, FigureCache
from gen.model import Diagnostic, Severity, Source

ROOT = Path(__file__).resolve().parents[1]
KEY = "a" * 64
SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>\n'
FIGURE = CachedFigure(SVG, (Diagnostic(Source("m/a.yaml", 3, 1), Severity.WARNING, "dangling", "dangling-service"),))


def _entry(cache: FigureCache) -> dict[str, object]:
    cache.put(KEY, FIGURE)
    entry: dict[str, object] = json.loads((cache.directory / f"{KEY}.json").read_text())
    return entry


def test_an_entry_round_trips(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    cache.put(KEY, FIGURE)
    assert cache.get(KEY) == FIGURE


def _tampered(entry: dict[str, object]) -> dict[str, object]:
    return {**entry, "svg": SVG.replace("<g/>", "<g>evil</g>")}


SHAPES = {
    "a list": lambda e: [],
    "an empty object": lambda e: {},
    "svg a number": lambda e: {**e, "svg": 5},
    "svg empty": lambda e: {**e, "svg": ""},
    "diagnostics an object": lambda e: {**e, "diagnostics": {}},
    "a diagnostic of the wrong type": lambda e: {**e, "diagnostics": [{"path": 1}]},
    "another key": lambda e: {**e, "key": "b" * 64},
    "content changed, checksum not": _tampered,
    "an extra field": lambda e: {**e, "extra": 1},
    "null": lambda e: None,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path, shape: str) -> None:
    cache = FigureCache(tmp_path)
    entry = _entry(cache)
    (tmp_path / f"{KEY}.json").write_text(json.dumps(SHAPES[shape](entry)))
    assert cache.get(KEY) is None


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe\x00garbage", b"[" * 100_000 + b"]" * 100_000])
def test_a_torn_or_garbled_entry_is_a_miss(tmp_path: Path, content: bytes) -> None:
    (tmp_path / f"{KEY}.json").write_bytes(content)
    assert FigureCache(tmp_path).get(KEY) is None


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_any_json_value_as_an_entry_never_raises(tmp_path_factory: pytest.TempPathFactory, value: object) -> None:
    directory = tmp_path_factory.mktemp("cache")
    (directory / f"{KEY}.json").write_text(json.dumps(value))
    assert FigureCache(directory).get(KEY) is None


WRITER = """
import sys
from pathlib import Path
from gen.cache import CachedFigure, FigureCache
cache = FigureCache(Path(sys.argv[1]))
body = "<g/>" * int(sys.argv[2])
for i in range(int(sys.argv[3])):
    cache.put("KEY", CachedFigure('<?xml version="1.0"?>\\n<svg>' + body + "</svg>", ()))
""".replace("KEY", KEY)


def test_two_writers_and_a_reader_at_once_see_whole_entries(tmp_path: Path) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(size), "150"], cwd=ROOT)
               for size in (10, 20_000)]
    cache = FigureCache(tmp_path)
    seen = set()
    while any(w.poll() is None for w in writers):
        hit = cache.get(KEY)
        if hit is not None:
            seen.add(len(hit.svg))
    assert all(w.returncode == 0 for w in writers)
    assert seen <= {len('<?xml version="1.0"?>\n<svg></svg>') + 4 * size for size in (10, 20_000)}
    assert cache.get(KEY) is not None
    assert not list(tmp_path.glob("*.tmp")), "no temporary file is left behind"


def test_a_writer_killed_mid_write_leaves_no_half_entry(tmp_path: Path) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "2000000", "1000"], cwd=ROOT)
    time.sleep(1.5)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    hit = FigureCache(tmp_path).get(KEY)
    assert hit is None or hit.svg.endswith("</svg>")
