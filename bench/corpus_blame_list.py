"""Every blame finding pmlint gives on ../shared/corpus/documents, for a hand review, and the
comparison of two such lists against that review.

    python bench/corpus_blame_list.py OUT.jsonl [--corpus DIR]       # list (about 5 minutes)
    python bench/corpus_blame_list.py --compare OLD.jsonl NEW.jsonl --review REVIEW.jsonl

A list row is one finding by reference (document path relative to the corpus, start and end
offsets, severity, rule, source, explanation) with its text, so the list must be written outside
the repository (the corpus text is never copied into it). A review file holds one row per row of
OLD, in order, with a "verdict" (right, wrong, debatable). The comparison joins on path and start
and counts the reviewed findings that went (a finding whose text lies inside another finding of
NEW is counted as merged), the right ones lost, and the findings that are new. When the corpus
is absent the list says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_list(corpus: Path, out: Path) -> int | None:
    docs = sorted(p for p in (corpus / "documents").rglob("*") if p.is_file())
    if not docs:
        print(f"no corpus documents under {corpus}")
        return None
    from analyzer import load_analyzer

    analyzer = load_analyzer()
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for doc in docs:
            text = doc.read_text(encoding="utf-8", errors="replace")
            for f in analyzer.analyze(text, path=str(doc)).findings:
                if f.family == "blame":
                    n += 1
                    fh.write(json.dumps({"path": str(doc.relative_to(corpus)), "start": f.start, "end": f.end,
                                         "severity": str(f.severity), "rule": f.rule, "source": f.source,
                                         "text": text[f.start:f.end][:400], "explanation": f.explanation}) + "\n")
    return n


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def compare(old: list[dict], new: list[dict], review: list[dict]) -> dict:
    at = {(n["path"], n["start"]): n for n in new}
    went: Counter = Counter()
    kept: Counter = Counter()
    right_lost = []
    for f, r in zip(old, review):
        if (f["path"], f["start"]) in at:
            kept[r["verdict"]] += 1
            continue
        merged = any(n["path"] == f["path"] and n["start"] <= f["start"] and f["end"] <= n["end"] for n in new)
        went[f"{r['verdict']} ({'merged' if merged else 'gone'})"] += 1
        if r["verdict"] == "right" and not merged:
            right_lost.append({"path": f["path"], "start": f["start"], "rule": f["rule"]})
    before = {(f["path"], f["start"]) for f in old}
    return {
        "before": dict(Counter(f["severity"] for f in old)), "after": dict(Counter(n["severity"] for n in new)),
        "kept": dict(kept), "went": dict(went), "right_lost": right_lost,
        "new": [{"path": n["path"], "start": n["start"], "severity": n["severity"], "rule": n["rule"]}
                for n in new if (n["path"], n["start"]) not in before],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    ap.add_argument("--review", type=Path)
    args = ap.parse_args()
    if args.compare:
        if not args.review:
            ap.error("--compare needs --review")
        print(json.dumps(compare(_rows(args.compare[0]), _rows(args.compare[1]), _rows(args.review)), indent=1))
    elif args.out:
        if ROOT in args.out.resolve().parents:
            ap.error("write the list outside the repository: it quotes corpus text")
        n = write_list(args.corpus, args.out)
        if n is not None:
            print(f"{n} blame findings")
    else:
        ap.error("give OUT.jsonl, or --compare OLD NEW --review REVIEW")


if __name__ == "__main__":
    main()
