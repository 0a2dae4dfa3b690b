"""Real-prose evaluation of the shipped pipeline: labels by reference (file path and character
offsets into a corpus, never the text), and blame precision and recall on them.

`pmlint evaluate` reports these figures next to the balanced splits when the labels
(`bench/real/labels_*.jsonl` in a checkout) and the corpus are present; `bench/eval_real.py`
adds sections, the AI profile, action items and annotator agreement.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

PRIMARY = ("A", "B", "C", "D")
SECOND = "E"
SEVERITIES = ("error", "warning", "suggestion")


def load_labels(annotators: tuple[str, ...], folder: Path) -> dict[str, dict]:
    """{file: label record} from `folder/labels_<annotator>.jsonl`."""
    out: dict[str, dict] = {}
    for a in annotators:
        path = folder / f"labels_{a}.jsonl"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["file"]] = rec
    return out


def sources(folder: Path) -> dict[str, str]:
    """{file: corpus source} from `folder/sample.tsv`."""
    with (folder / "sample.tsv").open(encoding="utf-8") as fh:
        return {row["file"]: row["source"] for row in csv.DictReader(fh, delimiter="\t")}


def check_spans(labels: dict[str, dict], corpus: Path) -> list[str]:
    """Spans whose text no longer matches their sha (the corpus changed under the labels)."""
    bad = []
    for file, rec in labels.items():
        text = (corpus / file).read_text(encoding="utf-8")
        for kind in ("blame", "actions", "not_actions"):
            for span in rec.get(kind, []):
                sha = hashlib.sha256(text[span["start"]:span["end"]].encode("utf-8")).hexdigest()[:12]
                if sha != span["sha"]:
                    bad.append(f"{file} {kind} {span['start']}-{span['end']}")
    return bad


def overlaps(a_start: int, a_end: int, spans) -> list[dict]:
    return [s for s in spans if a_start < s["end"] and s["start"] < a_end]


def analyse(files: list[str], corpus: Path, config_overrides: dict | None = None, config=None):
    from analyzer.config import load_config
    from analyzer.engine import Analyzer

    config = config or load_config()
    if config_overrides:
        config = config.with_overrides(config_overrides, "(eval_real)")
    analyzer = Analyzer(config)
    items = [(f, (corpus / f).read_text(encoding="utf-8")) for f in files]
    return {r.path: r for r in analyzer.analyze_many(items)}


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def blame_figures(labels: dict[str, dict], reports: dict, src: dict[str, str]) -> dict:
    by_sev: dict[str, Counter] = {s: Counter() for s in (*SEVERITIES, "warning+", "all")}
    by_source: dict[str, Counter] = defaultdict(Counter)
    by_origin: dict[str, Counter] = defaultdict(Counter)
    firm_total = firm_found = firm_found_warn = 0
    sentences = flags = 0
    false_alarms: list[dict] = []
    missed: list[dict] = []
    for file, rec in labels.items():
        report = reports[file]
        spans = rec.get("blame", [])
        firm = [s for s in spans if not s.get("uncertain")]
        sentences += int(report.stats.get("sentences", 0))
        blame = [f for f in report.findings if f.family == "blame"]
        flags += len(blame)
        for f in blame:
            hit = overlaps(f.start, f.end, spans)
            verdict = "uncertain" if hit and all(s.get("uncertain") for s in hit) else ("tp" if hit else "fp")
            sev = str(f.severity)
            for key in (sev, "all", *(("warning+",) if sev in ("error", "warning") else ())):
                by_sev[key][verdict] += 1
            by_source[src.get(file, "?")][verdict] += 1
            by_origin[f.source][verdict] += 1
            if verdict == "fp":
                false_alarms.append({"file": file, "start": f.start, "end": f.end, "rule": f.rule,
                                     "severity": sev, "source": f.source})
        for s in firm:
            firm_total += 1
            found = [f for f in blame if f.start < s["end"] and s["start"] < f.end]
            firm_found += bool(found)
            firm_found_warn += any(str(f.severity) in ("error", "warning") for f in found)
            if not found:
                missed.append({"file": file, "start": s["start"], "end": s["end"], "kind": s.get("kind")})

    def prec(c: Counter) -> dict:
        return {"tp": c["tp"], "fp": c["fp"], "uncertain": c["uncertain"], "precision": ratio(c["tp"], c["tp"] + c["fp"])}

    return {
        "documents": len(labels),
        "sentences": sentences,
        "flags_per_1000_sentences": ratio(1000 * flags, sentences),
        "precision_by_severity": {k: prec(v) for k, v in by_sev.items()},
        "precision_by_source": {k: prec(v) for k, v in sorted(by_source.items())},
        "precision_by_origin": {k: prec(v) for k, v in sorted(by_origin.items())},
        "labelled_blame": firm_total,
        "recall_any_severity": ratio(firm_found, firm_total),
        "recall_warning_or_error": ratio(firm_found_warn, firm_total),
        "false_alarms": false_alarms,
        "missed": missed,
    }
