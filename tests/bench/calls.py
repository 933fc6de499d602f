"""Inferred calls on the real-world corpus: how many each application gets, of each relation.

Not a test (pytest does not collect it): run it from the repository root.

    python tests/bench/calls.py                  # one row per folder of ../shared/corpus
    python tests/bench/calls.py --list calls.txt # also every call, one line each (to compare two revisions)

Each folder is one input, as the corpus tests read it (kustomizations built, charts rendered when helm is here).
A relation that this revision does not have (`configured`, before issue 21) counts 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
RELATIONS = ("calls", "configured")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--list", type=Path, help="write every call here, one sorted line each")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from gen.pipeline import analyse

    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    lines: list[str] = []
    print(f"| app | {' | '.join(RELATIONS)} |")
    print(f"|---|{'---:|' * len(RELATIONS)}")
    totals = dict.fromkeys(RELATIONS, 0)
    for folder in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        _, graph = analyse([str(folder)])
        counts = dict.fromkeys(RELATIONS, 0)
        for edge in graph.edges:
            if edge.relation.name in counts:
                counts[edge.relation.name] += 1
                lines.append(f"{folder.name}: {edge.source} → {edge.target} [{edge.relation.name}] "
                             f"({edge.label.replace(chr(10), ' | ')})")
        for name in RELATIONS:
            totals[name] += counts[name]
        print(f"| {folder.name} | {' | '.join(str(counts[name]) for name in RELATIONS)} |", flush=True)
    print(f"| **all** | {' | '.join(str(totals[name]) for name in RELATIONS)} |")
    if args.list:
        args.list.write_text("".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
