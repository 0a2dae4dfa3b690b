"""The learning page's panels: the archive's action items and recurring causes (`pmlint learn`),
with charts of completion and recurrence per cause, the overdue list, and a click-through to each
incident and its action items."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from analyzer.app.render import md_escape
from analyzer.config import Config


def save_tracker(upload: Any) -> Path | None:
    """An uploaded tracker export written to a temporary file (its suffix kept)."""
    if upload is None:
        return None
    suffix = Path(upload.name).suffix.lower() if Path(upload.name).suffix.lower() in (".csv", ".json") else ".csv"
    with tempfile.NamedTemporaryFile("wb", suffix=suffix, prefix="pmlint-tracker-", delete=False) as fh:
        fh.write(upload.getvalue())
    return Path(fh.name)


def build_learning(result: dict[str, Any], config: Config, today: date, tracker: Path | None) -> dict[str, Any]:
    from analyzer.archive.learning.gather import learn_from

    return learn_from(result["scored"], result["clusters"], config=config, today=today, tracker=tracker)


def render_summary(report: dict[str, Any]) -> None:
    s = report["summary"]
    cols = st.columns(5)
    cols[0].metric("Incidents", s["incidents"])
    cols[1].metric("Near misses", s["near_misses"])
    cols[2].metric("Action items done", f"{s['done']} of {s['actions']}")
    cols[3].metric("Overdue", s["overdue"])
    rate = s["completion_rate"]
    cols[4].metric("Completion rate", f"{100 * rate:.0f}%" if rate is not None else "n/a")


def completion_chart(report: dict[str, Any]):
    """Action items per cause, stacked by state."""
    import altair as alt
    import pandas as pd

    labels = {c["id"]: c["label"] for c in report["causes"]}
    rows = [{"cause": labels.get(a["cause"], "(no cause)"),
             "state": "overdue" if a["overdue"] else a["status"]} for a in report["actions"]]
    if not rows:
        return None
    df = pd.DataFrame(rows).value_counts().reset_index(name="items")
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("items:Q", title="action items"), y=alt.Y("cause:N", sort="-x", title=None),
        color=alt.Color("state:N", title="state"), tooltip=["cause", "state", "items"])


def recurrence_chart(report: dict[str, Any], result: dict[str, Any]):
    """Incidents per quarter for each cause with more than one incident."""
    import altair as alt
    import pandas as pd

    dates = {r["path"]: r.get("date") for r in result["scored"].rows}
    rows = []
    for c in report["causes"]:
        if len(c["incidents"]) + len(c["near_misses"]) < 2:
            continue
        for path in c["incidents"] + c["near_misses"]:
            d = dates.get(path)
            if d:
                y, m = int(d[:4]), int(d[5:7]) if len(d) >= 7 else 1
                rows.append({"cause": c["label"], "quarter": f"{y}-Q{(m - 1) // 3 + 1}",
                             "kind": "near miss" if path in c["near_misses"] else "incident"})
    if not rows:
        return None
    df = pd.DataFrame(rows).value_counts().reset_index(name="count")
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("quarter:O", title=None), y=alt.Y("count:Q", title="incidents"),
        color=alt.Color("cause:N", title="cause"), tooltip=["cause", "quarter", "kind", "count"])


def render_overdue(report: dict[str, Any]) -> None:
    from analyzer.archive.learning.report import overdue_by_owner

    overdue = overdue_by_owner(report)
    if not overdue:
        st.success("No action item is overdue.")
        return
    for owner, items in overdue.items():
        st.markdown(f"**{md_escape(owner)}**")
        for a in items:
            st.markdown(f"- {md_escape(a['text'][:120])} — due {a['due']} · *{md_escape(Path(a['path']).name)}*")


def render_causes(report: dict[str, Any]) -> None:
    for c in report["causes"]:
        n = len(c["incidents"])
        head = f"{c['label']} — {n} incident{'s' if n != 1 else ''}, {len(c['near_misses'])} near miss(es)"
        with st.expander(head):
            if not c["incidents"] and c["near_misses"]:
                st.markdown("Only near misses: the guardrail that caught them works.")
            for e in c["recurred_after_fix"]:
                st.markdown(f"- **Recurred after fix:** *{md_escape(Path(e['incident']).name)}* after "
                            f"*{md_escape(Path(e['after']).name)}* (fixed {e['fixed_on']})")
            for e in c["recurred_while_open"]:
                st.markdown(f"- **Recurred while open:** *{md_escape(Path(e['incident']).name)}* while "
                            f"{md_escape(', '.join(e['open_tickets'][:3]))} from *{md_escape(Path(e['after']).name)}* was open")
            if c["cost_usd"] is not None or c["cost_hours"] is not None:
                st.markdown(f"- Cost stated: {c['cost_usd'] or 0:,.0f} USD, {c['cost_hours'] or 0:,.0f} engineer-hours")


def render_actions_of(report: dict[str, Any], path: str) -> None:
    items = [a for a in report["actions"] if a["path"] == path]
    if not items:
        st.caption("This document has no action items.")
        return
    for a in items:
        flag = " · **overdue**" if a["overdue"] else ""
        st.markdown(f"- [{a['status']}] {md_escape(a['text'][:160])}"
                    f"{' · ' + md_escape(a['ticket']) if a['ticket'] else ''}{flag}")
