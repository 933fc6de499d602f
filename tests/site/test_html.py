"""The HTML the site wraps a figure in: its legend, built from the diagram that was drawn (never from the SVG)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from gen.diagram import Box, Diagram, Link
from gen.site.cache import drawn_of
from gen.site.html import legend_html
from gen.site.words import words_for

pytestmark = pytest.mark.exe


def _legend(diagram: Diagram, language: str = "en") -> list[str]:
    soup = BeautifulSoup(legend_html(drawn_of(diagram), words_for(language)), "html.parser")
    return [item.get_text(strip=True) for item in soup.select("li")]


def test_the_legend_names_each_kind_of_link_once_as_written() -> None:
    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b"), Box("c", "c", state="missing")],
                      links=[Link("a", "b", category="not-yet-worded", line="dashed"),
                             Link("b", "a", category="not-yet-worded", line="dashed"),
                             Link("a", "c", category="owns", missing=True)])
    items = _legend(diagram)
    # a kind without a word of its own is named as a link, once: its internal name is never shown
    assert items.count("Links") == 1 and not any("not-yet-worded" in item for item in items)
    assert _legend(diagram, "ko").count("연결") == 1
    assert not any("&" in item for item in items)
    assert len(items) == 2  # and the missing link


def test_the_legend_words_a_known_kind_of_link() -> None:
    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b")], links=[Link("a", "b", category="end-of-run")])
    assert _legend(diagram) == ["end of run"]


def test_a_figure_without_links_has_no_legend() -> None:
    assert _legend(Diagram(boxes=[Box("a", "a")])) == []


def test_the_source_view_is_redacted_once_per_file_content(tmp_path, monkeypatch) -> None:
    import gen.site.html

    manifest = b"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n"
    first = gen.site.html.redacted_source(manifest, tmp_path)
    assert "hunter2" not in first and "kind: Secret" in first
    kept = list(tmp_path.glob("source-*.txt"))
    assert len(kept) == 1 and "hunter2" not in kept[0].read_text()

    def must_not_run(text: str) -> str:
        raise AssertionError("redacted again")

    monkeypatch.setattr(gen.site.html, "redact_manifest", must_not_run)
    assert gen.site.html.redacted_source(manifest, tmp_path) == first  # the same bytes: read from the cache
    with pytest.raises(AssertionError, match="redacted again"):
        gen.site.html.redacted_source(manifest + b"# changed\n", tmp_path)


def test_the_legend_has_one_entry_per_look_naming_every_kind_drawn_so() -> None:
    """Keyed by the first sample of each class, green meant both 시작 and 재시작; now each look says all it means,
    and a kind drawn two ways has two entries."""
    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b"), Box("c", "c")],
                      links=[Link("a", "b", category="start", colour="green"),
                             Link("b", "c", category="restart", colour="green"),
                             Link("a", "c", category="restart", colour="green", line="dashed"),
                             Link("c", "a", category="then", colour="grey", line="dotted")])
    assert _legend(diagram, "ko") == ["시작 / 재시작", "재시작", "다음"]
    html = legend_html(drawn_of(diagram), words_for("en"))
    assert html.count("<li>") == 3 and 'stroke-dasharray="5,2"' in html and 'stroke-dasharray="1,5"' in html


def test_korean_words_have_no_english_fragment() -> None:
    """The Korean legend and text alternative say each kind of link in Korean alone: no `(mount)`, `(declared)`
    beside it, no word left in English where Korean has one; the end state is 끝 everywhere (the figures say 끝)."""
    import re

    from gen.relations import LANGUAGES, link_words
    from gen.site.words import WORDS

    assert "ko" in LANGUAGES
    # The site's own words; the views' words (`view.key`) keep Kubernetes' terms as the report writes them.
    korean = {key: word for key, word in {**WORDS["ko"], **link_words("ko")}.items() if "." not in key}
    fragments = {key: word for key, word in korean.items() if re.search(r"\([A-Za-z][A-Za-z -]*\)", word)}
    assert not fragments
    # every word has Hangul in it, beside a name kept as Kubernetes spells it (liveness, readiness, CRI)
    assert not {key: word for key, word in korean.items() if not re.search(r"[\uac00-\ud7a3]", word)}
    assert korean["end"] == "끝" and korean["end-of-run"] == "실행 끝"


def test_the_text_alternative_names_no_internal_kind() -> None:
    from gen.site.html import text_alternative_html

    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b")],
                      links=[Link("a", "b", category="then"), Link("b", "a", category="layout-only")])
    text = BeautifulSoup(text_alternative_html(drawn_of(diagram), "t", words_for("ko")), "html.parser").get_text()
    assert "다음" in text and "then" not in text and "layout-only" not in text


def test_the_legend_spells_out_each_kind_badge_drawn() -> None:
    """Badges are kubectl's short names (po, svc, smon): the legend says what each drawn one stands for, once, in
    drawing order; a badge that is the kind's own name (secret) or no kind's (container) needs no line."""
    diagram = Diagram(boxes=[Box("a", "web-1", badge="po"), Box("b", "web", badge="svc"),
                             Box("c", "web-2", badge="po"), Box("d", "tls", badge="secret"),
                             Box("e", "nginx", badge="container"), Box("f", "m", badge="smon")],
                      links=[Link("b", "a", category="traffic")])
    soup = BeautifulSoup(legend_html(drawn_of(diagram), words_for("ko")), "html.parser")
    spelled = soup.select_one(".kubedocs-legend-badges")
    assert spelled is not None
    assert spelled.get_text() == "약어: po = Pod · svc = Service · smon = ServiceMonitor"
    alone = BeautifulSoup(legend_html(drawn_of(Diagram(boxes=[Box("a", "x", badge="ds")])), words_for("en")),
                          "html.parser")
    assert alone.get_text() == "LegendShort names: ds = DaemonSet"  # a figure without links still explains them


def test_a_declared_figures_legend_names_each_look_by_what_its_links_say() -> None:
    """Every link of a declarative diagram is of one kind ("link"): its legend said 연결 for every colour. Each look
    is named by its links' labels instead (figure 2: build, push, pull, 실행)."""
    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b"), Box("c", "c")],
                      links=[Link("a", "b", "push", colour="purple", category="declared"),
                             Link("b", "c", "pull", colour="blue", category="declared"),
                             Link("a", "c", "pull", colour="blue", category="declared"),
                             Link("c", "a", "", colour="grey", category="declared")])
    assert _legend(diagram, "ko") == ["push", "pull", "연결"]
