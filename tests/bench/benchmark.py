"""Benchmark of loading, deriving and rendering, against the raw C-loader parse and KubeDiagrams' timings.

Not a test (pytest does not collect it): run it from the repository root.

    python tests/bench/benchmark.py            # 5 runs of each measurement, the median is shown
    python tests/bench/benchmark.py -n 9

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
}
KUBEDIAGRAMS_FAILED: dict[str, str] = {}
LOAD_TARGET = 1.5  # the roadmap's aim: loading within 1.5x of the raw C-loader parse

CHILD = r"""
import json, sys, time
mode, paths = sys.argv[1], sys.argv[2:]
import yaml
from gen.loading import expand_inputs, load
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


def inputs() -> list[Input]:
    chosen = [Input("sample-app", [str(REPO / "manifests" / "sample-app")])]
    corpus = [
        ("microservices-demo", "microservices-demo-release/release/kubernetes-manifests.yaml"),
        ("argo-cd install.yaml", "argo-cd-manifests/manifests/install.yaml"),
        ("prometheus-operator bundle", "prometheus-operator-bundle/bundle.yaml"),
        ("argo-cd (whole dir)", "argo-cd-manifests"),
    ]
    if CORPUS.is_dir():
        chosen.extend(Input(label, [str(CORPUS / path)]) for label, path in corpus if (CORPUS / path).exists())
    else:
        print(f"note: {CORPUS} is absent; only manifests/sample-app is measured", file=sys.stderr)
    return chosen


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and standard output of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO)
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
                              capture_output=True, text=True, check=True)
        pattern = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \|\s*{re.escape(module)}$")
        found = [int(m.group(1)) for line in done.stderr.splitlines() if (m := pattern.match(line))]
        samples.append(found[-1] / 1000 if found else 0.0)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--kubediagrams", metavar="EXE",
                        help="a kube-diagrams 0.8.0 executable (installed apart from this project, e.g. "
                             "`pip install kubediagrams==0.8.0` in another venv) to time side by side on the inputs "
                             "it has a roadmap baseline for, instead of quoting the roadmap's seconds")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        for item in inputs():
            results = {mode: measure(item, mode, args.runs, Path(temporary))
                       for mode in ("raw", "load", "derive", "render")}
            if args.kubediagrams and item.label in KUBEDIAGRAMS:
                from gen.loading import expand_inputs

                files, _problems = expand_inputs(item.paths)  # kube-diagrams takes files, not directories
                seconds = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    done = subprocess.run([args.kubediagrams, "-o", str(Path(temporary) / "kd.png"), *files],
                                          capture_output=True, text=True, check=False)
                    seconds.append(time.perf_counter() - start)
                    if done.returncode != 0:  # it stops with a traceback on some inputs: no time to compare
                        failed = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
                        KUBEDIAGRAMS_FAILED[item.label] = f"failed after {seconds[-1]:.1f} s: {failed[0][:80]}"
                        break
                else:
                    KUBEDIAGRAMS[item.label] = round(statistics.median(seconds), 3)
            rows.append((item, results))
            print(f"measured {item.label}", file=sys.stderr)

    print(f"\nmedian of {args.runs} runs, each in a fresh interpreter; Python {sys.version.split()[0]}; "
          f"KubeDiagrams: {'measured side by side' if args.kubediagrams else 'the roadmap seconds'}\n")
    header = ("| input | files | objects | raw parse s | load s | load/raw | load+derive s | nodes | "
              "gen render s | peak RSS MiB (load / render) | KubeDiagrams s | render/KD |")
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for item, results in rows:
        raw, load, derive, render = (results[m] for m in ("raw", "load", "derive", "render"))
        ratio = load.median / raw.median if raw.median else float("nan")
        flag = "" if ratio <= LOAD_TARGET else " (over 1.5x)"
        baseline = None if item.label in KUBEDIAGRAMS_FAILED else KUBEDIAGRAMS.get(item.label)
        versus = f"{render.median / baseline:.3f}" if baseline else KUBEDIAGRAMS_FAILED.get(item.label, "–")
        print(f"| {item.label} | {raw.info['files']} | {load.info['count']} | {raw.median:.4f} | {load.median:.4f} | "
              f"{ratio:.2f}{flag} | {derive.median:.4f} | {derive.info['count']} | {render.median:.3f} | "
              f"{load.peak_mib:.0f} / {render.peak_mib:.0f} | {baseline if baseline else '–'} | {versus} |")
        if raw.info.get("errors") or load.info.get("errors"):
            print(f"|   ↳ {item.label}: files the raw parse could not finish: {raw.info['errors']}; "
                  f"load errors: {load.info['errors']} | | | | | | | | | | | |")

    print()
    for module in ("gen", "gen.cli", "gen.plugin"):
        print(f"python -X importtime -c 'import {module}': {import_time(module, args.runs):.1f} ms cumulative "
              f"(median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
