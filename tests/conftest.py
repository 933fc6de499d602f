"""Shared fixtures: the fixture directories, the real-world corpus, and helpers that load inline YAML."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gen.graph import Graph
from gen.loading import LoadResult, load
from gen.model import Inventory
from gen.render.execute import graphviz_version
from gen.rules import derive

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Fixtures that mean a test needs something a user's clone may lack: the test gets the marker, so that
# `-m "not corpus and not browser"` leaves it out however it was written (a mark forgotten is a slow inner loop).
MARKED_BY_FIXTURE = {"corpus": "corpus", "chromium": "browser", "served_site": "browser", "node_modules": "node",
                     "mermaid_page": "browser", "playwright_session": "browser",
                     "format_browser": "browser", "drawio_page": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            marker = MARKED_BY_FIXTURE.get(fixture)
            if marker is not None and item.get_closest_marker(marker) is None:
                item.add_marker(marker)
    if shutil.which("dot") is not None:
        return
    if os.environ.get("KUBEDOCS_REQUIRE_DOT"):
        # .ci/test sets this: in CI a skipped Graphviz test would hide a missing install step.
        raise pytest.UsageError("Graphviz `dot` is not on PATH, and KUBEDOCS_REQUIRE_DOT forbids skipping its tests")
    skip = pytest.mark.skip(reason="Graphviz `dot` is not on PATH (apt-get install graphviz)")
    for item in items:
        if "exe" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root (tests run `gen` from here, as a user would)."""
    return ROOT


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus: real-world manifests, present on the maintainers' machines only."""
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is not here (a user's clone): {CORPUS} does not exist")
    return CORPUS


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def load_yaml(text: str, namespace: str = "default") -> LoadResult:
    """Load an inline manifest as standard input, as `gen render -` does."""
    return load(["-"], default_namespace=namespace, stdin_text=textwrap.dedent(text))


@pytest.fixture
def load_text() -> Callable[..., LoadResult]:
    return load_yaml


@pytest.fixture
def inventory_of() -> Callable[..., Inventory]:
    """Inline YAML → Inventory; fails the test if the YAML itself is bad (a broken test, not a finding)."""

    def make(text: str, namespace: str = "default") -> Inventory:
        loaded = load_yaml(text, namespace)
        assert not loaded.failed, [str(d) for d in loaded.diagnostics]
        return loaded.inventory()

    return make


@pytest.fixture
def graph_of(inventory_of: Callable[..., Inventory]) -> Callable[..., Graph]:
    """Inline YAML → the whole derived graph (every rule)."""

    def make(text: str, namespace: str = "default") -> Graph:
        return derive(inventory_of(text, namespace))

    return make


@pytest.fixture
def picky_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A stand-in `dot` first on PATH that rejects any graph holding `poison` (as dot rejects a bad label: an
    error on stderr, exit 1) and hands every other graph to the real dot."""
    real = shutil.which("dot")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "dot"
    script.write_text(f"""#!/bin/sh
if [ "$1" = "-V" ]; then exec '{real}' -V; fi
input=$(cat)
case "$input" in *poison*) echo "Error: syntax error in line 3 near 'poison'" >&2; exit 1;; esac
printf '%s\\n' "$input" | exec '{real}' "$@"
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    graphviz_version.cache_clear()
    yield bin_dir
    graphviz_version.cache_clear()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The npm packages the format parsers need (Mermaid, D2, mxGraph), installed by `.ci/setup --test`: skipped, naming
    what to install, where node or they are absent; in CI (CI=true) with node present, missing ones fail."""
    from format_parsers import NODE_MODULES, node_missing, node_required_in_ci

    missing = node_missing()
    if missing is not None:
        if node_required_in_ci():
            pytest.fail(f"CI has node but not the parsers' packages: {missing}")
        pytest.skip(missing)
    return NODE_MODULES


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """The one Playwright of the session: its sync API runs an event loop, and a second one started while the first
    lives fails ("Sync API inside the asyncio loop"), so every browser of the suite is launched from this one."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def format_browser(node_modules: Path, playwright_session: Any) -> Iterator[Any]:
    """One headless Debian Chromium for the format parsers' pages (Mermaid's, mxGraph's), for the whole session."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} is not installed (apt-get install chromium)")
    browser = playwright_session.chromium.launch(executable_path=str(chromium), headless=True,
                                                 args=["--no-sandbox", "--disable-gpu",
                                                       "--disable-background-networking"])
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def mermaid_page(format_browser: Any) -> object:
    """One page with Mermaid loaded, for the whole session (render_mermaid batches)."""
    from format_parsers import mermaid_page as open_page

    return open_page(format_browser)


@pytest.fixture(scope="session")
def drawio_page(format_browser: Any) -> tuple[object, list[str]]:
    """One page with mxGraph (draw.io's library) loaded, for the whole session (render_drawio batches), and the
    requests it has tried (each refused)."""
    from format_parsers import mxgraph_page

    page, requests = mxgraph_page(format_browser)
    return page, requests
