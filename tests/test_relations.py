"""The one registry of relations (gen/relations.py): every relation says itself in every language of the site,
and the links of every view that draws relations carry the class its words are found under."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup

from gen.diagram import Box, Diagram
from gen.graph import Graph, GraphEdge
from gen.model import Ref
from gen.relations import LANGUAGES, RELATIONS, RELATIONS_BY_NAME, Relation, link_words
from gen.site.cache import drawn_of
from gen.site.html import WORDS, legend_html
from gen.site.words import words_for
from gen.views import build_view
from gen.views.aggregate import aggregate_link
from gen.views.selection import LINK_CATEGORY


def test_the_site_speaks_the_languages_relations_are_worded_in() -> None:
    assert set(WORDS) == set(LANGUAGES)


@pytest.mark.parametrize("relation", RELATIONS, ids=str)
def test_every_relation_has_words_in_every_language(relation: Relation) -> None:
    assert set(relation.words) == set(LANGUAGES)
    assert all(words.strip() for words in relation.words.values())
    for language in LANGUAGES:
        assert words_for(language)[relation.category] == relation.words[language]


def test_relations_drawn_under_one_class_are_worded_and_drawn_alike() -> None:
    by_class: dict[str, Relation] = {}
    for relation in RELATIONS:
        first = by_class.setdefault(relation.category, relation)
        assert (relation.words, relation.colour, relation.line) == (first.words, first.colour, first.line), relation
    assert by_class["traffic"] is Relation.ROUTES and Relation.SELECTS.category == "traffic"


def test_relations_are_named_once_and_known_to_rule_files_and_comparisons_by_name() -> None:
    assert len(RELATIONS_BY_NAME) == len(RELATIONS)
    assert {relation.name: relation.category for relation in RELATIONS} == LINK_CATEGORY
    assert set(link_words("en")) == {relation.category for relation in RELATIONS}


@pytest.mark.exe
def test_an_aggregated_figure_words_its_links_in_korean() -> None:
    """Aggregated links carried their relation's raw name (`routes`), which the legend had no words for."""
    ids = {Ref("Service", "shop", "a"): "a", Ref("Pod", "shop", "b"): "b"}
    diagram = Diagram(boxes=[Box("a", "a"), Box("b", "b")],
                      links=[aggregate_link(GraphEdge(*ids, relation), ids) for relation in RELATIONS])
    items = [li.get_text(" / ", strip=True) for li in
             BeautifulSoup(legend_html(drawn_of(diagram), words_for("ko")), "html.parser")("li")]
    words = {word for item in items for word in item.split(" / ")}
    assert words == {relation.words["ko"] for relation in RELATIONS}


def test_a_view_draws_each_relation_under_its_class(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n---\n"
                     "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\n"
                     "spec: {containers: [{name: web, image: nginx}]}\n")
    links = build_view(graph, "topology").links
    assert [link.category for link in links if link.source == "Service/default/web"] == ["traffic"]
