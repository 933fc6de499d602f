"""Figures of an MkDocs site: read the site's configuration, find the figures in its pages, render them through
the cache, and turn them into HTML.

A library shared by the MkDocs plugin and by `gen` / `gen check` / `gen watch` (gen/commands.py): both walk the
pages' figures through `page_figures`/`site_figures` and differ only in how they report (log or print).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import CachedFigure, FigureCache
from .figures import FigureBlock, FigureSpec, SpecError, find_blocks, parse_spec, timeout_option
from .model import Diagnostic, Severity, Source
from .records import field, record, replace
from .redact import redact_manifest
from .relations import link_words
from .request import FigureRequest, code_fingerprint, request_dependencies, request_files, request_key

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .graph import Graph
    from .plugin import KubedocsConfig


@record(frozen=True)
class SiteLayout:
    root: Path
    docs_dir: Path
    manifests_dir: Path
    cache_dir: Path
    dot_timeout: float | None = None  # seconds per figure; None: DEFAULT_TIMEOUT
    rule_files: tuple[Path, ...] = ()  # the project's relationship rules for custom kinds (plugin option `rules`)

    @classmethod
    def of(cls, config: MkDocsConfig, options: KubedocsConfig) -> SiteLayout:
        """The layout of a validated MkDocs configuration and the plugin's validated options."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return cls(root, Path(config.docs_dir), root / options.manifests, root / options.cache_dir,
                   timeout_option(options.dot_timeout), tuple(root / name for name in options.rules))


    @property
    def input_roots(self) -> tuple[Path, Path]:
        """Where a site's inputs (manifests and rule files) must lie, every symbolic link resolved."""
        return self.root, self.manifests_dir


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


@record
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


def site_request(spec: FigureSpec, layout: SiteLayout) -> FigureRequest:
    """A page's figure as the pipeline draws it: the declared paths (a kustomization or chart directory is
    rendered whole), the project's rule files, nothing from outside the project."""
    return FigureRequest(tuple(str(layout.manifests_dir / p) for p in spec.manifests), spec.view, "svg",
                         spec.filters(), rule_files=tuple(str(path) for path in layout.rule_files),
                         roots=layout.input_roots, root=layout.root, timeout=layout.dot_timeout)


def figure_inputs(spec: FigureSpec, layout: SiteLayout) -> tuple[list[str], list[Diagnostic]]:
    """A figure's manifest files, named from the site's root, and why any declared path is refused."""
    return request_files(site_request(spec, layout))


def figure_dependencies(spec: FigureSpec, layout: SiteLayout) -> list[Path]:
    """Files a figure's tools read besides its manifests (a generator's `.env`, a chart's `.tpl`, a base)."""
    return request_dependencies(site_request(spec, layout))


def render_site_figure(spec: FigureSpec, layout: SiteLayout, cache: FigureCache) -> RenderedFigure:
    from .render import RenderError, graphviz_version

    request = site_request(spec, layout)
    files, problems = request_files(request)
    if problems or not files:
        missing = problems or [Diagnostic(Source("manifests"), Severity.ERROR,
                                          f"no manifests found for {', '.join(spec.manifests)}")]
        return RenderedFigure(spec, None, missing, files)
    key = request_key(request, files, graphviz_version())
    hit = cache.get(key)
    if hit is not None:
        return _checked(RenderedFigure(spec, hit.svg, list(hit.diagnostics), files, cached=True))
    from .pipeline import render  # only now: a cached figure needs no loader, rule or view

    try:
        figure = render(request)
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


# The plugin's own words, in the site's `theme.language` (English when the language is not here); the words of
# the relations are declared with them, in gen/relations.py, in every language here (LANGUAGES).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "full_size": "View full size", "manifests": "Show the manifests", "files": "{n} files",
        "cannot_draw": "The figure could not be drawn", "declaration_error": "Figure declaration error",
        "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit to width", "reset": "Reset zoom",
        "controls": "Figure zoom", "legend": "Legend", "as_text": "The figure as text",
        "boxes": "Boxes", "links": "Links", "kind": "Kind", "namespace": "Namespace", "name": "Name",
        "source": "Source", "open": "Click to open its manifest",
        **link_words("en"),  # each relation's words (gen/relations.py)
        "missing": "missing target", "backed-by": "backed by",
        "per_namespace": "A figure per namespace", "namespace_figure": "namespace {name}",
        # the other kinds of link views draw (their legend and text alternative)
        "declared": "link (declared)", "runs": "runs", "talks": "talks to", "cri": "CRI call",
        "transition": "state transition", "restart": "restart", "init": "init container", "start": "start",
        "hook": "lifecycle hook", "probe": "probe", "end-of-run": "end of run", "signal": "signal", "end": "end",
        "then": "then", "liveness": "liveness probe", "gate": "readiness gate", "grace": "grace period",
        "event": "event", "aggregate": "links of grouped boxes",
    },
    "ko": {
        "full_size": "원본 크기로 보기", "manifests": "매니페스트 보기", "files": "파일 {n}개",
        "cannot_draw": "그림을 그릴 수 없습니다 (figure could not be drawn)",
        "declaration_error": "그림 선언 오류 (figure declaration error)",
        "zoom_in": "확대", "zoom_out": "축소", "fit": "폭에 맞추기", "reset": "원래 크기",
        "controls": "그림 확대/축소", "legend": "범례", "as_text": "그림의 텍스트 설명",
        "boxes": "요소", "links": "연결", "kind": "종류", "namespace": "네임스페이스", "name": "이름",
        "source": "원본", "open": "클릭하면 매니페스트를 엽니다",
        **link_words("ko"),
        "missing": "없는 대상 (missing)",
        "backed-by": "연결된 볼륨 (backed by)",
        "per_namespace": "네임스페이스별 그림", "namespace_figure": "네임스페이스 {name}",
        "declared": "연결 (declared)", "runs": "실행 (runs)", "talks": "통신 (talks)", "cri": "CRI 호출 (cri)",
        "transition": "상태 전이 (transition)", "restart": "재시작 (restart)", "init": "init container",
        "start": "시작 (start)", "hook": "hook", "probe": "probe", "end-of-run": "실행 종료 (end of run)",
        "signal": "시그널 (signal)", "end": "종료 (end)", "then": "다음 (then)", "liveness": "liveness probe",
        "gate": "readiness gate", "grace": "유예 기간 (grace period)", "event": "이벤트 (event)",
        "aggregate": "묶인 상자 사이의 연결 (aggregate)",
    },
}
# Words the script in the page needs (the tooltip's field names).
SCRIPT_WORDS = ("kind", "namespace", "name", "source", "open")


def words_for(language: str | None) -> dict[str, str]:
    """The plugin's words for a site language such as `ko`, `en` or `pt-BR`; English when there are none."""
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return WORDS.get(base, WORDS["en"])


_NODE = re.compile(r'(<g id="[^"]*" class="node[^"]*">\s*<title>([^<]*)</title>\s*<g id="[^"]*"><a)'
                   r'(?: xlink:href="[^"]*")? xlink:title="([^"]*)"')
_EDGE = re.compile(r'<g id="[^"]*" class="edge ?([^"]*)">\s*<title>([^<]*)</title>(.*?)</g>', re.S)
_EDGE_PATH = re.compile(r'<path fill="none" stroke="([^"]*)"(?: stroke-width="[^"]*")?(?: stroke-dasharray="([^"]*)")?')
_EDGE_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
_WHERE = re.compile(r" — (\S+):(\d+)$", re.M)
_PORT = re.compile(r"(?::r\d+)?(?::(?:[nsew]{1,2}|c))?$")
_SEPARATOR = re.compile(r"^---(?:\s|$)")


def _document_index(text: str, line: int) -> int:
    """Which YAML document of a file holds a 1-based line: the number of `---` separators above it."""
    return sum(1 for number, row in enumerate(text.split("\n"), 1) if number < line and _SEPARATOR.match(row))


def manifest_anchor(id_prefix: str, file_index: int, document: int) -> str:
    return f"{id_prefix}m{file_index}-{document}"


def _link_nodes(svg: str, id_prefix: str, files: list[str], layout: SiteLayout) -> str:
    """Each box whose tooltip names `file:line` of one of the figure's manifests links to that resource's lines
    in the figure's source block."""
    texts: dict[str, str] = {}

    def link(match: re.Match[str]) -> str:
        opening, tooltip = match.group(1), match.group(3)
        where = _WHERE.search(html.unescape(tooltip).split("\n")[0])
        if where is None or where.group(1) not in files:
            return match.group(0)
        name = where.group(1)
        if name not in texts:
            texts[name] = (layout.root / name).read_bytes().decode("utf-8-sig", "replace")
        anchor = manifest_anchor(id_prefix, files.index(name), _document_index(texts[name], int(where.group(2))))
        return f'{opening} xlink:href="#{anchor}" xlink:title="{tooltip}"'

    return _NODE.sub(link, svg)


def _edge_name(title: str, names: dict[str, str] | None = None) -> str:
    """`a → b` for dot's edge title `a:port->b`, each end named as its box is when `names` knows it."""
    source, _, target = html.unescape(title).partition("->")
    source, target = _PORT.sub("", source), _PORT.sub("", target)
    known = names or {}
    return f"{known.get(source, source)} → {known.get(target, target)}"


def legend_html(svg: str, words: dict[str, str]) -> str:
    """One sample line for each kind of link the figure draws, styled as the figure draws it."""
    samples: dict[str, tuple[str, str]] = {}
    for match in _EDGE.finditer(svg):
        path = _EDGE_PATH.search(match.group(3))
        classes = html.unescape(match.group(1)).split()  # dot writes `end-of-run` as `end&#45;of&#45;run`
        if path is None or not classes:
            continue
        key = "missing" if "missing" in classes else classes[0]
        samples.setdefault(key, (path.group(1), path.group(2) or ""))
    if not samples:
        return ""
    items = []
    for key, (colour, dashes) in samples.items():
        dash = f' stroke-dasharray="{html.escape(dashes)}"' if dashes else ""
        items.append(f'<li><svg width="32" height="10" aria-hidden="true"><line x1="1" y1="5" x2="31" y2="5" '
                     f'fill="none" stroke="{html.escape(colour)}" stroke-width="1.6"{dash}/></svg> '
                     f"{html.escape(words.get(key, key))}</li>")
    return (f'<div class="kubedocs-legend"><span class="kubedocs-legend-title">{html.escape(words["legend"])}'
            f'</span><ul>{"".join(items)}</ul></div>')


def text_alternative_html(svg: str, element_id: str, words: dict[str, str]) -> str:
    """The figure for screen readers: every box (its tooltip's first line) and every link between boxes named as
    the box list names them, as lists."""
    nodes = [(html.unescape(m.group(2)), html.unescape(m.group(3)).split("\n")[0]) for m in _NODE.finditer(svg)]
    names = {node_id: label.split(" — ")[0] for node_id, label in nodes}  # without the file:line
    links = []
    for match in _EDGE.finditer(svg):
        if _EDGE_PATH.search(match.group(3)) is None:
            continue  # an invisible edge that only places boxes
        label = " ".join(html.unescape(t) for t in _EDGE_TEXT.findall(match.group(3))).strip()
        # dot writes `end-of-run` in a class as `end&#45;of&#45;run`; a label often repeats its link's kind
        kinds = [words.get(c, c) for c in html.unescape(match.group(1)).split()]
        extra = ", ".join(dict.fromkeys(filter(None, [*kinds, label])))
        links.append(_edge_name(match.group(2), names) + (f" ({extra})" if extra else ""))
    boxes_html = "".join(f"<li>{html.escape(label)}</li>" for _node_id, label in nodes)
    links_html = "".join(f"<li>{html.escape(b)}</li>" for b in links)
    return (f'<div class="kubedocs-text" id="{element_id}"><p>{html.escape(words["as_text"])}</p>'
            f'<p>{html.escape(words["boxes"])}</p><ul>{boxes_html}</ul>'
            f'<p>{html.escape(words["links"])}</p><ul>{links_html}</ul></div>')


def _controls_html(words: dict[str, str]) -> str:
    buttons = [("zoom-in", "+", words["zoom_in"]), ("zoom-out", "−", words["zoom_out"]),
               ("fit", "↔", words["fit"]), ("reset", "1:1", words["reset"])]
    return (f'<div class="kubedocs-controls" role="toolbar" aria-label="{html.escape(words["controls"])}" hidden>'
            + "".join(f'<button type="button" data-kd-action="{action}" title="{html.escape(label)}" '
                      f'aria-label="{html.escape(label)}">{text}</button>' for action, text, label in buttons)
            + "</div>")


def figure_html(figure: RenderedFigure, id_prefix: str, layout: SiteLayout, show_source: bool = True,
                full_size_href: str | None = None, words: dict[str, str] | None = None) -> str:
    from .render import embeddable_svg

    words = words or WORDS["en"]
    spec = figure.spec
    zoom = (f'<a class="kubedocs-zoom" href="{html.escape(full_size_href)}" target="_blank">'
            f"{html.escape(words['full_size'])}</a>" if full_size_href else "")
    caption = f"<figcaption>{html.escape(spec.caption)}</figcaption>" if spec.caption else ""
    sources = html.escape(" ".join(spec.manifests))
    if figure.svg is None:
        items = "".join(f"<li><code>{html.escape(str(d.source))}</code>: {html.escape(d.message)}</li>"
                        for d in figure.errors)
        return (f'<div class="kubedocs-error" role="alert" data-source="{sources}">'
                f"<p><strong>{html.escape(words['cannot_draw'])}</strong>"
                f"{': ' + html.escape(spec.caption) if spec.caption else ''}</p><ul>{items}</ul></div>")
    svg = embeddable_svg(figure.svg, id_prefix)
    if show_source:
        svg = _link_nodes(svg, id_prefix, figure.files, layout)
    script_words = html.escape(json.dumps({k: words[k] for k in SCRIPT_WORDS}, ensure_ascii=False))
    text_id = f"{id_prefix}text"
    parts = [f'<figure class="kubedocs-figure" data-view="{spec.view}" data-source="{sources}" '
             f'data-kd-words="{script_words}">',
             _controls_html(words),
             f'<div class="kubedocs-svg" role="group" aria-label="{html.escape(spec.caption or spec.view)}" '
             f'aria-describedby="{text_id}" data-search-exclude>{svg}</div>',
             legend_html(svg, words), caption, zoom, text_alternative_html(svg, text_id, words), "</figure>"]
    if show_source:
        parts.append(source_html(figure.files, layout, id_prefix, words))
    return "\n".join(part for part in parts if part)


def redacted_source(content: bytes, cache_dir: Path) -> str:
    """A manifest's text as the source view shows it: redacted once per file content and kept beside the figures
    (redaction walks every node; a site rebuilt unchanged should not walk them again)."""
    from .uptodate import private_directory

    key = hashlib.sha256(b"source\0" + code_fingerprint().encode() + b"\0" + content).hexdigest()
    kept = cache_dir / f"source-{key}.txt"
    try:
        return kept.read_text(encoding="utf-8")
    except (OSError, ValueError):
        pass  # absent or unreadable: redact again
    text = redact_manifest(content.decode("utf-8-sig", "replace"))
    with contextlib.suppress(OSError):
        private_directory(str(cache_dir))
        temporary = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                       encoding="utf-8") as stream:  # the user's alone, as every cache file
            stream.write(text)
        os.replace(temporary, kept)
    return text


def source_html(files: list[str], layout: SiteLayout, id_prefix: str = "", words: dict[str, str] | None = None
                ) -> str:
    """The figure's manifests, one click away, with every value that could be secret redacted. Each YAML
    document is an element of its own (`manifest_anchor`), so that a box can link to its resource's lines."""
    words = words or WORDS["en"]
    blocks = []
    for file_index, name in enumerate(files):
        text = redacted_source((layout.root / name).read_bytes(), layout.cache_dir)
        documents: list[list[str]] = [[]]
        separators: list[str] = []
        for row in text.split("\n"):
            if _SEPARATOR.match(row):
                separators.append(row)
                documents.append([])
            else:
                documents[-1].append(row)
        pieces = []
        for index, rows in enumerate(documents):
            if index:
                pieces.append(html.escape(separators[index - 1]) + "\n")
            body = "\n".join(rows) + ("\n" if index < len(documents) - 1 else "")
            pieces.append(f'<span class="kubedocs-manifest" id="{manifest_anchor(id_prefix, file_index, index)}">'
                          f"{html.escape(body)}</span>")
        blocks.append(f"<p><code>{html.escape(name)}</code></p>"
                      f'<pre><code class="language-yaml">{"".join(pieces)}</code></pre>')
    summary = f"{words['manifests']} ({words['files'].format(n=len(files))})"
    return (f'<details class="kubedocs-source" data-search-exclude><summary>{html.escape(summary)}'
            f"</summary>{''.join(blocks)}</details>")


def error_box(message: str, where: str, words: dict[str, str] | None = None) -> str:
    words = words or WORDS["en"]
    return (f'<div class="kubedocs-error" role="alert"><p><strong>{html.escape(words["declaration_error"])}'
            f"</strong></p><ul><li><code>{html.escape(where)}</code>: {html.escape(message)}</li></ul></div>")


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
    inputs are loaded and derived at most once for all of them (not once per namespace), as the figure is."""
    from .pipeline import Analysis, analyse_request, render
    from .render import RenderError, graphviz_version

    spec = figure.spec
    if spec.split != "namespace" or figure.svg is None:
        return []
    files = figure.files  # the drawn figure's own inputs, walked once
    request = site_request(spec, layout)
    version = graphviz_version()
    analysed: list[Analysis] = []  # filled on the first figure the cache does not hold

    def analysis() -> Analysis:
        if not analysed:
            analysed.append(analyse_request(request))
        return analysed[0]

    key = request_key(request, files, version, purpose="namespaces")
    namespaces = cache.get_names(key)
    if namespaces is None:
        namespaces = split_namespaces(analysis().graph, spec.namespaces)
        cache.put_names(key, namespaces)
    details = []
    for namespace in namespaces:
        caption = f"{spec.caption} — namespace {namespace}" if spec.caption else f"namespace {namespace}"
        detail = replace(spec, namespaces=(namespace,), split="", caption=caption)
        detail_request = replace(request, filters=detail.filters())
        detail_key = request_key(detail_request, files, version)
        cached = cache.get(detail_key)
        if cached is not None:
            details.append((namespace, _checked(RenderedFigure(detail, cached.svg, list(cached.diagnostics), files,
                                                               cached=True))))
            continue
        try:
            drawn = render(detail_request, analysis())
        except RenderError as exc:
            details.append((namespace, RenderedFigure(detail, None, [Diagnostic(Source(files[0]), Severity.ERROR,
                                                                                str(exc))], files)))
            continue
        svg = drawn.output.decode("utf-8")
        cache.put(detail_key, CachedFigure(svg, tuple(drawn.diagnostics)))
        details.append((namespace, _checked(RenderedFigure(detail, svg, drawn.diagnostics, files))))
    return details


def split_namespaces(graph: Graph, wanted: Sequence[str]) -> list[str]:
    """The namespaces a `split: namespace` figure draws one figure each for: those of the graph's nodes (of
    `wanted` alone when the declaration names some), sorted. Loading and deriving the inputs is what costs."""
    return sorted({ref.namespace for ref in graph.nodes if ref.namespace is not None
                   and (not wanted or ref.namespace in wanted)})


def split_html(details: list[tuple[str, RenderedFigure]], id_prefix: str, layout: SiteLayout,
               words: dict[str, str]) -> str:
    """Below a split figure: links to each namespace's figure, and each figure in a block of its own that opens."""
    if not details:
        return ""
    anchors = [f"{id_prefix}ns-{index}" for index in range(len(details))]
    links = " · ".join(f'<a href="#{anchor}">{html.escape(namespace)}</a>'
                       for anchor, (namespace, _figure) in zip(anchors, details, strict=True))
    blocks = [f'<p class="kubedocs-split-index">{html.escape(words["per_namespace"])}: {links}</p>']
    for index, (anchor, (namespace, figure)) in enumerate(zip(anchors, details, strict=True)):
        inner = figure_html(figure, f"{id_prefix}d{index}-", layout, show_source=False, words=words)
        summary = html.escape(words["namespace_figure"].format(name=namespace))
        blocks.append(f'<details class="kubedocs-split" id="{anchor}"><summary>{summary}</summary>{inner}</details>')
    return "\n".join(blocks)
