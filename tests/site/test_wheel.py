"""The plugin in anyone's site: built as a wheel, installed into a fresh virtual environment, listed in a plain
English Material site (`plugins: [search, kubedocs]`). Its stylesheet and script come with it (no `extra_css`), and
its words are the site's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from installed_wheel import InstalledWheel, run_checked
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


@pytest.fixture
def installed(installed_wheel: InstalledWheel) -> Path:
    """The python of a fresh virtual environment with kubedocs installed from a wheel built from this checkout."""
    return installed_wheel.python


def test_the_wheel_holds_the_assets_and_a_plain_english_site_gets_them(installed: Path, tmp_path: Path) -> None:
    located = run_checked([str(installed), "-c", "import gen; print(gen.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(located).is_relative_to(installed.parents[1]), f"gen comes from {located}, not the wheel"
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "manifests").mkdir()
    (site / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (site / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (site / "manifests" / "shop.yaml").write_text(MANIFEST, encoding="utf-8")
    out = tmp_path / "out"
    run_checked([str(installed), "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=site)

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


def test_the_installed_gen_says_the_wheels_version(installed_wheel: InstalledWheel, tmp_path: Path) -> None:
    version = installed_wheel.wheel.name.split("-")[1]
    done = run_checked([str(installed_wheel.bin / "gen"), "--version"], cwd=tmp_path)
    assert done.stdout == f"gen (kubedocs) {version}\n"


@pytest.mark.parametrize(("language", "expected"), [("ko", "ko"), ("en", "en"), ("ko-KR", "ko"), ("pt_BR", "en"),
                                                    (None, "en"), ("", "en")])
def test_words_follow_the_site_language_with_english_as_the_fallback(language: str | None, expected: str) -> None:
    assert words_for(language) == WORDS[expected]


def test_every_language_has_every_word() -> None:
    assert {language: set(words) for language, words in WORDS.items()} == {
        language: set(WORDS["en"]) for language in WORDS}
