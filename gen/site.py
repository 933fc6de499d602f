"""Figures of an MkDocs site: find them in the pages, render them through the cache, turn them into HTML.

Shared by the MkDocs plugin and by `gen` / `gen check` / `gen watch` in the shell.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cache import CachedFigure, FigureCache, figure_key
from .figures import FigureBlock, FigureSpec, SpecError, find_blocks, parse_spec, timeout_option
from .loading import expand_inputs, relative_path
from .model import Diagnostic, Severity, Source
from .redact import redact_manifest

log = logging.getLogger("mkdocs.plugins.kubedocs")


@dataclass(frozen=True)
class SiteLayout:
    root: Path
    docs_dir: Path
    manifests_dir: Path
    cache_dir: Path
    dot_timeout: float | None = None  # seconds per figure; None: DEFAULT_TIMEOUT

    @classmethod
    def at(cls, root: Path, docs_dir: str = "docs", manifests: str = "manifests",
           cache_dir: str = ".cache/kubedocs", dot_timeout: float | None = None) -> SiteLayout:
        return cls(root, root / docs_dir, root / manifests, root / cache_dir, dot_timeout)


@dataclass
class RenderedFigure:
    spec: FigureSpec
    svg: str | None  # None when the figure could not be drawn
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # inputs, relative to the site root
    cached: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def findings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def figure_inputs(spec: FigureSpec, layout: SiteLayout) -> tuple[list[str], list[Diagnostic]]:
    paths = [str(layout.manifests_dir / p) for p in spec.manifests]
    files, problems = expand_inputs(paths, roots=(layout.root, layout.manifests_dir))  # nothing from elsewhere
    relative = [relative_path(f, layout.root) for f in files]
    problems = [Diagnostic(Source(relative_path(d.source.path, layout.root)), d.severity, d.message) for d in problems]
    return relative, problems


def render_site_figure(spec: FigureSpec, layout: SiteLayout, cache: FigureCache) -> RenderedFigure:
    from .pipeline import render_figure
    from .render import RenderError, graphviz_version

    files, problems = figure_inputs(spec, layout)
    if problems or not files:
        missing = problems or [Diagnostic(Source("manifests"), Severity.ERROR,
                                          f"no manifests found for {', '.join(spec.manifests)}")]
        return RenderedFigure(spec, None, missing, files)
    contents = [(name, (layout.root / name).read_bytes()) for name in files]
    key = figure_key(contents, spec.options_key(), graphviz_version())
    hit = cache.get(key)
    if hit is not None:
        return _checked(RenderedFigure(spec, hit.svg, list(hit.diagnostics), files, cached=True))
    try:
        figure = render_figure([str(layout.root / name) for name in files], spec.view, "svg", spec.filters(),
                               relative_to=layout.root, timeout=layout.dot_timeout)
    except RenderError as exc:
        return RenderedFigure(spec, None, [Diagnostic(Source(files[0]), Severity.ERROR, str(exc))], files)
    result = _checked(RenderedFigure(spec, figure.output.decode("utf-8"), figure.diagnostics, files))
    cache.put(key, CachedFigure(figure.output.decode("utf-8"), tuple(figure.diagnostics)))
    return result


def _checked(figure: RenderedFigure) -> RenderedFigure:
    """A figure whose input could not be parsed is not shown half-drawn: it becomes an error box."""
    if figure.errors:
        figure.svg = None
    return figure


def figure_id_prefix(page: str, index: int) -> str:
    return f"kd{hashlib.sha1(page.encode('utf-8')).hexdigest()[:6]}-{index}-"


def full_size_name(svg: str) -> str:
    """Where a figure's standalone SVG is published in the site, named by its content."""
    return f"kubedocs/{hashlib.sha256(svg.encode('utf-8')).hexdigest()[:16]}.svg"


def figure_html(figure: RenderedFigure, id_prefix: str, layout: SiteLayout, show_source: bool = True,
                full_size_href: str | None = None) -> str:
    from .render import embeddable_svg

    spec = figure.spec
    zoom = (f'<a class="kubedocs-zoom" href="{html.escape(full_size_href)}" target="_blank">원본 크기로 보기</a>'
            if full_size_href else "")
    caption = f"<figcaption>{html.escape(spec.caption)}</figcaption>" if spec.caption else ""
    sources = html.escape(" ".join(spec.manifests))
    if figure.svg is None:
        items = "".join(f"<li><code>{html.escape(str(d.source))}</code>: {html.escape(d.message)}</li>"
                        for d in figure.errors)
        return (f'<div class="kubedocs-error" role="alert" data-source="{sources}">'
                f"<p><strong>그림을 그릴 수 없습니다 (figure could not be drawn)</strong>"
                f"{': ' + html.escape(spec.caption) if spec.caption else ''}</p><ul>{items}</ul></div>")
    svg = embeddable_svg(figure.svg, id_prefix)
    parts = [f'<figure class="kubedocs-figure" data-view="{spec.view}" data-source="{sources}">',
             f'<div class="kubedocs-svg" role="img" aria-label="{html.escape(spec.caption or spec.view)}" '
             f"data-search-exclude>{svg}</div>", caption, zoom, "</figure>"]
    if show_source:
        parts.append(source_html(figure.files, layout))
    return "\n".join(parts)


def source_html(files: list[str], layout: SiteLayout) -> str:
    """The figure's manifests, one click away, with every value that could be secret redacted."""
    blocks = []
    for name in files:
        text = redact_manifest((layout.root / name).read_bytes().decode("utf-8-sig", "replace"))
        blocks.append(f"<p><code>{html.escape(name)}</code></p>"
                      f'<pre><code class="language-yaml">{html.escape(text)}</code></pre>')
    return (f'<details class="kubedocs-source" data-search-exclude><summary>매니페스트 보기 '
            f"({len(files)} files)</summary>{''.join(blocks)}</details>")


def error_box(message: str, where: str) -> str:
    return (f'<div class="kubedocs-error" role="alert"><p><strong>그림 선언 오류 (figure declaration error)'
            f"</strong></p><ul><li><code>{html.escape(where)}</code>: {html.escape(message)}</li></ul></div>")


# --- the shell side: gen, gen check, gen watch ---------------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing anything: `!!python/...` and `!ENV` tags become None."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_layout(config: str) -> SiteLayout | None:
    path = Path(config)
    if not path.is_file():
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except yaml.YAMLError:
        return None
    options: dict[str, object] = {}
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("kubedocs"), dict):
            options = plugin["kubedocs"]
    return SiteLayout.at(path.resolve().parent, str(data.get("docs_dir", "docs")),
                         str(options.get("manifests", "manifests")), str(options.get("cache_dir", ".cache/kubedocs")),
                         timeout_option(options.get("dot_timeout")))


def page_figures(layout: SiteLayout) -> Iterator[tuple[str, FigureBlock, FigureSpec | SpecError]]:
    for page in sorted(layout.docs_dir.rglob("*.md")):
        name = page.relative_to(layout.root).as_posix()
        for block in find_blocks(page.read_text(encoding="utf-8")):
            try:
                yield name, block, parse_spec(block.body)
            except SpecError as exc:
                yield name, block, exc


@dataclass
class PageInputs:
    layout: SiteLayout
    files: list[str]  # every manifest under manifests/ and every file a figure names
    problems: list[Diagnostic]  # figure declarations that are wrong or name nothing, at their page and line


def page_inputs(config: str) -> PageInputs | None:
    """What `gen check` without paths checks: the pages' figure declarations and every manifest they can use."""
    layout = read_layout(config)
    if layout is None:
        return None
    files: set[str] = set()
    problems: list[Diagnostic] = []
    for page, block, spec in page_figures(layout):
        where = Source(page, block.line)
        if isinstance(spec, SpecError):
            problems.append(Diagnostic(where, Severity.ERROR, f"kubedocs figure: {spec}", "figure-declaration"))
            continue
        found, missing = figure_inputs(spec, layout)
        files.update(str(layout.root / name) for name in found)
        problems.extend(Diagnostic(where, Severity.ERROR, f"kubedocs figure: {m.source.path}: {m.message}",
                                   "figure-declaration") for m in missing)
    if layout.manifests_dir.is_dir():
        files.add(str(layout.manifests_dir))
    return PageInputs(layout, sorted(files), problems)


def build_figures(config: str) -> int:
    """`gen` with no arguments: render every figure the pages declare and say what changed."""
    layout = read_layout(config)
    if layout is None:
        print(f"gen: error: no {config} here; give manifests with `gen render PATHS`", file=sys.stderr)
        return 2
    cache = FigureCache(layout.cache_dir)
    counts = {"rendered": 0, "unchanged": 0, "failed": 0}
    for page, block, spec in page_figures(layout):
        where = f"{page}:{block.line}"
        if isinstance(spec, SpecError):
            print(f"{where}: error: {spec}", file=sys.stderr)
            counts["failed"] += 1
            continue
        figure = render_site_figure(spec, layout, cache)
        state = "failed" if figure.svg is None else "unchanged" if figure.cached else "rendered"
        counts[state] += 1
        if state != "unchanged":
            print(f"{where}: {state}: {spec.caption or ', '.join(spec.manifests)} ({spec.view})")
        for diagnostic in figure.diagnostics:
            if diagnostic.severity is not Severity.NOTE:
                print(f"  {diagnostic}", file=sys.stderr)
    print(f"gen: {counts['rendered']} rendered, {counts['unchanged']} unchanged, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


def _snapshot(layout: SiteLayout) -> dict[str, float]:
    stamps: dict[str, float] = {}
    for directory in (layout.manifests_dir, layout.docs_dir):
        if directory.is_dir():
            for path in directory.rglob("*"):
                try:
                    if path.is_file():
                        stamps[str(path)] = path.stat().st_mtime
                except OSError:
                    continue  # gone since it was listed: an editor's temporary file
    return stamps


def watch_figures(config: str, interval: float = 1.0) -> int:
    """Re-render on every change under manifests/ or docs/ until interrupted (polling: no extra dependency)."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # each change is reported at once, even through a pipe
    layout = read_layout(config)
    if layout is None:
        return build_figures(config)  # says what is wrong
    before = _snapshot(layout)  # taken first: a change made during the first build is not missed
    build_figures(config)
    print(f"gen watch: watching {layout.manifests_dir} and {layout.docs_dir}; Ctrl-C stops", file=sys.stderr)
    while True:
        time.sleep(interval)
        now = _snapshot(layout)
        if now != before:
            before = now
            build_figures(config)
