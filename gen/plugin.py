"""The MkDocs plugin `kubedocs`: each ```kubedocs block in a page becomes an inline SVG figure built at build time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .cache import FigureCache
from .figures import Placeholders, SpecError, find_blocks, parse_spec, timeout_option
from .model import Severity
from .site import SiteLayout, error_box, figure_html, figure_id_prefix, full_size_name, log, render_site_figure


class KubedocsConfig(base.Config):  # type: ignore[no-untyped-call]
    manifests = c.Type(str, default="manifests")  # figures name paths under this directory
    cache_dir = c.Type(str, default=".cache/kubedocs")
    show_source = c.Type(bool, default=True)  # a collapsible, redacted copy of each figure's manifests
    dot_timeout = c.Type((int, float), default=120)  # seconds dot may take per figure


class KubedocsPlugin(BasePlugin[KubedocsConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.layout: SiteLayout | None = None
        self.cache: FigureCache | None = None
        self.figures: dict[str, list[str]] = {}  # page → HTML of each figure, in order
        self.full_size: dict[str, str] = {}  # site path → standalone SVG, for "view full size"
        self.placeholders = Placeholders()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.layout = SiteLayout(root, Path(config.docs_dir), root / self.config.manifests,
                                 root / self.config.cache_dir, timeout_option(self.config.dot_timeout))
        self.cache = FigureCache(self.layout.cache_dir)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.figures.clear()  # `mkdocs serve` rebuilds with the same plugin: start each build afresh
        self.full_size.clear()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.layout is not None and self.layout.manifests_dir.is_dir():
            server.watch(str(self.layout.manifests_dir))  # editing a manifest rebuilds and reloads the page
        return server

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.layout is not None and self.cache is not None
        name = page.file.src_uri
        blocks = list(find_blocks(markdown))
        self.figures[name] = [self._figure(page, block.line, block.body, i) for i, block in enumerate(blocks)]
        lines = markdown.split("\n")
        for index, block in reversed(list(enumerate(blocks))):  # from the end, so earlier indexes stay valid
            lines[block.start:block.end + 1] = ["", f"{block.indent}{self.placeholders.marker(index)}", ""]
        return "\n".join(lines)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        figures = self.figures.pop(page.file.src_uri, [])
        return self.placeholders.replace(html, figures) if figures else html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for name, svg in self.full_size.items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(svg, encoding="utf-8")

    def _figure(self, page: Page, line: int, body: str, index: int) -> str:
        assert self.layout is not None and self.cache is not None
        where = f"{page.file.src_uri}:{line}"
        try:
            spec = parse_spec(body)
        except SpecError as exc:
            log.warning(f"{where}: kubedocs figure: {exc}")
            return error_box(str(exc), where)
        figure = render_site_figure(spec, self.layout, self.cache)
        for diagnostic in figure.diagnostics:
            # Errors and findings are warnings, so `mkdocs build --strict` fails; notes are informational.
            level = log.info if diagnostic.severity is Severity.NOTE else log.warning
            level(f"{where}: figure '{spec.caption or spec.manifests[0]}': {diagnostic}")
        href = None
        if figure.svg is not None:
            name = full_size_name(figure.svg)
            self.full_size[name] = figure.svg
            href = get_relative_url(name, page.url)
        return figure_html(figure, figure_id_prefix(page.file.src_uri, index), self.layout, self.config.show_source,
                           href)
