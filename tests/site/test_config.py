"""`gen`, `gen check` and `mkdocs build` read a site's configuration the same way: MkDocs' own loader, so `!ENV`
and `INHERIT` mean the same to all three, and the plugin's options come from its validated config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gen.site.config import ConfigError, read_layout

pytestmark = pytest.mark.exe

Sites = type  # the `sites` fixture (tests/site/conftest.py): copy, build


def build_env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")


def _gen(site: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=site, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env=env or build_env())


def test_layout_follows_inherit_and_env(sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    site = sites.copy("inherit", tmp_path)
    monkeypatch.delenv("KUBEDOCS_TEST_DOCS", raising=False)
    layout = read_layout(str(site / "mkdocs.yml"))
    assert layout.docs_dir == site / "documentation"  # the !ENV default
    assert layout.manifests_dir == site / "k8s"  # from the parent configuration
    assert layout.cache_dir == site / ".cache" / "figures"
    monkeypatch.setenv("KUBEDOCS_TEST_DOCS", "elsewhere")
    with pytest.raises(ConfigError, match=r"docs_dir.*elsewhere' isn't an existing directory"):
        read_layout(str(site / "mkdocs.yml"))  # as `mkdocs build` would say
    (site / "elsewhere").mkdir()
    assert read_layout(str(site / "mkdocs.yml")).docs_dir == site / "elsewhere"


def test_the_figures_language_is_the_themes(sites: Sites, tmp_path: Path) -> None:
    """`gen` draws a site's figures in the language `mkdocs build` does (its theme's), so that both key them
    alike: the project's Korean report in Korean; a site of MkDocs' own theme (`locale`, English by default) and one
    in a language with no words of ours in English."""
    assert read_layout(str(sites.repo / "mkdocs.yml")).language == "ko"
    assert read_layout(str(sites.copy("broken", tmp_path) / "mkdocs.yml")).language == "en"
    site = sites.copy("spec-errors", tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: material\n  language: fr"),
                      encoding="utf-8")
    assert read_layout(str(config)).language == "en"
    config.write_text(config.read_text(encoding="utf-8").replace("language: fr", "language: ko"), encoding="utf-8")
    assert read_layout(str(config)).language == "ko"


def test_a_missing_or_invalid_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no .*mkdocs\.yml here"):
        read_layout(str(tmp_path / "mkdocs.yml"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins: [kubedocs: {manifests: 3}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="manifests"):
        read_layout(str(tmp_path / "mkdocs.yml"))


def test_gen_check_and_mkdocs_build_agree(sites: Sites, tmp_path: Path) -> None:
    site = sites.copy("inherit", tmp_path)
    env = {k: v for k, v in build_env().items() if k != "KUBEDOCS_TEST_DOCS"}
    assert _gen(site, "check", env=env).returncode == 0
    built = sites.build(site, tmp_path / "out")
    assert built.returncode == 0, built.log
    assert built.page().select("figure.kubedocs-figure[data-view=network]")
    made = _gen(site, env=env)
    assert made.returncode == 0 and "0 failed" in made.stdout, made.stdout + made.stderr
    assert (site / ".cache" / "figures").is_dir()  # the cache_dir of the parent configuration

    # Break the figure: both must now fail, naming the same page and line.
    page = site / "documentation" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("view: network", "view: nowhere"), encoding="utf-8")
    checked = _gen(site, "check", "--config", "mkdocs.yml", env=env)
    assert checked.returncode == 1
    assert "documentation/index.md:5:7: error: kubedocs figure: view: unknown view;" in checked.stderr
    failed = sites.build(site, tmp_path / "out2")
    assert failed.returncode == 1 and "index.md:5:7: kubedocs figure: view: unknown view;" in failed.log


def test_the_env_variable_moves_the_pages_for_all(sites: Sites, tmp_path: Path) -> None:
    site = sites.copy("inherit", tmp_path)
    (site / "documentation").rename(site / "pages")
    env = dict(build_env(), KUBEDOCS_TEST_DOCS="pages")
    made = _gen(site, env=env)
    assert made.returncode == 0 and made.stdout.rstrip().endswith("gen: 1 rendered, 0 unchanged, 0 failed"), made
    assert "pages/index.md:3: rendered" in made.stdout
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "o")],
                           cwd=site, capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    assert os.path.exists(tmp_path / "o" / "index.html")


@pytest.mark.parametrize("value", ["-5", "0", "true", "soon"])
def test_a_timeout_that_is_no_number_of_seconds_is_a_configuration_error(sites: Sites, tmp_path: Path,
                                                                         value: str) -> None:
    """`dot_timeout: -5` silently became 120 s; MkDocs' own validation now refuses it, for mkdocs and gen alike."""
    site = sites.copy("good", tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      cache_dir: .cache/kubedocs\n", f"      cache_dir: .cache/kubedocs\n      dot_timeout: {value}\n"),
        encoding="utf-8")
    assert f"dot_timeout: {value}" in config.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="dot_timeout"):
        read_layout(str(config))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site, capture_output=True, text=True,
                          timeout=300, env=build_env(), check=False)
    assert done.returncode != 0 and "dot_timeout" in done.stderr
