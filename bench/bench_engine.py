"""Engine speed: pmlint against the bare base pipeline, in one run.

    python bench/bench_engine.py [--corpus ../shared/corpus] [--limit N] [--repeat 3]

Reports words per second of the full analysis (Analyzer.analyze_many, as `pmlint check` runs
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


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=300, help="corpus documents to use (default 300)")
    parser.add_argument("--repeat", type=int, default=3)
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
        masked = [parse(t).masked for _, t in texts]  # the bare pipeline gets the same lintable text
        t_bare = best_of(args.repeat, lambda: list(bare.pipe(masked, batch_size=16)))
        t_rules = best_of(args.repeat, lambda: list(rules_only.analyze_many(texts)))
        t_full = best_of(args.repeat, lambda: list(full.analyze_many(texts)))
        t_read = best_of(args.repeat, lambda: [parse(t) for _, t in texts])
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
