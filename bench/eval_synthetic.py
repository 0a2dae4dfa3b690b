"""The whole blame system (rules, classifier, combination) on the authored evaluation set in
unseen voices (bench/synthetic/blame_voices.jsonl): recall of explicit and subtle blame, false
positive rate on hard negatives and neutral prose, F1, at any severity and at warning or above.

A measurement only: the set is never training data (`pmlint train` reads data/ alone).

    python bench/eval_synthetic.py [--set FILE] [--half dev|held] [--misses] [--false-alarms] [--json FILE]

`--half` keeps the rows of one half of a set whose rows carry a `half` field
(bench/synthetic/blame_fresh.jsonl: develop on `dev`, report `held`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "synthetic" / "blame_voices.jsonl"


def blame_severities(report) -> set[str]:  # noqa: ANN001
    return {f.severity.value for f in report.findings if f.rule.startswith("blame.")}


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def score(rows: list[dict], flagged: list[bool]) -> dict:
    by_kind: Counter = Counter()
    hits: Counter = Counter()
    tp = fp = fn = 0
    for row, flag in zip(rows, flagged):
        by_kind[row["kind"]] += 1
        hits[row["kind"]] += flag
        if row["label"] == "blame":
            tp += flag
            fn += not flag
        else:
            fp += flag
    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    out = {"precision": p, "recall": r, "f1": round(2 * p * r / (p + r), 3) if p and r else None}
    for kind in ("explicit", "subtle"):
        out[f"{kind}_recall"] = ratio(hits[kind], by_kind[kind])
    for kind in ("hard_negative", "neutral"):
        out[f"{kind}_fpr"] = ratio(hits[kind], by_kind[kind])
    return out


def select_half(rows: list[dict], half: str | None) -> list[dict]:
    """The rows of one half (`dev` or `held`), or all rows when half is None."""
    if half is None:
        return rows
    if any("half" not in r for r in rows):
        raise ValueError("--half needs a set whose every row has a 'half' field")
    return [r for r in rows if r["half"] == half]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default=str(DEFAULT), help="a JSONL file of {text, label, kind}")
    ap.add_argument("--misses", action="store_true", help="list the blame sentences no finding covers")
    ap.add_argument("--false-alarms", action="store_true", help="list the blameless sentences flagged")
    ap.add_argument("--half", choices=("dev", "held"), help="measure one half of a set with a 'half' field")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--config", metavar="FILE", help="a .pmlint.yaml to measure instead of the defaults")
    args = ap.parse_args(argv)
    path = Path(args.set)
    if not path.is_file():
        print(f"no evaluation set at {path}; skipping", file=sys.stderr)
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        rows = select_half(rows, args.half)
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2

    from analyzer import load_analyzer, load_config

    analyzer = load_analyzer(load_config(args.config) if args.config else None)
    reports = analyzer.analyze_many((f"s{i}", r["text"]) for i, r in enumerate(rows))
    sev = [blame_severities(rep) for rep in reports]
    result = {
        "sentences": len(rows),
        "half": args.half or "all",
        "any_severity": score(rows, [bool(s) for s in sev]),
        "warning_or_error": score(rows, [bool(s & {"warning", "error"}) for s in sev]),
        "error": score(rows, [bool(s & {"error"}) for s in sev]),
    }
    by_voice: dict[str, dict] = {}
    for voice in sorted({r["voice"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["voice"] == voice]
        by_voice[voice] = score([rows[i] for i in idx], [bool(sev[i]) for i in idx])
    result["by_voice_any_severity"] = by_voice
    print(json.dumps({k: v for k, v in result.items() if k != "by_voice_any_severity"}, indent=1))
    for i, (row, s) in enumerate(zip(rows, sev)):
        if args.misses and row["label"] == "blame" and not s:
            print(f"MISS {row['kind']:<9} {row['text']}")
        if args.false_alarms and row["label"] == "blameless" and s:
            print(f"FA   {row['kind']:<13} {sorted(s)} {row['text']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
