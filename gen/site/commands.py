"""The shell side of a site's figures: `gen` (render every figure the pages declare), `gen watch`, and the inputs of
`gen check` without paths. Printing and exit codes live here; gen/site/figures.py does the work."""

from __future__ import annotations

import glob
import io
import sys
import time
from pathlib import Path

from ..model import Diagnostic, Severity, Source, printable
from ..records import record, replace
from ..request import FigureRequest, request_files
from ..uptodate import forget_record, write_record
from .blocks import FigureBlock
from .cache import FigureCache
from .config import ConfigError, SiteLayout, read_layout
from .figures import figure_dependencies, site_figures, site_pages, site_request

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@record
class PageInputs:
    layout: SiteLayout
    # One request per distinct input set and default namespace the pages' figures declare: what the site draws,
    # each checked on its own (two unrelated apps on two pages are two clusters, not one with duplicate names).
    requests: list[FigureRequest]
    problems: list[Diagnostic]  # figure declarations that are wrong or name nothing, at their page and line


def page_inputs(layout: SiteLayout) -> PageInputs:
    """What `gen check` without paths checks: the pages' figure declarations, and each figure's inputs as the page
    declares them, with its default namespace (views and filters change what is drawn, not what is wrong)."""
    from ..views.base import Filters  # gen.views imports every view: only here, not for `gen` itself
    from .blocks import SpecError, find_blocks, parse_spec

    requests: dict[tuple[tuple[str, ...], str], FigureRequest] = {}
    problems: list[Diagnostic] = []
    docs = layout.docs_dir.relative_to(layout.root) if layout.docs_dir.is_relative_to(layout.root) else None
    for page, path in site_pages(layout):
        shown = (docs / page).as_posix() if docs is not None else page
        for block in find_blocks(path.read_text(encoding="utf-8")):
            try:
                spec = parse_spec(block.body)
            except SpecError as exc:  # every problem of the declaration, each at its line and column
                problems.extend(Diagnostic(Source(shown, line, column), Severity.ERROR, f"kubedocs figure: {message}",
                                           "figure-declaration") for line, column, message in exc.on_page(block))
                continue
            request = site_request(spec, layout)
            _, missing = request_files(request)
            problems.extend(Diagnostic(Source(shown, _line_naming(block, spec.manifests, m.source.path)),
                                       Severity.ERROR, f"kubedocs figure: {m.source.path}: {m.message}",
                                       "figure-declaration") for m in missing)
            # The declared paths, as the figure reads them (a kustomization directory whole, not its patches).
            present = tuple(sorted({path for path in request.inputs if Path(path).exists() or glob.glob(path)}))
            if present:
                requests.setdefault((present, request.namespace),
                                    replace(request, inputs=present, view="topology", filters=Filters()))
    return PageInputs(layout, [requests[key] for key in sorted(requests)], problems)


def _line_naming(block: FigureBlock, declared: tuple[str, ...], path: str) -> int:
    """The page's line of the block that names `path` (one of its declared manifests, as the site names it); the
    fence's line when no line of the block says it (a glob's match, a file a directory holds)."""
    named = [entry for entry in declared if path.endswith(entry.rstrip("/")) or entry.rstrip("/") in path]
    for index, line in enumerate(block.body.split("\n"), start=1):
        if any(entry in line for entry in named):
            return block.line + index
    return block.line


def build_figures(config: str) -> int:
    """`gen` with no arguments: render every figure the pages declare and say what changed. A build in which
    every figure was drawn leaves a record that lets the next `gen` with nothing changed stop at once
    (gen/uptodate.py)."""
    forget_record(config)
    try:
        layout = read_layout(config)
    except ConfigError as exc:
        print(f"gen: error: {exc}; give manifests with `gen render PATHS`", file=sys.stderr)
        return EXIT_USAGE
    docs = layout.docs_dir.relative_to(layout.root) if layout.docs_dir.is_relative_to(layout.root) else None
    counts = {"rendered": 0, "unchanged": 0, "failed": 0}
    cache = FigureCache(layout.cache_dir)
    messages: list[str] = []  # what an unchanged build prints again besides its summary
    inputs: set[str] = {str(path) for path in layout.rule_files}
    for result in site_figures(layout, cache):
        where = f"{(docs / result.page).as_posix() if docs is not None else result.page}:{result.message_line}"
        if result.error is not None:  # every problem of the declaration, each at its line and column
            page = where.rsplit(":", 1)[0]
            for line, column, message in result.error.on_page(result.block):
                print(f"{page}:{line}{f':{column}' if column else ''}: error: {message}", file=sys.stderr)
            counts["failed"] += 1
            continue
        if result.figure is None:
            print(f"{where}: error: {result.error}", file=sys.stderr)
            counts["failed"] += 1
            continue
        figure, spec = result.figure, result.figure.spec
        inputs.update(str(layout.root / name) for name in figure.files)
        inputs.update(str(path) for path in figure_dependencies(spec, layout))  # a base, a chart's .tpl, an .env
        state = "failed" if figure.svg is None else "unchanged" if figure.cached else "rendered"
        counts[state] += 1
        if state != "unchanged":
            print(f"{where}: {state}: {spec.caption or ', '.join(spec.manifests)} ({spec.view})")
        for diagnostic in figure.diagnostics:
            if diagnostic.severity is not Severity.NOTE:
                messages.append(f"  {printable(str(diagnostic))}")  # no ESC of an input's name reaches a terminal
                print(messages[-1], file=sys.stderr)
    print(f"gen: {counts['rendered']} rendered, {counts['unchanged']} unchanged, {counts['failed']} failed")
    if counts["failed"]:
        return EXIT_FAILED
    if not cache.unwritten:
        write_record(config, str(layout.docs_dir), str(layout.manifests_dir), inputs,
                     (str(path) for path in cache.used), counts["rendered"] + counts["unchanged"], messages,
                     [str(path) for path in layout.walk_excluded])
    return EXIT_OK


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
    try:
        layout = read_layout(config)
    except ConfigError:
        return build_figures(config)  # says what is wrong
    before = _snapshot(layout)  # taken first: a change made during the first build is not missed
    build_figures(config)
    print(f"gen watch: watching {layout.manifests_dir} and {layout.docs_dir}; Ctrl-C stops", file=sys.stderr)
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(layout)
            if now != before:
                before = now
                build_figures(config)
    except KeyboardInterrupt:  # how a watch is meant to end: not a failure
        print("gen watch: stopped", file=sys.stderr)
        return 0
