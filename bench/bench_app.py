"""The app's speed on a 2,000-word draft, once warm: engine, rendering and a full script run.

    python bench/bench_app.py [--words 2000] [--repeat 5] [--json]

The draft is built from the three example drafts (about 2,000 words, dozens of findings), each
repetition made unique with a revision line so that no cache answers. Measured:

- cold load: the first `load_analyzer` (the spaCy pipeline and classifiers; once per server);
- engine, warm: `Analyzer.analyze` of a new 2,000-word text (and, for comparison, with the
  trained classifiers off: `classifiers.enabled: false`);
- rendering: building the marked-up draft and the findings panel (`analyzer.app.render`);
- app run, new text: an AppTest script run of `app.py` after pasting a new 2,000-word draft, with
  the real engine: analysis, every render helper and Streamlit's own work, i.e. the time until
  the results are on the page (the browser's drawing excluded);
- app run, same text: a rerun that `st.cache_data` answers (e.g. ticking a rewrite checkbox).

Figures are medians over `--repeat` distinct texts; the JSON goes to bench/out/bench_app.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("exemplary-ml-drift.md", "infra-certificate-expiry.md", "problematic-llm-support-bot.md")


def build_draft(words: int) -> str:
    """A post-mortem of about `words` words: the examples' sections, repeated as appendices."""
    parts = []
    for name in EXAMPLES:
        text = (ROOT / "examples" / name).read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("---", 2)[2]
        parts.append(text.strip())
    lines: list[str] = ["# Checkout and ranking incidents, March", ""]
    count, i = 0, 0
    while count < words:
        body = parts[i % len(parts)]
        for line in body.splitlines():
            if line.startswith("#") and i >= len(parts):
                line = line.replace("# ", f"# Appendix {i}: ", 1)
            lines.append(line)
            count += len(line.split())
            if count >= words:
                break
        lines.append("")
        i += 1
    return "\n".join(lines) + "\n"


def median_time(fn, texts: list[str]) -> tuple[float, float]:
    times = []
    for text in texts:
        t0 = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from analyzer import load_analyzer, load_config
    from analyzer.app import render as app_render

    base = build_draft(args.words)
    texts = [f"{base}\nRevision {i} of this draft.\n" for i in range(args.repeat + 1)]
    n_words = len(texts[0].split())
    config = load_config(None, search_from=ROOT)
    out: dict[str, object] = {"words": n_words, "repeat": args.repeat}

    t0 = time.perf_counter()
    analyzer = load_analyzer(config)
    out["cold_load_s"] = time.perf_counter() - t0
    analyzer.analyze(texts[-1], path="warmup.md")  # first call warms lazy parts

    reports = {}

    def engine(text: str) -> None:
        reports[text] = analyzer.analyze(text, path="draft.md")

    out["engine_warm_s"], out["engine_warm_max_s"] = median_time(engine, texts[:-1])
    report = reports[texts[0]]
    out["findings"] = len(report.findings)
    rules_only = load_analyzer(config.with_overrides({"classifiers": {"enabled": False}}, "(bench)"))
    rules_only.analyze(texts[-1], path="warmup.md")
    out["engine_rules_only_s"], _ = median_time(lambda t: rules_only.analyze(t, path="draft.md"), texts[:-1])

    def render(text: str) -> None:
        numbered = app_render.number_findings(reports[text])
        app_render.highlight_html(text, numbered)
        app_render.panel_html(numbered)
        app_render.report_markdown(reports[text], config)

    out["render_s"], out["render_max_s"] = median_time(render, texts[:-1])

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.text_area(key="draft_text").input(texts[-1]).run()  # warm: pipeline in st.cache_resource
    assert not at.exception, at.exception

    def app_run(text: str) -> None:
        at.text_area(key="draft_text").input(text).run()
        assert not at.exception and at.html, "the app did not render the review"

    out["app_new_text_s"], out["app_new_text_max_s"] = median_time(app_run, texts[:-1])

    def app_rerun(_text: str) -> None:
        at.button(key="review").click().run()

    out["app_cached_rerun_s"], out["app_cached_rerun_max_s"] = median_time(app_rerun, texts[:-1])

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out["load_average"], out["cpus"] = load, os.cpu_count()
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "bench_app.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"draft: {n_words} words, {out['findings']} findings; medians over {args.repeat} new texts "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"  cold pipeline load (once per server)     {out['cold_load_s']:.2f} s")
    print(f"  engine, warm: analyse a new draft        {out['engine_warm_s']:.3f} s (max {out['engine_warm_max_s']:.3f})")
    print(f"  engine, warm, classifiers off            {out['engine_rules_only_s']:.3f} s")
    print(f"  render the markup and the panel          {out['render_s']:.3f} s (max {out['render_max_s']:.3f})")
    print(f"  app script run after pasting a new draft {out['app_new_text_s']:.3f} s (max {out['app_new_text_max_s']:.3f})")
    print(f"  app rerun, same draft (st.cache_data)    {out['app_cached_rerun_s']:.3f} s (max {out['app_cached_rerun_max_s']:.3f})")


if __name__ == "__main__":
    main()
