"""pmlint on real post-mortems, against labels by reference (a measurement, never training data).

    python bench/eval_real.py                   # blame, sections, AI profile, action items
    python bench/eval_real.py --agreement       # annotator agreement on the double-labelled sample
    python bench/eval_real.py --ci-review       # every corpus document that fails default CI, and why
    python bench/eval_real.py --json out.json   # the figures as JSON
    python bench/eval_real.py --detail          # every wrong or missed structure/action call, by reference
    python bench/eval_real.py --corpus-warnings # share of corpus documents with a warning, by rule

Labels live in `bench/real/labels_<annotator>.jsonl` (guide: `bench/real/GUIDE.md`): document
path and character offsets into `../shared/corpus`, never the text. Annotators A-D label the
sample in `bench/real/sample.tsv` (every source of the corpus); E relabels a subset blind. When
the corpus is absent the script says so and exits 0.

Blame: a finding of the blame family is right when it overlaps a labelled blame span; spans the
annotator marked `uncertain` count neither for nor against precision (they are reported apart)
and are left out of recall. Sections: a canonical section is found when the Report maps a heading
to it; a "section missing" finding is right when the labels do not have that section.
What-not-why recall is given over every labelled instance fix and, as `what_not_why_recall_not_done`,
without the ones labelled done. A done action item is still an action item (issue 10, session 6):
the check judges items whose done status is written on them (a checked box, a status word or mark,
a done date), so `what_not_why_on_done` gives precision and recall on the items labelled done alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "bench" / "real"
sys.path.insert(0, str(ROOT))

from analyzer.training.real import (  # noqa: E402
    PRIMARY, SECOND, analyse, blame_figures, check_spans, load_labels, overlaps, ratio, sources,
)


def corpus_dir(arg: str | None) -> Path | None:
    path = Path(arg) if arg else ROOT.parent / "shared" / "corpus"
    return path if (path / "index.csv").is_file() else None


def section_figures(labels: dict[str, dict], reports: dict) -> dict:
    tp = fp = fn = 0
    missing_right = missing_wrong = 0
    ai_right = 0
    per_section: dict[str, Counter] = defaultdict(Counter)
    for file, rec in labels.items():
        report = reports[file]
        gold = set(rec.get("sections", []))
        found = {name for name, hit in report.sections.items() if hit is not None}
        for name in found | gold:
            key = "tp" if name in found and name in gold else ("fp" if name in found else "fn")
            per_section[name][key] += 1
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
        for f in report.findings:
            if f.rule == "section.missing" and f.section:
                if f.section in gold:
                    missing_wrong += 1
                else:
                    missing_right += 1
        ai_right += bool(report.ai_incident) == bool(rec.get("ai"))
    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return {
        "precision": p, "recall": r, "f1": ratio(2 * p * r, p + r) if p and r else None,
        "missing_findings": missing_right + missing_wrong,
        "missing_correct": ratio(missing_right, missing_right + missing_wrong),
        "ai_accuracy": ratio(ai_right, len(labels)),
        "per_section": {k: dict(v) for k, v in sorted(per_section.items())},
    }


# what-not-why findings: on items (PM201, and PM210 as its alias) and conclusions (PM203); the
# other action.* rules judge an item's completeness (PM204, PM202), not what versus why
WHAT_NOT_WHY = {"action.what-not-why", "action.classifier", "action.restates-incident"}


def action_figures(labels: dict[str, dict], reports: dict) -> dict:
    wnw = Counter()
    done = Counter()  # what-not-why findings on items labelled done: right (what) or wrong (why, unclear)
    owner = Counter()
    outside = 0  # action.* findings of any rule that are on no labelled action item
    what_total = what_found = 0
    open_total = open_found = 0  # without the items labelled done: past-tense remediation is no action item (issue 10)
    for file, rec in labels.items():
        report = reports[file]
        actions = rec.get("actions", [])
        for f in report.findings:
            if f.family != "action":
                continue
            hit = overlaps(f.start, f.end, actions)
            outside += not hit
            if f.rule not in WHAT_NOT_WHY and f.rule != "action.no-owner":
                continue
            if f.rule == "action.no-owner":
                owner["tp" if hit and any(a.get("owner") is None for a in hit) else "fp"] += 1
                continue
            if hit and all(a.get("status") == "done" for a in hit):
                done["tp" if any(a["kind"] == "what" for a in hit) else "wrong"] += 1
            if not hit:
                wnw["outside"] += 1
            elif any(a["kind"] == "what" for a in hit):
                wnw["tp"] += 1
            elif any(a["kind"] == "unclear" for a in hit):
                wnw["unclear"] += 1
            else:
                wnw["why"] += 1
        for a in actions:
            if a["kind"] == "what":
                found = any(f.rule in WHAT_NOT_WHY and f.start < a["end"] and a["start"] < f.end for f in report.findings)
                what_total += 1
                what_found += found
                if a.get("status") != "done":
                    open_total += 1
                    open_found += found
    det = detection_figures(labels, reports)
    return {
        **det,
        "what_not_why": dict(wnw),
        "action_findings_outside_items": outside,
        "what_not_why_precision": ratio(wnw["tp"], wnw["tp"] + wnw["why"] + wnw["outside"]),
        "what_not_why_recall": ratio(what_found, what_total),
        "what_not_why_recall_not_done": ratio(open_found, open_total),
        "what_items": {"labelled": what_total, "found": what_found, "labelled_done": what_total - open_total,
                       "found_done": what_found - open_found},
        "what_not_why_on_done": {**done, "precision": ratio(done["tp"], done["tp"] + done["wrong"]),
                                 "recall": ratio(what_found - open_found, what_total - open_total)},
        "no_owner": dict(owner),
        "no_owner_precision": ratio(owner["tp"], owner["tp"] + owner["fp"]),
    }


def detection_figures(labels: dict[str, dict], reports: dict) -> dict:
    """Action items found (Report.actions) against the labelled ones, by overlap; and, on the
    items both agree on, whether an owner or ticket was found when the label has one."""
    found = right = labelled = recalled = 0
    owner = Counter()
    for file, rec in labels.items():
        gold = rec.get("actions", [])
        items = getattr(reports[file], "actions", ())
        found += len(items)
        right += sum(1 for a in items if overlaps(a.start, a.end, gold))
        labelled += len(gold)
        for g in gold:
            match = [a for a in items if a.start < g["end"] and g["start"] < a.end]
            recalled += bool(match)
            if match:
                has = bool(g.get("owner") or g.get("ticket"))
                got = any(a.owner or a.ticket for a in match)
                owner["tp" if has and got else "fn" if has else "fp" if got else "tn"] += 1
    return {
        "items_found": found, "items_labelled": labelled,
        "item_precision": ratio(right, found), "item_recall": ratio(recalled, labelled),
        "owner_or_ticket": dict(owner),
    }


def detail(labels: dict[str, dict], reports: dict, src: dict[str, str]) -> list[dict]:
    """Every wrong call on structure and action items, by reference (path, offsets, section name):
    wrong "section missing" findings, missed and extra sections, action.* findings that are not on a
    labelled instance fix, missed instance fixes, and no-owner findings on items with an owner."""
    out = []
    for file, rec in sorted(labels.items()):
        report = reports[file]
        gold = set(rec.get("sections", []))
        found = {name for name, hit in report.sections.items() if hit is not None}
        actions = rec.get("actions", [])
        row: dict = {"file": file, "source": src.get(file, "?"), "profile": report.profile}
        row["missing_wrong"] = sorted(f.section for f in report.findings if f.rule == "section.missing" and f.section in gold)
        row["missing_right"] = sorted(f.section for f in report.findings if f.rule == "section.missing" and f.section not in gold)
        row["sections_missed"] = sorted(gold - found)
        row["sections_extra"] = {n: report.sections[n].to_dict() for n in sorted(found - gold)}
        wnw, owner = [], []
        for f in report.findings:
            if f.family != "action":
                continue
            hit = overlaps(f.start, f.end, actions)
            if f.rule == "action.no-owner":
                if not (hit and any(a.get("owner") is None for a in hit)):
                    owner.append({"start": f.start, "end": f.end, "labelled": [(a["start"], a["end"]) for a in hit]})
                continue
            kinds = sorted({a["kind"] for a in hit})
            if "what" not in kinds:
                wnw.append({"start": f.start, "end": f.end, "rule": f.rule, "source": f.source, "labelled": kinds or "outside"})
        row["wnw_wrong"] = wnw
        row["wnw_missed"] = [
            {"start": a["start"], "end": a["end"], "status": a.get("status"),
             "item_found": any(i.start < a["end"] and a["start"] < i.end for i in report.actions)}
            for a in actions if a["kind"] == "what" and not any(
                f.family == "action" and f.rule != "action.no-owner" and f.start < a["end"] and a["start"] < f.end
                for f in report.findings)]
        row["no_owner_wrong"] = owner
        if any(v for k, v in row.items() if k not in ("file", "source", "profile", "missing_right")):
            out.append(row)
    return out


def agreement(primary: dict[str, dict], second: dict[str, dict]) -> dict:
    shared = sorted(set(primary) & set(second))
    sec_a = sec_b = sec_both = 0
    ai_same = 0
    blame_match = Counter()
    act_match = Counter()
    kind_same = kind_pairs = 0
    for file in shared:
        a, b = primary[file], second[file]
        sa, sb = set(a.get("sections", [])), set(b.get("sections", []))
        sec_a += len(sa)
        sec_b += len(sb)
        sec_both += len(sa & sb)
        ai_same += a.get("ai") == b.get("ai")
        for key, counter in (("blame", blame_match), ("actions", act_match)):
            xs, ys = a.get(key, []), b.get(key, [])
            counter["a"] += len(xs)
            counter["b"] += len(ys)
            counter["a_in_b"] += sum(bool(overlaps(x["start"], x["end"], ys)) for x in xs)
            counter["b_in_a"] += sum(bool(overlaps(y["start"], y["end"], xs)) for y in ys)
        for x in a.get("actions", []):
            match = overlaps(x["start"], x["end"], b.get("actions", []))
            if match:
                kind_pairs += 1
                kind_same += match[0]["kind"] == x["kind"]

    def f1(c: Counter) -> float | None:
        p, r = ratio(c["b_in_a"], c["b"]), ratio(c["a_in_b"], c["a"])
        return ratio(2 * p * r, p + r) if p and r else None

    return {
        "documents": len(shared),
        "sections_f1": ratio(2 * sec_both, sec_a + sec_b),
        "ai_agreement": ratio(ai_same, len(shared)),
        "blame_spans": dict(blame_match), "blame_span_f1": f1(blame_match),
        "action_spans": dict(act_match), "action_span_f1": f1(act_match),
        "what_why_agreement_on_matched": ratio(kind_same, kind_pairs),
    }


def ci_review(corpus: Path, config=None) -> list[dict]:  # noqa: ANN001
    """Every corpus document that fails `pmlint check` at the defaults, with its error findings."""
    with (corpus / "index.csv").open(encoding="utf-8") as fh:
        files = [row["file"] for row in csv.DictReader(fh) if row["kind"] == "document"]
    reports = analyse(files, corpus, config=config)
    out = []
    for file in files:
        errors = [f for f in reports[file].findings if str(f.severity) == "error"]
        if errors:
            out.append({"file": file, "errors": [{"rule": f.rule, "line": f.line, "start": f.start, "end": f.end,
                                                   "source": f.source} for f in errors]})
    return out


def corpus_warnings(corpus: Path, config=None) -> dict:  # noqa: ANN001
    """How many corpus documents carry a warning or an error at the defaults, and for which rules
    (each document counted once per rule), with the documents per rule for a review by hand."""
    with (corpus / "index.csv").open(encoding="utf-8") as fh:
        files = [row["file"] for row in csv.DictReader(fh) if row["kind"] == "document"]
    reports = analyse(files, corpus, config=config)
    warned = 0
    by_rule: Counter = Counter()
    sections: Counter = Counter()
    docs: dict[str, list[str]] = defaultdict(list)
    for file in files:
        worst = [f for f in reports[file].findings if str(f.severity) in ("warning", "error")]
        warned += bool(worst)
        for rule in sorted({f.rule for f in worst}):
            by_rule[rule] += 1
            docs[rule].append(file)
        sections.update({f.section for f in worst if f.rule == "section.missing"})
    return {"documents": len(files), "with_warning": warned, "share": ratio(warned, len(files)),
            "by_rule": dict(by_rule.most_common()), "missing_by_section": dict(sections.most_common()),
            "documents_by_rule": {k: v for k, v in sorted(docs.items())}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="the corpus folder (default ../shared/corpus)")
    ap.add_argument("--agreement", action="store_true")
    ap.add_argument("--ci-review", action="store_true")
    ap.add_argument("--false-alarms", action="store_true", help="list the blame findings judged wrong and the labelled blame missed (offsets)")
    ap.add_argument("--corpus-warnings", action="store_true", help="share of corpus documents with a warning, by rule")
    ap.add_argument("--detail", action="store_true", help="list every wrong or missed structure and action call (offsets)")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--config", metavar="FILE", help="a .pmlint.yaml to measure instead of the defaults")
    args = ap.parse_args(argv)
    from analyzer.config import load_config

    config = load_config(args.config) if args.config else None
    corpus = corpus_dir(args.corpus)
    if corpus is None:
        print("eval_real: ../shared/corpus is not here; nothing to measure", file=sys.stderr)
        return 0
    primary = load_labels(PRIMARY, REAL)
    stale = check_spans({**primary, **load_labels((SECOND,), REAL)}, corpus)
    if stale:
        print(f"eval_real: {len(stale)} labelled span(s) no longer match the corpus, e.g. {stale[:3]}", file=sys.stderr)
        return 2
    result: dict = {}
    if args.agreement:
        result["agreement"] = agreement(primary, load_labels((SECOND,), REAL))
    if args.ci_review:
        result["ci_review"] = ci_review(corpus, config)
    if args.corpus_warnings:
        result["corpus_warnings"] = corpus_warnings(corpus, config)
    if not (args.agreement or args.ci_review or args.corpus_warnings):
        reports = analyse(sorted(primary), corpus, config=config)
        result["blame"] = blame_figures(primary, reports, sources(REAL))
        result["sections"] = section_figures(primary, reports)
        result["actions"] = action_figures(primary, reports)
        if args.detail:
            result["detail"] = detail(primary, reports, sources(REAL))
        if not args.false_alarms:
            result["blame"].pop("false_alarms")
            result["blame"].pop("missed")
    text = json.dumps(result, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
