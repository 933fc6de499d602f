"""Figures of an MkDocs site: read the site's configuration, find the figures in its pages, render them through
the cache, and turn them into HTML.

A library shared by the MkDocs plugin and by `gen` / `gen check` / `gen watch` (gen/commands.py): both walk the
pages' figures through `page_figures`/`site_figures` and differ only in how they report (log or print).
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import CachedFigure, FigureCache, figure_key
from .figures import FigureBlock, FigureSpec, SpecError, find_blocks, parse_spec
from .loading import expand_inputs, relative_path
from .model import Diagnostic, Severity, Source
from .redact import redact_manifest

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .graph import Graph
    from .loading import LoadResult
    from .plugin import KubedocsConfig


@dataclass(frozen=True)
class SiteLayout:
    root: Path
    docs_dir: Path
    manifests_dir: Path
    cache_dir: Path

    @classmethod
    def of(cls, config: MkDocsConfig, options: KubedocsConfig) -> SiteLayout:
        """The layout of a validated MkDocs configuration and the plugin's validated options."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return cls(root, Path(config.docs_dir), root / options.manifests, root / options.cache_dir)


class ConfigError(Exception):
    """mkdocs.yml is missing or invalid; the message says which and why."""


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())


def read_layout(config_file: str) -> SiteLayout:
    """The site's layout as `mkdocs build` sees it: MkDocs' own loader (so `!ENV`, `INHERIT` and defaults agree)
    and the kubedocs plugin's validated options (its defaults when the site does not list the plugin)."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    from .plugin import KubedocsPlugin

    if not Path(config_file).is_file():
        raise ConfigError(f"no {config_file} here")
    # MkDocs logs what is wrong and raises a bare "Aborted": keep its words for our message instead.
    problems = _LogCollector()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(problems)
    propagate, logger.propagate = logger.propagate, False
    try:
        config = load_config(config_file)
    except (exceptions.ConfigurationError, exceptions.Abort, OSError) as exc:
        raise ConfigError(f"{config_file}: {'; '.join(problems.messages) or exc}") from exc
    finally:
        logger.removeHandler(problems)
        logger.propagate = propagate
    plugin = config.plugins.get("kubedocs")
    if not isinstance(plugin, KubedocsPlugin):
        plugin = KubedocsPlugin()
        plugin.load_config({})
    return SiteLayout.of(config, plugin.config)


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
    files, problems = expand_inputs(paths)
    relative = [relative_path(f, layout.root) for f in files]  # absolute when a link leads outside the site
    problems = [Diagnostic(Source(relative_path(d.source.path, layout.root)), d.severity, d.message) for d in problems]
    return relative, problems


def render_site_figure(spec: FigureSpec, layout: SiteLayout, cache: FigureCache) -> RenderedFigure:
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
    from .pipeline import render_figure  # only now: a cached figure needs no loader, rule or view

    try:
        figure = render_figure([str(layout.root / name) for name in files], spec.view, "svg", spec.filters(),
                               relative_to=layout.root)
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




@dataclass
class FigureResult:
    """One figure declared in a page, and what became of it: a rendered figure, or the declaration's error."""

    page: str  # the page, relative to docs_dir
    line: int  # the opening fence's line
    index: int  # its position among the page's figures
    block: FigureBlock
    figure: RenderedFigure | None = None
    error: SpecError | None = None
    details: list[tuple[str, RenderedFigure]] = field(default_factory=list)  # `split:`: (namespace, its figure)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def page_figures(page: str, markdown: str, layout: SiteLayout, cache: FigureCache) -> Iterator[FigureResult]:
    """Every figure a page declares, rendered (through the cache) or with its declaration error."""
    for index, block in enumerate(find_blocks(markdown)):
        try:
            spec = parse_spec(block.body)
        except SpecError as exc:
            yield FigureResult(page, block.line, index, block, error=exc)
            continue
        figure = render_site_figure(spec, layout, cache)
        yield FigureResult(page, block.line, index, block, figure=figure,
                           details=split_figures(figure, layout, cache))


def site_pages(layout: SiteLayout) -> Iterator[tuple[str, Path]]:
    """The site's Markdown pages (relative to docs_dir, as MkDocs names them) in a stable order."""
    for path in sorted(layout.docs_dir.rglob("*.md")):
        yield path.relative_to(layout.docs_dir).as_posix(), path


def site_figures(layout: SiteLayout, cache: FigureCache) -> Iterator[FigureResult]:
    for page, path in site_pages(layout):
        yield from page_figures(page, path.read_text(encoding="utf-8"), layout, cache)


def split_figures(figure: RenderedFigure, layout: SiteLayout, cache: FigureCache) -> list[tuple[str, RenderedFigure]]:
    """`split: namespace`: the same figure narrowed to each namespace of its inputs, each cached on its own. The
    inputs are loaded and derived at most once for all of them (not once per namespace)."""
    from .render import RenderError, graphviz_version

    spec = figure.spec
    if spec.split != "namespace" or figure.svg is None:
        return []
    files, _problems = figure_inputs(spec, layout)
    contents = [(name, (layout.root / name).read_bytes()) for name in files]
    version = graphviz_version()
    analysed: list[tuple[LoadResult, Graph]] = []  # filled on the first figure the cache does not hold

    def analysis() -> tuple[LoadResult, Graph]:
        if not analysed:
            from .pipeline import analyse

            analysed.append(analyse([str(layout.root / name) for name in files], relative_to=layout.root))
        return analysed[0]

    key = figure_key(contents, f"namespaces|{','.join(spec.namespaces)}", version)
    hit = cache.get(key)
    if hit is not None:
        namespaces = hit.svg.split("\n") if hit.svg else []
    else:
        namespaces = sorted({ref.namespace for ref in analysis()[1].nodes if ref.namespace is not None
                             and (not spec.namespaces or ref.namespace in spec.namespaces)})
        cache.put(key, CachedFigure("\n".join(namespaces), ()))
    details = []
    for namespace in namespaces:
        caption = f"{spec.caption} — namespace {namespace}" if spec.caption else f"namespace {namespace}"
        detail = replace(spec, namespaces=(namespace,), split="", caption=caption)
        detail_key = figure_key(contents, detail.options_key(), version)
        cached = cache.get(detail_key)
        if cached is not None:
            details.append((namespace, _checked(RenderedFigure(detail, cached.svg, list(cached.diagnostics), files,
                                                               cached=True))))
            continue
        from .pipeline import render_analysed

        try:
            drawn = render_analysed(*analysis(), detail.view, "svg", detail.filters())
        except RenderError as exc:
            details.append((namespace, RenderedFigure(detail, None, [Diagnostic(Source(files[0]), Severity.ERROR,
                                                                                str(exc))], files)))
            continue
        svg = drawn.output.decode("utf-8")
        cache.put(detail_key, CachedFigure(svg, tuple(drawn.diagnostics)))
        details.append((namespace, _checked(RenderedFigure(detail, svg, drawn.diagnostics, files))))
    return details


def split_html(details: list[tuple[str, RenderedFigure]], id_prefix: str, layout: SiteLayout) -> str:
    """Below a split figure: links to each namespace's figure, and each figure in a block of its own that opens."""
    if not details:
        return ""
    anchors = [f"{id_prefix}ns-{index}" for index in range(len(details))]
    links = " · ".join(f'<a href="#{anchor}">{html.escape(namespace)}</a>'
                       for anchor, (namespace, _figure) in zip(anchors, details, strict=True))
    blocks = [f'<p class="kubedocs-split-index">네임스페이스별 그림 (figure per namespace): {links}</p>']
    for index, (anchor, (namespace, figure)) in enumerate(zip(anchors, details, strict=True)):
        inner = figure_html(figure, f"{id_prefix}d{index}-", layout, show_source=False)
        blocks.append(f'<details class="kubedocs-split" id="{anchor}"><summary>namespace {html.escape(namespace)}'
                      f"</summary>{inner}</details>")
    return "\n".join(blocks)
