"""The learning report: the archive's action items and recurring causes, as JSON (contract version
1, documented in the README) and Markdown.

Inputs are `Incident` records (date, cause, near miss, resolved action items) and, per document,
the cost it states; `today` decides what is overdue.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date
from typing import Any, Mapping, Sequence

from analyzer.archive.learning.recurrence import Incident, recurred_after_fix, recurred_while_open

REPORT_VERSION = 1


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _summary(incidents: Sequence[Incident], today: date, costs: Mapping[str, tuple[float | None, float | None]]) -> dict:
    actions = [a for i in incidents for a in i.actions]
    status = Counter(a.status for a in actions)
    decided = len(actions) - status["unknown"]
    return {
        "incidents": sum(1 for i in incidents if not i.near_miss),
        "near_misses": sum(1 for i in incidents if i.near_miss),
        "actions": len(actions),
        "done": status["done"],
        "open": status["open"],
        "unknown": status["unknown"],
        "declined": status["declined"],
        "overdue": sum(1 for a in actions if a.overdue(today)),
        "completion_rate": round(status["done"] / decided, 3) if decided else None,
        "cost_usd_total": round(sum(c[0] or 0 for c in costs.values()), 2),
    }


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def _days_to_close(incidents: Sequence[Incident]) -> float | None:
    days = [(a.done_on - i.date).days for i in incidents if i.date for a in i.actions
            if a.status == "done" and a.done_on is not None and a.done_on >= i.date]
    return float(statistics.median(days)) if days else None


def build(incidents: Sequence[Incident], *, today: date, labels: Mapping[str, str] | None = None,
          costs: Mapping[str, tuple[float | None, float | None]] | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict. `labels` names each cause id; `costs` maps a document
    path to (money in USD, engineer-hours) when the document quantifies them."""
    labels = labels or {}
    costs = costs or {}
    by_cause: dict[str, list[Incident]] = defaultdict(list)
    for inc in incidents:
        if inc.cause:
            by_cause[inc.cause].append(inc)
    causes = []
    for cause, members in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        members = sorted(members, key=lambda i: (i.date or date.max, i.path))
        money = [costs[i.path][0] for i in members if i.path in costs and costs[i.path][0] is not None]
        hours = [costs[i.path][1] for i in members if i.path in costs and costs[i.path][1] is not None]
        causes.append({
            "id": cause,
            "label": labels.get(cause, cause),
            "incidents": [i.path for i in members if not i.near_miss],
            "near_misses": [i.path for i in members if i.near_miss],
            "cost_usd": round(sum(money), 2) if money else None,
            "cost_hours": round(sum(hours), 1) if hours else None,
            "median_ttd_minutes": _median([i.ttd for i in members]),
            "median_ttr_minutes": _median([i.ttr for i in members]),
            "recurred_after_fix": recurred_after_fix(members),
            "recurred_while_open": recurred_while_open(members),
        })
    per_quarter: dict[str, Counter] = defaultdict(Counter)
    for inc in incidents:
        if inc.date:
            per_quarter[quarter(inc.date)]["near_misses" if inc.near_miss else "incidents"] += 1
    summary = _summary(incidents, today, costs)
    summary["median_days_to_close"] = _days_to_close(incidents)
    summary["median_ttd_minutes"] = _median([i.ttd for i in incidents])
    summary["median_ttr_minutes"] = _median([i.ttr for i in incidents])
    summary["near_miss_ratio"] = (round(summary["near_misses"] / summary["incidents"], 3)
                                  if summary["incidents"] else None)
    cause_of = {i.path: i.cause for i in incidents}
    return {
        "version": REPORT_VERSION,
        "today": today.isoformat(),
        "summary": summary,
        "per_quarter": {q: dict(c) for q, c in sorted(per_quarter.items())},
        "actions": [a.to_dict(today, cause_of.get(a.path)) for i in incidents for a in i.actions],
        "causes": causes,
    }


def overdue_by_owner(report: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in report["actions"]:
        if a["overdue"]:
            out[a["owner"] or "(no owner)"].append(a)
    return dict(sorted(out.items()))


def to_markdown(report: Mapping[str, Any]) -> str:
    s = report["summary"]
    rate = f"{100 * s['completion_rate']:.0f}%" if s["completion_rate"] is not None else "n/a"
    lines = [
        f"# Learning report ({report['today']})", "",
        f"- Incidents: {s['incidents']}; near misses: {s['near_misses']}",
        f"- Action items: {s['actions']} (done {s['done']}, open {s['open']}, unknown {s['unknown']}, "
        f"declined {s['declined']}); overdue: {s['overdue']}; completion rate: {rate}",
        f"- Median days to close an action item: {s['median_days_to_close'] if s['median_days_to_close'] is not None else 'n/a'}",
    ]
    overdue = overdue_by_owner(report)
    if overdue:
        lines += ["", "## Overdue action items", ""]
        for owner, items in overdue.items():
            lines.append(f"- **{owner}**: " + "; ".join(f"{a['text'][:80]} (due {a['due']}, `{a['path']}`)" for a in items))
    lines += ["", "## Recurring causes", ""]
    for c in report["causes"]:
        n = len(c["incidents"])
        lines.append(f"### {c['label']} ({n} incident{'s' if n != 1 else ''}, {len(c['near_misses'])} near miss"
                     f"{'es' if len(c['near_misses']) != 1 else ''})")
        if not c["incidents"] and c["near_misses"]:
            lines.append("- Only near misses: the guardrail that caught them works.")
        if c["median_ttd_minutes"] is not None or c["median_ttr_minutes"] is not None:
            lines.append(f"- Median time to detect: {c['median_ttd_minutes'] if c['median_ttd_minutes'] is not None else 'n/a'} min; "
                         f"to resolve: {c['median_ttr_minutes'] if c['median_ttr_minutes'] is not None else 'n/a'} min")
        if c["cost_usd"] is not None or c["cost_hours"] is not None:
            lines.append(f"- Cost of not fixing this: {c['cost_usd'] or 0:,.0f} USD, {c['cost_hours'] or 0:,.0f} engineer-hours")
        for e in c["recurred_after_fix"]:
            lines.append(f"- Recurred after fix: `{e['incident']}` after `{e['after']}` (fixed {e['fixed_on']})")
        for e in c["recurred_while_open"]:
            lines.append(f"- Recurred while open: `{e['incident']}` while {', '.join(e['open_tickets'][:3])} from `{e['after']}` was open")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
