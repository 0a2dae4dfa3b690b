"""pmlint's Streamlit app: pages and layout only (panels in `draft_view`/`archive_view`, drawing in `render`).

Run it with `pmlint app`, or `streamlit run app.py` in a checkout (the repository's `app.py`
calls `main()` from here, so the installed package and the checkout show the same app). Do not
`streamlit run` this file itself: Streamlit would put `analyzer/` on `sys.path`, where the
package's own modules could shadow top-level modules of the same name.

Two pages:
- Draft (default): paste or upload a draft, see it marked up, the section checklist, accept
  rewrites, download the report; similar past incidents when an archive is set.
- Archive: score a folder (inside `app.archive_root`) or uploaded files, explore scores over
  time and the recurring-cause clusters, open any incident's full report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from analyzer.app import archive_view, draft_view, learning_view, render, state
from analyzer.config import PROFILES
from analyzer.errors import InputError, PmlintError

PAGES = {"draft": "Review a draft", "archive": "Archive", "learning": "Learning"}
# Widget values that must survive a visit to the other page (Streamlit drops the state of
# widgets a run does not draw).
_KEEP = ("draft_text", "profile", "archive_path")


def main() -> None:
    st.set_page_config(page_title="pmlint · post-mortem review", page_icon="📝", layout="wide")
    state.inject_css()
    for key in _KEEP:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    try:
        settings = state.load_settings(st.session_state.get("profile"))
    except PmlintError as exc:
        st.error(f"pmlint cannot start with this configuration: {exc}", icon="⚠️")
        st.stop()
    page, archive_dir = sidebar(settings)
    if page == "archive":
        with state.friendly_errors("the archive page"):
            archive_page(settings, archive_dir)
    elif page == "learning":
        with state.friendly_errors("the learning page"):
            learning_page(settings, archive_dir)
    else:
        with state.friendly_errors("the review"):
            draft_page(settings, archive_dir)


def sidebar(settings: state.Settings) -> tuple[str, Path | None]:
    with st.sidebar:
        st.markdown("## pmlint")
        st.caption("A careful second reader for incident post-mortems.")
        page = st.radio("Page", list(PAGES), format_func=PAGES.get, key="page", label_visibility="collapsed")
        st.divider()
        default = settings.base["archive"].get("path") or ""
        path = st.text_input(
            "Archive folder",
            value=str(default),
            key="archive_path",
            placeholder="e.g. postmortems/",
            help=f"A folder of past post-mortems inside {settings.root} (app.archive_root). "
            "Used for similar incidents and on the Archive page.",
        )
        archive_dir = None
        if path.strip():
            try:
                archive_dir = render.resolve_archive_dir(path, settings.root)
            except InputError as exc:
                st.warning(str(exc))
        st.caption(f"Archive root: `{settings.root}`")
        st.divider()
        st.caption(archive_view.version_caption(settings))
    return page, archive_dir


# ------------------------------------------------------------------ draft page

def draft_page(settings: state.Settings, archive_dir: Path | None) -> None:
    st.title("Review a post-mortem draft")
    st.caption(
        "Paste the draft or upload it. pmlint marks it up the way a careful incident reviewer would: "
        "blame-oriented phrasing, conclusions that say what happened but not why, and missing sections."
    )
    left, right = st.columns([3, 1], gap="medium")
    with right:
        # No `type=` filter: Streamlit would refuse other files with its own terse error; the
        # app checks the type itself and says what it accepts (render.read_upload).
        st.file_uploader(
            "Upload a draft (.md, .markdown, .txt)",
            key="draft_upload",
            on_change=state.on_upload,
            args=(settings.max_upload_mb,),
            max_upload_size=render.streamlit_upload_mb(settings.max_upload_mb),
            help=f"Markdown or plain text, up to {settings.max_upload_mb:g} MB.",
        )
        st.button("Try the example draft", key="load_example", on_click=state.load_example, width="stretch")
    with left:
        st.text_area(
            "Your draft (Markdown or plain text)",
            key="draft_text",
            height=220,
            on_change=state.on_text_edit,
            placeholder="# Incident title\n\n## Summary\nOn Tuesday at 14:02 UTC …",
        )
        st.button("Review the draft", type="primary", key="review")
    state.show_input_messages()

    text = st.session_state.get("draft_text") or ""
    if not text.strip():
        st.info("Paste a draft above, upload a file, or try the example draft to see what pmlint points out.")
        return
    name = st.session_state.get("draft_name") or "draft.md"
    config = settings.config
    report = state.analyze_draft(text, name, config)
    if report.error:
        st.error(f"This draft could not be analysed: {report.error}")
        return

    draft_view.render_scoreboard(report, config)
    draft_view.render_downloads(report, config, name)
    st.divider()
    draft_view.render_markup(text, report, config)

    st.divider()
    st.subheader("Section checklist", anchor="section-checklist")
    st.radio(
        "Required sections for",
        PROFILES,
        index=PROFILES.index(settings.base.profile),
        format_func=render.PROFILE_LABELS.get,
        key="profile",
        horizontal=True,
        help="Detected from the draft by default; choose a profile to override it (this also changes the score).",
    )
    draft_view.render_checklist(report, config)

    st.divider()
    st.subheader("Fixed draft", anchor="fixed-draft")
    st.caption("Accept the suggested rewrites you agree with, edit them if you like, and download the edited draft.")
    draft_view.render_fixer(text, report, config, name)

    st.divider()
    st.subheader("Similar past incidents", anchor="similar-incidents")
    draft_view.render_similar(text, config, archive_dir)


# ---------------------------------------------------------------- archive page

def archive_page(settings: state.Settings, archive_dir: Path | None) -> None:
    st.title("Archive: recurring causes")
    st.caption(
        f"Score every post-mortem in a folder (set in the sidebar, inside `{settings.root}`) or upload several "
        "files; then look at scores over time and at the causes that keep coming back."
    )
    if archive_view.archive_modules() is None:
        st.info(
            "The archive page needs pmlint's archive modules (analyzer.archive), "
            "which this installation does not have yet. The draft page works without them."
        )
        return
    uploads = st.file_uploader(
        "…or upload post-mortems (.md, .markdown, .txt; scored instead of the folder)",
        accept_multiple_files=True,
        key="archive_upload",
        max_upload_size=render.streamlit_upload_mb(settings.max_upload_mb),
    )
    source = f"{len(uploads)} uploaded file(s)" if uploads else (f"`{archive_dir}`" if archive_dir else None)
    st.markdown(f"**Source:** {source}" if source else "**Source:** set an archive folder in the sidebar, or upload files.")
    if st.button("Score the archive", type="primary", key="archive_run", disabled=source is None):
        root = archive_dir
        if uploads:
            _drop_upload_dir()
            root, problems = archive_view.save_uploads(uploads, settings.max_upload_mb)
            for problem in problems:
                st.warning(problem)
            st.session_state["archive_upload_dir"] = str(root) if root else None
        if root is None:
            st.error("None of the uploaded files could be read.")
        else:
            st.session_state["archive_result"] = archive_view.run_archive(root, settings.config)
            st.session_state.pop("archive_open", None)

    result = st.session_state.get("archive_result")
    if not result:
        return
    st.caption(f"Scored: `{result['root']}`")
    archive_view.render_archive_overview(result)
    archive_view.render_clusters(result)

    st.subheader("Open an incident", anchor="open-incident")
    rows = {r["path"]: (r.get("title") or Path(str(r["path"])).name) for r in result["scored"].rows}
    options = [""] + list(rows)
    if st.session_state.get("archive_open") not in options:
        st.session_state.pop("archive_open", None)
    choice = st.selectbox(
        "Incident", options, key="archive_open",
        format_func=lambda p: rows.get(p, p) if p else "Choose an incident, or use a cluster's Open button…",
    )
    if choice:
        archive_view.render_incident(result, choice, settings.config)


# ---------------------------------------------------------------- learning page

def learning_page(settings: state.Settings, archive_dir: Path | None) -> None:
    st.title("Learning: are the fixes done, and do causes come back?")
    st.caption("Action items of every post-mortem in the archive folder (set in the sidebar), joined with a tracker "
               "export when you upload one; causes that recurred after their fix or while it was still open.")
    if archive_dir is None:
        st.info("Set an archive folder in the sidebar to build the learning report.")
        return
    tracker = st.file_uploader("Tracker export (Jira or Linear CSV, GitHub issues CSV or JSON), optional",
                               key="learning_tracker", max_upload_size=render.streamlit_upload_mb(settings.max_upload_mb))
    today = st.date_input("Judge overdue on", key="learning_today")
    if st.button("Build the learning report", type="primary", key="learning_run"):
        result = st.session_state.get("archive_result")
        if not result or result.get("root") != str(archive_dir):
            result = archive_view.run_archive(archive_dir, settings.config)
            st.session_state["archive_result"] = result
        path = learning_view.save_tracker(tracker)
        try:
            st.session_state["learning_report"] = learning_view.build_learning(result, settings.config, today, path)
        finally:
            if path is not None:
                path.unlink(missing_ok=True)
    report = st.session_state.get("learning_report")
    if not report:
        return
    learning_view.render_summary(report)
    for title, chart in (("Action items per cause", learning_view.completion_chart(report)),
                         ("Recurrence per cause over time", learning_view.recurrence_chart(report, st.session_state["archive_result"]))):
        if chart is not None:
            st.subheader(title)
            st.altair_chart(chart, width="stretch")
    st.subheader("Overdue action items", anchor="overdue")
    learning_view.render_overdue(report)
    st.subheader("Recurring causes", anchor="recurring-causes")
    learning_view.render_causes(report)
    st.subheader("Open an incident", anchor="learning-open")
    paths = [""] + sorted({a["path"] for a in report["actions"]} | {p for c in report["causes"] for p in c["incidents"]})
    choice = st.selectbox("Incident", paths, key="learning_open",
                          format_func=lambda p: Path(p).name if p else "Choose an incident…")
    if choice:
        learning_view.render_actions_of(report, choice)
        archive_view.render_incident(st.session_state["archive_result"], choice, settings.config)


def _drop_upload_dir() -> None:
    old = st.session_state.pop("archive_upload_dir", None)
    if old and Path(old).name.startswith("pmlint-archive-"):
        shutil.rmtree(old, ignore_errors=True)

