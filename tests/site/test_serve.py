"""`mkdocs serve` end to end: editing a manifest updates the open page in a real browser within seconds."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.exe]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    site = tmp_path / "site"
    site.mkdir()
    shutil.copytree(ROOT / "docs", site / "docs")
    shutil.copytree(ROOT / "manifests", site / "manifests")
    shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(site / "mkdocs.yml")],
        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/04-objects/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"mkdocs serve exited: {server.stdout.read() if server.stdout else ''}")
                time.sleep(0.3)
        yield url, site
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_editing_a_manifest_updates_the_open_page(served_site: tuple[str, Path], playwright_session: Any) -> None:
    url, site = served_site
    manifest = site / "manifests" / "sample-app" / "20-web.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "name: web-config" in text
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page()
    page.goto(url)
    titles = page.locator("figure.kubedocs-figure svg title")
    assert "ConfigMap/shop/web-config" in titles.all_text_contents()

    manifest.write_text(text.replace("name: web-config", "name: web-settings"), encoding="utf-8")
    started = time.monotonic()
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.kubedocs-figure svg title')]"
        ".some(t => t.textContent === 'ConfigMap/shop/web-settings')",
        timeout=30_000,
    )
    elapsed = time.monotonic() - started
    browser.close()
    print(f"page updated {elapsed:.1f} s after the manifest changed")
