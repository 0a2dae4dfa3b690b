"""`pmlint evaluate`: held-out metrics that hold out whole authoring groups, for the trained
design, its ablations, spaCy's own textcat, and a plain keyword baseline, in one run.

Splits (both hold out whole groups, never single sentences, which would leak near-duplicates):
- `groups`: about 20% of each authoring pass's groups (fixed seed) form the test side;
- `passes`: leave-one-pass-out, i.e. train on three authors' data and test on the fourth's
  (the closest we have to the unseen evaluation set written in other voices).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.training.data import Example, default_data_dir, group_split, load_task
from analyzer.training.train import DEFAULT_ESTIMATOR, ESTIMATORS, featurize, fit, make_nlp

BLAME_KEYWORDS = re.compile(
    r"\b(human error|operator error|user error|careless\w*|sloppy|lazy|negligen\w*|incompeten\w*|reckless\w*|forgot|"
    r"ignored|failed to|mistake|fault|blame\w*|should have|accountable|responsible|be more careful|didn't|did not)\b",
    re.I,
)
ACTION_KEYWORDS = re.compile(
    r"\b(update|fix|re-?run|rerun|restart|retrain|revert|roll back|renew|increase|be more careful|remind|documentation|"
    r"docs|training session|investigate|double-check|patch|delete|clean up)\b",
    re.I,
)


@dataclass
class Scores:
    name: str
    tp: int
    fp: int
    fn: int
    tn: int
    extra: dict[str, float]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "accuracy": round(self.accuracy, 4),
            "confusion": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            **{k: round(v, 4) for k, v in self.extra.items()},
        }


def score(name: str, examples: list[Example], pred: list[int]) -> Scores:
    tp = sum(1 for e, p in zip(examples, pred) if e.y and p)
    fp = sum(1 for e, p in zip(examples, pred) if not e.y and p)
    fn = sum(1 for e, p in zip(examples, pred) if e.y and not p)
    tn = sum(1 for e, p in zip(examples, pred) if not e.y and not p)
    extra: dict[str, float] = {}
    hard = [(e, p) for e, p in zip(examples, pred) if e.kind == "hard_negative"]
    if hard:
        extra["hard_negative_fp_rate"] = sum(p for _, p in hard) / len(hard)
    subtle = [(e, p) for e, p in zip(examples, pred) if e.kind == "subtle"]
    if subtle:
        extra["subtle_recall"] = sum(p for _, p in subtle) / len(subtle)
    hard_actions = [(e, p) for e, p in zip(examples, pred) if e.kind == "hard"]
    if hard_actions:
        extra["hard_accuracy"] = sum(int(bool(p) == bool(e.y)) for e, p in hard_actions) / len(hard_actions)
    return Scores(name, tp, fp, fn, tn, extra)


def keyword_baseline(task: str, examples: list[Example]) -> list[int]:
    pattern = BLAME_KEYWORDS if task == "blame" else ACTION_KEYWORDS
    return [int(bool(pattern.search(e.text))) for e in examples]


def agreement(task: str, data_dir: Path) -> dict[str, Any] | None:
    """Agreement of the blind second annotation (data/review) with the authors' labels."""
    review = data_dir / "review" / "second_pass.jsonl"
    sample = data_dir / "review" / "sample_unlabelled.jsonl"
    if not review.is_file() or not sample.is_file():
        return None
    originals: dict[str, str] = {}
    for path in sorted((data_dir / task).glob("*.jsonl")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            prefix = path.stem if task == "blame" else f"actions_{path.stem}"
            originals[f"{prefix}:{i}"] = json.loads(line)["label"]
    pairs = []
    for line in review.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in originals:
            pairs.append((originals[row["id"]], row["label"]))
    if not pairs:
        return None
    n = len(pairs)
    agree = sum(a == b for a, b in pairs) / n
    labels = sorted({a for a, _ in pairs} | {b for _, b in pairs})
    pe = sum((sum(a == l for a, _ in pairs) / n) * (sum(b == l for _, b in pairs) / n) for l in labels)
    kappa = (agree - pe) / (1 - pe) if pe < 1 else 1.0
    return {"items": n, "agreement": round(agree, 4), "cohens_kappa": round(kappa, 4)}


def evaluate_task(task: str, *, base_model: str, data_dir: Path | None = None, nlp=None, designs: tuple[str, ...] | None = None,
                  split: str = "groups", threshold: float = 0.5, log=print) -> dict[str, Any]:
    data_dir = data_dir or default_data_dir()
    examples = load_task(task, data_dir)
    nlp = nlp or make_nlp(base_model)
    log(f"pmlint evaluate: {task}: featurising {len(examples)} sentences")
    rows = featurize(examples, nlp)
    folds: list[tuple[str, list[int], list[int]]] = []
    if split == "groups":
        train_idx, test_idx = group_split(examples)
        folds.append(("held-out groups", train_idx, test_idx))
    else:
        for source in sorted({e.source for e in examples}):
            folds.append((f"held-out pass {source}",
                          [i for i, e in enumerate(examples) if e.source != source],
                          [i for i, e in enumerate(examples) if e.source == source]))
    designs = designs or tuple(ESTIMATORS)
    result: dict[str, Any] = {"task": task, "split": split, "examples": len(examples), "folds": []}
    for fold_name, train_idx, test_idx in folds:
        test_ex = [examples[i] for i in test_idx]
        fold: dict[str, Any] = {"fold": fold_name, "train": len(train_idx), "test": len(test_idx), "designs": {}}
        train_ex = [examples[i] for i in train_idx]
        test_rows = [rows[i] for i in test_idx]
        for design in designs:
            model = fit(design, train_ex, [rows[i] for i in train_idx])
            proba = model.predict_proba([e.text for e in test_ex], test_rows)
            fold["designs"][design] = score(design, test_ex, [int(p >= threshold) for p in proba]).to_dict()
        fold["designs"]["keyword-baseline"] = score("keyword-baseline", test_ex, keyword_baseline(task, test_ex)).to_dict()
        result["folds"].append(fold)
    agree = agreement(task, data_dir)
    if agree:
        result["label_agreement"] = agree
    return result


def format_result(result: dict[str, Any]) -> str:
    lines = [f"## {result['task']} ({result['examples']} sentences, split: {result['split']})", ""]
    for fold in result["folds"]:
        lines.append(f"### {fold['fold']}: train {fold['train']}, test {fold['test']}")
        lines.append("")
        lines.append("| design | precision | recall | F1 | accuracy | hard-neg FP rate | subtle recall | hard-case acc. | confusion (tp fp fn tn) |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, m in fold["designs"].items():
            c = m["confusion"]
            lines.append(
                f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['accuracy']:.3f} | "
                f"{m.get('hard_negative_fp_rate', float('nan')):.3f} | {m.get('subtle_recall', float('nan')):.3f} | "
                f"{m.get('hard_accuracy', float('nan')):.3f} | {c['tp']} {c['fp']} {c['fn']} {c['tn']} |"
            )
        lines.append("")
    if "label_agreement" in result:
        a = result["label_agreement"]
        lines.append(f"Label agreement with a blind second annotator: {a['agreement']:.1%} on {a['items']} items "
                     f"(Cohen's kappa {a['cohens_kappa']:.2f}).")
        lines.append("")
    return "\n".join(lines)


__all__ = ["evaluate_task", "format_result", "DEFAULT_ESTIMATOR"]
