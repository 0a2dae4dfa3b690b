"""Speed of `pmlint score` and `pmlint cluster` on the corpus (a benchmark, not a test).

    python bench/bench_archive.py [--corpus ../shared/corpus] [--jobs 2] [--limit N] [--json out.json]

1. engine, one process: `Analyzer.analyze_many` over the corpus documents -> words per second.
2. `score_archive` with --jobs workers into a fresh store -> words per second, ratio to (1); and
   the CPU seconds of all processes against the engine's (the cost of parallelism: worker start-up,
   spaCy loaded per worker, fact extraction, the store), which other load on the machine does not
   distort. Needs psutil (installed with dask[distributed]).
3. the same run again, nothing changed -> seconds, share of the first run's time.
4. `cluster` over all corpus texts: cold (facts extracted and stored) and warm (facts from the
   store), then warm on 500, 1000, 1500 and all texts; a least-squares line t = a + b*n gives the
   extrapolation to 100,000 texts (assumption: every step is linear in n at a fixed k cap of 40,
   with the silhouette sample fixed at 2,000 texts).
The corpus is read in place; stores go to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analyzer.archive.discovery import discover
from analyzer.archive.documents import read_document
from analyzer.archive.scoring import score_archive
from analyzer.archive.cause_report import cluster_causes
from analyzer.archive.clustering import archive_documents
from analyzer.config import load_config
from analyzer.engine import Analyzer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _tree_cpu() -> float:
    """CPU seconds of this process and its live children (the joblib workers stay alive)."""
    import psutil

    procs = [psutil.Process(), *psutil.Process().children(recursive=True)]
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--limit", type=int, help="score only the first N documents (a quick run)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-classifiers", action="store_true", help="rules only (both the engine and score)")
    args = ap.parse_args(argv)
    if not (args.corpus / "documents").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    docs_glob = ["documents/*.md"]
    files, _ = discover(args.corpus, docs_glob)
    if args.limit:
        files = files[: args.limit]
        docs_glob = [f.relative_to(args.corpus).as_posix() for f in files]
    overrides: dict = {"archive": {"include": docs_glob}}
    if args.no_classifiers:
        overrides["classifiers"] = {"enabled": False}
    config = load_config(overrides=overrides)
    figures: dict = {"documents": len(files), "jobs": args.jobs, "cores": os.cpu_count(),
                     "classifiers": not args.no_classifiers,
                     "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    print(f"{len(files)} documents, {args.jobs} jobs, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          "(other processes on the machine slow every figure)", flush=True)

    # 1. the engine in one process
    items = [(str(f), read_document(f)) for f in files]
    analyzer = Analyzer(config)
    t0, c0 = time.perf_counter(), time.process_time()
    words = sum(int(r.stats.get("words", 0)) for r in analyzer.analyze_many(items))
    single, single_cpu = time.perf_counter() - t0, time.process_time() - c0
    figures["engine"] = {"seconds": round(single, 1), "cpu_seconds": round(single_cpu, 1), "words": words,
                         "words_per_s": round(words / single), "load_average": round(os.getloadavg()[0], 2)}
    print(f"engine, 1 process: {len(items)} documents, {words} words in {single:.1f}s = {words / single:.0f} words/s "
          f"(CPU {single_cpu:.1f}s; load average {os.getloadavg()[0]:.2f})", flush=True)
    del analyzer

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "score.sqlite"
        # 2. score, parallel, fresh store (worker start-up and spaCy loading included)
        cpu0 = _tree_cpu()
        first = score_archive(args.corpus, config=config, store=store, jobs=args.jobs)
        cpu = _tree_cpu() - cpu0
        rate = first.words_analysed / first.seconds
        figures["score"] = {"seconds": round(first.seconds, 1), "cpu_seconds": round(cpu, 1), "words": first.words_analysed,
                            "words_per_s": round(rate), "ratio_to_engine": round(rate / (words / single), 2),
                            "cpu_ratio_to_engine": round(cpu / single_cpu, 2), "analysed": first.analysed,
                            "failed": first.failed, "load_average": round(os.getloadavg()[0], 2)}
        print(f"score --jobs {args.jobs}: {first.analysed} analysed in {first.seconds:.1f}s = {rate:.0f} words/s "
              f"(x{rate / (words / single):.2f} the single-process engine; CPU {cpu:.1f}s in all processes = "
              f"x{cpu / single_cpu:.2f} the engine's; load average {os.getloadavg()[0]:.2f})", flush=True)
        # 3. rerun, nothing changed
        again = score_archive(args.corpus, config=config, store=store, jobs=args.jobs)
        figures["rerun"] = {"seconds": round(again.seconds, 2), "share_of_first": round(again.seconds / first.seconds, 4),
                            "reused": again.reused, "analysed": again.analysed}
        print(f"rerun, nothing changed: {again.seconds:.2f}s ({100 * again.seconds / first.seconds:.1f}% of the first run), "
              f"{again.reused} reused, {again.analysed} analysed", flush=True)

        # 4. cluster over every corpus text
        all_texts = load_config(overrides={"archive": {"include": ["documents/*.md", "summaries/*.md"]}})
        cstore = Path(tmp) / "cluster.sqlite"
        t0 = time.perf_counter()
        texts = archive_documents(args.corpus, config=all_texts, store=cstore, jobs=args.jobs)
        t_facts = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = cluster_causes(texts)
        t_cluster = time.perf_counter() - t0
        t0 = time.perf_counter()
        texts = archive_documents(args.corpus, config=all_texts, store=cstore)
        t_warm_facts = time.perf_counter() - t0
        figures["cluster"] = {"texts": len(texts), "k": result.k, "cold_seconds": round(t_facts + t_cluster, 1),
                              "facts_seconds": round(t_facts, 1), "warm_seconds": round(t_warm_facts + t_cluster, 1)}
        print(f"cluster {len(texts)} texts: cold {t_facts + t_cluster:.1f}s (facts {t_facts:.1f}s + clustering "
              f"{t_cluster:.1f}s), warm {t_warm_facts + t_cluster:.1f}s (store read {t_warm_facts:.1f}s), k = {result.k}", flush=True)

        growth = []
        for n in (500, 1000, 1500, len(texts)):
            subset = texts[:: max(1, len(texts) // n)][:n] if n < len(texts) else texts
            t0 = time.perf_counter()
            res = cluster_causes(subset)
            growth.append((len(subset), time.perf_counter() - t0, res.k))
            print(f"  cluster {len(subset):>5} texts: {growth[-1][1]:.1f}s (k = {res.k})", flush=True)
        n_arr = np.array([g[0] for g in growth], dtype=float)
        t_arr = np.array([g[1] for g in growth])
        b, a = np.polyfit(n_arr, t_arr, 1)
        facts_per_text = t_facts / len(texts)
        predicted = a + b * 100_000
        figures["cluster"]["growth"] = [{"texts": n, "seconds": round(t, 2), "k": k} for n, t, k in growth]
        figures["cluster"]["extrapolation_100k"] = {"clustering_seconds": round(predicted), "facts_seconds": round(facts_per_text * 100_000),
                                                    "fit": f"t = {a:.2f} + {b * 1000:.2f} ms * n"}
        print(f"  fit: t = {a:.2f}s + {b * 1000:.2f} ms per text -> 100,000 texts: about {predicted:.0f}s clustering "
              f"+ {facts_per_text * 100_000:.0f}s fact extraction on {args.jobs} cores (once; stored)", flush=True)
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average at the end: {os.getloadavg()[0]:.2f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
