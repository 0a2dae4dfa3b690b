"""The draft page's panels: scoreboard, marked-up draft, section checklist, fixed-draft helper,
downloads and similar past incidents."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from analyzer.config import Config
from analyzer.errors import PmlintError
from analyzer.findings import Report
from analyzer.output.fixer import apply_rewrites, propose
from analyzer.app.render import biggest_lift, fixed_name, group_of, highlight_html, legend_html, md_escape, missing_banner_html, missing_sections, number_findings, panel_html, profile_label, report_json, report_markdown, section_skeleton, section_title
from analyzer.app.state import log, set_draft

# ================================================================ Streamlit: draft page

def render_scoreboard(report: Report, config: Config) -> None:
    """Counts at the top, the score, and one line on what would raise it most."""
    c = report.counts()
    groups = Counter(group_of(f) for f in report.findings)
    missing = missing_sections(report, config)
    cols = st.columns(5)
    cols[0].metric("Score", f"{report.score}/100", help="100 minus points per finding (see `score` in .pmlint.yaml)")
    cols[1].metric("Errors", c["error"])
    cols[2].metric("Warnings", c["warning"])
    cols[3].metric("Suggestions", c["suggestion"])
    cols[4].metric("Missing sections", len(missing))
    st.markdown(biggest_lift(report, config))
    st.caption(
        f"Blame {groups.get('blame', 0)} · What, not why {groups.get('why', 0)} · Structure {groups.get('structure', 0)}"
        f" · profile {profile_label(report, config)} · {report.stats.get('words', 0)} words"
    )


def render_markup(text: str, report: Report, config: Config) -> None:
    """The draft marked up in place (left) and the findings panel (right)."""
    numbered = number_findings(report)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.subheader("Marked-up draft", anchor="marked-up-draft")
        st.html(legend_html(numbered) + missing_banner_html(report, config) + highlight_html(text, numbered))
    with right:
        st.subheader("Findings", anchor="findings")
        st.html(panel_html(numbered))


def render_checklist(report: Report, config: Config) -> None:
    """Every required section for the profile, present or missing; missing ones with a skeleton
    in a code block (its copy button copies the skeleton)."""
    required = config.required_sections(report.profile)
    missing = [s for s in required if report.sections.get(s) is None]
    kind = "an **AI/ML**" if report.profile == "ai" else "a **general**"
    st.markdown(f"**{len(required) - len(missing)} of {len(required)}** required sections present for {kind} incident.")
    for name in required:
        hit = report.sections.get(name)
        if hit is not None:
            where = f"“{md_escape(hit.heading)}”" if hit.heading else f"no heading: {md_escape(hit.evidence)}"
            st.markdown(f":green[**✓ {section_title(name)}**] — {where}, line {hit.line}")
    for name in missing:
        st.markdown(f":red[**✗ {section_title(name)}**] — missing; paste this skeleton (copy button at its top right):")
        st.code(section_skeleton(name), language="markdown")
    extra = [(n, h) for n, h in report.sections.items() if h is not None and n not in required]
    if extra:
        st.caption("Also found: " + ", ".join(f"{section_title(n)} (line {h.line})" for n, h in extra))
    if len(missing) > 1:
        with st.expander(f"All {len(missing)} missing skeletons in one block"):
            st.code("\n".join(section_skeleton(s) for s in missing), language="markdown")


def render_fixer(text: str, report: Report, config: Config, name: str) -> None:
    """Accept suggested rewrites one by one (each can be edited), then download the edited draft."""
    proposals = propose(text, report.findings, config.rules)
    if not proposals:
        st.caption("No sentence in this draft has a ready rewrite. The findings above say what to change by hand.")
        return
    accepted = []
    for p in proposals:
        with st.container(border=True):
            st.html(
                f'<div class="pm-diff" style="font:400 .9rem/1.5 system-ui,sans-serif">'
                f'<span class="pm-num pm-{group_of(p.finding)}">line {p.finding.line}</span> '
                f'<del>{html.escape(" ".join(p.original.split()))}</del></div>'
            )
            wording = st.text_area("Rewrite (edit it if you like)", value=p.replacement, key=f"rw_text_{p.key}", height=80)
            if p.question:
                st.caption(f"Then answer in the draft: *{md_escape(p.question)}*")
            if st.checkbox("Accept this rewrite", key=f"rw_accept_{p.key}"):
                accepted.append(p.with_replacement(wording.strip() or p.replacement))
    result = apply_rewrites(text, accepted)
    for rw, why in result.skipped:
        st.warning(f"Line {rw.finding.line}: not applied ({why}).")
    row = st.container(horizontal=True)
    row.download_button(
        f"Download the fixed draft ({len(result.applied)} accepted)",
        result.text,
        file_name=fixed_name(name),
        mime="text/markdown",
        key="download_fixed",
        disabled=not result.applied,
        icon=":material/download:",
    )
    row.button(
        "Review the fixed draft",
        key="review_fixed",
        on_click=set_draft,
        args=(result.text, name, f"Reviewing the fixed draft ({len(result.applied)} rewrite(s) applied)."),
        disabled=not result.applied,
    )
    if result.applied:
        with st.expander("Preview the fixed draft"):
            st.code(result.text, language="markdown")


def render_downloads(report: Report, config: Config, name: str) -> None:
    stem = Path(name or "draft").stem
    row = st.container(horizontal=True)
    row.download_button("Download report (Markdown)", report_markdown(report, config), file_name=f"{stem}.pmlint.md",
                        mime="text/markdown", key="download_md", icon=":material/download:")
    row.download_button("Download report (JSON)", report_json(report), file_name=f"{stem}.pmlint.json",
                        mime="application/json", key="download_json", icon=":material/data_object:")


@st.cache_data(max_entries=64, show_spinner="Looking for similar past incidents…")
def _similar(text: str, root: str, fingerprint: str, _config: Config) -> list[dict[str, Any]]:
    from analyzer.archive.similar import similar_with_placement

    placed, neighbours = similar_with_placement(text, root=root, config=_config, k=5)
    joins = {"path": "", "title": "", "score": 0.0, "shared_phrases": [], "shared_statements": [],
             "placement": f"{placed.cause_class} (confidence {placed.confidence:.2f})",
             "cause": placed.label or "no recurring cause yet (not recurring)"}
    return [joins] + [
        {"path": str(n.path), "title": str(n.title or n.path), "score": float(n.score),
         "shared_phrases": [str(p) for p in (n.shared_phrases or ())],
         "cause": str(getattr(n, "cause", None) or getattr(n, "cause_class", "") or ""),
         "shared_statements": [(str(a), str(b)) for a, b in (getattr(n, "shared_statements", None) or ())]}
        for n in neighbours
    ]


def render_similar(text: str, config: Config, archive_dir: Path | None) -> None:
    """Similar past incidents from the archive store (when an archive is configured)."""
    if archive_dir is None:
        st.caption("Set an archive folder in the sidebar (or `archive.path` in .pmlint.yaml) to see similar past incidents.")
        return
    try:
        import analyzer.archive.similar  # noqa: F401
    except ImportError:
        st.info("Similar past incidents need pmlint's archive modules, which this installation does not have yet.")
        return
    try:
        neighbours = _similar(text, str(archive_dir), config.fingerprint(), config)
    except PmlintError as exc:
        st.info(f"No similar incidents available: {exc}")
        return
    except Exception as exc:  # noqa: BLE001
        log.exception("similar incidents failed")
        st.info(f"No similar incidents available ({type(exc).__name__}). Score the archive on the Archive page first.")
        return
    if not neighbours:
        st.caption(f"No similar incidents in {archive_dir}.")
        return
    if neighbours and "placement" in neighbours[0]:
        placed, neighbours = neighbours[0], neighbours[1:]
        st.markdown(f"**This draft's cause:** {md_escape(placed['placement'])} · **joins:** {md_escape(placed['cause'])}")
    for n in neighbours:
        phrases = ", ".join(md_escape(p) for p in n["shared_phrases"][:6])
        st.markdown(
            f"- **{md_escape(n['title'])}** — similarity {n['score']:.2f}"
            + (f" · cause: {md_escape(n['cause'])}" if n.get("cause") else "")
            + (f" · shared: {phrases}" if phrases else "")
            + f"  \n  *{md_escape(n['path'])}*"
            + "".join(f"  \n  draft: “{md_escape(a)}” · past: “{md_escape(b)}”" for a, b in n.get("shared_statements", []))
        )
