"""Engine speed: pmlint against the bare base pipeline, in one run.

    python bench/bench_engine.py [--corpus ../shared/corpus] [--limit N] [--repeat 3]

Reports words per second (CPU time by default, `--clock wall` for elapsed time; the systems are
timed in turns, chunk by chunk, so a drifting load slows them alike) of the full analysis (Analyzer.analyze_many, as `pmlint check` runs
it) and of the bare base pipeline (`spacy.load(base_model).pipe`) over the same texts, their
ratio, the share of time the trained classifiers add, the share of analysis time spent reading
(the CommonMark parse into a Document), and the wall time of a cold
`pmlint check examples/<one>.md` in a fresh process. The corpus is skipped when absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_texts(corpus: Path, limit: int) -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = {}
    docs = sorted((corpus / "documents").glob("*.md"))[:limit] if (corpus / "documents").is_dir() else []
    if docs:
        sets["corpus documents"] = [(str(p), p.read_text(encoding="utf-8")) for p in docs]
    sets["examples"] = [(str(p), p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.md"))] * 10
    return sets


def words(texts: list[tuple[str, str]]) -> int:
    return sum(len(t.split()) for _, t in texts)


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def interleaved(repeat: int, systems: dict, items: list, clock: str = "cpu", chunk: int = 10) -> dict[str, float]:
    """Seconds each system takes over `items`, measured in turns: chunk by chunk, the systems one
    after another (in a rotating order), best of `repeat` per chunk, summed. A machine whose load
    drifts during the run (other jobs, thermal limits) then slows every system alike, so their
    ratio holds even where the absolute figures do not."""
    tick = CLOCKS[clock]
    names = list(systems)
    totals = dict.fromkeys(names, 0.0)
    for c, start in enumerate(range(0, len(items), chunk)):
        part = items[start:start + chunk]
        best = dict.fromkeys(names, float("inf"))
        for r in range(repeat):
            k = (c + r) % len(names)
            for name in names[k:] + names[:k]:
                t0 = tick()
                systems[name](part)
                best[name] = min(best[name], tick() - t0)
        for name in names:
            totals[name] += best[name]
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=300, help="corpus documents to use (default 300)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: process time (default; holds on a busy machine), wall: elapsed time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    import spacy

    from analyzer.config import load_config
    from analyzer.reading.markdown import parse
    from analyzer.engine import Analyzer

    config = load_config()
    full = Analyzer(config)
    rules_only = Analyzer(load_config(overrides={"classifiers": {"enabled": False}}))  # its own pipeline
    bare = spacy.load(config.base_model)
    results = {}
    for name, texts in load_texts(args.corpus, args.limit).items():
        n = words(texts)
        masked = {path: parse(t).masked for path, t in texts}  # the bare pipeline gets the same lintable text
        systems = {
            "bare": lambda part: list(bare.pipe([masked[path] for path, _ in part], batch_size=16)),
            "rules": lambda part: list(rules_only.analyze_many(part)),
            "full": lambda part: list(full.analyze_many(part)),
            "read": lambda part: [parse(t) for _, t in part],
        }
        took = interleaved(args.repeat, systems, texts, args.clock)
        t_bare, t_rules, t_full, t_read = took["bare"], took["rules"], took["full"], took["read"]
        results[name] = {
            "documents": len(texts),
            "words": n,
            "bare_wps": round(n / t_bare),
            "rules_wps": round(n / t_rules),
            "pmlint_wps": round(n / t_full),
            "ratio_vs_bare": round(t_bare / t_full, 3),
            "classifier_overhead": round(t_full / t_rules - 1, 3),
            "reading_share": round(t_read / t_full, 3),
        }
    example = ROOT / "examples" / "problematic-llm-support-bot.md"
    colds = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analyzer", "check", "--no-fail", str(example)],
                       capture_output=True, check=True)
        colds.append(time.perf_counter() - t0)
    results["cold_check_seconds"] = round(statistics.median(colds), 2)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'texts':<18}{'docs':>6}{'words':>9}{'bare w/s':>10}{'rules w/s':>11}{'pmlint w/s':>12}{'ratio':>7}{'clf +%':>8}{'read %':>8}")
    for name, r in results.items():
        if isinstance(r, dict):
            print(f"{name:<18}{r['documents']:>6}{r['words']:>9}{r['bare_wps']:>10}{r['rules_wps']:>11}"
                  f"{r['pmlint_wps']:>12}{r['ratio_vs_bare']:>7.2f}{100 * r['classifier_overhead']:>7.1f}%"
                  f"{100 * r['reading_share']:>7.1f}%")
    print(f"cold `pmlint check {example.relative_to(ROOT)}`: {results['cold_check_seconds']} s (median of {args.repeat})")


if __name__ == "__main__":
    main()
