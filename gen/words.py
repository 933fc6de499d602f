"""Every fixed word a figure shows, one table per language: the views' words (a box's title, its details, a link's
label, a tooltip) and the site's (buttons, legend, text alternative, source view). The words of each relation are
declared with it (gen/relations.py), in every language here.

A site draws its figures in its `theme.language` (`gen render --lang`); a language with no table here is drawn in
English. A word with `{fields}` is a template, filled by the view (word order differs between languages); a word of
several lines (a box's details) is written with `\\n` between them. Names taken from the manifests are never
words: they are drawn as written, in any language.

To add a language: one more table in WORDS with every key of English's (a test holds the tables to the same keys
and fields).
"""

from __future__ import annotations

import string

# The language when the site names none, or one with no table here.
FALLBACK = "en"

_ENGLISH: dict[str, str] = {
    # --- the site: the figure's controls, legend, text alternative and source view (gen/site/html.py) ---
    "full_size": "View full size", "manifests": "Show the manifests", "files": "{n} files",
    "cannot_draw": "The figure could not be drawn", "declaration_error": "Figure declaration error",
    "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit to width", "reset": "Natural size (1:1)",
    "pans": "Wider than the screen: drag or swipe sideways to see the rest.",
    "controls": "Figure zoom", "legend": "Legend", "badges": "Short names", "as_text": "The figure as text",
    "boxes": "Boxes", "links": "Links", "kind": "Kind", "namespace": "Namespace", "name": "Name",
    "source": "Source", "open": "Click to open its manifest",
    "missing": "missing target", "backed-by": "backed by",
    "per_namespace": "A figure per namespace", "namespace_figure": "namespace {name}",
    "per_app": "A figure per application", "app_figure": "application {name}",
    # the other kinds of link views draw (their legend and text alternative), by the link's category
    "declared": "link (declared)", "runs": "runs", "talks": "talks to", "cri": "CRI call",
    "transition": "state transition", "restart": "restart", "init": "init container", "start": "start",
    "hook": "lifecycle hook", "probe": "probe", "end-of-run": "end of run", "signal": "signal", "end": "end",
    "kill": "SIGKILL, forced",
    "then": "then", "step": "next step", "liveness": "liveness probe", "gate": "readiness gate",
    "grace": "grace period",
    "event": "event", "aggregate": "links of grouped boxes",
    "listens": "listens on", "localhost": "localhost",  # a Pod's interface and its containers (pod view)
    # the notes under a selection view's figure that says what it aggregated (gen/views/selection.py)
    "note.pods": "{total} boxes are more than {budget}: the Pods of each controller are one box, Pod ×N.",
    "note.apps": "{total} boxes are more than {budget}: one box per application, with its counts. Draw one "
                 "namespace for the details (--only-namespace NS, or split: namespace in a page).",
    "note.namespaces": "{total} boxes are more than {budget}: one box per namespace, with its counts. Draw one "
                       "namespace for the details (--only-namespace NS, or split: namespace in a page).",
    "note.overview": "An overview: one box per application, with its counts; each application's figure is below "
                     "(or draw one with --app NAME).",

    # --- the views: what their boxes, frames, links and tooltips say (gen/views/) ---
    "default": "default",  # a value the manifest leaves to Kubernetes
    # lifecycle (and the Pod frames of the state views)
    "lifecycle.pod": "Pod {name}",
    "lifecycle.template_pod": "Pod of {kind} {name}",
    "lifecycle.no_handler": "(no handler)",
    "lifecycle.probe_mark.startup": "others wait for it", "lifecycle.probe_mark.liveness": "fails: restart",
    "lifecycle.probe_mark.readiness": "fails: not an endpoint",
    "lifecycle.probe_effect.startup": "the other probes wait until it succeeds",
    "lifecycle.probe_effect.liveness": "on failure, the container is restarted",
    "lifecycle.probe_effect.readiness": "on failure, the Pod leaves the Service's endpoints",
    "lifecycle.post_start": "runs async after creation\nRunning once it ends",
    "lifecycle.after_success": "on success",
    "lifecycle.created": "Pod created", "lifecycle.created_tooltip": "Pod created: bound to a node",
    "lifecycle.sidecar_runs": "then runs as long as the Pod",
    "lifecycle.init_succeeds": "must succeed to go on",
    "lifecycle.together": "start together",
    "lifecycle.deletion": "Pod deletion request",
    "lifecycle.deletion_tooltip": "Pod deletion request: kubectl delete, eviction, scale-down",
    "lifecycle.sigterm": "to each container's main process",
    "lifecycle.sigterm_tooltip": "SIGTERM: sent to each container's main process",
    "lifecycle.hooks_done": "when the hooks end",
    "lifecycle.grace": "wait up to {seconds} s", "lifecycle.grace_from": "from the request, preStop included",
    "lifecycle.sigkill": "kills what still runs",
    "lifecycle.sigkill_tooltip": "SIGKILL: kills the processes still running after the grace period",
    "lifecycle.still_running": "if still running",
    "lifecycle.end": "end", "lifecycle.end_tooltip": "end: every container stopped, the Pod deleted",
    # pod
    "pod.init": "init container {step}", "pod.init_runs": "runs until done",
    "pod.native_sidecar": "native sidecar ({step})", "pod.main": "main container", "pod.sidecar": "sidecar",
    "pod.shares": "shares {volumes}", "pod.peer": "container",
    "pod.volume.emptyDir": "lives with the Pod\nsurvives restarts",
    "pod.volume.hostPath": "stays on the node\nshared with other Pods",
    "pod.volume.persistentVolumeClaim": "outlives the Pod",
    "pod.volume.projected": "several sources in one folder",
    "pod.volume.downwardAPI": "the Pod's own facts",
    "pod.volumes_made": "volumes made before containers",
    "pod.template": "pod {name} ({kind}'s template, {replicas}){made}",
    "pod.host_network": "the node's network namespace · hostNetwork: true (the node's IP)",
    "pod.network": "network namespace · one port space",
    "pod.interface": "network interface", "pod.node_interface": "node's network interface",
    "pod.one_address": "one {address}",
    "pod.interface_tooltip": "eth0 ({address}) — the interface pod {name}'s containers share",
    "pod.node_interface_tooltip": "node's eth0 ({address}) — the interface pod {name}'s containers share",
    "pod.then": "then",
    # states (phases, conditions, container-states)
    "states.restart.Always": "restart (any exit code)", "states.restart.OnFailure": "restart (exit code ≠ 0 only)",
    "states.start": "start", "states.end": "end",
    "states.ending.Always": "Always: ended containers restart, Running stays;\ndeleted: Succeeded/Failed by exit codes "
                            "(1.27+)",
    "states.ending.OnFailure": "OnFailure: only failed containers restart;\nSucceeded when all exit with code 0",
    "states.ending.Never": "Never: no restart; Succeeded when all exit 0,\nFailed when any does not",
    "states.other_policies": "other policies:", "states.this_pod": "this Pod",
    "states.pending": "some container is\nnot ready to run yet",
    "states.running": "at least one container\nruns, starts or restarts",
    "states.succeeded": "every container\nended successfully",
    "states.failed": "every container ended,\none or more failed",
    "states.unknown": "its state cannot be read\n(kubelet ↔ API server)",
    "states.created": "created", "states.init_done": "init containers done", "states.scheduled": "node assigned",
    "states.all_zero": "all exit code 0", "states.some_failed": "one or more failed",
    "states.init_failed": "init container failed", "states.deadline": "activeDeadlineSeconds {seconds} s passed",
    "states.lost": "contact lost", "states.back": "contact back",
    "states.moment.created": "just created (no node yet)",
    "states.moment.init_running": "node assigned, {count} init containers running",
    "states.moment.init_done": "init containers succeeded, containers run",
    "states.moment.no_init": "node assigned, containers run (no init container)",
    "states.moment.probe_ok": "readinessProbe succeeded", "states.moment.all_running": "every container runs",
    "states.moment.gate": "a controller sets the readinessGate True",
    "states.moment.probe_failed": "readinessProbe failed ({containers})",
    "states.waiting": "waiting to start\n(pulling the image…)", "states.processes_run": "its processes run",
    "states.terminated": "its processes all ended\n(exit code kept)",
    "states.container_unknown": "no state of the API:\nthe kubelet could not\nreport it",
    "states.container_unknown_tooltip": "Unknown: the kubelet could not report the container's state",
    "states.started": "start", "states.process_end": "processes\nend",
    "states.liveness_failed": "livenessProbe fails\n({containers})", "states.no_restart": "no restart",
    # control-plane and nodes
    "cluster.role.kube-scheduler": "picks a node for each Pod",
    "cluster.role.kube-controller-manager": "brings state to the desired state",
    "cluster.role.kube-apiserver": "REST API · alone talks to etcd",
    "cluster.role.etcd": "keeps all state as key-value",
    "cluster.host_network": "hostNetwork: true (the node's IP and ports)",
    "cluster.store": "store · read", "cluster.api_call": "API call",
    "cluster.client": "reads and changes the cluster",
    "cluster.client_tooltip": "kubectl — a client outside the cluster (an example, not in the input)",
    "cluster.static_pods": "static Pods on {node}",
    "cluster.no_node_object": " (no Node object in the input)",
    "cluster.node_agent": "node agent", "cluster.manages_pods": "manages Pods",
    "cluster.kubelet_tooltip": "kubelet of {node}",
    "cluster.runs_containers": "runs containers",
    "cluster.runtime_tooltip": "container runtime {runtime} of {node}",
    "cluster.talks": "talks", "cluster.load_balancing": "Service proxy",
    "cluster.daemon_set": "DaemonSet: 1 per node",
    # topology and network: how a NodePort or LoadBalancer Service is reached from outside
    "selection.client": "external client", "selection.outside": "outside the cluster",
    "selection.client_tooltip": "external client — requests from outside the cluster",
    "selection.any_port": "auto", "selection.every_node": "the same port on every node",
    "selection.node_port_tooltip": "node port of {service} — open on every node",
    "selection.load_balancer": "external load balancer", "selection.cloud": "provisioned by the cloud",
    "selection.load_balancer_tooltip": "external load balancer of {service} — made by the cloud",
    # images
    "images.replicas": "×{count} (one per replica)",
}

_KOREAN: dict[str, str] = {
    "full_size": "원본 크기로 보기", "manifests": "매니페스트 보기", "files": "파일 {n}개",
    "cannot_draw": "그림을 그릴 수 없습니다",
    "declaration_error": "그림 선언 오류",
    "zoom_in": "확대", "zoom_out": "축소", "fit": "폭에 맞추기", "reset": "원래 크기 (1:1)",
    "pans": "화면보다 넓은 그림입니다: 옆으로 밀어 나머지를 보세요.",
    "controls": "그림 확대/축소", "legend": "범례", "badges": "약어", "as_text": "그림의 텍스트 설명",
    "boxes": "요소", "links": "연결", "kind": "종류", "namespace": "네임스페이스", "name": "이름",
    "source": "원본", "open": "클릭하면 매니페스트를 엽니다",
    "missing": "없는 대상",
    "backed-by": "연결된 볼륨",
    "per_namespace": "네임스페이스별 그림", "namespace_figure": "네임스페이스 {name}",
    "per_app": "애플리케이션별 그림", "app_figure": "애플리케이션 {name}",
    "declared": "연결", "runs": "실행", "talks": "통신", "cri": "CRI 호출",
    "transition": "상태 전이", "restart": "재시작", "init": "초기화 컨테이너",
    "start": "시작", "hook": "훅", "probe": "프로브", "end-of-run": "실행 끝",
    "signal": "시그널", "kill": "SIGKILL 강제 종료",
    "end": "끝", "then": "다음", "step": "다음 단계", "liveness": "liveness 프로브",
    "gate": "readiness 게이트", "grace": "유예 기간", "event": "이벤트",
    "aggregate": "묶인 상자 사이의 연결",
    "listens": "port로 받음", "localhost": "localhost로 통신",
    "note.pods": "상자 {total}개가 {budget}개보다 많아 controller마다 Pod를 상자 하나(Pod ×N)로 묶었습니다.",
    "note.apps": "상자 {total}개가 {budget}개보다 많아 애플리케이션마다 상자 하나로 묶고 개수를 적었습니다. 자세히 "
                 "보려면 네임스페이스 하나를 그리세요 (--only-namespace NS, 또는 페이지에서 split: namespace).",
    "note.namespaces": "상자 {total}개가 {budget}개보다 많아 네임스페이스마다 상자 하나로 묶고 개수를 적었습니다. "
                       "자세히 보려면 네임스페이스 하나를 그리세요 (--only-namespace NS, 또는 페이지에서 split: "
                       "namespace).",
    "note.overview": "개요: 애플리케이션마다 상자 하나와 그 개수. 애플리케이션별 그림은 아래에 있습니다 (또는 --app "
                     "NAME으로 하나를 그리세요).",

    "default": "기본값",
    "lifecycle.pod": "Pod {name}",
    "lifecycle.template_pod": "{kind} {name}의 Pod",
    "lifecycle.no_handler": "(handler 없음)",
    "lifecycle.probe_mark.startup": "성공 전엔 다른 probe 대기",
    "lifecycle.probe_mark.liveness": "실패: 컨테이너 재시작",
    "lifecycle.probe_mark.readiness": "실패: 엔드포인트에서 제외",
    "lifecycle.probe_effect.startup": "성공할 때까지 다른 probe 비활성",
    "lifecycle.probe_effect.liveness": "실패하면 컨테이너 재시작",
    "lifecycle.probe_effect.readiness": "실패하면 Service 엔드포인트에서 제외",
    "lifecycle.post_start": "생성 직후 비동기 실행\n끝나야 Running",
    "lifecycle.after_success": "성공 후",
    "lifecycle.created": "Pod 생성", "lifecycle.created_tooltip": "Pod 생성: node에 배정됨",
    "lifecycle.sidecar_runs": "시작 후 Pod가 끝날 때까지 실행",
    "lifecycle.init_succeeds": "성공해야 다음 단계",
    "lifecycle.together": "동시에 시작",
    "lifecycle.deletion": "Pod 삭제 요청",
    "lifecycle.deletion_tooltip": "Pod 삭제 요청: kubectl delete, 축출(eviction), 스케일 다운",
    "lifecycle.sigterm": "각 컨테이너의 주 프로세스에",
    "lifecycle.sigterm_tooltip": "SIGTERM: 각 컨테이너의 주 프로세스에 보냄",
    "lifecycle.hooks_done": "hook이 끝나면",
    "lifecycle.grace": "{seconds}초까지 대기", "lifecycle.grace_from": "삭제 요청부터, preStop 포함",
    "lifecycle.sigkill": "남은 프로세스 강제 종료",
    "lifecycle.sigkill_tooltip": "SIGKILL: 유예 기간이 지나도 남은 프로세스를 강제 종료",
    "lifecycle.still_running": "아직 실행 중이면",
    "lifecycle.end": "끝", "lifecycle.end_tooltip": "끝: 모든 컨테이너 종료, Pod 삭제",
    "pod.init": "초기화 컨테이너 {step}", "pod.init_runs": "끝날 때까지 실행",
    "pod.native_sidecar": "네이티브 사이드카 ({step})", "pod.main": "주 컨테이너", "pod.sidecar": "사이드카",
    "pod.shares": "{volumes} 공유", "pod.peer": "컨테이너",
    "pod.volume.emptyDir": "Pod와 함께 생성·삭제\n재시작에도 유지",
    "pod.volume.hostPath": "node에 남음\n다른 Pod와 공유",
    "pod.volume.persistentVolumeClaim": "Pod 삭제 후에도 남음",
    "pod.volume.projected": "여러 소스를 한 디렉터리에",
    "pod.volume.downwardAPI": "Pod 자신의 정보",
    "pod.volumes_made": "volume은 컨테이너 시작 전에 생성",
    "pod.template": "pod {name} ({kind}의 template, {replicas}){made}",
    "pod.host_network": "node의 network namespace · hostNetwork: true (node IP를 공유)",
    "pod.network": "network namespace · port space 공유",
    "pod.interface": "network interface", "pod.node_interface": "node의 network interface",
    "pod.one_address": "{address} 하나",
    "pod.interface_tooltip": "eth0 ({address}) — pod {name}의 컨테이너가 함께 쓰는 interface",
    "pod.node_interface_tooltip": "node의 eth0 ({address}) — pod {name}의 컨테이너가 함께 쓰는 interface",
    "pod.then": "다음",
    "states.restart.Always": "재시작 (exit code 무관)", "states.restart.OnFailure": "재시작 (exit code ≠ 0일 때만)",
    "states.start": "시작", "states.end": "끝",
    "states.ending.Always": "Always: 끝난 컨테이너를 재시작해 Running 유지,\n"
                            "삭제하면 exit code로 Succeeded/Failed (1.27+)",
    "states.ending.OnFailure": "OnFailure: 실패한 컨테이너만 재시작,\n모두 exit code 0으로 끝나면 Succeeded",
    "states.ending.Never": "Never: 재시작 없음, 모두 exit code 0이면\nSucceeded, 하나라도 아니면 Failed",
    "states.other_policies": "다른 정책:", "states.this_pod": "이 Pod",
    "states.pending": "실행 준비를 마치지 못한\n컨테이너가 존재",
    "states.running": "최소 한 개의 컨테이너가\n실행·시작·재시작 중",
    "states.succeeded": "모든 컨테이너가\n성공적으로 종료",
    "states.failed": "모든 컨테이너가 종료,\n하나 이상 비정상 종료",
    "states.unknown": "상태 정보를 읽어오지 못함\n(kubelet ↔ API server)",
    "states.created": "생성 요청", "states.init_done": "init container 완료", "states.scheduled": "node 배정",
    "states.all_zero": "모두 exit code 0", "states.some_failed": "하나 이상 실패",
    "states.init_failed": "init container 실패", "states.deadline": "activeDeadlineSeconds {seconds}초 초과",
    "states.lost": "통신 끊김", "states.back": "복구",
    "states.moment.created": "생성 직후 (node 배정 전)",
    "states.moment.init_running": "node 배정, init container {count}개 실행 중",
    "states.moment.init_done": "init container 모두 성공, 컨테이너 실행",
    "states.moment.no_init": "node 배정, 컨테이너 실행 (init container 없음)",
    "states.moment.probe_ok": "readinessProbe 성공", "states.moment.all_running": "모든 컨테이너 실행",
    "states.moment.gate": "외부 컨트롤러가 readinessGate를 True로",
    "states.moment.probe_failed": "readinessProbe 실패 ({containers})",
    "states.waiting": "시작되기를 기다림\n(이미지 pull 등)", "states.processes_run": "프로세스들이 실행 중",
    "states.terminated": "프로세스들이 모두 종료\n(exit code 기록)",
    "states.container_unknown": "API의 state 값은 아님:\nkubelet이 보고하지 못하면\n상태를 알 수 없음",
    "states.container_unknown_tooltip": "Unknown: kubelet이 상태를 보고하지 못해 컨테이너의 상태를 정할 수 없음",
    "states.started": "시작", "states.process_end": "프로세스\n종료",
    "states.liveness_failed": "livenessProbe 실패\n({containers})", "states.no_restart": "재시작 없음",
    "cluster.role.kube-scheduler": "Pod를 띄울 node를 정한다",
    "cluster.role.kube-controller-manager": "현재 상태를 원하는 상태에 맞춘다",
    "cluster.role.kube-apiserver": "REST API · etcd와 통신하는 유일한 모듈",
    "cluster.role.etcd": "모든 상태를 key-value로 저장",
    "cluster.host_network": "hostNetwork: true (node의 IP·port)",
    "cluster.store": "저장·조회", "cluster.api_call": "API 호출",
    "cluster.client": "클러스터 상태 조회·변경",
    "cluster.client_tooltip": "kubectl — 클러스터 밖의 클라이언트 (입력에 없는 예)",
    "cluster.static_pods": "node {node}의 static Pod",
    "cluster.no_node_object": " (Node 객체가 입력에 없음)",
    "cluster.node_agent": "노드 에이전트", "cluster.manages_pods": "Pod를 관리",
    "cluster.kubelet_tooltip": "{node}의 kubelet",
    "cluster.runs_containers": "컨테이너 실행 환경",
    "cluster.runtime_tooltip": "{node}의 container runtime {runtime}",
    "cluster.talks": "통신", "cluster.load_balancing": "Service 부하 분산",
    "cluster.daemon_set": "DaemonSet: node마다 하나",
    "selection.client": "외부 클라이언트", "selection.outside": "클러스터 밖",
    "selection.client_tooltip": "외부 클라이언트 — 클러스터 밖에서 오는 요청",
    "selection.any_port": "자동 할당", "selection.every_node": "모든 node의 같은 port",
    "selection.node_port_tooltip": "{service}의 node port — 모든 node에서 열린다",
    "selection.load_balancer": "외부 로드밸런서", "selection.cloud": "클라우드가 프로비저닝",
    "selection.load_balancer_tooltip": "{service}의 외부 로드밸런서 — 클라우드가 만든다",
    "images.replicas": "×{count} (replica마다 하나)",
}

# Each language's words, by its code as `theme.language` names it (its base: `pt-BR` is `pt`).
WORDS: dict[str, dict[str, str]] = {"en": _ENGLISH, "ko": _KOREAN}
LANGUAGES: tuple[str, ...] = tuple(WORDS)


def language_of(name: str | None) -> str:
    """The language a site or command names (`ko`, `en`, `pt-BR`, `ko_KR`), as a key of WORDS: English when there
    is no table for it."""
    base = (name or FALLBACK).replace("_", "-").split("-")[0].strip().lower()
    return base if base in WORDS else FALLBACK


def fields_of(template: str) -> set[str]:
    """The `{fields}` a word is filled with."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class FigureWords:
    """One language's words, as a view uses them: `words("key", field=value)` is a word (filled in), and
    `words.lines("key")` the lines of a box's details."""

    __slots__ = ("language", "table")

    def __init__(self, language: str | None) -> None:
        self.language = language_of(language)
        self.table = WORDS[self.language]

    def __call__(self, key: str, **fields: object) -> str:
        word = self.table[key]
        return word.format(**fields) if fields else word

    def lines(self, key: str, **fields: object) -> tuple[str, ...]:
        return tuple(self(key, **fields).split("\n"))

    def defaulted(self, written: bool, before: str = " (", after: str = ")") -> str:
        """What a value left to Kubernetes says after it (` (default)`), nothing when the manifest writes it."""
        return "" if written else f"{before}{self('default')}{after}"
