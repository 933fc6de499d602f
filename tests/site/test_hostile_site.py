"""Real `mkdocs build` runs of the good fixture site made hostile: links out of the project, a dot that never
returns. Nothing from outside the project, and no absolute path of the build machine, reaches the site; no figure
hangs the build."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]

OUTSIDE = "apiVersion: v1\nkind: Secret\nmetadata: {name: outside-name-kd}\nstringData: {token: kdleak-outside}\n"


def _published(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())


def test_links_out_of_the_project_publish_nothing_of_what_they_lead_to(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stolen.yaml").write_text(OUTSIDE)
    app = site / "manifests" / "app"
    (app / "30-file-link.yaml").symlink_to(outside / "stolen.yaml")
    (app / "40-dir-link").symlink_to(outside)
    (app / "50-passwd.yaml").symlink_to("/etc/passwd")
    build = sites.build(site, tmp_path / "out", strict=False)
    assert build.returncode == 0, build.log
    published = _published(build.out)
    for leak in ("kdleak-outside", "outside-name-kd", "root:x:0:0", str(tmp_path), str(site)):
        assert leak not in published, leak
    assert "refused: a symbolic link that leads outside the project" in build.log
    box = build.page().select_one(".kubedocs-error")
    assert box is not None and "manifests/app/30-file-link.yaml" in box.get_text()
    assert (build.out / "two" / "index.html").is_file(), "the other pages still build"


def test_a_dot_that_never_returns_is_stopped_after_dot_timeout(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("      cache_dir: .cache/kubedocs\n",
                                                 "      cache_dir: .cache/kubedocs\n      dot_timeout: 1\n"))
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "dot").write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then echo "dot - graphviz version 0" >&2; exit 0; fi\n'
                              "exec sleep 600\n")
    (shim / "dot").chmod(0o755)
    started = time.monotonic()
    build = sites.build(site, tmp_path / "out", strict=False, extra_path=shim)
    assert time.monotonic() - started < 120
    assert build.returncode == 0, build.log
    assert "index.md:" in build.log and "did not finish within 1 s" in build.log
    assert build.page().select_one(".kubedocs-error") is not None


BAD_ENTRIES = ['{"svg": 5, "diagnostics": []}', '{"svg": "", "diagnostics": []}', "[]",
               '{"svg": "<?xml version=\\"1.0\\"?><svg></svg>", "diagnostics": [{"line": "x"}]}']


def test_cache_entries_of_the_wrong_shape_are_rendered_again(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    first = sites.build(site, tmp_path / "out0")
    assert first.returncode == 0, first.log
    entries = sorted((site / ".cache" / "kubedocs").glob("*.json"))
    assert len(entries) == 2
    for round_, shapes in enumerate((BAD_ENTRIES[:2], BAD_ENTRIES[2:]), start=1):
        for path, entry in zip(entries, shapes, strict=True):
            path.write_text(entry)
        build = sites.build(site, tmp_path / f"out{round_}")
        assert build.returncode == 0, build.log
        for name in ("", "two"):
            figures = build.page(name).select("figure.kubedocs-figure .kubedocs-svg > svg")
            assert figures and all(svg.find("title") for svg in figures)


def test_rule_files_outside_the_project_or_not_rule_files_publish_nothing_of_their_text(sites, fixture_site,
                                                                                       tmp_path):
    site = fixture_site("good")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "shadow").write_text("root:$6$kdleak-shadow:19000:0:99999:7:::\nkdleak-user:*:19000:0:99999:7:::\n")
    (site / "rules").mkdir()
    (site / "rules" / "link.yaml").symlink_to(outside / "shadow")
    (site / "rules" / "notes.yaml").write_text("kdleak-inside-key: kdleak-inside-value\n")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      cache_dir: .cache/kubedocs\n",
        "      cache_dir: .cache/kubedocs\n"
        f"      rules: [../elsewhere/shadow, {outside / 'shadow'}, rules/link.yaml, rules/notes.yaml]\n"))
    build = sites.build(site, tmp_path / "out", strict=False)
    assert build.returncode == 0, build.log
    published = _published(build.out)
    for leak in ("kdleak", "$6$", str(tmp_path)):
        assert leak not in published, leak
        assert leak not in build.log.replace(f"directory: {build.out}", ""), leak  # MkDocs names its output
    assert "rule file: refused: it lies outside the project" in build.log
    assert "rules/notes.yaml:1:1: error: rule file: not a rule file" in build.log
    box = build.page().select_one(".kubedocs-error")
    assert box is not None and "../elsewhere/shadow" in box.get_text() and "rules/link.yaml" in box.get_text()
    assert (build.out / "two" / "index.html").is_file(), "the other pages still build"


BAD_VALUES = """\
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
  password: !kdS3cretTag
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  port: !!int kdS3cretInt
"""
BAD_PAGE = """\
# 잘못된 입력

```kubedocs
manifests: [bad/]
caption: 읽을 수 없는 값
```

```kubedocs
manifests: [app/]
caption: !!float kdS3cretCaption
```
"""


def test_values_yaml_cannot_construct_are_error_boxes_and_the_rest_of_the_site_builds(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    (site / "manifests" / "bad").mkdir()
    (site / "manifests" / "bad" / "values.yaml").write_text(BAD_VALUES)
    (site / "docs" / "bad.md").write_text(BAD_PAGE)
    build = sites.build(site, tmp_path / "out", strict=False)
    assert build.returncode == 0, build.log
    assert "Traceback" not in build.log and "kdS3cret" not in build.log
    for name in ("", "two"):  # the other pages and their figures
        assert build.page(name).select("figure.kubedocs-figure .kubedocs-svg > svg"), name
    boxes = [box.get_text(" ", strip=True) for box in build.page("bad").select(".kubedocs-error")]
    assert len(boxes) == 2, boxes
    assert "manifests/bad/values.yaml:5:13 : invalid YAML: an unknown tag" in boxes[0]
    assert "manifests/bad/values.yaml:11:9 : invalid YAML: a value that is not a valid !!int" in boxes[0]
    assert "bad.md:10 : the block is not valid YAML: a value that is not a valid !!float" in boxes[1]
    for leak in ("kdS3cret", "kds3cret"):  # the page, the search index, the cache
        assert leak not in _published(build.out) and leak not in _published(site / ".cache"), leak
