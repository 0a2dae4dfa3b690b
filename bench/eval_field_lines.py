"""How many corpus texts have an export-template field line among their cause statements or
evidence sentences (fast: extraction only).

    python bench/eval_field_lines.py [--corpus ../shared/corpus] [--min-docs 20]

A template field line is found independently of the extraction's own rule: a line of the form
"Label: value" whose label (at most six words, not a section heading pmlint knows) starts such a
line in at least `--min-docs` texts of one folder, i.e. the export template of that publisher (the
AI Incident Database summaries' "Alleged ..." fields, for instance). A text counts when one of its
cause statements overlaps such a line, or one of its evidence sentences is read from one. Prints
counts per folder and per label only (the labels are template text, never a document's own
prose). Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

from analyzer.judging.cause_statements import names_a_section, statements_and_evidence  # noqa: E402

LINE = re.compile(r"^[ \t]*\**([A-Z][\w ()/&'-]{1,50}?)\**[ \t]*:[ \t]*(\S.*)$", re.M)


def field_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every "Label: value" line of a text."""
    return [(m.start(), m.end(), m.group(1).strip()) for m in LINE.finditer(text)
            if len(m.group(1).split()) <= 6 and not names_a_section(m.group(1))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--min-docs", type=int, default=20)
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}; nothing to measure", file=sys.stderr)
        return 0
    texts = {f"{sub}/{p.name}": p.read_text(encoding="utf-8")
             for sub in ("documents", "summaries") for p in sorted((args.corpus / sub).glob("*.md"))}
    lines = {path: field_lines(text) for path, text in texts.items()}
    per_folder: dict[str, Counter[str]] = defaultdict(Counter)
    for path, found in lines.items():
        per_folder[path.split("/")[0]].update({label for _s, _e, label in found})
    template = {folder: {label for label, n in counts.items() if n >= args.min_docs} for folder, counts in per_folder.items()}
    affected: Counter[str] = Counter()
    by_label: Counter[str] = Counter()
    n_statements = n_evidence = 0
    for path, text in texts.items():
        folder = path.split("/")[0]
        spans = [(s, e, label) for s, e, label in lines[path] if label in template[folder]]
        if not spans:
            continue
        statements, _source, evidence = statements_and_evidence(text)
        hit = [label for a, b, _s in statements for s, e, label in spans if a < e and b > s]
        hit_ev = [label for sentence in evidence for s, e, label in spans if sentence in " ".join(text[s:e].split())]
        n_statements += len(hit)
        n_evidence += len(hit_ev)
        if hit or hit_ev:
            affected[folder] += 1
            by_label.update(set(hit + hit_ev))
    for folder in sorted(template):
        print(f"{folder}: template labels {len(template[folder])}; texts with a field line among their "
              f"statements or evidence: {affected[folder]} of {sum(p.startswith(folder + '/') for p in texts)}")
    print(f"field-line statements {n_statements}, field-line evidence sentences {n_evidence}")
    for label, n in by_label.most_common():
        print(f"  {n}\t{label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
