"""The figure-block parser (gen/site/blocks.py): which fenced blocks of a page are figures, where they are, and what a
block's body may say."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gen.site.blocks import KEYS, FigureBlock, FigureSpec, SpecError, find_blocks, parse_spec
from gen.site.config import SiteLayout
from gen.site.figures import site_request
from gen.views import VIEWS


def _blocks(markdown: str) -> list[FigureBlock]:
    return list(find_blocks(textwrap.dedent(markdown)))


def _bodies(markdown: str) -> list[str]:
    return [block.body for block in _blocks(markdown)]


# --- find_blocks: which fences are figures -----------------------------------------------------------------------


def test_a_block_and_its_position() -> None:
    markdown = "# Title\n\nSome text.\n```kubedocs\nmanifests: [app/]\nview: network\n```\nMore text.\n"
    (block,) = find_blocks(markdown)
    assert block == FigureBlock(start=3, end=6, line=4, indent="", body="manifests: [app/]\nview: network")
    assert markdown.split("\n")[block.line - 1] == "```kubedocs"  # `line` is 1-based: the page's own numbering


def test_line_numbers_of_several_blocks() -> None:
    markdown = textwrap.dedent("""\
        # Page

        ```kubedocs
        manifests: [a/]
        ```

        ```python
        print("not a figure")
        ```

        ~~~kubedocs
        manifests: [b/]
        ~~~
        """)
    blocks = list(find_blocks(markdown))
    assert [(b.line, b.start, b.end) for b in blocks] == [(3, 2, 4), (11, 10, 12)]
    assert [b.body for b in blocks] == ["manifests: [a/]", "manifests: [b/]"]


def test_a_kubedocs_block_inside_a_longer_fence_is_an_example_not_a_figure() -> None:
    markdown = """\
        ````markdown
        ```kubedocs
        manifests: [example/]
        ```
        ````
        ```kubedocs
        manifests: [real/]
        ```
        """
    blocks = _blocks(markdown)
    assert [b.body for b in blocks] == ["manifests: [real/]"]
    assert blocks[0].line == 6


def test_a_kubedocs_block_inside_a_tilde_fence_is_an_example() -> None:
    assert _blocks("""\
        ~~~text
        ```kubedocs
        manifests: [example/]
        ```
        ~~~
        """) == []


def test_a_longer_fence_closes_only_with_as_long_a_fence() -> None:
    body = _bodies("""\
        ````kubedocs
        manifests: [a/]
        ```
        caption: still inside
        `````
        after
        """)
    assert body == ["manifests: [a/]\n```\ncaption: still inside"]


def test_a_tilde_fence_is_not_closed_by_backticks_nor_a_backtick_fence_by_tildes() -> None:
    assert _bodies("~~~kubedocs\nmanifests: [a/]\n```\n~~~\n") == ["manifests: [a/]\n```"]
    assert _bodies("```kubedocs\nmanifests: [a/]\n~~~\n```\n") == ["manifests: [a/]\n~~~"]


def test_a_fence_line_with_text_after_it_does_not_close() -> None:
    assert _bodies("```kubedocs\nmanifests: [a/]\n``` not a closing fence\n```\n") == [
        "manifests: [a/]\n``` not a closing fence"]


def test_an_unclosed_fence_is_no_figure() -> None:
    assert _blocks("Text.\n```kubedocs\nmanifests: [a/]\ncaption: never closed\n") == []


def test_a_closed_other_fence_before_a_figure_is_skipped_whole() -> None:
    # The ```kubedocs line inside the python block is code; the python block ends at the first bare ```.
    blocks = _blocks("""\
        ```python
        x = 1
        ```kubedocs
        manifests: [inside-code/]
        ```
        ```kubedocs
        manifests: [figure/]
        ```
        """)
    assert [(b.line, b.body) for b in blocks] == [(6, "manifests: [figure/]")]


def test_only_the_kubedocs_info_string_makes_a_figure() -> None:
    blocks = _blocks("""\
        ```kubedocs title="x"
        manifests: [a/]
        ```
        ```kubedocs-example
        manifests: [b/]
        ```
        ```yaml
        manifests: [c/]
        ```
        ```  kubedocs
        manifests: [d/]
        ```
        """)
    assert [b.body for b in blocks] == ["manifests: [a/]", "manifests: [d/]"]


def test_an_indented_block_loses_its_indent() -> None:
    markdown = "1. A step:\n\n    ```kubedocs\n    manifests: [a/]\n    caption: x\n    ```\n"
    (block,) = find_blocks(markdown)
    assert (block.line, block.indent, block.body) == (3, "    ", "manifests: [a/]\ncaption: x")
    assert parse_spec(block.body) == FigureSpec(("a/",), caption="x")


def test_an_empty_block_is_found_with_an_empty_body() -> None:
    (block,) = find_blocks("```kubedocs\n```\n")
    assert block.body == "" and (block.start, block.end, block.line) == (0, 1, 1)


# --- parse_spec: a valid body ----------------------------------------------------------------------------------


def test_a_full_declaration() -> None:
    spec = parse_spec(textwrap.dedent("""\
        manifests: [sample-app/, volumes/pod.yaml]
        view: storage
        caption: 샘플 애플리케이션
        only_namespace: shop
        kinds: [Deployment, Service]
        names: web
        namespace: team-a
        """))
    assert spec == FigureSpec(("sample-app/", "volumes/pod.yaml"), "storage", "샘플 애플리케이션", ("shop",),
                              ("Deployment", "Service"), ("web",), namespace="team-a")
    assert _options(spec) == "storage|svg|team-a|shop|Deployment,Service|web|||en|"


def test_namespace_is_the_default_namespace_as_on_the_command_line() -> None:
    """`namespace:` names the namespace of objects that name none (`gen -n`); its old meaning, a filter, is
    `only_namespace:`, and a list under `namespace:` is refused naming it."""
    assert parse_spec("manifests: a/\nnamespace: otel").namespace == "otel"
    assert parse_spec("manifests: a/\nnamespace: otel").namespaces == ()
    assert _options(parse_spec("manifests: a/\nnamespace: otel")).split("|")[2] == "otel"
    assert _options(parse_spec("manifests: a/")).split("|")[2] == "default"
    with pytest.raises(SpecError) as caught:
        parse_spec("manifests: a/\nnamespace: [shop, web]")
    assert "use `only_namespace:`" in str(caught.value) and caught.value.line == 2
    with pytest.raises(SpecError, match="must be a namespace's name"):
        parse_spec("manifests: a/\nnamespace: Not_A_Name")


def test_layout_top_to_bottom_lays_the_figure_out_top_to_bottom() -> None:
    spec = parse_spec("manifests: app/\nlayout: top-to-bottom")
    assert spec.direction == "TB"
    assert _options(spec) != _options(parse_spec("manifests: app/"))  # another drawing, another key
    with pytest.raises(SpecError) as caught:
        parse_spec("manifests: app/\nlayout: sideways")
    assert "unknown layout; allowed: top-to-bottom" in str(caught.value) and caught.value.line == 2


def test_defaults() -> None:
    assert parse_spec("manifests: app/") == FigureSpec(("app/",), "topology", "", (), (), ())


def _options(spec: FigureSpec, language: str = "en") -> str:
    """The options part of the figure's one cache key, as the site makes its request."""
    layout = SiteLayout(Path("/site"), Path("/site/docs"), Path("/site/manifests"), Path("/site/.cache"),
                        language=language)
    return site_request(spec, layout).options_key()


def test_the_caption_does_not_change_the_options_key() -> None:
    assert (_options(parse_spec("manifests: a/\ncaption: one"))
            == _options(parse_spec("manifests: a/\ncaption: two")))
    assert _options(parse_spec("manifests: a/\nnames: [x]")) != _options(parse_spec("manifests: a/\nkinds: [x]"))


def test_the_site_language_is_part_of_the_options_key() -> None:
    # The same figure in a Korean and an English site is drawn in other words: it is not the same cache entry.
    spec = parse_spec("manifests: a/\nview: lifecycle")
    assert _options(spec, "ko") != _options(spec, "en")
    assert _options(spec, "ko").endswith("|ko|")


def test_a_number_is_read_as_the_path_it_spells() -> None:
    # YAML reads an unquoted directory name such as 2024 as a number; it still names that directory.
    assert parse_spec("manifests: 2024").manifests == ("2024",)
    assert parse_spec("manifests: [2024, app/]\nonly_namespace: 7").namespaces == ("7",)


# --- parse_spec: paths must stay under manifests/ --------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "../../etc/passwd",
    "..",
    "../sibling/",
    "app/../../outside.yaml",
    "app/..",
    "./../x",
    "app//../../x",
    "/etc/passwd",
    "/",
])
def test_a_path_leaving_manifests_is_refused(path: str) -> None:
    for body in (f"manifests: [{path!r}]", f"manifests: {path!r}", f"manifests: [ok/, {path!r}]"):
        with pytest.raises(SpecError) as caught:
            parse_spec(body)
        assert str(caught.value).endswith(": a manifest path must stay under manifests/ (no leading / and no ..)")
        assert path not in str(caught.value) or path in ("/", "..")  # the path itself is never quoted


@pytest.mark.parametrize("path", ["a..b/", "app/..hidden.yaml", "./app", "app/sub/", "...", "v1.2/x..y.yaml"])
def test_dots_that_are_not_a_parent_directory_are_allowed(path: str) -> None:
    assert parse_spec(f"manifests: [{path!r}]").manifests == (path,)


# --- parse_spec: unknown keys, wrong types, empty or broken bodies ---------------------------------------------


def test_an_unknown_key_is_named_at_its_line() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("manifests: [a/]\nveiw: network\n")
    assert str(caught.value) == f"the block: unknown key 'veiw'; allowed: {', '.join(KEYS)}"
    assert caught.value.line == 2


def test_every_unknown_key_is_named_in_order() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("title: x\nmanifests: [a/]\nfilter: y\n1: z\n")
    assert [(p.line, p.message.split(";")[0]) for p in caught.value.problems] == [
        (1, "unknown key 'title'"), (3, "unknown key 'filter'"), (4, "unknown key '1'")]


def test_an_unknown_key_is_reported_before_a_missing_manifests() -> None:
    with pytest.raises(SpecError, match=r"^the block: unknown key 'manifest';") as caught:
        parse_spec("manifest: [a/]")  # the typo is the useful message
    assert "`manifests` is required" in caught.value.problems[1].message


def test_every_problem_of_a_block_is_reported_at_its_line() -> None:
    """Three problems, three errors, each at its line and column (the reader used to stop at the first)."""
    with pytest.raises(SpecError) as caught:
        parse_spec("manifests: [a/, '../up']\nview: sideways\ncaption: [a, b]\n")
    assert [(p.line, p.column, str(p)) for p in caught.value.problems] == [
        (1, 17, "manifests[1]: a manifest path must stay under manifests/ (no leading / and no ..)"),
        (2, 7, f"view: unknown view; allowed: {', '.join(sorted(VIEWS))}"),
        (3, 10, "caption: must be text, not a list")]
    block = FigureBlock(start=4, end=9, line=5, indent="  ", body="")
    assert caught.value.on_page(block)[1] == (7, 9, f"view: unknown view; allowed: {', '.join(sorted(VIEWS))}")


@pytest.mark.parametrize(("body", "key"), [
    ("manifests: {app: yes}", "manifests"),
    ("manifests: [[a/]]", "manifests"),
    ("manifests: [a/, null]", "manifests"),
    ("manifests: 1.5", "manifests"),
    ("manifests: [a/]\nnames: {web: api}", "names"),
    ("manifests: [a/]\nnames: [[web]]", "names"),
    ("manifests: [a/]\nkinds: {Deployment: 1}", "kinds"),
    ("manifests: [a/]\nonly_namespace: [shop, {x: y}]", "only_namespace"),
])
def test_a_wrong_type_names_its_key(body: str, key: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(body)
    assert [p.where.split("[")[0] for p in caught.value.problems] == [key]
    assert "must be a string" in str(caught.value)


@pytest.mark.parametrize("value", ["[network]", "{name: network}", "5", "sideways", "Network"])
def test_a_view_that_is_not_a_view_name_is_refused(value: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(f"manifests: [a/]\nview: {value}")
    assert str(caught.value) == f"view: unknown view; allowed: {', '.join(sorted(VIEWS))}"  # never the value
    assert caught.value.line == 2


@pytest.mark.parametrize("body", ["", "   \n\n", "# only a comment\n", "---\n", "null", "- a/\n- b/", "just text",
                                  "42"])
def test_an_empty_or_non_mapping_body_is_refused(body: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(body)
    assert str(caught.value) == "the block must be a YAML mapping with at least `manifests:`"


@pytest.mark.parametrize("body", ["view: network", "manifests:", "manifests: []", "manifests: null\ncaption: x"])
def test_manifests_is_required(body: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(body)
    assert str(caught.value).endswith("`manifests` is required: paths under manifests/ (a string or a list)")


def test_invalid_yaml_says_where_in_the_block() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("manifests: [a/]\ncaption: x\nview: [network\n")
    assert str(caught.value).startswith("the block is not valid YAML: ") and caught.value.line == 4
    with pytest.raises(SpecError, match=r"^the block is not valid YAML: ") as caught:
        parse_spec("manifests: [a/]\n  view: network: x\n")
    assert caught.value.line == 2


# --- bugs these tests found, now fixed ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["manifests: ''", "manifests: ['']", "manifests: [a/, '']"])
def test_a_blank_manifest_path_is_refused(body: str) -> None:
    with pytest.raises(SpecError):
        parse_spec(body)


@pytest.mark.parametrize(("body", "field"), [
    ("manifests: [a/]\nnames: [yes]", "names"),
    ("manifests: [a/]\nonly_namespace: on", "namespaces"),
    ("manifests: [a/]\nkinds: [true]", "kinds"),
    ("manifests: yes", "manifests"),
])
def test_a_yaml_boolean_is_not_turned_into_python_text(body: str, field: str) -> None:
    try:
        spec = parse_spec(body)
    except SpecError:
        return  # refusing it is fine
    assert not {"True", "False"} & set(getattr(spec, field))


@pytest.mark.parametrize("caption", ["[first, second]", "{a: b}"])
def test_a_caption_that_is_not_text_is_refused(caption: str) -> None:
    with pytest.raises(SpecError, match="caption"):
        parse_spec(f"manifests: [a/]\ncaption: {caption}")


@pytest.mark.parametrize(("value", "named"), [("!!float kdS3cret", "!!float"), ("!!int kdS3cret", "!!int"),
                                              ("!kdS3cret x", "an unknown tag")])
def test_a_value_yaml_cannot_construct_is_an_error_at_its_line_never_quoted(value: str, named: str) -> None:
    with pytest.raises(SpecError, match=r"^the block is not valid YAML: ") as caught:
        parse_spec(f"manifests: [a/]\ncaption: {value}\n")
    assert caught.value.line == 2 and named in str(caught.value) and "kdS3cret" not in str(caught.value)
