"""Error analysis of the cause-class assignment on the labelled corpus documents (fast: no facts
store, no clustering; the same extraction, boilerplate removal and classifier as `cluster`).

    python bench/eval_taxonomy.py [--corpus ../shared/corpus] [--labels bench/real] [--errors] [--annotators PQ]

Each labelled document (bench/real/causes_P.jsonl, then causes_Q.jsonl; `--annotators P`, `Q` or
`R` for one annotator's documents) is counted once as
- `right`: the assigned class is the labelled one;
- `extraction`: wrong, and no extracted cause statement overlaps a labelled cause span (or none
  was extracted): the classifier never saw the cause;
- `classifier`: wrong although a statement overlaps a labelled span, and the class is not `other`;
- `abstention`: the document has a class but pmlint said `other` (statements overlap a span);
- `false class`: labelled `other` but given a class.
Also reported: accuracy when the classifier is given the labelled spans themselves (an upper
bound for better extraction); accuracy when the annotator's `secondary` class (the close second
they weighed) also counts, which tells neighbour confusions from plain errors; per-class precision
and recall. `--errors` lists the most frequent (labelled, assigned) pairs and the wrong documents
by path and class only (never their text). Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

from analyzer.archive.statements import drop_boilerplate, learn_boilerplate, statements_and_evidence  # noqa: E402
from analyzer.archive.taxonomy import OTHER, default_classifier  # noqa: E402


def load_gold(labels: Path, annotators: str = "PQ") -> dict[str, dict]:
    gold: dict[str, dict] = {}
    for name in (f"causes_{a}.jsonl" for a in annotators):
        path = labels / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    gold.setdefault(row["file"], row)
    return gold


def corpus_statements(corpus: Path) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[str]]]:
    """Every corpus text's cause statements and evidence sentences (as the facts store keeps them)."""
    out, evidence = {}, {}
    for sub in ("documents", "summaries"):
        for path in sorted((corpus / sub).glob("*.md")):
            statements, _source, evidence[f"{sub}/{path.name}"] = statements_and_evidence(path.read_text(encoding="utf-8"))
            out[f"{sub}/{path.name}"] = statements
    return out, evidence


def kind(gold_class: str, pred: str, overlaps: bool) -> str:
    if pred == gold_class:
        return "right"
    if gold_class == OTHER:
        return "false class"
    if not overlaps:
        return "extraction"
    return "abstention" if pred == OTHER else "classifier"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--labels", type=Path, default=ROOT / "bench" / "real")
    ap.add_argument("--errors", action="store_true", help="list wrong documents (path, labelled, assigned, kind)")
    ap.add_argument("--annotators", default="PQ", help="whose labels: P and Q split the 257 documents (develop on one, "
                    "check on the other); R is the blind second annotation of 52 of them")
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}; nothing to evaluate", file=sys.stderr)
        return 0
    gold = load_gold(args.labels, args.annotators)
    t0 = time.perf_counter()
    found, evidence = corpus_statements(args.corpus)
    t_extract = time.perf_counter() - t0
    boilerplate = learn_boilerplate([(p, [*(s for _a, _b, s in st), *evidence[p]]) for p, st in found.items()])
    t0 = time.perf_counter()
    clf = default_classifier()
    t_train = time.perf_counter() - t0
    kinds: Counter[str] = Counter()
    rows = []
    span_right = 0
    secondary_right = 0  # wrong, but the class the annotator named as the close second
    per_class: dict[str, Counter[str]] = defaultdict(Counter)
    t0 = time.perf_counter()
    for file, row in sorted(gold.items()):
        if file not in found:
            continue
        text = (args.corpus / file).read_text(encoding="utf-8")
        kept = set(drop_boilerplate([s for _a, _b, s in found[file]], boilerplate))
        statements = [(a, b, s) for a, b, s in found[file] if s in kept]
        pred = clf.assign([s for _a, _b, s in statements], evidence=drop_boilerplate(evidence[file], boilerplate)).cause_class
        spans = [(s["start"], s["end"]) for s in row.get("cause_spans") or []]
        overlaps = any(a < e and b > s for a, b, _ in statements for s, e in spans)
        k = kind(row["class"], pred, overlaps)
        kinds[k] += 1
        secondary_right += k != "right" and pred == row.get("secondary")
        per_class[row["class"]]["gold"] += 1
        per_class[pred]["pred"] += 1
        if k == "right":
            per_class[pred]["tp"] += 1
        oracle = clf.assign([" ".join(text[s:e].split()) for s, e in spans]).cause_class if spans else OTHER
        span_right += oracle == row["class"]
        rows.append((file, row["class"], pred, k, len(statements)))
    t_assign = time.perf_counter() - t0
    n = len(rows)
    print(f"{n} labelled documents; extraction over the corpus {t_extract:.1f} s, training {t_train:.2f} s, "
          f"assignment {t_assign:.2f} s")
    from sklearn.metrics import f1_score

    macro = f1_score([r[1] for r in rows], [r[2] for r in rows], average="macro")
    print(f"accuracy {kinds['right'] / n:.3f}, macro-F1 {macro:.3f}; given the labelled spans instead: {span_right / n:.3f}")
    print(f"accepting the annotator's second choice too (`secondary`): {(kinds['right'] + secondary_right) / n:.3f}")
    for k in ("right", "extraction", "classifier", "abstention", "false class"):
        print(f"  {k:12s} {kinds[k]:4d}  {kinds[k] / n:.3f}")
    print("\n| class | labelled | assigned | precision | recall |\n| --- | ---: | ---: | ---: | ---: |")
    for c in sorted(per_class, key=lambda c: -per_class[c]["gold"]):
        pc = per_class[c]
        print(f"| {c} | {pc['gold']} | {pc['pred']} | {pc['tp'] / max(pc['pred'], 1):.2f} | {pc['tp'] / max(pc['gold'], 1):.2f} |")
    if args.errors:
        pairs = Counter((r[1], r[2]) for r in rows if r[3] != "right")
        print("\n| labelled | assigned | documents |\n| --- | --- | ---: |")
        for (g, p), c in pairs.most_common(12):
            print(f"| {g} | {p} | {c} |")
        print("\nfile\tlabelled\tassigned\tkind\tstatements")
        for r in rows:
            if r[3] != "right":
                print("\t".join(map(str, r)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
