"""The plugin in anyone's site: built as a wheel, installed into a fresh virtual environment, listed in a plain
English Material site (`plugins: [search, kubedocs]`). Its stylesheet and script come with it (no `extra_css`), and
its words are the site's language."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from shop_manifests import deployment, service

from gen.site.html import WORDS
from gen.site.words import words_for

REPO = Path(__file__).resolve().parents[2]

MKDOCS_YML = """\
site_name: Shop docs
theme:
  name: material
  language: en
plugins:
  - search
  - kubedocs
"""

PAGE = """\
# Shop

```kubedocs
manifests: [shop.yaml]
view: topology
caption: The shop
```
"""

MANIFEST = (deployment(containers=[{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}])
            + service(ports=[{"port": 80, "targetPort": 8080}]))


def _run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
                            **options)
    assert result.returncode == 0, " ".join(command) + "\n" + result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh virtual environment with kubedocs installed from a wheel built from this checkout."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not on PATH")
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "dist"
    _run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
          "-w", str(wheels)])
    (wheel,) = wheels.glob("kubedocs-*.whl")
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)])  # its dependencies from the package index
    return python


def test_the_wheel_holds_the_assets_and_a_plain_english_site_gets_them(installed: Path, tmp_path: Path) -> None:
    located = _run([str(installed), "-c", "import gen; print(gen.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(located).is_relative_to(installed.parents[1]), f"gen comes from {located}, not the wheel"
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "manifests").mkdir()
    (site / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (site / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (site / "manifests" / "shop.yaml").write_text(MANIFEST, encoding="utf-8")
    out = tmp_path / "out"
    _run([str(installed), "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=site)

    for asset in ("kubedocs.css", "kubedocs.js", "kubedocs-hangul.woff2", "kubedocs-hangul-bold.woff2",
                  "kubedocs-hangul.OFL.txt"):
        assert (out / "assets" / "kubedocs" / asset).stat().st_size > 1000, asset
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("link", rel="stylesheet", href="assets/kubedocs/kubedocs.css") is not None
    assert page.find("script", src="assets/kubedocs/kubedocs.js") is not None
    figure = page.select_one("figure.kubedocs-figure")
    assert figure is not None and figure.select_one(".kubedocs-svg > svg") is not None
    text = page.get_text(" ")
    english = WORDS["en"]
    assert english["full_size"] in text and english["manifests"] in text and english["legend"] in text
    assert not any(word in text for word in WORDS["ko"].values() if word not in english.values())
    assert figure.select_one(".kubedocs-controls button")["aria-label"] == english["zoom_in"]


@pytest.mark.parametrize(("language", "expected"), [("ko", "ko"), ("en", "en"), ("ko-KR", "ko"), ("pt_BR", "en"),
                                                    (None, "en"), ("", "en")])
def test_words_follow_the_site_language_with_english_as_the_fallback(language: str | None, expected: str) -> None:
    assert words_for(language) == WORDS[expected]


def test_every_language_has_every_word() -> None:
    assert {language: set(words) for language, words in WORDS.items()} == {
        language: set(WORDS["en"]) for language in WORDS}
