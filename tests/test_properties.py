"""Property-based tests (Hypothesis): random Markdown built from a grammar of the constructs the
reader handles (headings, setext, lists, quotes, fences, tables, HTML comments, links, emphasis,
front matter), random Unicode (lone surrogates, controls, Unicode line breaks), random line
endings and random suppression directives. For every draft: no exception, offsets inside the
text, `text == original[start:end]`, line/column consistent with the offsets, score in 0..100,
and every machine format writable as UTF-8.

The number of examples is bounded so CI stays fast (PMLINT_FUZZ_EXAMPLES raises it for a
longer campaign); the runs are derandomised, so a failure reproduces.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.output.formatters import FORMATTERS

EXAMPLES = int(os.environ.get("PMLINT_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])

WORDS = ["the", "deploy", "failed", "Bob", "pushed", "bad", "config", "human", "error", "on-call", "ignored",
         "alert", "we", "will", "update", "script", "model", "drift", "root", "cause", "Impact", "Timeline",
         "Action", "items", "Summary", "careless", "should", "have", "checked", "🙂", "naïve", "데이터", "—"]
ODD = ["\x00", "\x01", "\x1b", "\x7f", "\u0085", "\u2028", "\u2029", "\ufeff", "\u200b", "\ud800", "\udcff",
       "\udfff", "\t", "\f", "\v", "\r", "\r\n", "(" * 150, "😀" * 120, "*", "_", "`", "[", "]", "<", ">", "|",
       "\\", "&amp;", "<!--", "-->", "---"]

word = st.sampled_from(WORDS)
odd = st.sampled_from(ODD)
unicode_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
phrase = st.lists(st.one_of(word, word, word, odd, unicode_text), min_size=0, max_size=12).map(" ".join)
selector = st.sampled_from(["PM101", "PM103", "blame.*", "blame.human-error", "PM999", "nonsense", "", "PM1"])
directive = st.builds(
    lambda action, sels, sep: f"<!-- pmlint {action}{sep}{','.join(sels)} -->",
    st.sampled_from(["disable", "enable", "ignore", "Disable", "bogus", ""]),
    st.lists(selector, max_size=3), st.sampled_from(["=", " ", ""]),
)
front_matter = st.one_of(
    st.just("---\ntitle: Outage\ntags: [ai, ml]\n---\n"),
    st.just("---\na: &a [*a]\n---\n"),
    st.just("---\nx: [1, 2\n---\n"),
    st.just("---\ndate: 2024-02-30\n---\n"),
    st.builds(lambda p: f"---\ntitle: {p}\n---\n", phrase),
    st.just("---\nunclosed: true\n"),
)
block = st.one_of(
    st.builds(lambda n, p, t: "#" * n + " " + p + t, st.integers(1, 7), phrase, st.sampled_from(["", "   ", " ##", " #  "])),
    st.builds(lambda p, u: p + "\n" + u, phrase, st.sampled_from(["===", "---", "- - -", "==="])),
    st.builds(lambda m, p: m + " " + p, st.sampled_from(["-", "*", "+", "1.", "2)", "10."]), phrase),
    st.builds(lambda d, p: "> " * d + p, st.integers(1, 4), phrase),
    st.builds(lambda f, p, close: f + "\n" + p + ("\n" + f if close else ""), st.sampled_from(["```", "~~~", "````python"]),
              phrase, st.booleans()),
    st.builds(lambda cells: "| " + " | ".join(cells) + " |\n|" + "---|" * len(cells), st.lists(phrase, min_size=1, max_size=4)),
    st.builds(lambda p, close: "<!-- " + p + (" -->" if close else ""), phrase, st.booleans()),
    st.builds(lambda t, u: f"[{t}]({u}", phrase, st.sampled_from(["http://x.y", "<", "", ")"])),
    st.builds(lambda p: f"[{p}]: <http://x", phrase),
    st.builds(lambda p, m: m + p + st_choice(m), phrase, st.sampled_from(["*", "**", "_", "`", "``"])),
    st.builds(lambda p: f"**{p}:** {p}", phrase),
    st.builds(lambda n, p: f"{n}. {p}", st.integers(0, 30), phrase),
    directive,
    phrase,
)


def st_choice(marker: str) -> str:
    return marker if len(marker) % 2 else ""  # some emphasis closed, some left open


newline = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\n\n\n", "  \n"])
draft = st.builds(
    lambda fm, blocks, seps: fm + "".join(b + s for b, s in zip(blocks, seps)),
    st.one_of(st.just(""), front_matter),
    st.lists(block, min_size=1, max_size=14),
    st.lists(newline, min_size=14, max_size=14),
)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _check(report, text: str) -> None:
    assert 0 <= report.score <= 100
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text), (f.code, f.start, f.end, len(text))
        assert f.text == text[f.start:f.end]
        assert (f.line, f.column) == _line_col(text, f.start)
        assert (f.end_line, f.end_column) == _line_col(text, f.end)
    for name, fmt in FORMATTERS.items():
        out = fmt([report])
        out.encode("utf-8")
        if name == "jsonl":
            assert len(out.splitlines()) == 1
            json.loads(out)
        elif name in ("json", "sarif"):
            json.loads(out)


@SETTINGS
@given(text=draft)
def test_random_markdown(general_analyzer, text):
    _check(general_analyzer.analyze(text, path="fuzz.md"), text)


@SETTINGS
@given(text=st.text(st.characters(codec=None, exclude_categories=()), max_size=400))
def test_random_unicode(general_analyzer, text):
    report = general_analyzer.analyze(text)
    if not text.strip():
        assert report.error
    else:
        _check(report, text)


@SETTINGS
@given(pieces=st.lists(st.one_of(directive, phrase, st.just("Bob caused the outage through human error.")),
                       min_size=1, max_size=10))
def test_random_directives(general_analyzer, pieces):
    text = "# Incident\n\n" + "\n\n".join(pieces) + "\n"
    _check(general_analyzer.analyze(text), text)


@settings(max_examples=max(10, EXAMPLES // 4), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(draft, st.text(max_size=50)), min_size=1, max_size=5))
def test_batches_isolate_documents(general_analyzer, texts):
    items = [(f"d{i}.md", t) for i, t in enumerate(texts)]
    reports = list(general_analyzer.analyze_many(items))
    assert [r.path for r in reports] == [p for p, _ in items]
    for (_, text), report in zip(items, reports):
        if not report.error:
            _check(report, text)
