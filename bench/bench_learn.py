"""Speed of `pmlint learn` over the corpus (documents and summaries) from a warm store (a
benchmark, not a test). Target: under 10 s.

    python bench/bench_learn.py [--corpus ../shared/corpus] [--store FILE] [--repeat 3] [--jobs 2]

The first run warms the store (scores and groups every text: minutes) unless `--store` names one
already warm; then `--repeat` warm runs of the whole command (`pmlint learn DIR --format json`, in
a fresh process each, so start-up and imports count) are timed, and the best, the median and the
summary counts are printed. The corpus is read in place; a temporary store is removed afterwards.
When the corpus is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _learn(corpus: Path, store: Path, out: Path, jobs: int) -> float:
    cmd = [sys.executable, "-m", "analyzer", "learn", str(corpus), "--store", str(store), "--jobs", str(jobs),
           "--today", "2026-12-01", "--format", "json", "--out", str(out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--store", type=Path, help="a store to use (and warm if it is cold); default: a temporary one")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}: nothing to measure", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "archive.sqlite"
        out = Path(tmp) / "learn.json"
        first = _learn(args.corpus, store, out, args.jobs)
        print(f"first run (warms a cold store): {first:.1f} s", file=sys.stderr)
        times = [_learn(args.corpus, store, out, args.jobs) for _ in range(args.repeat)]
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
    texts = summary["incidents"] + summary["near_misses"]
    print(f"learn over {texts} corpus texts from a warm store: best {min(times):.2f} s, median "
          f"{statistics.median(times):.2f} s of {len(times)} runs (target < 10 s); load average {os.getloadavg()[0]:.1f}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
