"""The archive page's panels: scoring a folder or uploaded files, the overview table and
charts, the recurring-cause clusters, and one incident's full report."""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import streamlit as st

from analyzer.version import __version__
from analyzer.config import Config
from analyzer.errors import InputError, PmlintError
from analyzer.app.draft_view import render_checklist, render_downloads, render_fixer, render_markup, render_scoreboard, render_similar
from analyzer.app.render import GROUPS, archive_root, biggest_lift, card_html, example_draft, group_of, highlight_html, md_escape, missing_sections, number_findings, panel_html, read_upload, report_json, report_markdown, resolve_archive_dir, score_penalties, section_title
from analyzer.app.state import Settings, analyze_draft, friendly_errors, inject_css, load_example, load_settings, log, on_upload, set_draft, show_input_messages

FAMILY_COLUMNS = ("blame", "action", "section", "timeline", "whys")


# ============================================================== Streamlit: archive page

def archive_modules() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """(score_archive, cluster_archive), or None when the archive modules are not importable."""
    try:
        from analyzer.archive.scoring import score_archive
        from analyzer.archive.cause_report import cluster_archive
    except ImportError:
        return None
    return score_archive, cluster_archive


def save_uploads(uploads: Iterable[Any], max_mb: float) -> tuple[Path | None, list[str]]:
    """Uploaded archive files written to a fresh temporary folder; (folder, problems)."""
    folder = Path(tempfile.mkdtemp(prefix="pmlint-archive-"))
    problems: list[str] = []
    written = 0
    for up in uploads:
        try:
            text = read_upload(up.name, up.getvalue(), max_mb)
        except InputError as exc:
            problems.append(str(exc))
            continue
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(up.name).name).lstrip(".") or "draft.md"
        target = folder / safe
        i = 1
        while target.exists():
            target = folder / f"{Path(safe).stem}-{i}{Path(safe).suffix}"
            i += 1
        target.write_text(text, encoding="utf-8")
        written += 1
    return (folder if written else None), problems


SMALL_ARCHIVE = 60  # documents; below this, starting worker processes costs more than it saves


def _count_files(root: Path, limit: int) -> int:
    n = 0
    for p in root.rglob("*"):
        if p.suffix.lower() in (".md", ".markdown", ".txt", ".html", ".htm") and ".pmlint" not in p.parts:
            n += 1
            if n >= limit:
                break
    return n


def run_archive(root: Path, config: Config) -> dict[str, Any]:
    """Score and cluster an archive with a progress bar; the result is kept in the session."""
    modules = archive_modules()
    if modules is None:
        raise InputError("The archive modules (analyzer.archive) are not available.")
    score_archive, cluster_archive = modules
    bar = st.progress(0.0, text="Scoring the archive…")

    def progress(done: int, total: int) -> None:
        with contextlib.suppress(Exception):  # a progress update must never stop the run
            bar.progress(min(1.0, done / max(total, 1)), text=f"Scored {done} of {total} documents")

    # a small archive is scored in this process, with the pipeline the app already loaded
    jobs = 1 if _count_files(root, SMALL_ARCHIVE + 1) <= SMALL_ARCHIVE else None
    # every file read must resolve inside app.archive_root: a symlinked file pointing out is a row with an error
    config = config.with_overrides({"archive": {"confine": str(archive_root(config))}}, "(app.archive_root)")
    scored = score_archive(root, config=config, progress=progress, jobs=jobs)
    bar.progress(1.0, text="Finding recurring causes…")
    clusters = None
    cluster_error = None
    try:
        clusters = cluster_archive(root, config=config)
    except PmlintError as exc:
        cluster_error = str(exc)
    except Exception as exc:  # noqa: BLE001
        log.exception("clustering failed")
        cluster_error = f"clustering failed ({type(exc).__name__}); the scores above are complete"
    bar.empty()
    return {"root": str(root), "scored": scored, "clusters": clusters, "cluster_error": cluster_error}


def archive_frame(rows: Sequence[dict[str, Any]]):
    """The score table as a DataFrame: one row per document, newest first."""
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for col in ("title", "date", "score", *FAMILY_COLUMNS, "missing_sections", "ai_incident", "path", "error"):
        if col not in df.columns:
            df[col] = None
    df["missing_sections"] = df["missing_sections"].map(
        lambda v: ", ".join(section_title(s) for s in v) if isinstance(v, (list, tuple)) else (v or "")
    )
    df["date"] = pd.to_datetime(df["date"].astype("string"), errors="coerce")
    return df[["title", "date", "score", *FAMILY_COLUMNS, "missing_sections", "ai_incident", "path", "error"]]


def score_bands(scores):
    """Documents per 10-point score band (0–9, ..., 90–100), every band present."""
    import pandas as pd

    bands = (pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").dropna() // 10).clip(0, 9).astype(int)
    counts = bands.value_counts().reindex(range(10), fill_value=0)
    labels = [f"{10 * b:02d}–{10 * b + 9:02d}" if b < 9 else "90–100" for b in range(10)]
    return pd.DataFrame({"score": labels, "documents": counts.values})


def _on_table_select(paths: Sequence[str]) -> None:
    state = st.session_state.get("archive_table") or {}
    rows = list((state.get("selection") or {}).get("rows") or [])
    if rows and 0 <= rows[0] < len(paths):
        open_incident(paths[rows[0]])


def render_archive_overview(result: dict[str, Any]) -> None:
    pass

    scored = result["scored"]
    df = archive_frame(scored.rows)
    ok = df[df["error"].isna() | (df["error"] == "")]
    cols = st.columns(5)
    cols[0].metric("Documents", len(df))
    cols[1].metric("Analysed now", getattr(scored, "analysed", len(df)))
    cols[2].metric("Reused from store", getattr(scored, "reused", 0))
    cols[3].metric("Could not be read", getattr(scored, "failed", 0))
    cols[4].metric("Median score", f"{ok['score'].median():.0f}" if len(ok) else "–")

    st.subheader("Documents", anchor="archive-documents")
    st.caption("Click a column header to sort; select a row to open that incident's full report below.")
    paths = [str(p) for p in df["path"]]
    st.dataframe(
        df,
        key="archive_table",
        hide_index=True,
        width="stretch",
        on_select=lambda: _on_table_select(paths),
        selection_mode="single-row",
        column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "date": st.column_config.DateColumn("Date"),
            "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d"),
            "blame": st.column_config.NumberColumn("Blame"),
            "action": st.column_config.NumberColumn("Action"),
            "section": st.column_config.NumberColumn("Section"),
            "timeline": st.column_config.NumberColumn("Timeline"),
            "whys": st.column_config.NumberColumn("Whys"),
            "missing_sections": st.column_config.TextColumn("Missing sections", width="medium"),
            "ai_incident": st.column_config.CheckboxColumn("AI/ML"),
            "path": st.column_config.TextColumn("File"),
            "error": st.column_config.TextColumn("Error"),
        },
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Distribution of scores", anchor="archive-scores")
        st.bar_chart(score_bands(ok["score"]), x="score", y="documents", color="#1c7ed6", sort=False)
    with right:
        st.subheader("Findings per family over time", anchor="archive-trend")
        trend, unit, n_dated = family_trend(ok)
        if trend is None:
            st.caption("No document has a date (front matter `date:` or a dated timeline), so there is no time line.")
        else:
            st.bar_chart(trend, x_label=unit, y_label="findings per document", stack=True,
                         color=[FAMILY_COLOURS[f] for f in trend.columns])
            st.caption(f"Average findings per document in each {unit}, by rule family ({n_dated} dated documents).")


FAMILY_COLOURS = {"blame": "#d6336c", "action": "#e8890c", "whys": "#f7c948", "section": "#1c7ed6", "timeline": "#74c0fc"}


def family_trend(df):
    """(average findings per document per period and family, period unit, dated documents), or
    (None, "", 0) without dates. Periods are years over long spans, else quarters or months."""
    dated = df.dropna(subset=["date"])
    if dated.empty:
        return None, "", 0
    days = (dated["date"].max() - dated["date"].min()).days
    freq, unit = ("YS", "year") if days > 3 * 365 else ("QS", "quarter") if days > 365 else ("MS", "month")
    grouped = dated.set_index("date")[list(FAMILY_COLUMNS)].astype(float).resample(freq)
    trend = grouped.mean().dropna(how="all")
    if unit == "year":
        trend.index = trend.index.strftime("%Y")
    elif unit == "quarter":
        trend.index = [f"{d.year} Q{(d.month - 1) // 3 + 1}" for d in trend.index]
    else:
        trend.index = trend.index.strftime("%Y-%m")
    trend.index.name = unit
    return trend, unit, len(dated)


def _rep_path(rep: Any) -> tuple[str, str]:
    """(path, title) of a cluster's representative, whatever shape the clustering gives it."""
    if isinstance(rep, str):
        return rep, Path(rep).stem
    if isinstance(rep, dict):
        path = str(rep.get("path", ""))
        return path, str(rep.get("title") or Path(path).stem)
    path = str(getattr(rep, "path", rep))
    return path, str(getattr(rep, "title", None) or Path(path).stem)


def open_incident(path: str) -> None:
    st.session_state["archive_open"] = path


TOP_CLUSTERS = 12


def cluster_chart(clusters: Sequence[Any]):
    """Horizontal bars of cluster sizes, largest first, with the labels in full."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame({"cause": [str(c.label) for c in clusters], "incidents": [int(c.size) for c in clusters]})
    return (
        alt.Chart(data, height=28 * len(data) + 20)
        .mark_bar(color="#d6336c")
        .encode(
            x=alt.X("incidents:Q", title="incidents", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("cause:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
            tooltip=["cause", "incidents"],
        )
    )


def render_clusters(result: dict[str, Any]) -> None:
    import pandas as pd

    st.subheader("Recurring causes", anchor="archive-clusters")
    if result.get("cluster_error"):
        st.info(f"No clusters: {result['cluster_error']}")
        return
    clusters = list(getattr(result.get("clusters"), "clusters", None) or [])
    if not clusters:
        st.caption("Not enough documents to find recurring causes.")
        return
    clusters.sort(key=lambda c: (-int(c.size), str(c.label)))
    top, rest = clusters[:TOP_CLUSTERS], clusters[TOP_CLUSTERS:]
    n_docs = sum(int(c.size) for c in clusters)
    st.caption(
        f"{len(clusters)} recurring causes (3 or more incidents each) across {n_docs} incidents"
        + (f"; the {len(top)} largest are charted and detailed below." if rest else ".")
    )
    st.altair_chart(cluster_chart(top), width="stretch")
    for c in top:
        with st.expander(f"{c.label} — {c.size} incident{'s' if c.size != 1 else ''}", expanded=False):
            span = " to ".join(str(x) for x in (c.start, c.end) if x)
            if span:
                st.caption(f"From {span}")
            if getattr(c, "cause_class", None):
                st.markdown(f"**Cause:** `{md_escape(c.cause_class)}` · **mechanism:** {md_escape(c.mechanism or '–')}")
            if getattr(c, "missing_guardrail", None):
                st.markdown(f"**Missing guardrail:** {md_escape(c.missing_guardrail)}")
            if getattr(c, "key_phrases", None):
                st.markdown("**Key phrases:** " + ", ".join(md_escape(p) for p in list(c.key_phrases)[:10]))
            per_period = dict(getattr(c, "per_period", None) or {})
            if per_period:
                st.bar_chart(pd.Series(per_period, name="incidents").sort_index(), height=160, color="#d6336c")
            st.markdown("**Representative incidents**")
            for i, rep in enumerate(list(c.representatives)[:5]):
                path, title = _rep_path(rep)
                st.button(f"Open: {title}", key=f"open_{c.id}_{i}", on_click=open_incident, args=(path,))
                if isinstance(rep, dict) and rep.get("statement"):
                    st.caption(f"“{rep['statement']}”")
    if rest:
        with st.expander(f"{len(rest)} smaller clusters"):
            st.dataframe(
                pd.DataFrame({
                    "cause": [str(c.label) for c in rest],
                    "incidents": [int(c.size) for c in rest],
                    "from": [c.start for c in rest],
                    "to": [c.end for c in rest],
                    "missing guardrail": [getattr(c, "missing_guardrail", None) for c in rest],
                    "example": [_rep_path(c.representatives[0])[1] if c.representatives else "" for c in rest],
                }),
                hide_index=True,
                width="stretch",
            )
    single = result["clusters"].not_recurring() if hasattr(result["clusters"], "not_recurring") else []
    if single:
        with st.expander(f"{len(single)} incidents whose cause is not recurring"):
            st.dataframe(pd.DataFrame(single)[["title", "cause_class", "path"]], hide_index=True, width="stretch")


def render_incident(result: dict[str, Any], path: str, config: Config) -> None:
    """One archive document's full report, marked up like a draft."""
    from analyzer.reading.inputs import read_draft

    report = result["scored"].reports.get(path)
    if report is None:
        st.info("No report for this document.")
        return
    root = Path(result["root"])
    file = Path(path) if Path(path).is_absolute() else root / path
    text = None
    if file.resolve().is_relative_to(root.resolve()):
        with contextlib.suppress(PmlintError, OSError):
            text = read_draft(str(file), config["max_file_mb"])
    if report.error:
        st.error(f"{path}: {report.error}")
        return
    render_scoreboard(report, config)
    if text is not None and report.findings and max(f.end for f in report.findings) <= len(text):
        render_markup(text, report, config)
    else:
        st.html(panel_html(number_findings(report)))
    with st.expander("Section checklist", expanded=False):
        render_checklist(report, config)


def version_caption(settings: Settings) -> str:
    return f"pmlint {__version__} · configuration: {' ← '.join(settings.base.sources)}"


__all__ = [
    "GROUPS", "Settings", "analyze_draft", "archive_frame", "archive_modules", "archive_root", "biggest_lift",
    "card_html", "example_draft", "friendly_errors", "group_of", "highlight_html", "inject_css", "load_example",
    "load_settings", "md_escape", "missing_sections", "number_findings", "on_upload", "panel_html", "read_upload",
    "render_archive_overview", "render_checklist", "render_clusters", "render_downloads", "render_fixer",
    "render_incident", "render_markup", "render_scoreboard", "render_similar", "report_json", "report_markdown",
    "resolve_archive_dir", "run_archive", "save_uploads", "score_penalties", "set_draft", "show_input_messages",
]
