"""Sweep the blame classifier's threshold for sentences no rule flagged (PM110, `blame.classifier`).

    python bench/sweep_blame_threshold.py                       # raw p >= 0.95 0.9 0.85 0.8 0.7 0.6 0.5
    python bench/sweep_blame_threshold.py --at 0.95 0.8 --json sweep.json
    python bench/sweep_blame_threshold.py --no-corpus           # the synthetic sets and bench/real only

A sentence no rule flagged becomes a blame finding when its prior-shifted probability reaches
`classifiers.blame_threshold` (and it is prose, with a person in it, stating a failing). The
columns here are the model's raw probability; `threshold_config` is the calibrated value to put
in `blame_threshold` for it (`analyzer.judging.classifiers.combine.calibrated`, rounded down).

Every set is analysed once, at the lowest threshold; a higher threshold keeps the same findings
less the classifier-only ones whose probability is under it (the gate is monotone in p and a
classifier-only finding only stands in a sentence no blame rule flagged, so nothing else moves).
`python bench/eval_synthetic.py --config F`, `bench/eval_real.py --config F` and
`bench/eval_corpus_blame.py --config F` measure one setting directly.

For each threshold: the fresh set's dev half (explicit and subtle recall, hard-negative FPR, any
severity), the older voices set (F1, subtle recall, HN FPR), the 71 labelled real documents
(precision of all blame findings, recall, flags per 1,000 sentences) and, on all 846 corpus
documents, the classifier-only findings with how many no hand review covers yet (`unjudged`:
judge them in bench/real/corpus_blame_review.jsonl), the precision of all judged blame findings
and of the classifier-only ones, and blame flags per 1,000 sentences. The held half of the fresh
set is never read here. Skips the real and corpus parts cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_corpus_blame  # noqa: E402
import eval_synthetic  # noqa: E402

RAW = (0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)
FRESH = ROOT / "bench" / "synthetic" / "blame_fresh.jsonl"
OLD = ROOT / "bench" / "synthetic" / "blame_voices.jsonl"


def config_threshold(raw: float) -> float:
    """The `blame_threshold` that lets a raw model probability of `raw` (and more) through."""
    from analyzer import load_config
    from analyzer.judging.classifiers.combine import calibrated, prior_shift

    c = load_config()["classifiers"]
    return math.floor(calibrated(raw, prior_shift(c["blame_training_rate"], c["blame_base_rate"])) * 1e6) / 1e6


def kept(finding, raw: float) -> bool:  # noqa: ANN001 - a Finding or a finding dict
    source = finding["source"] if isinstance(finding, dict) else finding.source
    confidence = finding["confidence"] if isinstance(finding, dict) else finding.confidence
    return source != "classifier" or confidence is None or confidence >= raw


def _synthetic(analyzer, path: Path, half: str | None, ats: list[float]) -> dict:  # noqa: ANN001
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = eval_synthetic.select_half(rows, half)
    reports = list(analyzer.analyze_many((f"s{i}", r["text"]) for i, r in enumerate(rows)))
    out = {}
    for raw in ats:
        flagged = [any(f.rule.startswith("blame.") and kept(f, raw) for f in rep.findings) for rep in reports]
        out[raw] = eval_synthetic.score(rows, flagged)
    return out


def _real(config, ats: list[float]) -> dict | None:  # noqa: ANN001
    from analyzer.training.real import PRIMARY, analyse, blame_figures, load_labels, sources

    corpus = ROOT.parent / "shared" / "corpus"
    if not (corpus / "documents").is_dir():
        return None
    real = ROOT / "bench" / "real"
    labels = load_labels(PRIMARY, real)
    reports = analyse(sorted(labels), corpus, config=config)
    out = {}
    for raw in ats:
        filtered = {p: replace(r, findings=tuple(f for f in r.findings if kept(f, raw))) for p, r in reports.items()}
        fig = blame_figures(labels, filtered, sources(real))
        out[raw] = {"precision_all": fig["precision_by_severity"]["all"], "recall_any_severity": fig["recall_any_severity"],
                    "flags_per_1000_sentences": fig["flags_per_1000_sentences"]}
    return out


def _corpus(config, ats: list[float]) -> dict | None:  # noqa: ANN001
    corpus = eval_corpus_blame.DEFAULT_CORPUS
    if not (corpus / "documents").is_dir():
        return None
    reviews = [json.loads(line) for line in eval_corpus_blame.DEFAULT_REVIEW.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    stats: dict = {}
    findings = eval_corpus_blame.blame_findings(corpus, config, stats)
    out = {}
    for raw in ats:
        mine = [f for f in findings if kept(f, raw)]
        verdicts = eval_corpus_blame.judge(mine, reviews)
        by_source = eval_corpus_blame.table(mine, verdicts, "source")
        clf = by_source.get("classifier", {"right": 0, "wrong": 0, "debatable": 0, "unjudged": 0, "precision": None})
        out[raw] = {
            "blame_findings": len(mine),
            "classifier_only": sum(f["source"] == "classifier" for f in mine),
            "classifier_only_unjudged": clf["unjudged"],
            "classifier_only_right_wrong_debatable": [clf["right"], clf["wrong"], clf["debatable"]],
            "precision_classifier_only": clf["precision"],
            "precision_all": by_source["all"]["precision"] if mine else None,
            "unjudged_all": by_source["all"]["unjudged"] if mine else 0,
            "flags_per_1000_sentences": round(1000 * len(mine) / stats["sentences"], 2) if stats.get("sentences") else None,
        }
    # every finding at the lowest threshold, by reference (path, offsets, rule, source, confidence): what
    # bench/real/corpus_blame_review.jsonl judges
    return {"sentences": stats.get("sentences"), "documents": stats.get("documents"), "by_threshold": out,
            "findings": findings}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--at", type=float, nargs="+", default=list(RAW), help="raw model probabilities to measure")
    ap.add_argument("--no-corpus", action="store_true", help="skip the 846-document corpus run (the slow part)")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)
    if any(not 0 < a < 1 for a in args.at):
        print("--at: probabilities between 0 and 1", file=sys.stderr)
        return 2
    ats = sorted(set(args.at), reverse=True)
    from analyzer import load_analyzer, load_config

    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "sweep.yaml"
        cfg.write_text(f"classifiers:\n  blame_threshold: {config_threshold(min(ats))}\n", encoding="utf-8")
        config = load_config(cfg)
    analyzer = load_analyzer(config)
    result: dict = {"threshold_config": {raw: config_threshold(raw) for raw in ats}}
    if FRESH.is_file():
        result["fresh_dev"] = _synthetic(analyzer, FRESH, "dev", ats)
    if OLD.is_file():
        result["voices"] = _synthetic(analyzer, OLD, None, ats)
    result["real"] = _real(config, ats)
    if not args.no_corpus:
        result["corpus"] = _corpus(config, ats)
    text = json.dumps(result, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(json.dumps({k: ({**v, "findings": len(v["findings"])} if k == "corpus" and v else v) for k, v in result.items()},
                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
