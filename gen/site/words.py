"""The plugin's words in each language of the site (the relations' words are declared with the relations, in
gen/relations.py)."""

from __future__ import annotations

from ..relations import link_words

# The plugin's own words, in the site's `theme.language` (English when the language is not here); the words of
# the relations are declared with them, in gen/relations.py, in every language here (LANGUAGES).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "full_size": "View full size", "manifests": "Show the manifests", "files": "{n} files",
        "cannot_draw": "The figure could not be drawn", "declaration_error": "Figure declaration error",
        "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit to width", "reset": "Natural size (1:1)",
        "pans": "Wider than the screen: drag or swipe sideways to see the rest.",
        "controls": "Figure zoom", "legend": "Legend", "badges": "Short names", "as_text": "The figure as text",
        "boxes": "Boxes", "links": "Links", "kind": "Kind", "namespace": "Namespace", "name": "Name",
        "source": "Source", "open": "Click to open its manifest",
        **link_words("en"),  # each relation's words (gen/relations.py)
        "missing": "missing target", "backed-by": "backed by",
        "per_namespace": "A figure per namespace", "namespace_figure": "namespace {name}",
        "per_app": "A figure per application", "app_figure": "application {name}",
        # the other kinds of link views draw (their legend and text alternative)
        "declared": "link (declared)", "runs": "runs", "talks": "talks to", "cri": "CRI call",
        "transition": "state transition", "restart": "restart", "init": "init container", "start": "start",
        "hook": "lifecycle hook", "probe": "probe", "end-of-run": "end of run", "signal": "signal", "end": "end",
        "then": "then", "step": "next step", "liveness": "liveness probe", "gate": "readiness gate",
        "grace": "grace period",
        "event": "event", "aggregate": "links of grouped boxes",
        "listens": "listens on", "localhost": "localhost",  # a Pod's interface and its containers (pod view)
    },
    "ko": {
        "full_size": "원본 크기로 보기", "manifests": "매니페스트 보기", "files": "파일 {n}개",
        "cannot_draw": "그림을 그릴 수 없습니다",
        "declaration_error": "그림 선언 오류",
        "zoom_in": "확대", "zoom_out": "축소", "fit": "폭에 맞추기", "reset": "원래 크기 (1:1)",
        "pans": "화면보다 넓은 그림입니다: 옆으로 밀어 나머지를 보세요.",
        "controls": "그림 확대/축소", "legend": "범례", "badges": "약어", "as_text": "그림의 텍스트 설명",
        "boxes": "요소", "links": "연결", "kind": "종류", "namespace": "네임스페이스", "name": "이름",
        "source": "원본", "open": "클릭하면 매니페스트를 엽니다",
        **link_words("ko"),
        "missing": "없는 대상",
        "backed-by": "연결된 볼륨",
        "per_namespace": "네임스페이스별 그림", "namespace_figure": "네임스페이스 {name}",
        "per_app": "애플리케이션별 그림", "app_figure": "애플리케이션 {name}",
        "declared": "연결", "runs": "실행", "talks": "통신", "cri": "CRI 호출",
        "transition": "상태 전이", "restart": "재시작", "init": "초기화 컨테이너",
        "start": "시작", "hook": "훅", "probe": "프로브", "end-of-run": "실행 끝",
        "signal": "시그널", "end": "끝", "then": "다음", "step": "다음 단계", "liveness": "liveness 프로브",
        "gate": "readiness 게이트", "grace": "유예 기간", "event": "이벤트",
        "aggregate": "묶인 상자 사이의 연결",
        "listens": "port로 받음", "localhost": "localhost로 통신",
    },
}
# Words the script in the page needs (the tooltip's field names, the line saying a figure pans).
SCRIPT_WORDS = ("kind", "namespace", "name", "source", "open", "pans")


def words_for(language: str | None) -> dict[str, str]:
    """The plugin's words for a site language such as `ko`, `en` or `pt-BR`; English when there are none."""
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return WORDS.get(base, WORDS["en"])
