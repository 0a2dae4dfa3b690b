"""The app's Streamlit state: styles, settings from the configuration, the analyser loaded once
per server (`st.cache_resource`), results cached per text and configuration (`st.cache_data`),
the draft's input callbacks, and errors shown as messages instead of tracebacks.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import streamlit as st

from analyzer import load_analyzer, load_config
from analyzer.config import PROFILES, Config
from analyzer.errors import InputError, PmlintError
from analyzer.findings import Report
from analyzer.app.render import archive_root, example_draft, read_upload

log = logging.getLogger("pmlint.app")

CONFIG_ENV = "PMLINT_CONFIG"  # `pmlint app --config FILE` passes the file to the app this way


# =================================================================== Streamlit: setup

CSS = """
<style>
.pm-doc{font-family:Georgia,'Source Serif Pro','Times New Roman',serif;font-size:1rem;line-height:1.7;
  white-space:pre-wrap;word-wrap:break-word;background:#fffdf8;color:#1f2328;border:1px solid #e4dfd3;
  border-radius:6px;padding:1.1rem 1.4rem;box-shadow:0 1px 3px rgba(0,0,0,.06);max-height:72vh;overflow:auto}
.pm-h{font-weight:700;color:#0b2540}
mark.pm{color:inherit;padding:1px 0;border-bottom:2px solid;border-radius:2px}
mark.pm-blame{background:#ffe0e0;border-color:#d6336c}
mark.pm-why{background:#fff1c2;border-color:#e8890c}
mark.pm-structure{background:#dcefff;border-color:#1c7ed6}
mark.pm-multi{border-bottom-style:double;border-bottom-width:3px}
.pm-pin{position:relative;white-space:normal}
a.pm-badge{display:inline-block;min-width:1.25em;text-align:center;font:600 .68rem/1.35 system-ui,sans-serif;
  color:#fff !important;border-radius:9px;padding:0 .3em;margin:0 1px;vertical-align:super;text-decoration:none !important}
.pm-badge.pm-blame,.pm-num.pm-blame{background:#d6336c}.pm-badge.pm-why,.pm-num.pm-why{background:#e8890c}
.pm-badge.pm-structure,.pm-num.pm-structure{background:#1c7ed6}
.pm-tip{display:none;position:absolute;left:-1rem;top:1.5em;z-index:20;width:24rem;max-width:70vw;background:#fff;
  border:1px solid #d0d7de;border-radius:8px;padding:.6rem .75rem;box-shadow:0 6px 20px rgba(0,0,0,.16);
  font:400 .85rem/1.45 system-ui,sans-serif;color:#1f2328;white-space:normal}
.pm-pin:hover .pm-tip,.pm-pin:focus-within .pm-tip{display:block}
.pm-panel{font:400 .88rem/1.45 system-ui,sans-serif;max-height:72vh;overflow:auto;padding-right:.3rem}
.pm-group{font:700 1rem/1.3 system-ui,sans-serif;margin:.4rem 0 .3rem;padding:.25rem .5rem;border-radius:4px}
.pm-group span{font-weight:400;opacity:.75}
.pm-group.pm-blame{background:#ffe0e0;color:#a61e4d}.pm-group.pm-why{background:#fff1c2;color:#8a4b00}
.pm-group.pm-structure{background:#dcefff;color:#0b4f8a}
.pm-sevhead{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:#6e7781;margin:.5rem 0 .2rem}
.pm-card{position:relative;background:#fff;color:#1f2328;border:1px solid #e1e4e8;border-left:4px solid #adb5bd;
  border-radius:6px;padding:.5rem .7rem;margin:0 0 .45rem}
.pm-card.pm-blame{border-left-color:#d6336c}.pm-card.pm-why{border-left-color:#e8890c}
.pm-card.pm-structure{border-left-color:#1c7ed6}
.pm-card:target{outline:3px solid #74c0fc}
.pm-card-head{display:flex;gap:.4rem;align-items:center;margin-bottom:.2rem}
.pm-num{color:#fff;border-radius:9px;padding:0 .4em;font-size:.72rem;font-weight:700}
.pm-sev{font-size:.68rem;text-transform:uppercase;letter-spacing:.04em;border-radius:3px;padding:0 .3em}
.pm-sev-error{background:#ffe3e3;color:#c92a2a}.pm-sev-warning{background:#fff3bf;color:#8a5a00}
.pm-sev-suggestion{background:#e7f5ff;color:#1864ab}
.pm-rule{color:#6e7781;font-size:.78rem}
.pm-msg{font-weight:600;margin:.15rem 0}
.pm-meta{color:#57606a;font-size:.82rem}
.pm-fix{background:#ebfbee;border-radius:4px;padding:.3rem .45rem;margin-top:.3rem;white-space:pre-wrap}
.pm-where{color:#8c959f;font-size:.75rem;margin-top:.2rem}
a.pm-jump{position:absolute;right:.6rem;top:.45rem;font-size:.75rem;text-decoration:none}
.pm-legend{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.2rem 0 .5rem;font:400 .82rem system-ui,sans-serif}
.pm-chip{border-radius:10px;padding:.05rem .55rem;font-weight:600}
.pm-chip.pm-blame{background:#ffe0e0;color:#a61e4d}.pm-chip.pm-why{background:#fff1c2;color:#8a4b00}
.pm-chip.pm-structure{background:#dcefff;color:#0b4f8a}
.pm-hint{color:#6e7781}
.pm-banner{background:#dcefff;color:#0b4f8a;border-radius:6px;padding:.45rem .7rem;margin-bottom:.5rem;
  font:400 .88rem/1.4 system-ui,sans-serif}
.pm-empty{color:#2b8a3e;font-weight:600}
.pm-diff del{background:#ffe0e0;color:#82071e}
</style>
"""


def inject_css() -> None:
    st.html(CSS)


@dataclass(frozen=True)
class Settings:
    config: Config  # the configuration with the profile override applied
    base: Config  # the configuration as the files say
    root: Path  # archive root
    max_upload_mb: float


def load_settings(profile_override: str | None = None) -> Settings:
    """The configuration: packaged defaults <- the project file (PMLINT_CONFIG, or the nearest
    .pmlint.yaml above the working directory) <- the app's profile toggle (auto, ai, general)."""
    base = load_config(os.environ.get(CONFIG_ENV) or None, search_from=".")
    config = base
    if profile_override in PROFILES and profile_override != base.profile:
        config = base.with_overrides({"profile": profile_override}, "(app profile toggle)")
    return Settings(config, base, archive_root(base), float(base["app"]["max_upload_mb"]))


ANALYSIS_WORKERS = 2
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=ANALYSIS_WORKERS, thread_name_prefix="pmlint-analysis")
_RUNNING: dict[tuple[str, str, str], concurrent.futures.Future] = {}
_RUNNING_LOCK = threading.Lock()


@st.cache_resource(show_spinner="Loading the language pipeline (once per server)…")
def get_analyzer(fingerprint: str, _config: Config):
    """The Analyzer for a configuration, shared by every session of this server."""
    return load_analyzer(_config)


@st.cache_data(max_entries=256, show_spinner="Reviewing the draft…")
def analyze_text(text: str, name: str, fingerprint: str, _config: Config) -> Report:
    """Analyse a text once per (text, name, configuration); repeated reruns reuse the Report.

    The analysis runs on a worker thread and the page waits at most `app.analysis_timeout_s`:
    past that the user gets a clear message. Python cannot stop a thread, so the analysis itself
    finishes in the background (best effort: a second request for the same draft waits for that
    run instead of starting another, and at most ANALYSIS_WORKERS run at once)."""
    analyzer = get_analyzer(fingerprint, _config)
    limit = float(_config["app"]["analysis_timeout_s"])
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), name, fingerprint)
    with _RUNNING_LOCK:
        future = _RUNNING.get(key)
        if future is None:
            future = _POOL.submit(analyzer.analyze, text, path=name)
            _RUNNING[key] = future
            future.add_done_callback(lambda _f, k=key: _RUNNING.pop(k, None))
    try:
        return future.result(timeout=limit)
    except concurrent.futures.TimeoutError:
        raise InputError(
            f"The analysis took longer than {limit:g} s (app.analysis_timeout_s), so the page stopped waiting. "
            "Check a shorter part of the draft, or run `pmlint check` on the file."
        ) from None


def analyze_draft(text: str, name: str, config: Config) -> Report:
    return analyze_text(text, name, config.fingerprint(), config)


@contextlib.contextmanager
def friendly_errors(what: str = "this page") -> Iterator[None]:
    """Errors become a short message for the user; the traceback goes to the server log only."""
    try:
        yield
    except PmlintError as exc:
        st.error(str(exc), icon="⚠️")
    except Exception as exc:  # noqa: BLE001 - the user never sees a traceback
        log.exception("pmlint app: error while rendering %s", what)
        st.error(
            f"Something went wrong while preparing {what} ({type(exc).__name__}). "
            "The details are in the server log; try again, or report it with the draft that caused it.",
            icon="⚠️",
        )


# ------------------------------------------------------------------ input callbacks

def _safe_callback(fn: Callable[..., None]) -> Callable[..., None]:
    """Widget callbacks run outside the page's error handling: turn any failure into a message."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the user never sees a traceback
            log.exception("pmlint app: error in %s", fn.__name__)
            st.session_state["draft_error"] = f"That did not work ({type(exc).__name__}); the details are in the server log."

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def set_draft(text: str, name: str, note: str = "") -> None:
    st.session_state["draft_text"] = text
    st.session_state["draft_name"] = name
    st.session_state["draft_note"] = note
    st.session_state.pop("draft_error", None)


@_safe_callback
def load_example() -> None:
    example = example_draft()
    if example is None:
        st.session_state["draft_error"] = "The example draft is not part of this installation."
        return
    set_draft(example[1], example[0], f"Loaded the example draft “{example[0]}”.")


@_safe_callback
def on_upload(max_mb: float) -> None:
    """The draft uploader's callback: a valid file replaces the text area's content."""
    uploaded = st.session_state.get("draft_upload")
    if uploaded is None:
        return
    try:
        text = read_upload(uploaded.name, uploaded.getvalue(), max_mb)
    except InputError as exc:
        st.session_state["draft_error"] = str(exc)
        return
    set_draft(text, uploaded.name, f"Loaded “{uploaded.name}” ({len(text.split())} words).")


def on_text_edit() -> None:
    st.session_state["draft_note"] = ""
    st.session_state.pop("draft_error", None)


def show_input_messages() -> None:
    if st.session_state.get("draft_error"):
        st.error(st.session_state["draft_error"], icon="🚫")
    elif st.session_state.get("draft_note"):
        st.caption(st.session_state["draft_note"])
