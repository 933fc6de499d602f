"""The figure cache (gen/site/cache.py) trusts no entry: any shape other than its own, a wrong key or checksum, a torn
write, is a miss and the figure is rendered again. Concurrent writers and a writer killed mid-write leave entries
that are whole or absent."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.model import Diagnostic, Severity, Source
from gen.site.cache import CachedFigure, FigureCache

ROOT = Path(__file__).resolve().parents[2]
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
from gen.site.cache import CachedFigure, FigureCache
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


# --- Forged entries (issue 20, point 12): an entry is checked for what it holds, not only for its checksum -------

def _forge(svg: str, diagnostics: list[object] | None = None, drawn: object = None) -> str:
    """An entry as an attacker with write access to the cache would write it: the checksum needs no secret."""
    content = {"svg": svg, "diagnostics": diagnostics or [],
               "drawn": drawn or {"boxes": ["a"], "links": [], "badges": []}}
    checksum = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return json.dumps({"key": KEY, "checksum": checksum, **content})


REAL = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<svg width="8pt" height="8pt" viewBox="0 0 8 8" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<g id="node1" class="node"><title>a</title><g id="a_node1"><a xlink:title="a">'
        '<polygon fill="#fff" stroke="#000" points="0,0 8,0 8,8"/><text x="1" y="1">a</text></a></g></g>\n</svg>\n')
FORGERIES = {
    "a script element": REAL.replace("<title>a</title>", "<title>a</title><script>kdforged()</script>"),
    "an onload handler": REAL.replace('<svg width', '<svg onload="kdforged()" width'),
    "an event handler deep inside": REAL.replace("<polygon ", '<polygon onmouseover="kdforged()" '),
    "a javascript link": REAL.replace('<a xlink:title="a">', '<a xlink:href="javascript:kdforged()">'),
    "a link elsewhere": REAL.replace('<a xlink:title="a">', '<a href="https://kdforged.example/">'),
    "foreign content": REAL.replace("</svg>", "<foreignObject><div>kdforged</div></foreignObject></svg>"),
    "CDATA that the HTML parser ends early": REAL.replace(
        "<text x", "<text><![CDATA[</text></svg><img src=x onerror=kdforged()>]]></text><text x"),
    "a comment": REAL.replace("<g id", "<!-- --><script>kdforged()</script><!-- --><g id", 1),
    "a style that fetches": REAL.replace("<polygon ", '<polygon style="fill:url(https://kdforged.example/)" '),
    "a fill that fetches": REAL.replace('fill="#fff"', 'fill="url(https://kdforged.example/#x)"'),
    "an animation": REAL.replace("</a>", '<set attributeName="href" to="javascript:kdforged()"/></a>'),
    "an element of another namespace": REAL.replace(
        "</svg>", '<x:script xmlns:x="http://www.w3.org/1999/xhtml">kdforged()</x:script></svg>'),
    "a DOCTYPE with entities": REAL.replace('<svg width', '<!DOCTYPE svg [<!ENTITY x "kdforged">]><svg width'),
    "junk after the drawing": REAL.rstrip() + "<script>kdforged()</script></svg>\n",
}


def test_a_real_drawing_is_read_back(tmp_path: Path) -> None:
    (tmp_path / f"{KEY}.json").write_text(_forge(REAL))
    hit = FigureCache(tmp_path).get(KEY)
    assert hit is not None and hit.svg == REAL


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_entry_with_a_valid_checksum_is_a_miss(tmp_path: Path, forgery: str) -> None:
    (tmp_path / f"{KEY}.json").write_text(_forge(FORGERIES[forgery]))
    assert FigureCache(tmp_path).get(KEY) is None


@pytest.mark.exe
def test_every_view_gen_draws_is_read_back_from_the_cache(tmp_path: Path) -> None:
    from gen.pipeline import render_figure
    from gen.views import VIEWS

    cache = FigureCache(tmp_path)
    for view in sorted(VIEWS):
        svg = render_figure([str(ROOT / "manifests")], view).output.decode("utf-8")
        cache.put(KEY, CachedFigure(svg, ()))
        assert cache.get(KEY) == CachedFigure(svg, ()), view  # a drawing of gen's own is never refused


@pytest.mark.exe
def test_a_forged_entry_never_reaches_the_page_or_the_full_size_svg(tmp_path: Path) -> None:
    site = tmp_path / "good"
    shutil.copytree(ROOT / "tests" / "site" / "good", site, ignore=shutil.ignore_patterns(".cache", "site"))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")

    def build(out: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d",
                               str(tmp_path / out)], cwd=site, capture_output=True, text=True, timeout=300, env=env)

    assert build("first").returncode == 0
    entries = sorted((site / ".cache" / "kubedocs").glob("*.json"))
    assert entries
    for path in entries:  # each entry keeps its key and messages; its drawing gets a script and a handler
        entry = json.loads(path.read_text(encoding="utf-8"))
        svg = entry["svg"].replace("<svg ", '<svg onload="kdforged()" ', 1).replace(
            "</svg>", "<script>kdforged()</script></svg>")
        content = {"svg": svg, "diagnostics": entry["diagnostics"], "drawn": entry["drawn"]}
        checksum = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        path.write_text(json.dumps({"key": entry["key"], "checksum": checksum, **content}), encoding="utf-8")
    done = build("second")
    assert done.returncode == 0, done.stderr
    published = [p for p in (tmp_path / "second").rglob("*") if p.is_file()]
    assert [p for p in published if p.suffix == ".svg" and p.parent.name == "kubedocs"], "full-size SVGs published"
    for path in published:
        assert b"kdforged" not in path.read_bytes(), path
    page = (tmp_path / "second" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="kubedocs-figure"' in page and "<title>" in page  # drawn again, not left out
    assert all(b"kdforged" not in path.read_bytes() for path in entries)  # and the entries written anew


@pytest.mark.parametrize("link", [
    ["a", "b", "traffic", "", '#000000" onload="kdforged()', "solid"],
    ["a", "b", "traffic", "", "#0969da", "solid;stroke:url(http://x)"],
    ["a", "b", "traffic", "", "#0969da"],
    ["a", "b", "traffic", 5, "#0969da", "solid"],
])
def test_a_forged_legend_or_text_alternative_is_a_miss(tmp_path: Path, link: list[object]) -> None:
    """What a page's legend is built from goes into its markup: only a colour and a line style pass."""
    (tmp_path / f"{KEY}.json").write_text(_forge(REAL, drawn={"boxes": ["a", "b"], "links": [link], "badges": []}))
    assert FigureCache(tmp_path).get(KEY) is None


def test_what_a_figure_draws_is_read_back_with_it(tmp_path: Path) -> None:
    drawn = {"boxes": ["Deployment shop/web", "<b>"], "links": [["a", "b", "traffic", "80", "#0969da", "dashed"]],
             "badges": [["po", "Pod"]]}
    (tmp_path / f"{KEY}.json").write_text(_forge(REAL, drawn=drawn))
    hit = FigureCache(tmp_path).get(KEY)
    assert hit is not None and hit.drawn.boxes == ("Deployment shop/web", "<b>")
    assert [(link.colour, link.style, link.label) for link in hit.drawn.links] == [("#0969da", "dashed", "80")]
    assert hit.drawn.badges == (("po", "Pod"),)
