"""pmlint on synthetic post-mortem drafts in other voices (evaluation only, never training data).

    python bench/eval_drafts.py                 # sections, "section missing", AI profile, action items, what-not-why
    python bench/eval_drafts.py --detail        # and every error, by file and section or item
    python bench/eval_drafts.py --json out.json # the figures as JSON
    python bench/eval_drafts.py --only ai-01-fraud-score-drift.md --only gen-02-feature-flag-service.md

The drafts and their labels are in `bench/drafts/` (README there): 34 complete drafts written for
the project in many templates and voices, labelled by their author before pmlint ran on them.
HTML exports are read as `pmlint check` reads them (`html_to_text`), so their labels are found in
the extracted text. An action item's label is a unique substring of the item (whitespace-insensitive).

Sections: a canonical section is found when the Report maps it (heading or content), scored per
section and micro-averaged; a "section missing" finding is right when the labels do not have that
section. AI profile: `Report.ai_incident` against the label. Action items: a labelled item is
found when a `Report.actions` record overlaps it. What-not-why: a labelled item counts as flagged
when a what-not-why finding (`action.what-not-why`, its alias `action.classifier`,
`action.restates-incident`) overlaps it; accuracy is the share of labelled items where flagged
equals the label, given over all items and over the items not labelled done (the check leaves done
items alone by design: issue 10 says past-tense remediation is no action item).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAFTS = ROOT / "bench" / "drafts"

CANONICAL = ("summary", "impact", "timeline", "root_cause", "five_whys", "contributing_factors", "action_items",
             "lessons_learned", "detection", "resolution", "cost_of_incident", "model_metadata",
             "feature_drift_analysis", "data_quality_thresholds")
WHAT_NOT_WHY = {"action.what-not-why", "action.classifier", "action.restates-incident"}


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def f1(p: float | None, r: float | None) -> float | None:
    return round(2 * p * r / (p + r), 3) if p and r else None


def load_labels(folder: Path = DRAFTS, only: list[str] | None = None) -> list[dict]:
    labels = [json.loads(line) for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [rec for rec in labels if not only or rec["file"] in only]


def read_draft(path: Path) -> str:
    """The text pmlint analyses: HTML exports through the same extractor as `pmlint check`."""
    from analyzer.reading.html import html_to_text, is_html

    text = path.read_text(encoding="utf-8")
    return html_to_text(text) if is_html(str(path)) else text


def locate(text: str, snippet: str) -> tuple[int, int]:
    """(start, end) of the one occurrence of `snippet` in `text`, whitespace-insensitive."""
    pattern = r"\s+".join(map(re.escape, snippet.split()))
    hits = [m.span() for m in re.finditer(pattern, text)]
    if len(hits) != 1:
        raise ValueError(f"label snippet found {len(hits)} times: {snippet!r}")
    return hits[0]


def analyse(labels: list[dict], folder: Path = DRAFTS, analyzer=None) -> tuple[dict, dict]:  # noqa: ANN001
    """({file: Report}, {file: [action labels with start/end]})."""
    if analyzer is None:
        from analyzer import load_analyzer

        analyzer = load_analyzer()
    texts = {rec["file"]: read_draft(folder / rec["file"]) for rec in labels}
    spans = {}
    for rec in labels:
        spans[rec["file"]] = [{**a, "start": s, "end": e} for a in rec["actions"]
                              for s, e in [locate(texts[rec["file"]], a["text"])]]
    reports = {r.path: r for r in analyzer.analyze_many(list(texts.items()))}
    return reports, spans


def found_sections(report) -> set[str]:  # noqa: ANN001
    return {name for name, hit in report.sections.items() if hit is not None and name in CANONICAL}


def section_figures(labels: list[dict], reports: dict) -> dict:
    per: dict[str, Counter] = defaultdict(Counter)
    missing = Counter()
    for rec in labels:
        report = reports[rec["file"]]
        gold, found = set(rec["sections"]), found_sections(report)
        for name in gold | found:
            per[name]["tp" if name in gold and name in found else "fp" if name in found else "fn"] += 1
        for f in report.findings:
            if f.rule == "section.missing" and f.section:
                missing["wrong" if f.section in gold else "right"] += 1
    total = sum(per.values(), Counter())
    p, r = ratio(total["tp"], total["tp"] + total["fp"]), ratio(total["tp"], total["tp"] + total["fn"])
    by_section = {}
    for name in CANONICAL:
        c = per.get(name)
        if c:
            sp, sr = ratio(c["tp"], c["tp"] + c["fp"]), ratio(c["tp"], c["tp"] + c["fn"])
            by_section[name] = {**{k: c[k] for k in ("tp", "fp", "fn")}, "precision": sp, "recall": sr, "f1": f1(sp, sr)}
    return {"precision": p, "recall": r, "f1": f1(p, r), "missing_findings": sum(missing.values()),
            "missing_right": missing["right"], "missing_correct": ratio(missing["right"], sum(missing.values())),
            "per_section": by_section}


def ai_figures(labels: list[dict], reports: dict) -> dict:
    ai = [rec for rec in labels if rec["ai_incident"]]
    general = [rec for rec in labels if not rec["ai_incident"]]
    detected = sum(bool(reports[rec["file"]].ai_incident) for rec in ai)
    false_ai = sum(bool(reports[rec["file"]].ai_incident) for rec in general)
    return {"accuracy": ratio(detected + len(general) - false_ai, len(labels)),
            "ai_detected": f"{detected} of {len(ai)}", "general_flagged_ai": f"{false_ai} of {len(general)}"}


def _flagged(report, a: dict) -> bool:  # noqa: ANN001
    return any(f.rule in WHAT_NOT_WHY and f.start < a["end"] and a["start"] < f.end for f in report.findings)


def _item_found(report, a: dict) -> bool:  # noqa: ANN001
    return any(i.start < a["end"] and a["start"] < i.end for i in report.actions)


def action_figures(reports: dict, spans: dict) -> dict:
    items = Counter()
    wnw = Counter()
    for file, actions in spans.items():
        report = reports[file]
        for a in actions:
            items["labelled"] += 1
            items["found"] += _item_found(report, a)
            flagged = _flagged(report, a)
            key = ("tp" if flagged else "fn") if a["wnw"] else ("fp" if flagged else "tn")
            wnw[key] += 1
            if a.get("status") != "done":
                wnw[key + "_open"] += 1
        items["records"] += len(report.actions)
        items["records_on_no_label"] += sum(1 for i in report.actions
                                            if not any(i.start < a["end"] and a["start"] < i.end for a in actions))
    n = wnw["tp"] + wnw["fp"] + wnw["tn"] + wnw["fn"]
    n_open = sum(wnw[k + "_open"] for k in ("tp", "fp", "tn", "fn"))
    p, r = ratio(wnw["tp"], wnw["tp"] + wnw["fp"]), ratio(wnw["tp"], wnw["tp"] + wnw["fn"])
    return {
        "items_labelled": items["labelled"], "items_found": items["found"],
        "item_recall": ratio(items["found"], items["labelled"]),
        "records": items["records"], "records_on_no_labelled_item": items["records_on_no_label"],
        "what_not_why": {k: wnw[k] for k in ("tp", "fp", "tn", "fn")},
        "what_not_why_accuracy": ratio(wnw["tp"] + wnw["tn"], n),
        "what_not_why_accuracy_not_done": ratio(wnw["tp_open"] + wnw["tn_open"], n_open),
        "what_not_why_precision": p, "what_not_why_recall": r,
    }


def detail(labels: list[dict], reports: dict, spans: dict) -> list[dict]:
    """Every error by file: sections missed and extra (with the heading pmlint read), wrong
    "section missing" findings, the AI profile, items not found, what-not-why calls that differ."""
    out = []
    for rec in labels:
        file, report = rec["file"], reports[rec["file"]]
        gold, found = set(rec["sections"]), found_sections(report)
        row: dict = {"file": file}
        if bool(report.ai_incident) != rec["ai_incident"]:
            row["ai"] = {"labelled": rec["ai_incident"], "pmlint": bool(report.ai_incident)}
        if gold - found:
            row["sections_missed"] = sorted(gold - found)
        if found - gold:
            row["sections_extra"] = {n: report.sections[n].to_dict() for n in sorted(found - gold)}
        wrong = sorted(f.section for f in report.findings if f.rule == "section.missing" and f.section in gold)
        if wrong:
            row["missing_wrong"] = wrong
        items = [a["text"] for a in spans[file] if not _item_found(report, a)]
        if items:
            row["items_not_found"] = items
        calls = [{"item": a["text"], "labelled_wnw": a["wnw"], "status": a.get("status"), "item_found": _item_found(report, a)}
                 for a in spans[file] if _flagged(report, a) != a["wnw"]]
        if calls:
            row["wnw_wrong"] = calls
        if len(row) > 1:
            out.append(row)
    return out


def evaluate(labels: list[dict], folder: Path = DRAFTS, analyzer=None, with_detail: bool = False) -> dict:  # noqa: ANN001
    reports, spans = analyse(labels, folder, analyzer)
    result = {"drafts": len(labels), "sections": section_figures(labels, reports), "ai_profile": ai_figures(labels, reports),
              "actions": action_figures(reports, spans)}
    if with_detail:
        result["detail"] = detail(labels, reports, spans)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true", help="list every error by file and section or item")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--only", action="append", metavar="FILE", help="only this draft (repeatable)")
    ap.add_argument("--config", metavar="FILE", help="a .pmlint.yaml to measure instead of the defaults")
    args = ap.parse_args(argv)
    from analyzer.config import load_config
    from analyzer.engine import Analyzer

    labels = load_labels(only=args.only)
    analyzer = Analyzer(load_config(args.config) if args.config else load_config())
    result = evaluate(labels, analyzer=analyzer, with_detail=args.detail)
    text = json.dumps(result, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
