"""Benchmark of loading, deriving and rendering, against the raw C-loader parse and KubeDiagrams' timings.

Not a test (pytest does not collect it): run it from the repository root.

    python tests/bench/benchmark.py            # 5 runs of each measurement, the median is shown
    python tests/bench/benchmark.py -n 9 --kubediagrams /tmp/kd-venv/bin/kube-diagrams

It also generates the large inputs in a temporary directory: microservices-demo copied into 5, 20 and 200
namespaces (`metadata.namespace` rewritten) and 20,000 Deployments in one file; the large ones get `--large-runs`
runs (default 1). Besides the table it times `gen` with nothing changed on this repository's site against
`python -c "import gen"`, and a warm `mkdocs build` of the site against the same site without the plugin.

Every run is a fresh interpreter, so no cache or warm import helps. For each input it measures
  raw     yaml.load_all(..., Loader=yaml.CSafeLoader) over the same files gen reads (after imports); the loader
          gets the one constructor gen's has too (the `=` value tag of some CRDs), else those files stop midway
  load    gen.loading.load (after imports)
  derive  load + gen.rules.derive (after imports)
  render  `gen render INPUTS -o x.svg`: the whole command's wall time, interpreter start and `dot` included
and the peak RSS of each run's process tree (os.wait4's ru_maxrss: the child or its largest waited-for child).
The inputs beyond manifests/sample-app are in ../shared/corpus and are skipped when it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

# Roadmap (../shared/ROADMAP.md): KubeDiagrams 0.8.0 measured side by side on this machine, in seconds.
KUBEDIAGRAMS = {
    "microservices-demo": 0.26,
    "argo-cd install.yaml": 3.0,
    "argo-cd (whole dir)": 93.0,  # "93 s on 700 resources": the whole argo-cd-manifests folder has 687 objects
    "microservices-demo ×5 namespaces": 1.89,
    "microservices-demo ×20 namespaces": 93.0,
}
# Issue 9's targets: gen render / KubeDiagrams at most this, or gen render under this many seconds.
RATIO_TARGETS = {"microservices-demo": 0.5, "argo-cd install.yaml": 0.25, "microservices-demo ×5 namespaces": 0.3,
                 "microservices-demo ×20 namespaces": 0.05}
SECONDS_TARGETS = {"microservices-demo ×200 namespaces": 30.0, "20,000 Deployments in one file": 60.0}
LARGE = set(SECONDS_TARGETS)  # measured --large-runs times; KubeDiagrams is not tried on them
KUBEDIAGRAMS_FAILED: dict[str, str] = {}
LOAD_TARGET = 1.5  # issue 9: `gen check` of argo-cd loads within 1.5x of the raw C-loader parse
LOAD_TARGET_INPUT = "argo-cd install.yaml"  # on small inputs start-up dominates both: no target there

CHILD = r"""
import json, sys, time
mode, paths = sys.argv[1], sys.argv[2:]
import yaml
from gen.loading import load
from gen.paths import expand_inputs
from gen.rules import derive
files, _ = expand_inputs(paths)


class RawLoader(yaml.CSafeLoader):
    pass


# the one constructor gen's loader adds too: without it CRDs with an unquoted `- =` stop the raw parse midway
RawLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
count = errors = 0
start = time.perf_counter()
if mode == "raw":
    for name in files:
        with open(name, "rb") as stream:
            text = stream.read().decode("utf-8-sig")
        try:
            for document in yaml.load_all(text, Loader=RawLoader):
                count += document is not None
        except yaml.YAMLError:
            errors += 1
elif mode == "load":
    loaded = load(paths)
    count, errors = len(loaded.resources), sum(d.severity.value == "error" for d in loaded.diagnostics)
elif mode == "derive":
    loaded = load(paths)
    graph = derive(loaded.inventory())
    count, errors = len(graph.nodes), len(graph.edges)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "count": count, "errors": errors, "files": len(files)}))
"""


@dataclass
class Input:
    label: str
    paths: list[str]


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    info: dict[str, int] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.rss_kib) / 1024


def namespaced_copies(source: Path, count: int, target: Path) -> Path:
    """The source's objects once per namespace shop-000, shop-001, … (metadata.namespace rewritten)."""
    import yaml

    documents = [d for d in yaml.safe_load_all(source.read_text(encoding="utf-8")) if isinstance(d, dict)]
    copies = []
    for index in range(count):
        for document in documents:
            copy = json.loads(json.dumps(document))
            copy.setdefault("metadata", {})["namespace"] = f"shop-{index:03d}"
            copies.append(copy)
    target.write_text(yaml.safe_dump_all(copies, sort_keys=False), encoding="utf-8")
    return target


DEPLOYMENT = """---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i:05d}
  namespace: team-{team:02d}
  labels: {{app: app-{i:05d}, team: team-{team:02d}, tier: backend}}
  annotations: {{owner: team-{team:02d}@example.com, description: generated deployment number {i} for the benchmark}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: app-{i:05d}}}
  template:
    metadata:
      labels: {{app: app-{i:05d}, team: team-{team:02d}}}
    spec:
      serviceAccountName: team-{team:02d}
      containers:
      - name: main
        image: registry.example.com/team-{team:02d}/app-{i:05d}:1.0.{i}
        args: [--port=8080, --log-level=info, --metrics-port=9090]
        env:
{env}        ports:
        - {{name: http, containerPort: 8080}}
        - {{name: metrics, containerPort: 9090}}
        readinessProbe: {{httpGet: {{path: /ready, port: http}}, periodSeconds: 5}}
        livenessProbe: {{httpGet: {{path: /healthz, port: http}}, periodSeconds: 10}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        volumeMounts: [{{name: config, mountPath: /etc/app}}, {{name: cache, mountPath: /cache}}]
      volumes:
      - {{name: config, configMap: {{name: app-{i:05d}-config, optional: true}}}}
      - {{name: cache, emptyDir: {{}}}}
"""


def many_deployments(count: int, target: Path) -> Path:
    """`count` Deployments in 50 namespaces, each about 2 KB with env literals that look secret (redacted)."""
    with target.open("w", encoding="utf-8") as stream:
        for i in range(count):
            env = "".join(f"        - {{name: SETTING_{k}, value: value-{i}-{k}}}\n" for k in range(12))
            env += f"        - {{name: DB_PASSWORD, value: hunter-{i}}}\n"
            stream.write(DEPLOYMENT.format(i=i, team=i % 50, replicas=1 + i % 3, env=env))
    return target


def inputs(workdir: Path) -> list[Input]:
    chosen = [Input("sample-app", [str(REPO / "manifests" / "sample-app")])]
    corpus = [
        ("microservices-demo", "microservices-demo-release/release/kubernetes-manifests.yaml"),
        ("argo-cd install.yaml", "argo-cd-manifests/manifests/install.yaml"),
        ("prometheus-operator bundle", "prometheus-operator-bundle/bundle.yaml"),
    ]
    # Small inputs first, the long runs last: minutes of kustomize builds and gigabytes of allocation slow down
    # whatever is measured right after them on a small machine.
    if CORPUS.is_dir():
        chosen.extend(Input(label, [str(CORPUS / path)]) for label, path in corpus if (CORPUS / path).exists())
        demo = CORPUS / corpus[0][1]
        for count in (5, 20):
            copies = namespaced_copies(demo, count, workdir / f"demo-{count}.yaml")
            chosen.append(Input(f"microservices-demo ×{count} namespaces", [str(copies)]))
        if (CORPUS / "argo-cd-manifests").exists():
            chosen.append(Input("argo-cd (whole dir)", [str(CORPUS / "argo-cd-manifests")]))
        copies = namespaced_copies(demo, 200, workdir / "demo-200.yaml")
        chosen.append(Input("microservices-demo ×200 namespaces", [str(copies)]))
    else:
        print(f"note: {CORPUS} is absent; only manifests/sample-app is measured", file=sys.stderr)
    chosen.append(Input("20,000 Deployments in one file", [str(many_deployments(20_000, workdir / "many.yaml"))]))
    return chosen


# Children write and use bytecode caches as an installed gen does (some shells set PYTHONDONTWRITEBYTECODE).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_MKDOCS_2_WARNING": "1"}


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and standard output of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd or REPO, env=CHILD_ENV)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1):  # gen render: 1 when an input could not be parsed, still drawn
        raise RuntimeError(f"{command[:4]}... exited {process.returncode}: {stderr[-2000:]}")
    return wall, usage.ru_maxrss, stdout


def measure(item: Input, mode: str, runs: int, workdir: Path) -> Result:
    result = Result()
    for _ in range(runs):
        if mode == "render":
            output = workdir / "x.svg"
            wall, rss, _stdout = run([sys.executable, "-m", "gen.cli", "render", *item.paths, "-q", "-o", str(output)])
            result.seconds.append(wall)
            result.info = {"svg_bytes": output.stat().st_size}
        else:
            _wall, rss, stdout = run([sys.executable, "-c", CHILD, mode, *item.paths])
            data = json.loads(stdout)
            result.seconds.append(data["seconds"])
            result.info = {k: v for k, v in data.items() if k != "seconds"}
        result.rss_kib.append(rss)
    return result


def import_time(module: str, runs: int) -> float:
    """Median cumulative import time of `module` in ms, from `python -X importtime`."""
    samples = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=REPO,
                              capture_output=True, text=True, check=True, env=CHILD_ENV)
        pattern = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \|\s*{re.escape(module)}$")
        found = [int(m.group(1)) for line in done.stderr.splitlines() if (m := pattern.match(line))]
        samples.append(found[-1] / 1000 if found else 0.0)
    return statistics.median(samples)


def kubediagrams(exe: str, item: Input, runs: int, workdir: Path, render: Result | None = None) -> None:
    """Time kube-diagrams on the same files (SVG output, as gen's); a failure is noted instead of a time. Given
    `render`, `gen render` runs before each of its runs and adds to it: in turns, a machine that slows down or
    speeds up during the runs (a shared VM does) weighs on both sides of the ratio alike."""
    from gen.paths import expand_inputs

    files, _problems = expand_inputs(item.paths)  # kube-diagrams takes files, not directories
    seconds = []
    for _ in range(runs):
        if render is not None:
            turn = measure(item, "render", 1, workdir)
            render.seconds.extend(turn.seconds)
            render.rss_kib.extend(turn.rss_kib)
            render.info = turn.info
        start = time.perf_counter()
        done = subprocess.run([exe, "-o", str(workdir / "kd.svg"), *files], capture_output=True, text=True,
                              check=False)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:  # it stops with a traceback on some inputs: no time to compare
            failed = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            KUBEDIAGRAMS_FAILED[item.label] = f"failed after {seconds[-1]:.1f} s: {failed[0][:80]}"
            return
    KUBEDIAGRAMS[item.label] = round(statistics.median(seconds), 3)


def without_plugin(config: str) -> str:
    """mkdocs.yml with the `- kubedocs:` entry and its indented options dropped from `plugins:`."""
    kept, skipping = [], None
    for line in config.splitlines():
        indent = len(line) - len(line.lstrip())
        if skipping is not None and (not line.strip() or indent > skipping):
            continue
        skipping = None
        if line.strip().startswith("- kubedocs"):
            skipping = indent
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def site_timings(runs: int, workdir: Path) -> list[str]:
    """`gen` with nothing changed vs `python -c "import gen"`; warm `mkdocs build` vs the site without the plugin."""
    import shutil

    site = workdir / "site"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns(".venv", ".git", "site", ".cache", "__pycache__"))
    gen = [sys.executable, "-m", "gen.cli"]
    run(gen, cwd=site)  # renders every figure once: the cache is warm from here on
    unchanged = statistics.median(run(gen, cwd=site)[0] for _ in range(runs))
    bare = statistics.median(run([sys.executable, "-c", "import gen"], cwd=site)[0] for _ in range(runs))
    build = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(workdir / "out")]
    run(build, cwd=site)
    warm = statistics.median(run(build, cwd=site)[0] for _ in range(runs))
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    plain = site / "plain.yml"
    plain.write_text(without_plugin(text), encoding="utf-8")
    without = statistics.median(run([*build, "-f", str(plain)], cwd=site)[0] for _ in range(runs))
    return [
        f"| `gen` with nothing changed vs `python -c \"import gen\"` | {unchanged:.2f} s vs {bare:.2f} s | "
        f"{unchanged / bare:.1f}× | ≤ 3× |",
        f"| warm `mkdocs build` vs the same site without the plugin | {warm:.2f} s vs {without:.2f} s | "
        f"{warm / without:.2f}× | ≤ 1.3× |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--large-runs", type=int, default=1, help="runs of the 200-namespace and 20,000-Deployment "
                        "inputs (default 1)")
    parser.add_argument("--kubediagrams", metavar="EXE",
                        help="a kube-diagrams 0.8.0 executable (installed apart from this project, e.g. "
                             "`pip install kubediagrams==0.8.0` in another venv) to time side by side on the inputs "
                             "it has a roadmap baseline for, instead of quoting the roadmap's seconds")
    parser.add_argument("--only", metavar="TEXT", help="measure only the inputs whose label contains TEXT")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        for item in inputs(workdir):
            if args.only and args.only not in item.label:
                continue
            runs = args.large_runs if item.label in LARGE else args.runs
            results = {mode: measure(item, mode, runs, workdir) for mode in ("raw", "load", "derive")}
            if args.kubediagrams and item.label in KUBEDIAGRAMS and KUBEDIAGRAMS[item.label] <= 30:
                results["render"] = Result()  # measured in turns with kube-diagrams
                kubediagrams(args.kubediagrams, item, runs, workdir, results["render"])
                if not results["render"].seconds or item.label in KUBEDIAGRAMS_FAILED:
                    results["render"] = measure(item, "render", runs, workdir)
            else:
                results["render"] = measure(item, "render", runs, workdir)
                if args.kubediagrams and item.label in KUBEDIAGRAMS:  # minutes a run: once
                    kubediagrams(args.kubediagrams, item, 1, workdir)
            rows.append((item, results))
            print(f"measured {item.label}", file=sys.stderr)
        site_rows = [] if args.only else site_timings(args.runs, workdir)

    print(f"\nmedian of {args.runs} runs ({args.large_runs} for the largest), each in a fresh interpreter; "
          f"Python {sys.version.split()[0]}; KubeDiagrams: "
          f"{'measured side by side' if args.kubediagrams else 'the roadmap seconds'}\n")
    header = ("| input | files | objects | raw parse s | load s | load/raw | load+derive s | nodes | "
              "gen render s | peak RSS MiB (load / render) | SVG KB | KubeDiagrams s | render/KD | target |")
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for item, results in rows:
        raw, load, derive, render = (results[m] for m in ("raw", "load", "derive", "render"))
        ratio = load.median / raw.median if raw.median else float("nan")
        flag = "" if item.label != LOAD_TARGET_INPUT else " (≤ 1.5× met)" if ratio <= LOAD_TARGET else " (over 1.5×)"
        baseline = None if item.label in KUBEDIAGRAMS_FAILED else KUBEDIAGRAMS.get(item.label)
        versus = f"{render.median / baseline:.3f}" if baseline else KUBEDIAGRAMS_FAILED.get(item.label, "–")
        target = "–"
        if item.label in RATIO_TARGETS and baseline:
            met = render.median / baseline <= RATIO_TARGETS[item.label]
            target = f"≤ {RATIO_TARGETS[item.label]}× {'met' if met else 'MISSED'}"
        elif item.label in SECONDS_TARGETS:
            met = render.median < SECONDS_TARGETS[item.label]
            target = f"< {SECONDS_TARGETS[item.label]:.0f} s {'met' if met else 'MISSED'}"
        print(f"| {item.label} | {raw.info['files']} | {load.info['count']} | {raw.median:.4f} | {load.median:.4f} | "
              f"{ratio:.2f}{flag} | {derive.median:.4f} | {derive.info['count']} | {render.median:.3f} | "
              f"{load.peak_mib:.0f} / {render.peak_mib:.0f} | {render.info['svg_bytes'] // 1024} | "
              f"{baseline if baseline else '–'} | {versus} | {target} |")
        if raw.info.get("errors") or load.info.get("errors"):
            print(f"|   ↳ {item.label}: files the raw parse could not finish: {raw.info['errors']}; "
                  f"load errors: {load.info['errors']} | | | | | | | | | | | | | |")
    if site_rows:
        print("\n| measurement | seconds | ratio | target |\n|---|---:|---:|---|")
        print("\n".join(site_rows))

    print()
    for module in ("gen", "gen.cli", "gen.site.plugin"):
        print(f"python -X importtime -c 'import {module}': {import_time(module, args.runs):.1f} ms cumulative "
              f"(median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
