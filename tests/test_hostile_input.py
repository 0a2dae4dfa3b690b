"""Regression tests for hostile and strange input (issue 14): every defect the fuzzing campaign
found has a test here. Timings belong in bench/bench_growth.py; these check behaviour only."""

from __future__ import annotations

import json

import pytest

from analyzer.findings import Finding, Report, Severity, with_fingerprints
from analyzer.nlp.sections import build_sections, innermost_section
from analyzer.nlp.tokenizable import DEBRIS_PIECES, MAX_RUN, debris_runs, mask_debris, tokenizable
from analyzer.output.formatters import FORMATTERS
from analyzer.output.safe import json_safe, text_safe
from analyzer.reading.document import Block, Document
from analyzer.reading.frontmatter import MAX_CHARS, MAX_DEPTH, load_front_matter
from analyzer.reading.markdown import parse

DRAFT = "# Checkout outage\n\n## Summary\n\nThe deploy broke checkout for an hour.\n"


def _all_formats(report: Report) -> None:
    for name, fmt in FORMATTERS.items():
        out = fmt([report])
        out.encode("utf-8")  # strict: no lone surrogates anywhere
        if name == "json":
            json.loads(out)
        if name == "jsonl":
            assert len(out.splitlines()) == 1  # Unicode line breaks never split a record
            json.loads(out)


# ------------------------------------------------------------------ front matter

@pytest.mark.parametrize("source", [
    "a: &a [*a]\n",  # recursive alias: RecursionError in every JSON formatter before
    "a: &a [x, x]\nb: [*a, *a]\n",
    "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",  # alias bomb
])
def test_front_matter_aliases_are_refused(source):
    data, error = load_front_matter(source)
    assert data == {} and "alias" in error


def test_front_matter_depth_and_size_budget():
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    data, error = load_front_matter(deep)
    assert data == {} and "deeper" in error
    data, error = load_front_matter("a: " + "x" * (MAX_CHARS + 1) + "\n")
    assert data == {} and "too large" in error


@pytest.mark.parametrize("source", ["date: 2024-02-30\n", "a: [1, 2\n", "? [a]\n: b\n", "x: .nan\n", "- 1\n- 2\n"])
def test_front_matter_problems_are_messages(source):
    data, error = load_front_matter(source)
    assert isinstance(data, dict)
    json.dumps(Report(path="p", score=1, ai_incident=False, sections={}, findings=(), metadata=data).to_dict(),
               allow_nan=False)


def test_recursive_front_matter_becomes_front_matter_error(general_analyzer):
    report = general_analyzer.analyze("---\na: &a [*a]\n---\n" + DRAFT)
    assert report.error is None
    assert "alias" in report.metadata["front_matter_error"]
    _all_formats(report)


def test_self_containing_metadata_is_cut_not_recursed():
    loop: list = []
    loop.append(loop)
    report = Report(path="p", score=1, ai_incident=False, sections={}, findings=(), metadata={"a": loop})
    json.dumps(report.to_dict())


# ------------------------------------------------------------------ strange text

@pytest.mark.parametrize("text", [
    DRAFT + "Bob broke it \ud800 here.\n",  # lone surrogate: UnicodeEncodeError out of analyze before
    "\udcff" * 50,
    DRAFT + "a\x00b\x01c\x1b[31m human error\n",
    "# T\r\n\r\nThe on-call ignored it.\rMixed\n\rendings\u2028here\u0085too.\n",
    DRAFT + "(" * 5000 + " " + "😀" * 3000 + "\n",
])
def test_strange_text_never_raises(general_analyzer, text):
    report = general_analyzer.analyze(text)
    assert 0 <= report.score <= 100
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start:f.end]
    _all_formats(report)


@pytest.mark.parametrize("value", [None, b"bytes", 5])
def test_non_text_is_a_report_with_an_error(general_analyzer, value):
    report = general_analyzer.analyze(value)
    assert report.error


def test_analyze_many_isolates_each_document(general_analyzer, monkeypatch):
    import analyzer.engine as engine

    real = engine.parse

    def parse(text):
        if "BOOM" in text:
            raise ValueError("reader bug")
        return real(text)

    monkeypatch.setattr(engine, "parse", parse)
    items = [("a.md", DRAFT), ("b.md", DRAFT + "BOOM\n"), ("c.md", DRAFT + "\ud800\n"), ("d.md", DRAFT)]
    reports = list(general_analyzer.analyze_many(items))
    assert [r.path for r in reports] == ["a.md", "b.md", "c.md", "d.md"]
    assert [bool(r.error) for r in reports] == [False, True, False, False]
    assert "reader bug" in reports[1].error


def test_tokenizable_keeps_length_and_caps_runs():
    text = "ok " + "(" * 1000 + " \ud800 " + "x" * (MAX_RUN * 3 + 7)
    safe = tokenizable(text)
    assert len(safe) == len(text)
    assert max(len(w) for w in safe.split()) <= MAX_RUN
    assert "\ud800" not in safe
    assert tokenizable("plain words stay as they are") == "plain words stay as they are"


def test_markup_debris_is_blanked_for_spacy_only():
    prose = "The deploy failed because the cache expired early (see 2 graphs). "
    for unit in ("*a ", "[a]: <", "`a ", "[a](b "):
        debris = unit * 200
        text = prose + debris + "\n\n" + prose
        safe, words = mask_debris(text)
        assert len(safe) == len(text)
        assert safe.startswith(prose) and safe.endswith("\n\n" + prose)  # prose and line breaks stay
        assert not safe[len(prose): len(prose) + len(debris)].strip()
        assert words == 200 * sum(ch.isalpha() for ch in unit)  # single letters, each a word
    short = "a b c d * e f g h"  # fewer than DEBRIS_PIECES pieces: untouched
    assert mask_debris(short) == (short, 0)
    numbers = " ".join(str(i) for i in range(DEBRIS_PIECES * 3))  # a timeline of numbers is kept
    assert debris_runs(numbers) == []
    assert debris_runs("The deploy failed. " * 100) == []


def test_markup_debris_keeps_findings_and_counts_words(general_analyzer):
    blame = "Human error by Priya caused the outage.\n\n"
    report = general_analyzer.analyze("# Outage\n\n" + blame + "*a " * 3000 + "\n\n" + blame)
    assert report.error is None
    hits = [f for f in report.findings if f.rule == "blame.human-error"]
    assert len(hits) == 2 and all(f.text == "human error" or f.text.lower() == "human error" for f in hits)
    assert report.stats["words"] >= 3000


def test_fingerprint_of_a_sentence_with_a_lone_surrogate(general_analyzer):
    # fuzz campaign seed 99 draft 33: "internal error: UnicodeEncodeError ... at findings.py"
    text = "# Outage\n\nHuman error \udbff caused the outage, said Bob \ud800.\n"
    report = general_analyzer.analyze(text)
    assert report.error is None and report.findings
    assert all(f.fingerprint and f.text == text[f.start:f.end] for f in report.findings)
    _all_formats(report)


def test_fingerprint_context_is_bounded_on_a_long_line():
    def fingerprint(text: str) -> str:
        start = text.index("human error")
        f = Finding("blame.human-error", "PM103", Severity.ERROR, "m", start, start + len("human error"))
        return with_fingerprints([f], text, [])[0].fingerprint

    line = "x " * 5000 + "human error" + " y" * 5000
    assert fingerprint(line) == fingerprint("z" + line[1:] + "z")  # far away on the same line: same finding
    assert fingerprint(line) != fingerprint(line.replace("x human", "w human"))


@pytest.mark.parametrize("text", [
    "word " * 60_000 + "\n\n# Heading\n\nText.\n",  # a giant first block followed by small ones
    "# H\n\n" + "Short paragraph.\n\n" * 20_000,
    "x" * 100_000,
])
def test_chunks_never_exceed_the_chunk_size(text):
    from analyzer.engine import CHUNK_CHARS, _chunks

    spans = _chunks(parse(text))
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(spans, spans[1:]))  # contiguous
    assert max(b - a for a, b in spans) <= CHUNK_CHARS


def test_long_document_is_processed_in_bounded_batches(general_analyzer, monkeypatch):
    import analyzer.engine as engine

    seen = []
    real = general_analyzer.nlp.pipe

    def pipe(docs, batch_size=None, **kw):
        seen.append(batch_size)
        return real(docs, batch_size=batch_size, **kw)

    monkeypatch.setattr(general_analyzer.nlp, "pipe", pipe)
    text = ("The deploy failed and the database went read-only. " * 20 + "\n\n") * 300  # ~300k chars
    report = general_analyzer.analyze(text)
    assert report.error is None and report.stats["words"] > 40_000
    assert seen and all(b * engine.CHUNK_CHARS <= engine.PIPE_CHARS for b in seen)


# ------------------------------------------------------------------ lookups

def test_section_lookup_matches_the_linear_definition():
    import random

    rng = random.Random(7)
    for _ in range(300):
        pos, heads = rng.randint(0, 3), []
        for _ in range(rng.randint(0, 10)):
            te = pos + rng.randint(0, 3)
            bs = te + rng.randint(0, 2)
            heads.append((pos, te, bs, rng.randint(1, 7), "h", rng.choice([None, "impact"]), "r"))
            pos = bs + rng.randint(0, 4)
        sections = build_sections(heads, pos + 2)
        for off in range(-1, pos + 4):
            assert innermost_section(sections, off) is innermost_section(list(sections), off)


def test_block_at_matches_the_linear_definition():
    blocks = [Block("paragraph", 0, 10), Block("list_item", 2, 4), Block("paragraph", 12, 20), Block("heading", 20, 25)]
    doc = Document("x" * 30, "x" * 30, blocks=blocks)
    for off in range(-1, 31):
        linear = next((b for b in blocks if b.start <= off < b.end), None)
        assert doc.block_at(off) is linear


def test_ten_thousand_headings_are_read(general_analyzer):
    text = "".join(f"## Heading {i}\n\nText {i}.\n\n" for i in range(3000))
    report = general_analyzer.analyze(text)
    assert report.error is None and report.stats["headings"] == 3000


# ------------------------------------------------------------------ output

def test_json_escapes_unicode_line_breaks_and_surrogates():
    raw = json.dumps({"a": "x\u2028y\u2029z\u0085w", "p": "name\udcff.md"}, ensure_ascii=False)
    out = json_safe(raw)
    assert out.isascii() or not any(c in out for c in "\u2028\u2029\u0085")
    assert len(out.splitlines()) == 1
    assert json.loads(out) == {"a": "x\u2028y\u2029z\u0085w", "p": "name\\xff.md"}
    assert text_safe("name\udcff.md") == "name\\xff.md"
    assert text_safe("bad \ud800") == "bad \ufffd"


def test_non_utf8_file_name_in_every_format(general_analyzer):
    report = general_analyzer.analyze(DRAFT + "Human error caused it.\u2028\n", path="drafts/inc\udcff.md")
    failed = Report.failed("drafts/\udce9t\udce9.md", "not valid UTF-8")
    for name, fmt in FORMATTERS.items():
        out = fmt([report, failed])
        out.encode("utf-8")
        assert "\\xff" in out
        # text and reviewdog's formats leave out a file that could not be analysed: the CLI names it on
        # stderr (`pmlint: <path>: <why>`)
        assert "\\xe9" in out or name in ("text", "rdjson", "rdjsonl")


def test_parse_keeps_offsets_for_any_text():
    from analyzer.nlp.tokenizable import unix_newlines

    text = "---\na: 1\n---\n# T\r\n\x00\ud800 text\r\rmore\n"
    doc = parse(unix_newlines(text))
    assert len(doc.text) == len(doc.masked) == len(text)
    assert [b.kind for b in doc.blocks][:1] == ["heading"]
