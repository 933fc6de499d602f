"""Producing a site's figures: the figures its pages declare, each drawn through the pipeline and the cache (a
`split:` figure with a detail per namespace). Shared by the MkDocs plugin and by `gen` / `gen check` / `gen watch`
(gen/site/commands.py): both walk the pages' figures through `page_figures`/`site_figures` and differ only in how
they report (log or print).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Diagnostic, Severity, Source
from ..records import field, record, replace
from ..request import DEFAULT_NAMESPACE, FigureRequest, request_dependencies, request_files, request_key
from .blocks import SPLITS, TEXT_FORMATS, FigureBlock, FigureSpec, SpecError, find_blocks, parse_spec
from .cache import CachedFigure, Drawn, FigureCache, drawn_of
from .config import SiteLayout
from .words import words_for

if TYPE_CHECKING:
    from ..graph import Graph


@record
class RenderedFigure:
    spec: FigureSpec
    svg: str | None  # None when the figure could not be drawn; the text of a `format:` figure
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # inputs, relative to the site root
    cached: bool = False
    drawn: Drawn = field(default_factory=Drawn)  # what the drawing shows, for the words around it

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def findings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def site_request(spec: FigureSpec, layout: SiteLayout) -> FigureRequest:
    """A page's figure as the pipeline draws it: the declared paths (a kustomization or chart directory is
    rendered whole), the project's rule files, nothing from outside the project."""
    return FigureRequest(tuple(str(layout.manifests_dir / p) for p in spec.manifests), spec.view,
                         TEXT_FORMATS.get(spec.format, "svg"),
                         replace(spec.filters(), language=layout.language), spec.namespace or DEFAULT_NAMESPACE,
                         rule_files=tuple(str(path) for path in layout.rule_files),
                         roots=layout.input_roots, root=layout.root, timeout=layout.dot_timeout,
                         direction=spec.direction, excluded=layout.walk_excluded)


def figure_inputs(spec: FigureSpec, layout: SiteLayout) -> tuple[list[str], list[Diagnostic]]:
    """A figure's manifest files, named from the site's root, and why any declared path is refused."""
    return request_files(site_request(spec, layout))


def figure_dependencies(spec: FigureSpec, layout: SiteLayout) -> list[Path]:
    """Files a figure's tools read besides its manifests (a generator's `.env`, a chart's `.tpl`, a base)."""
    return request_dependencies(site_request(spec, layout))


def render_site_figure(spec: FigureSpec, layout: SiteLayout, cache: FigureCache) -> RenderedFigure:
    from ..render import RenderError, graphviz_version

    request = site_request(spec, layout)
    files, problems = request_files(request)
    if problems or not files:
        missing = problems or [Diagnostic(Source("manifests"), Severity.ERROR,
                                          f"no manifests found for {', '.join(spec.manifests)}")]
        return RenderedFigure(spec, None, missing, files)
    key = request_key(request, files, graphviz_version())
    hit = cache.get(key) if not spec.format else None  # a text format is written again (no dot): not kept
    if hit is not None:
        return _checked(RenderedFigure(spec, hit.svg, list(hit.diagnostics), files, cached=True, drawn=hit.drawn))
    from ..pipeline import render  # only now: a cached figure needs no loader, rule or view

    try:
        figure = render(request)
    except RenderError as exc:
        return RenderedFigure(spec, None, [Diagnostic(Source(files[0]), Severity.ERROR, str(exc))], files)
    drawn = drawn_of(figure.diagram)
    result = _checked(RenderedFigure(spec, figure.output.decode("utf-8"), figure.diagnostics, files, drawn=drawn))
    if not spec.format:
        cache.put(key, CachedFigure(figure.output.decode("utf-8"), tuple(figure.diagnostics), drawn))
    return result


def _checked(figure: RenderedFigure) -> RenderedFigure:
    """A figure whose input could not be parsed is not shown half-drawn: it becomes an error box."""
    if figure.errors:
        figure.svg = None
    return figure


@record
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
    def message_line(self) -> int:
        """The declaration's line, or that of the line in it that is wrong."""
        return self.line + (self.error.line if self.error is not None and self.error.line else 0)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.message_line}"


def page_figures(page: str, markdown: str, layout: SiteLayout, cache: FigureCache) -> Iterator[FigureResult]:
    """Every figure a page declares, rendered (through the cache) or with its declaration error."""
    for index, block in enumerate(find_blocks(markdown)):
        try:
            spec = parse_spec(block.body)
        except SpecError as exc:
            yield FigureResult(page, block.line, index, block, error=exc)
            continue
        figure = readable_figure(spec, render_site_figure(spec, layout, cache), layout, cache)
        yield FigureResult(page, block.line, index, block, figure=figure,
                           details=split_figures(figure, layout, cache, spec.direction))


def site_pages(layout: SiteLayout) -> Iterator[tuple[str, Path]]:
    """The site's Markdown pages (relative to docs_dir, as MkDocs names them) in a stable order."""
    for path in sorted(layout.docs_dir.rglob("*.md")):
        yield path.relative_to(layout.docs_dir).as_posix(), path


def site_figures(layout: SiteLayout, cache: FigureCache) -> Iterator[FigureResult]:
    for page, path in site_pages(layout):
        yield from page_figures(page, path.read_text(encoding="utf-8"), layout, cache)


# A figure wider than this (in points, at its natural size) cannot open fitted to Material's text column (about
# 667 px at 1280 px) with its 9-point detail lines at 10 px or more: 667 px × 9 pt / 10 px.
READABLE_WIDTH_PT = 600


def natural_width(svg: str) -> float:
    """The drawing's width in points, from its root element (dot writes `width="123pt"`)."""
    match = _SVG_WIDTH.search(svg[:2000])
    return float(match.group(1)) if match else 0.0


_SVG_WIDTH = re.compile(r'<svg width="([\d.]+)pt"')


# Views that draw applications: a figure of one too wide to read can be laid out otherwise or split by application.
SPLITTABLE_VIEWS = ("topology", "network", "storage")


def readable_figure(spec: FigureSpec, figure: RenderedFigure, layout: SiteLayout,
                    cache: FigureCache) -> RenderedFigure:
    """The figure as the text column shows it readably, when the page leaves its layout to gen: as drawn when it
    fits; else laid out top to bottom when that fits; else an overview of its applications with a figure per
    application below (`split: app`). A note says which."""
    if (spec.split or spec.apps or spec.direction or spec.format or spec.view not in SPLITTABLE_VIEWS
            or figure.svg is None or natural_width(figure.svg) <= READABLE_WIDTH_PT):
        if spec.split == "app" and not spec.direction:  # a declared overview too wide: top to bottom, in rows
            return _narrower(figure, layout, cache)
        return figure
    width = natural_width(figure.svg)
    where = Source(figure.files[0] if figure.files else "manifests")
    why = f"{width:.0f} pt wide, more than the text column shows readably ({READABLE_WIDTH_PT} pt)"
    tall = render_site_figure(replace(spec, direction="TB"), layout, cache)
    if tall.svg is not None and natural_width(tall.svg) <= READABLE_WIDTH_PT:
        tall.diagnostics.append(Diagnostic(where, Severity.NOTE, f"{why}: laid out from top to bottom",
                                           "readable-layout"))
        return tall
    overview = render_site_figure(replace(spec, split="app"), layout, cache)
    if overview.svg is None or len(overview.drawn.boxes) < 2:
        return figure
    overview = _narrower(overview, layout, cache)
    overview.diagnostics.append(Diagnostic(where, Severity.NOTE, f"{why}: drawn as an overview of its "
                                           "applications with a figure per application below (split: app)",
                                           "readable-layout"))
    return overview


def _narrower(figure: RenderedFigure, layout: SiteLayout, cache: FigureCache) -> RenderedFigure:
    """A figure too wide to read laid out top to bottom (an overview wraps its rows), when that is narrower."""
    if figure.svg is None or natural_width(figure.svg) <= READABLE_WIDTH_PT:
        return figure
    tall = render_site_figure(replace(figure.spec, direction="TB"), layout, cache)
    if tall.svg is not None and natural_width(tall.svg) < natural_width(figure.svg):
        tall.diagnostics.extend(d for d in figure.diagnostics if d not in tall.diagnostics)
        return tall
    return figure


def split_figures(figure: RenderedFigure, layout: SiteLayout, cache: FigureCache,
                  direction: str | None = None) -> list[tuple[str, RenderedFigure]]:
    """`split: namespace` or `split: app`: the same figure narrowed to each namespace (application) of its
    inputs, each cached on its own. The inputs are loaded and derived at most once for all of them (not once per
    part), as the figure is. `direction`: the page's layout for the details (an overview laid out top to bottom
    to fit leaves its details their own); None: the figure's."""
    from ..pipeline import Analysis, analyse_request, render
    from ..render import RenderError, graphviz_version

    spec = figure.spec if direction is None else replace(figure.spec, direction=direction)
    if spec.split not in SPLITS or figure.svg is None:
        return []
    files = figure.files  # the drawn figure's own inputs, walked once
    request = site_request(spec, layout)
    version = graphviz_version()
    analysed: list[Analysis] = []  # filled on the first figure the cache does not hold

    def analysis() -> Analysis:
        if not analysed:
            analysed.append(analyse_request(request))
        return analysed[0]

    key = request_key(request, files, version, purpose=f"parts:{spec.split}")
    parts = cache.get_names(key)
    if parts is None:
        graph = analysis().graph
        parts = split_namespaces(graph, spec.namespaces) if spec.split == "namespace" else split_apps(graph)
        cache.put_names(key, parts)
    def draw(detail: FigureSpec) -> RenderedFigure:
        detail_request = site_request(detail, layout)
        detail_key = request_key(detail_request, files, version)
        cached = cache.get(detail_key)
        if cached is not None:
            return _checked(RenderedFigure(detail, cached.svg, list(cached.diagnostics), files, cached=True,
                                           drawn=cached.drawn))
        try:
            drawn = render(detail_request, analysis())
        except RenderError as exc:
            return RenderedFigure(detail, None, [Diagnostic(Source(files[0]), Severity.ERROR, str(exc))], files)
        svg = drawn.output.decode("utf-8")
        words = drawn_of(drawn.diagram)
        cache.put(detail_key, CachedFigure(svg, tuple(drawn.diagnostics), words))
        return _checked(RenderedFigure(detail, svg, drawn.diagnostics, files, drawn=words))

    words = words_for(layout.language)  # a detail's caption names its part in the site's language
    details = []
    for part in parts:
        label = words["namespace_figure" if spec.split == "namespace" else "app_figure"].format(name=part)
        caption = f"{spec.caption} — {label}" if spec.caption else label
        if spec.split == "namespace":
            detail = replace(spec, namespaces=(part,), split="", caption=caption)
        else:
            detail = replace(spec, apps=(part,), split="", caption=caption)
        figure_of_part = draw(detail)
        if figure_of_part.svg is not None and natural_width(figure_of_part.svg) > READABLE_WIDTH_PT:
            tall = draw(replace(detail, direction="TB"))  # a detail too wide to read: top to bottom, if narrower
            if tall.svg is not None and natural_width(tall.svg) < natural_width(figure_of_part.svg):
                figure_of_part = tall
        details.append((part, figure_of_part))
    return details


def split_apps(graph: Graph) -> list[str]:
    """The applications a `split: app` figure draws one figure each for (the app labels of its resources)."""
    return sorted({node.app for node in graph.nodes.values() if node.app and node.ref.namespace is not None})


def split_namespaces(graph: Graph, wanted: Sequence[str]) -> list[str]:
    """The namespaces a `split: namespace` figure draws one figure each for: those of the graph's nodes (of
    `wanted` alone when the declaration names some), sorted. Loading and deriving the inputs is what costs."""
    return sorted({ref.namespace for ref in graph.nodes if ref.namespace is not None
                   and (not wanted or ref.namespace in wanted)})
