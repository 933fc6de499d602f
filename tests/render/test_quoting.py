"""Wrapping names and labels: only at separators, never inside a word, no orphan fragments."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen.render.quoting import PATH_SEPARATORS, dot_id, escape_markup, html_text, wrap_words


@pytest.mark.parametrize(("text", "lines"), [
    ("web", ["web"]),
    ("ingress-nginx-controller-admission", ["ingress-nginx-", "controller-admission"]),
    ("recommendationservice-1", ["recommendationservice-1"]),  # "-1" would be an orphan: it stays
    ("supercalifragilisticexpialidocious", ["supercalifragilisticexpialidocious"]),  # too long, but whole
])
def test_names_wrap_at_separators_only(text: str, lines: list[str]) -> None:
    assert wrap_words(text, 22) == lines
    assert "".join(lines) == text  # nothing lost or added


@pytest.mark.parametrize(("text", "lines"), [
    ("shop.example.com/api :8080", ["shop.example.com/", "api :8080"]),  # never inside the host name
    ("/etc/nginx/conf.d (ro)", ["/etc/nginx/", "conf.d (ro)"]),  # never inside a file name
    ("shop.example.com/ :80", ["shop.example.com/ :80"]),  # the orphan ":80" joins back with its space
    ("80→http(8080)/TCP", ["80→http(8080)/TCP"]),
])
def test_edge_labels_wrap_at_slashes_and_spaces(text: str, lines: list[str]) -> None:
    assert wrap_words(text, 16, PATH_SEPARATORS) == lines


def test_quoting_keeps_ids_whole_and_labels_well_formed() -> None:
    assert dot_id('Role/kube-system/system:controller:"x"') == '"Role/kube-system/system:controller:\\"x\\""'
    assert html_text("a<b>&\x07") == "a&lt;b&gt;&amp;"


@given(st.text())
def test_escape_markup_is_html_escape(text: str) -> None:
    assert escape_markup(text) == html.escape(text, quote=True)
