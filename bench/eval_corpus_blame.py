"""Every blame finding pmlint gives on the whole corpus, against a hand review of those findings.

    python bench/eval_corpus_blame.py                 # precision by severity and source
    python bench/eval_corpus_blame.py --unjudged      # also list the findings no review covers
    python bench/eval_corpus_blame.py --wrong         # also list the reviewed false alarms still given
    python bench/eval_corpus_blame.py --config F      # the same with a .pmlint.yaml (e.g. another blame_threshold)

`bench/real/corpus_blame_review.jsonl` holds one judgement per finding a reviewer read in its
document: path (relative to the corpus folder), the finding's character offsets, its rule, a
verdict (right | wrong | debatable) and, for the others, the general form of the false alarm. By
reference only: no document text is stored. A finding of this run is judged by the review entry
whose span overlaps it in the same document; one that no entry covers is "unjudged" (new since the
review: read it with --unjudged and add a line). Debatable findings count neither way, like the
"uncertain" labels of bench/eval_real.py.

This measures precision only (what a review lead sees among the flags); recall is measured on the
fully labelled documents of bench/real (bench/eval_real.py). The corpus is for evaluation only:
nothing here trains a model or tunes a threshold. Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_REVIEW = ROOT / "bench" / "real" / "corpus_blame_review.jsonl"


def blame_findings(corpus: Path, config=None, stats: dict | None = None) -> list[dict]:  # noqa: ANN001 - a Config
    """Every blame finding on the corpus; `stats`, when given, receives the documents and sentences analysed."""
    from analyzer import load_analyzer

    analyzer = load_analyzer(config)
    docs = sorted(p for p in (corpus / "documents").rglob("*") if p.is_file())
    items = ((str(p.relative_to(corpus)), p.read_text(encoding="utf-8", errors="replace")) for p in docs)
    out = []
    for report in analyzer.analyze_many(items):
        if stats is not None:
            stats["documents"] = stats.get("documents", 0) + 1
            stats["sentences"] = stats.get("sentences", 0) + int(report.stats.get("sentences", 0))
        for f in report.findings:
            if f.rule.startswith("blame."):
                out.append({"path": report.path, "start": f.start, "end": f.end, "rule": f.rule,
                            "severity": str(f.severity), "source": f.source, "confidence": f.confidence})
    return out


def judge(findings: list[dict], reviews: list[dict]) -> list[str]:
    by_path: dict[str, list[dict]] = defaultdict(list)
    for r in reviews:
        by_path[r["path"]].append(r)
    verdicts = []
    for f in findings:
        match = [r for r in by_path.get(f["path"], ()) if r["start"] < f["end"] and f["start"] < r["end"]]
        if not match:
            verdicts.append("unjudged")
        elif any(r["verdict"] == "right" for r in match):
            verdicts.append("right")
        elif any(r["verdict"] == "debatable" for r in match):
            verdicts.append("debatable")
        else:
            verdicts.append("wrong")
    return verdicts


def table(findings: list[dict], verdicts: list[str], key: str) -> dict[str, dict]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for f, v in zip(findings, verdicts):
        counts[f[key]][v] += 1
        counts["all"][v] += 1
    out = {}
    for name, c in sorted(counts.items()):
        judged = c["right"] + c["wrong"]
        out[name] = {**{k: c[k] for k in ("right", "wrong", "debatable", "unjudged")},
                     "precision": round(c["right"] / judged, 3) if judged else None}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--review", type=Path, default=DEFAULT_REVIEW)
    ap.add_argument("--unjudged", action="store_true", help="list the findings no review entry covers")
    ap.add_argument("--wrong", action="store_true", help="list the reviewed false alarms still given")
    ap.add_argument("--json", metavar="FILE", help="write the figures (and every finding with its verdict) to FILE")
    ap.add_argument("--config", metavar="FILE", help="a .pmlint.yaml to measure instead of the defaults")
    args = ap.parse_args(argv)
    from analyzer import load_config
    from analyzer.errors import ConfigError

    try:  # a bad configuration is a clear error before the long run
        config = load_config(args.config) if args.config else None
    except ConfigError as exc:
        print(f"eval_corpus_blame: {exc}", file=sys.stderr)
        return 2
    if not (args.corpus / "documents").is_dir():
        print(f"no corpus documents under {args.corpus}; skipping", file=sys.stderr)
        return 0
    reviews = [json.loads(line) for line in args.review.read_text(encoding="utf-8").splitlines() if line.strip()]
    findings = blame_findings(args.corpus, config)
    verdicts = judge(findings, reviews)
    reviewed_wrong = [r for r in reviews if r["verdict"] == "wrong"]
    # a reviewed false alarm is still given when a finding of this run overlaps it
    still = judge(reviewed_wrong, [{**f, "verdict": "right"} for f in findings])
    result = {
        "findings": len(findings),
        "documents_with_a_finding": len({f["path"] for f in findings}),
        "by_severity": table(findings, verdicts, "severity"),
        "by_source": table(findings, verdicts, "source"),
        "reviewed_false_alarms_still_given": sum(v == "right" for v in still),
        "reviewed_false_alarms": len(reviewed_wrong),
    }
    print(json.dumps(result, indent=1))
    for f, v in zip(findings, verdicts):
        if args.unjudged and v == "unjudged" or args.wrong and v == "wrong":
            print(f"{v.upper():9} {f['severity']:10} {f['rule']:24} {f['source']:10} {f['path']} {f['start']}-{f['end']}")
    if args.json:
        Path(args.json).write_text(json.dumps({**result, "findings_judged": [
            {**f, "verdict": v} for f, v in zip(findings, verdicts)]}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
