"""Choose the cause classifier's constants (SVM C and class weights, softmax temperature, position decay, abstention
threshold, weights of the statement and document cue evidence) on held-out AUTHORED statements, never on the corpus labels.

    python bench/tune_taxonomy.py [--folds 5]

The authored statements (analyzer/data/cause_statements*.yaml and the classes' positive examples)
are split into stratified folds. For each fold the classifier is trained on the others, and the
held-out statements are put into simulated documents: every held-out cause statement with 0 to
`MAX_NOISE` held-out `other` statements (impact, timeline, apology, no cause found) around it, the
cause statement first, second or last (most sentences a document's extraction returns are not the
cause); and documents of two to four held-out `other` statements only,
which should abstain (one per four cause documents, about the share of undetermined causes in
real archives). The constants with the best mean document accuracy over the folds win; ties go
to the earlier value in each grid. The corpus is not read.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.archive import taxonomy as shipped  # noqa: E402
from analyzer.archive.similar import pair_score  # noqa: E402
from analyzer.archive.taxonomy import OTHER, CauseClassifier, load_taxonomy, training_statements  # noqa: E402

GRID = {
    "c": (0.5, 1.0),
    "class_weight": ("balanced", None),  # the SVM's class weights: inverse to class frequency in the authored data, or none
    "temperature": (4.0, 8.0, 12.0),
    "decay": (0.15, 0.5),
    "threshold": (0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
    "cue_weight": (0.0, 1.0),
    "evidence_weight": (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
}
MAX_NOISE = 8  # `other` statements around a cause statement: extracted statements are mostly not causes


def simulated_documents(texts: list[str], labels: list[str], rng: np.random.Generator) -> list[tuple[list[str], str]]:
    other = [t for t, y in zip(texts, labels) if y == OTHER]
    docs: list[tuple[list[str], str]] = []
    causes = [(t, y) for t, y in zip(texts, labels) if y != OTHER]
    for i, (t, y) in enumerate(causes):
        noise = [other[j] for j in rng.choice(len(other), size=min(i % (MAX_NOISE + 1), len(other)), replace=False)] if other else []
        at = [0, 1, len(noise)][i % 3] if noise else 0
        docs.append((noise[:at] + [t] + noise[at:], y))
    for i in range(max(1, len(causes) // 4)):
        n = 2 + i % 3
        docs.append(([other[j] for j in rng.choice(len(other), size=min(n, len(other)), replace=False)], OTHER))
    return docs


def similar_precision(assigned: list, gold: list[str], confidence_weighted: bool, k: int = 5) -> float:
    """`similar`'s precision@k among simulated documents (a neighbour counts when it shares the
    gold class; documents whose gold class is `other` are not queried), ranked by the class term of
    `pair_score` alone: the same assigned class, weighted by the neighbour's confidence or not."""
    hits = []
    for a, (mine, g) in enumerate(zip(assigned, gold)):
        if g == OTHER:
            continue
        scores = sorted(((pair_score(mine.cause_class == b.cause_class != OTHER,
                                     b.confidence if confidence_weighted else 1.0, False, 0.0), -j)
                         for j, b in enumerate(assigned) if j != a), reverse=True)[:k]
        hits.append(sum(gold[-j] == g for _s, j in scores) / k)
    return float(np.mean(hits)) if hits else 0.0


def main(argv: list[str] | None = None) -> int:
    from sklearn.model_selection import StratifiedKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    taxonomy = load_taxonomy()
    texts, labels = training_statements(taxonomy)
    y = np.array(labels)
    # classes with fewer statements than folds stay in training only
    counts = {c: int((y == c).sum()) for c in set(labels)}
    usable = np.array([counts[c] >= args.folds for c in labels])
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    idx = np.flatnonzero(usable)
    scores: dict[tuple, list[float]] = {}
    similar_p5: dict[bool, list[float]] = {False: [], True: []}
    for k, (train_i, test_i) in enumerate(folds.split(idx, y[idx])):
        test = set(idx[test_i].tolist())
        train = [i for i in range(len(texts)) if i not in test]
        rng = np.random.default_rng(k)
        docs = simulated_documents([texts[i] for i in sorted(test)], [labels[i] for i in sorted(test)], rng)
        for c, class_weight in itertools.product(GRID["c"], GRID["class_weight"]):
            clf = CauseClassifier(taxonomy, ([texts[i] for i in train], [labels[i] for i in train]), c=c,
                                  class_weight=class_weight)
            if c == shipped.SVM_C and class_weight == shipped.CLASS_WEIGHTING:  # `similar`'s ranking with the shipped constants
                assigned = [clf.assign(d) for d, _y in docs]
                for weighted in similar_p5:
                    similar_p5[weighted].append(similar_precision(assigned, [y for _d, y in docs], weighted))
            decisions = [clf.model.decision_function(d) for d, _y in docs]
            cues = [clf.cue_counts(d) for d, _y in docs]
            # document-level evidence: a simulated document's sentences are its statements
            clf.evidence_weight = 1.0
            base = {tuple(d): clf.evidence_prior(d) for d, _y in docs}
            for temperature, decay, threshold, cue_weight, ew in itertools.product(
                    GRID["temperature"], GRID["decay"], GRID["threshold"], GRID["cue_weight"], GRID["evidence_weight"]):
                clf.temperature, clf.decay, clf.evidence_weight = temperature, decay, ew
                clf.evidence_prior = lambda sentences, ew=ew: ew * base[tuple(sentences)]  # cached regex counts
                right = 0
                for (d, gold), dec, cue in zip(docs, decisions, cues):
                    z = dec * temperature + cue_weight * cue
                    z -= z.max(axis=1, keepdims=True)
                    proba = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
                    right += clf.assign(d, proba, threshold=threshold).cause_class == gold
                scores.setdefault((c, class_weight, temperature, decay, threshold, cue_weight, ew), []).append(right / len(docs))
    order = {key: i for i, key in enumerate(itertools.product(*GRID.values()))}
    ranked = sorted(scores.items(), key=lambda kv: (-round(float(np.mean(kv[1])), 4), order[kv[0]]))
    print(f"{len(texts)} authored statements, {args.folds} folds; simulated documents per fold about {len(docs)}")
    print("| C | class weights | temperature | decay | threshold | cue weight | evidence weight | document accuracy (mean over folds) |\n"
          "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (c, cls_w, t, d, th, cw, ew), s in ranked[:10]:
        print(f"| {c} | {cls_w} | {t} | {d} | {th} | {cw} | {ew} | {np.mean(s):.3f} |")
    for i, name in ((1, "class weight"), (5, "cue weight"), (6, "evidence weight")):  # the best of the other constants at each value
        for v in GRID[name.replace(" ", "_")]:
            best = max(np.mean(s) for key, s in scores.items() if key[i] == v)
            print(f"best with {name} {v}: {best:.3f}")
    print(f"similar precision@5 among simulated documents, shipped constants: same class "
          f"{np.mean(similar_p5[False]):.3f}, same class weighted by the neighbour's confidence {np.mean(similar_p5[True]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
