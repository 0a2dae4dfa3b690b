"""The highest-scoring blame sentences on the real documents in ../shared/corpus/documents.

    python bench/top_blame_flags.py [--corpus ../shared/corpus] [--top 30] [--limit N]

Prints one line per sentence (score, source of the finding, document id, sentence) so that a
reviewer can judge by hand how many are real blame; the model card (analyzer/models/README.md) records
that review. Prints nothing about the corpus when it is absent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args()
    docs = sorted((args.corpus / "documents").glob("*.md"))[: args.limit]
    if not docs:
        print(f"no corpus documents under {args.corpus}")
        return
    from analyzer.config import load_config
    from analyzer.engine import Analyzer

    analyzer = Analyzer(load_config())
    flagged = []
    for report in analyzer.analyze_many((str(p), p.read_text(encoding="utf-8")) for p in docs):
        for f in report.findings:
            if f.family == "blame" and f.confidence is not None:
                flagged.append((f.confidence, f.code, f.source, Path(report.path).stem, " ".join(f.text.split())))
    flagged.sort(reverse=True)
    print(f"{len(flagged)} classifier-scored blame findings in {len(docs)} documents; top {args.top}:")
    for p, code, source, doc, text in flagged[: args.top]:
        print(f"{p:.3f}  {code} {source:<10} D{doc}  {text[:160]}")


if __name__ == "__main__":
    main()
