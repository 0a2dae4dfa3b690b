"""What the blame classifier's gates and threshold cost and buy: synthetic recall against real-prose flags.

    python bench/gate_study.py                        # shipped models; every set and the corpus
    python bench/gate_study.py --no-corpus            # the synthetic sets only (about a minute)
    python bench/gate_study.py --config exp.yaml      # another model (classifiers.models_dir) or rates

A sentence no blame rule flagged becomes a classifier-only finding (PM110) when the model's raw
probability reaches the threshold *and* it passes two gates: a person, role or team takes part in
it (`person`) and it states a failing (`failing`: `failing_words` / `failing_phrases` in
lexicon.yaml). This script analyses every set once, records each sentence's best blame score with
its two gate answers (by wrapping the classifier combiner; nothing in the engine changes), and
then counts, for each threshold and each gate setting (`both` as shipped, or `person` only, without
the failing gate; a sentence with no person in it is never scored, so there is no third setting):

- on the synthetic sets (`bench/synthetic/`, each half apart): F1, explicit and subtle recall
  and hard-negative FPR at any severity (a rule finding of any severity counts as a flag);
- on the 846 corpus documents: the classifier-only findings, split by the hand review in
  `bench/real/corpus_blame_review.jsonl` (right / wrong / debatable / not judged).

The held halves are run for figures only: this script prints no sentence. Skips the corpus part
cleanly when `../shared/corpus` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CORPUS = ROOT.parent / "shared" / "corpus"
SETS = ("blame_fresh.jsonl", "blame_subtle.jsonl", "blame_voices.jsonl")
THRESHOLDS = (0.95, 0.9, 0.8, 0.7, 0.5)
GATES = ("both", "person")


class Recorder:
    """Wraps `ClassifierCombiner.combine` to keep each blame score (sentence offsets, p, gates)
    and the rule codes inside its sentence, for the document being combined."""

    def __init__(self) -> None:
        import analyzer.judging.classifiers.combine as combine

        self.rows: list[dict] = []
        original = combine.ClassifierCombiner.combine

        def wrapped(this, hits, chunks, ctx, config):  # noqa: ANN001, ANN202
            rules = [(h.start, h.end) for h in hits if h.code in combine.BLAME_RULES]
            for offset, scores in chunks:
                for s in (scores or {}).get("blame", []):
                    a, b = s.start + offset, s.end + offset
                    self.rows.append({"start": a, "end": b, "p": s.p, "person": s.human, "failing": s.failing,
                                      "rule": any(x < b and a < y for x, y in rules)})
            return original(this, hits, chunks, ctx, config)

        combine.ClassifierCombiner.combine = wrapped

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows


def passes(score: dict, threshold: float, gate: str) -> bool:
    if score["rule"] or score["p"] < threshold:
        return False
    return score["person"] and (gate == "person" or score["failing"])


def synthetic_table(analyzer, recorder: Recorder, path: Path) -> dict:  # noqa: ANN001
    from eval_synthetic import blame_severities

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = []
    for i, report in enumerate(analyzer.analyze_many((f"s{i}", r["text"]) for i, r in enumerate(rows))):
        rule_flag = bool(blame_severities(report)) and any(
            f.rule.startswith("blame.") and f.rule != "blame.classifier" for f in report.findings)
        seen.append((rows[i], rule_flag, recorder.take()))
    out = {}
    for half in sorted({r.get("half", "all") for r in rows}):
        part = [x for x in seen if x[0].get("half", "all") == half]
        for t in THRESHOLDS:
            for gate in GATES:
                flags = [(r, rule or any(passes(s, t, gate) for s in scores)) for r, rule, scores in part]
                out[f"{half} p>={t} {gate}"] = score(flags)
    return out


def score(flags: list[tuple[dict, bool]]) -> dict:
    def rate(kind: str) -> float:
        xs = [f for r, f in flags if r["kind"] == kind]
        return round(sum(xs) / len(xs), 3) if xs else 0.0

    tp = sum(f for r, f in flags if r["label"] == "blame")
    fp = sum(f for r, f in flags if r["label"] != "blame")
    positives = sum(r["label"] == "blame" for r, _ in flags)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 3), "explicit": rate("explicit"), "subtle": rate("subtle"),
            "hn_fpr": rate("hard_negative")}


def corpus_table(analyzer, recorder: Recorder) -> dict:  # noqa: ANN001
    from eval_corpus_blame import DEFAULT_REVIEW, judge

    reviews = [json.loads(line) for line in DEFAULT_REVIEW.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = sorted(p for p in (CORPUS / "documents").rglob("*") if p.is_file())
    items = ((str(p.relative_to(CORPUS)), p.read_text(encoding="utf-8", errors="replace")) for p in docs)
    scored = []
    for report in analyzer.analyze_many(items):
        scored += [{**s, "path": report.path} for s in recorder.take()]
    out = {}
    for t in THRESHOLDS:
        for gate in GATES:
            picked = [s for s in scored if passes(s, t, gate)]
            verdicts = Counter(judge(picked, reviews))
            out[f"p>={t} {gate}"] = {"findings": len(picked), **{k: verdicts[k] for k in ("right", "wrong", "debatable", "unjudged")}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="configuration file (e.g. classifiers.models_dir of another model)")
    parser.add_argument("--no-corpus", action="store_true", help="the synthetic sets only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    recorder = Recorder()
    from analyzer import load_analyzer, load_config

    analyzer = load_analyzer(load_config(args.config) if args.config else None)
    results: dict = {}
    for name in SETS:
        results[name] = synthetic_table(analyzer, recorder, ROOT / "bench" / "synthetic" / name)
        for key, row in results[name].items():
            print(f"{name:20} {key:28} F1 {row['f1']:.3f}  explicit {row['explicit']:.2f}  "
                  f"subtle {row['subtle']:.2f}  HN FPR {row['hn_fpr']:.3f}")
    if args.no_corpus or not (CORPUS / "documents").is_dir():
        print("corpus: skipped" + ("" if args.no_corpus else f" ({CORPUS} is absent)"))
    else:
        results["corpus"] = corpus_table(analyzer, recorder)
        for key, row in results["corpus"].items():
            print(f"{'corpus':20} {key:28} classifier-only {row['findings']:4}  right {row['right']}  wrong {row['wrong']}  "
                  f"debatable {row['debatable']}  not judged {row['unjudged']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
