"""`gen` with nothing changed answers from the last complete build's record (gen/uptodate.py) without importing
MkDocs or any stage, and anything that could change a figure makes it build in full again.

Whether the record answered is seen from outside: `python -X importtime` lists every module a run imported, and
only a full build imports MkDocs."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gen import uptodate

pytestmark = pytest.mark.exe  # skipped without dot, except in CI (tests/conftest.py)

SITES = Path(__file__).resolve().parent / "site"
SUMMARY = re.compile(r"^gen: (\d+) rendered, (\d+) unchanged, (\d+) failed$", re.MULTILINE)


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str]) -> None:
        self.code = done.returncode
        self.stdout = done.stdout
        # -X importtime writes its table to stderr: keep gen's own lines apart from it
        lines = done.stderr.splitlines()
        self.modules = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
        self.stderr = "\n".join(line for line in lines if not line.startswith("import time:"))

    @property
    def summary(self) -> tuple[int, int, int]:
        found = SUMMARY.findall(self.stdout)
        assert len(found) == 1, self.stdout + self.stderr
        rendered, unchanged, failed = (int(n) for n in found[0])
        return rendered, unchanged, failed

    @property
    def replayed(self) -> bool:
        """True when the record answered: a full build reads mkdocs.yml with MkDocs' own loader."""
        assert "gen.uptodate" in self.modules, self.stderr
        return "mkdocs" not in self.modules


@pytest.fixture
def cache_home(tmp_path: Path) -> Path:
    return tmp_path / "user-cache"


@pytest.fixture
def site_copy(tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target, ignore=shutil.ignore_patterns(".cache", "site"))
        return target

    return copy


def gen(site: Path, cache_home: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    environment = {k: v for k, v in os.environ.items() if k not in ("KUBEDOCS_TEST_DOCS", "PYTHONDONTWRITEBYTECODE")}
    environment |= {"XDG_CACHE_HOME": str(cache_home), "PYTHONIOENCODING": "utf-8", **(env or {})}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "gen.cli", *args], cwd=site,
                          capture_output=True, text=True, encoding="utf-8", timeout=180, env=environment)
    return Run(done)


def test_an_unchanged_site_is_answered_without_mkdocs(site_copy: Callable[[str], Path], cache_home: Path) -> None:
    site = site_copy("good")
    first = gen(site, cache_home)
    assert first.code == 0 and first.summary == (2, 1, 0) and not first.replayed, first.stderr
    for args in ((), ("build",), ("build", "--config", "mkdocs.yml"), ("build", "-f", "mkdocs.yml")):
        again = gen(site, cache_home, *args)
        assert again.code == 0, again.stderr
        assert again.summary == (0, 3, 0)
        assert again.replayed, args
        assert "rendered:" not in again.stdout
        # nothing of the pipeline either: a replay reads files and hashes them, no more
        assert not {"yaml", "gen.site", "gen.loading", "gen.render", "argparse"} & again.modules, args


def _edit_manifest(site: Path) -> None:
    web = site / "manifests" / "app" / "20-web.yaml"
    web.write_text(web.read_text(encoding="utf-8").replace("replicas: 2", "replicas: 3"), encoding="utf-8")


def _new_manifest(site: Path) -> None:
    (site / "manifests" / "app" / "30-extra.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: demo\ndata:\n  a: b\n",
        encoding="utf-8")


def _edit_page(site: Path) -> None:
    page = site / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n추가된 문단.\n", encoding="utf-8")


def _new_page(site: Path) -> None:
    (site / "docs" / "three.md").write_text("# 셋\n", encoding="utf-8")


def _edit_config(site: Path) -> None:
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment is a change too\n", encoding="utf-8")


def _drop_cache_entries(site: Path) -> None:
    for entry in (site / ".cache" / "kubedocs").glob("*.json"):
        entry.unlink()


def _garble_cache_entry(site: Path) -> None:
    entry = sorted((site / ".cache" / "kubedocs").glob("*.json"))[0]
    entry.write_text("{}", encoding="utf-8")


def _another_dot(site: Path) -> dict[str, str]:
    wrapper = site.parent / "bin" / "dot"
    wrapper.parent.mkdir()
    real = shutil.which("dot")
    wrapper.write_text(f'#!/bin/sh\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize(("change", "rendered"), [
    (_edit_manifest, 2),  # both figures draw app/ (the topology one twice, from one entry)
    (_new_manifest, 2),  # a file in a drawn directory
    (_edit_page, 0),
    (_new_page, 0),
    (_edit_config, 0),
    (_drop_cache_entries, 2),
    (_garble_cache_entry, 1),
    (_another_dot, 0),
])
def test_any_change_builds_in_full(site_copy: Callable[[str], Path], cache_home: Path,
                                   change: Callable[[Path], dict[str, str] | None], rendered: int) -> None:
    site = site_copy("good")
    assert gen(site, cache_home).summary == (2, 1, 0)
    env = change(site)
    after = gen(site, cache_home, env=env)
    assert after.code == 0, after.stderr
    assert not after.replayed, change.__name__
    assert after.summary[0] == rendered, after.stdout
    assert gen(site, cache_home, env=env).replayed  # and the new build is recorded in turn


def test_inherited_config_and_environment_are_part_of_the_record(site_copy: Callable[[str], Path],
                                                                 cache_home: Path) -> None:
    site = site_copy("inherit")
    assert gen(site, cache_home).summary == (1, 0, 0)
    assert gen(site, cache_home).replayed
    # docs_dir comes from !ENV [KUBEDOCS_TEST_DOCS, documentation]: setting it to another folder is a change
    (site / "other").mkdir()
    (site / "other" / "index.md").write_text("# other\n", encoding="utf-8")
    moved = gen(site, cache_home, env={"KUBEDOCS_TEST_DOCS": "other"})
    assert not moved.replayed and moved.summary == (0, 0, 0), moved.stdout + moved.stderr
    back = gen(site, cache_home)
    assert not back.replayed and back.summary == (0, 1, 0)
    assert gen(site, cache_home).replayed
    base = site / "base.yml"  # the INHERIT parent
    base.write_text(base.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert not gen(site, cache_home).replayed


def test_a_build_with_a_failed_figure_is_never_replayed(site_copy: Callable[[str], Path], cache_home: Path) -> None:
    site = site_copy("spec-errors")
    for _ in range(2):
        done = gen(site, cache_home)
        assert done.code == 1 and not done.replayed
        assert "docs/unknown-view.md:5:7: error: view: unknown view; allowed: " in done.stderr
    assert not (cache_home / "kubedocs" / "builds").exists() or not any((cache_home / "kubedocs" / "builds").iterdir())


def test_a_failure_after_a_recorded_build_forgets_the_record(site_copy: Callable[[str], Path],
                                                             cache_home: Path) -> None:
    site = site_copy("good")
    gen(site, cache_home)
    (site / "docs" / "bad.md").write_text("```kubedocs\nmanifests: [app/]\nview: sideways\n```\n", encoding="utf-8")
    assert gen(site, cache_home).code == 1
    (site / "docs" / "bad.md").unlink()  # back to the recorded state: still a full build, the record is gone
    done = gen(site, cache_home)
    assert done.code == 0 and not done.replayed


def test_warnings_are_printed_again_when_replayed(site_copy: Callable[[str], Path], cache_home: Path) -> None:
    site = site_copy("good")
    (site / "manifests" / "app" / "40-dangling.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: nobody\n  namespace: demo\n"
        "spec:\n  selector:\n    app: nobody\n  ports:\n    - port: 80\n", encoding="utf-8")
    first = gen(site, cache_home)
    warnings = [line for line in first.stderr.splitlines() if "warning" in line]
    assert warnings, first.stderr
    again = gen(site, cache_home)
    assert again.replayed
    assert [line for line in again.stderr.splitlines() if "warning" in line] == warnings


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01garbage", b"\xfb" * 40])
def test_a_damaged_record_means_a_full_build(site_copy: Callable[[str], Path], cache_home: Path,
                                             garbage: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_copy("good")
    gen(site, cache_home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    record = Path(uptodate.record_path(str(site / "mkdocs.yml")))
    assert record.is_file()
    record.write_bytes(garbage)
    done = gen(site, cache_home)
    assert done.code == 0 and not done.replayed and done.summary == (0, 3, 0)
    assert "Traceback" not in done.stderr


def test_a_record_of_another_shape_means_a_full_build(site_copy: Callable[[str], Path], cache_home: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    site = site_copy("good")
    gen(site, cache_home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    record = Path(uptodate.record_path(str(site / "mkdocs.yml")))
    shapes: list[object] = [{"format": 1}, [1, 2], {"format": 1, "code": None, "dot": 3, "env": [], "trees": 1}]
    for shape in shapes:
        record.write_bytes(marshal.dumps(shape))  # type: ignore[arg-type]
        done = gen(site, cache_home)
        assert done.code == 0 and not done.replayed, shape
        assert "Traceback" not in done.stderr


def test_the_record_holds_no_manifest_text(site_copy: Callable[[str], Path], cache_home: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_copy("good")
    secret = site / "manifests" / "app" / "50-secret.yaml"
    secret.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: demo\n"
                      "stringData:\n  password: CANARY-uptodate-7f3a\n", encoding="utf-8")
    assert gen(site, cache_home).code == 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    record = Path(uptodate.record_path(str(site / "mkdocs.yml"))).read_bytes()
    assert b"CANARY-uptodate-7f3a" not in record
    assert str(secret).encode() in record  # it is in the record by name: a change to it is a change


@pytest.mark.parametrize(("text", "expected"), [
    ("site_name: x\n", ([], [])),
    ("# INHERIT: nothing.yml and !ENV NOTHING are comments\nsite_name: x\n", ([], [])),
    ("INHERIT: base.yml\ndocs_dir: !ENV [DOCS, 'docs']\n", (["base.yml"], ["DOCS", "docs"])),
    ("INHERIT: 'base.yml'  # the parent\nsite_url: !ENV SITE_URL\n", (["base.yml"], ["SITE_URL"])),
    ("{INHERIT: base.yml}\n", None),  # INHERIT written in a way the pattern does not read: never replayed
    ("docs_dir: !ENV\n  - DOCS\n", None),
])
def test_config_dependencies(tmp_path: Path, text: str, expected: tuple[list[str], list[str]] | None) -> None:
    (tmp_path / "base.yml").write_text("site_name: base\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    found = uptodate.config_dependencies(str(tmp_path / "mkdocs.yml"))
    if expected is None:
        assert found is None
        return
    assert found is not None
    files, variables = found
    assert files == [str(tmp_path / "mkdocs.yml"), *(str(tmp_path / name) for name in expected[0])]
    assert variables == expected[1]


def test_a_planted_record_is_refused_before_any_path_is_opened(site_copy: Callable[[str], Path], cache_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    site = site_copy("good")
    gen(site, cache_home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    record = marshal.loads(Path(uptodate.record_path(str(site / "mkdocs.yml"))).read_bytes())
    assert uptodate._well_formed(record)
    (_path, digest), *rest = record["files"]
    for planted in ({**record, "files": [(0, digest), *rest]},  # open(0) would read standard input
                    {**record, "entries": [(1, (0, 0))]},
                    {**record, "trees": [(str(site), ".md", [3])]},
                    {**record, "figures": "3"},
                    {**record, "extra": 1}):
        assert not uptodate._well_formed(planted)


def test_env_values_are_kept_as_keyed_hashes_in_private_files(site_copy: Callable[[str], Path], cache_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_copy("good")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  token: !ENV [KD_TOKEN, none]\n",
                      encoding="utf-8")
    canary = "kdcanary-env-9c1e"
    first = gen(site, cache_home, env={"KD_TOKEN": canary})
    assert first.code == 0 and not first.replayed, first.stderr
    assert gen(site, cache_home, env={"KD_TOKEN": canary}).replayed
    for folder in (cache_home, site / ".cache"):  # the user's cache and the site's figure cache
        for path in folder.rglob("*"):
            assert not path.is_file() or canary.encode() not in path.read_bytes(), path
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    record = Path(uptodate.record_path(str(config)))
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert stat.S_IMODE(record.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_home / "kubedocs").stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_home / "kubedocs" / "key").stat().st_mode) == 0o600
    figures = site / ".cache" / "kubedocs"
    assert stat.S_IMODE(figures.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in figures.iterdir())
    # A hash still tells a change: another value, or none, builds in full.
    assert not gen(site, cache_home, env={"KD_TOKEN": canary + "x"}).replayed
    assert not gen(site, cache_home).replayed
    assert gen(site, cache_home).replayed
