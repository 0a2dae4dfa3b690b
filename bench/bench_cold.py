"""How fast `pmlint check` answers from a cold process: a mistake (missing, empty or binary file,
a bad option) and a real single-file check of a 1,000-word draft.

    python bench/bench_cold.py --repeat 5

Each case runs `python -m analyzer check ...` in a fresh process (the console script does the
same), `--repeat` times, and reports the median and best wall time and the median CPU time (user +
system of the child). The 1,000-word draft is examples/exemplary-ml-drift.md followed by
examples/infra-certificate-expiry.md, written to a temporary file (the project's own examples; no
corpus text). A last case times what any spaCy tool pays before its first word (import spaCy,
load the base pipeline, parse one word): a cold check minus that is pmlint's own cost. The last
line lists where the time of one cold check goes (`-X importtime`'s top
modules are left to the reader: `python -X importtime -m analyzer check ...`).

A benchmark, not a test: the figures go to the README, nothing fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


FLOOR = "floor: import spaCy, load the base pipeline, parse one word (no pmlint)"


def timed(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system) and exit status of one fresh `python -m analyzer` process
    (or, for `["-c", code]`, of `python -c code`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # `-m` puts the working directory first on sys.path: run from the checkout being timed
    command = [sys.executable, *argv] if argv[:1] == ["-c"] else [sys.executable, "-m", "analyzer", *argv]
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def base_model() -> str:
    sys.path.insert(0, str(ROOT))
    from analyzer.config import load_config

    return load_config().base_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose `analyzer` to time (default: this one)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}
    with tempfile.TemporaryDirectory(prefix="pmlint-bench-") as tmp:
        folder = Path(tmp)
        draft = folder / "draft-1000-words.md"
        draft.write_text((ROOT / "examples/exemplary-ml-drift.md").read_text(encoding="utf-8") + "\n\n"
                         + (ROOT / "examples/infra-certificate-expiry.md").read_text(encoding="utf-8"), encoding="utf-8")
        (folder / "empty.md").write_text("", encoding="utf-8")
        (folder / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 64)
        words = len(draft.read_text(encoding="utf-8").split())
        cases = {
            "missing file": ["check", str(folder / "missing.md")],
            "empty file": ["check", str(folder / "empty.md")],
            "binary file": ["check", str(folder / "binary.md")],
            "bad option": ["check", "--format", "xml", str(draft)],
            f"check, {words}-word draft": ["check", "--no-fail", "--quiet", str(draft)],
            f"check, {words}-word draft, rules only": ["check", "--no-fail", "--quiet", "--no-classifiers", str(draft)],
            # what any spaCy tool pays before its first word: the part of a cold check pmlint cannot
            # shorten without changing spaCy (`pmlint check` minus this is pmlint's own cost)
            FLOOR: ["-c", f"import spacy; spacy.load({base_model()!r})('x')"],
        }
        code = args.code.resolve()
        timed(cases[f"check, {words}-word draft"], env, code)  # warm the file system cache, not the process
        results = {}
        for name, argv in cases.items():
            runs = [timed(argv, env, code) for _ in range(args.repeat)]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            results[name] = {"median_s": round(statistics.median(walls), 3), "best_s": round(min(walls), 3),
                             "cpu_s": round(statistics.median(cpus), 3), "exit": runs[0][2]}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"| case | wall, median of {args.repeat} | best | CPU (median) | exit |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| {name} | {r['median_s']:.2f} s | {r['best_s']:.2f} s | {r['cpu_s']:.2f} s | {r['exit']} |")
    print(f"\n(load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
