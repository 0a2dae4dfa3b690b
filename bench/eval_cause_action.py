"""The cause-without-action finding (PM205, `cause.unaddressed`) on real post-mortems,
against labels by reference (a measurement, never training data).

    python bench/eval_cause_action.py [--corpus ../shared/corpus] [--json out.json] [-v]

Labels: `bench/real/cause_action.jsonl`, one line per corpus document that has a root-cause or
contributing-factors section and action items. Each labelled cause is a span (path + offsets + sha,
never text) with the spans of the action items that address it (`addressed_by`), `accepted` (the
document decides not to act) and `uncertain` (two careful reviewers could disagree). Paragraphs and
list items of those sections that are not listed are not causes (background, narrative, impact,
page chrome).

A PM205 finding is right when it overlaps a cause labelled unaddressed; wrong when it overlaps an
addressed or accepted cause or no labelled cause; ignored when it overlaps an uncertain one.
Recall: the unaddressed causes that a finding overlaps. Figures are given per `split`: `tuning`
(the documents the check's rules were fitted on) and `held-out` (labelled afterwards, without
looking at the findings), and for both. When the corpus is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "real" / "cause_action.jsonl"
CODE = "PM205"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(corpus: Path, verbose: bool = False, split: str | None = None) -> dict:
    import analyzer

    engine = analyzer.load_analyzer()
    tp = fp = ignored = found = 0
    gold_unaddressed = 0
    stale = []
    per_doc = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if split is not None and label.get("split") != split:
            continue
        text = (corpus / label["file"]).read_text(encoding="utf-8")
        for c in label["causes"]:
            if hashlib.sha256(text[c["start"]:c["end"]].encode("utf-8")).hexdigest()[:12] != c["sha"]:
                stale.append(f"{label['file']}:{c['start']}")
        report = engine.analyze(text, path=label["file"])
        predicted = [(f.start, f.end) for f in report.findings if f.code == CODE]
        unaddressed = [c for c in label["causes"] if not c["addressed_by"] and not c.get("accepted") and not c.get("uncertain")]
        gold_unaddressed += len(unaddressed)
        found += sum(1 for c in unaddressed if any(_overlaps(p, (c["start"], c["end"])) for p in predicted))
        doc_tp = doc_fp = 0
        for p in predicted:
            hit = next((c for c in label["causes"] if _overlaps(p, (c["start"], c["end"]))), None)
            if hit is not None and hit.get("uncertain"):
                ignored += 1
            elif hit is not None and not hit["addressed_by"] and not hit.get("accepted"):
                doc_tp += 1
            else:
                doc_fp += 1
        tp, fp = tp + doc_tp, fp + doc_fp
        per_doc.append({"file": label["file"], "causes": len(label["causes"]), "unaddressed": len(unaddressed),
                        "findings": len(predicted), "right": doc_tp, "wrong": doc_fp})
        if verbose:
            print(f"  {label['file']}: {len(label['causes'])} causes, {len(unaddressed)} unaddressed; "
                  f"{len(predicted)} findings ({doc_tp} right, {doc_fp} wrong)", file=sys.stderr)
    return {
        "split": split or "all",
        "documents": len(per_doc),
        "causes": sum(d["causes"] for d in per_doc),
        "unaddressed": gold_unaddressed,
        "findings": tp + fp + ignored,
        "right": tp, "wrong": fp, "on_uncertain": ignored,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(found / gold_unaddressed, 3) if gold_unaddressed else None,
        "stale_spans": stale,
        "per_document": per_doc,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}: nothing to measure", file=sys.stderr)
        return 0
    results = [evaluate(args.corpus, args.verbose, split) for split in ("tuning", "held-out", None)]
    for result in results:
        print(f"PM205, {result['split']}: {result['documents']} corpus documents, {result['causes']} labelled causes, "
              f"{result['unaddressed']} unaddressed; {result['findings']} findings: {result['right']} right, "
              f"{result['wrong']} wrong, {result['on_uncertain']} on uncertain causes; "
              f"precision {result['precision']}, recall {result['recall']}")
    if results[-1]["stale_spans"]:
        print(f"stale label spans (the document changed): {results[-1]['stale_spans']}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
