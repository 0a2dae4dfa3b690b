"""A fuzzing campaign against `Analyzer.analyze` and every output format (issue 14).

    python bench/fuzz_campaign.py --count 5000 --seed 1 [--corpus ../shared/corpus]
                                  [--failures /tmp/pmlint-fuzz] [--json summary.json]

Generates `--count` drafts from a seeded random generator (draft i uses seed `seed * 1_000_003 + i`,
so one draft reproduces alone with `--only i`), in five families taken in turn:

- mutations of the bundled examples (examples/*.md): cut, duplicated, shuffled and spliced
  ranges, odd characters, pathological Markdown and suppression comments inserted at random;
- the same mutations of corpus documents (`--corpus`, when present; the text is read at run time
  and never written anywhere but `--failures`, which should be outside the repository);
- pathological Markdown: random sequences of unclosed and nested constructs, headings, tables,
  fences, HTML, reference definitions, front matter (aliases, bad YAML), long runs;
- odd Unicode: random code points of every plane, lone surrogates, controls, combining marks,
  bidi controls, Unicode line breaks, mixed line endings;
- prose with random suppression directives (valid, misspelt, unclosed, nested in other markup).

For each draft: no exception out of `analyze`; no "internal error" in `Report.error` (an error is
allowed only for a blank draft); the score in 0..100; every finding's offsets inside the text,
`finding.text == text[start:end]`, line/column (1-based, lines split at "\\n") equal to what
the offsets give; every format of `FORMATTERS` writable as strict UTF-8, JSON/JSONL/SARIF/
rdjson/rdjsonl parseable, one JSONL record per line even for `str.splitlines`. A failing draft is
written to `--failures` with its reason. Run two of these in the background with different
seeds (and `nice`) for a campaign of 10,000 drafts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.config import load_config  # noqa: E402
from analyzer.engine import Analyzer  # noqa: E402
from analyzer.output.formatters import FORMATTERS  # noqa: E402

WORDS = ("the deploy failed Bob pushed a bad config human error on-call engineer ignored alert we will update "
         "script model drift root cause Impact Timeline Action items Summary careless should have checked "
         "because cache expired Priya forgot to rollback team SRE database outage at 14:32 UTC").split()
ODD = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u200d", "\u202e",
       "\u2066", "\ud800", "\udbff", "\udc00", "\udfff", "\t", "\f", "\v", "\r", "\r\n", "\u0301", "\u0308" * 5,
       "\U0001F600", "\U0001F469\u200d\U0001F4BB", "\U0001F1FA\U0001F1F8", "\u00a0", "\u3000", "\uffff", "\U0010FFFF",
       "\u0000" * 3, "\u1680", "\u180e", "\u2060", "ǅ", "ß", "İ", "ﬃ", "Ⅻ", "٣", "데이터", "日本語", "עברית", "العربية"]
MARKUP = ["*", "**", "_", "__", "`", "``", "```", "~~~", "[", "]", "(", ")", "<", ">", "![", "](", "]: <", "<!--",
          "-->", "<div>", "</div>", "|", "---", "===", "#", "##", "> ", "- ", "1. ", "* ", "\\", "&amp;", "&#0;",
          "&#xD800;", "<http://", "<a@b>", "[^1]", "$$", "{", "}", "<?", "?>", "<![CDATA[", "]]>", "<script>"]
DIRECTIVES = ["<!-- pmlint disable {sel} -->", "<!-- pmlint enable {sel} -->", "<!-- pmlint ignore {sel} -->",
              "<!-- pmlint disable-next-line {sel} -->", "<!-- pmlint disable={sel} -->", "<!-- pmlint {sel} -->",
              "<!-- pmlint disable {sel}", "<!--pmlint disable {sel}-->", "<!-- PMLINT Disable {sel} -->",
              "`<!-- pmlint disable {sel} -->`", "> <!-- pmlint disable {sel} -->", "<!-- pmlint bogus {sel} -->"]
SELECTORS = ["PM101", "PM103", "PM1", "PM999", "blame.*", "blame.human-error", "action.*", "*", "", "nonsense",
             "PM101,PM103", "PM101, blame.*", "section.missing", "PM000", "PM001"]
FRONT = ["---\ntitle: Outage\ntags: [ai, ml]\n---\n", "---\na: &a [*a]\n---\n", "---\nx: [1, 2\n---\n",
         "---\ndate: 2024-02-30\n---\n", "---\nunclosed: true\n", "---\n" + "- " * 200 + "x\n---\n",
         "---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n", "---\n!!python/object:os.system ls\n---\n",
         "+++\ntitle = 'x'\n+++\n", "---\n---\n", "---\n\ud800: 1\n---\n", "---\n" + "[" * 100 + "\n---\n"]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _pathological(rng: random.Random) -> str:
    unit = rng.choice(MARKUP + ["*a ", "[a](b ", "[a]: <", "`a ", "<!-- a ", "<http://a ", "# a   \n", "((", "😀",
                                "| a | b |\n", "> " * 8, "1. " * 5, "    ", "\t", "-" * 3 + "\n"])
    piece = unit * rng.choice([1, 2, 5, 20, 100, 400])
    kind = rng.randrange(8)
    if kind == 0:
        return piece
    if kind == 1:
        return f"{rng.choice(MARKUP)}{_words(rng, rng.randint(1, 8))}{rng.choice(MARKUP)}"
    if kind == 2:
        cells = rng.randint(1, 6)
        rows = [" | ".join(_words(rng, rng.randint(0, 4)) for _ in range(cells)) for _ in range(rng.randint(1, 6))]
        return "| " + rows[0] + " |\n|" + "---|" * cells + "".join("\n| " + r + " |" for r in rows[1:])
    if kind == 3:
        fence = rng.choice(["```", "~~~", "````", "```python"])
        return fence + "\n" + _words(rng, 6) + ("\n" + fence if rng.random() < 0.6 else "")
    if kind == 4:
        return "#" * rng.randint(1, 8) + " " + _words(rng, rng.randint(0, 5)) + rng.choice(["", " ##", "   ", " #"])
    if kind == 5:
        return "> " * rng.randint(1, 6) + rng.choice(["- ", "1. ", ""]) + _words(rng, 8)
    if kind == 6:
        title = rng.choice(["", '"t', "(t", "'t"])
        return f"[{_words(rng, 2)}]: {rng.choice(['<', 'http://x', '<http://x>', ''])} {title}"
    return "".join(rng.choice(MARKUP) + rng.choice(["", "a", " ", "\n"]) for _ in range(rng.randint(5, 200)))


def _odd(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            out.append(rng.choice(ODD))
        elif r < 0.7:
            out.append(chr(rng.randrange(0x110000)))
        elif r < 0.85:
            out.append(chr(rng.randrange(0x20, 0x3000)))
        else:
            out.append(rng.choice(WORDS) + " ")
    return "".join(out)


def _directive(rng: random.Random) -> str:
    return rng.choice(DIRECTIVES).format(sel=rng.choice(SELECTORS))


def _mutate(rng: random.Random, text: str, rounds: int) -> str:
    for _ in range(rounds):
        n = len(text)
        a = rng.randrange(n + 1)
        b = min(n, a + int(rng.expovariate(1 / 40)))
        op = rng.randrange(9)
        if op == 0:
            text = text[:a] + text[b:]
        elif op == 1:
            text = text[:b] + text[a:b] * rng.randint(1, 4) + text[b:]
        elif op == 2:
            text = text[:a] + _odd(rng, rng.randint(1, 6)) + text[a:]
        elif op == 3:
            text = text[:a] + _pathological(rng) + text[a:]
        elif op == 4:
            text = text[:a] + rng.choice(["\n", "\n\n", ""]) + _directive(rng) + rng.choice(["\n", "\n\n", " "]) + text[a:]
        elif op == 5:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op == 6:
            text = text.replace("\n", rng.choice(["\r\n", "\r", "\u2028", "\n\n", "\x85"]), rng.randint(1, 50))
        elif op == 7:
            text = text[: rng.randrange(n + 1)]
        else:
            text = rng.choice(FRONT) + text if rng.random() < 0.5 else text[:a] + rng.choice(MARKUP) + text[a:]
    return text


def make_draft(rng: random.Random, family: int, examples: list[str], corpus: list[Path]) -> tuple[str, str]:
    if family == 0:
        return "example", _mutate(rng, rng.choice(examples), rng.randint(1, 12))
    if family == 1 and corpus:
        text = rng.choice(corpus).read_text(encoding="utf-8", errors="replace")[: rng.choice([2000, 8000, 30000])]
        return "corpus", _mutate(rng, text, rng.randint(1, 12))
    if family in (1, 2):
        head = rng.choice(FRONT) if rng.random() < 0.2 else ""
        return "markdown", head + "".join(_pathological(rng) + rng.choice(["\n", "\n\n", "", " ", "\r\n"])
                                          for _ in range(rng.randint(1, 40)))
    if family == 3:
        return "unicode", _odd(rng, rng.randint(1, 600))
    parts = ["# Incident\n"]
    for _ in range(rng.randint(1, 15)):
        parts.append(_directive(rng) if rng.random() < 0.4 else
                     rng.choice(["Bob caused the outage through human error.", "The on-call ignored the alert.",
                                 "We will update the script.", _words(rng, 10)]))
    return "directives", rng.choice(["\n", "\n\n", " "]).join(parts)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check(analyzer: Analyzer, text: str) -> str | None:
    """The reason this draft fails, or None."""
    try:
        report = analyzer.analyze(text, path="fuzz.md")
    except Exception:  # noqa: BLE001 - the campaign counts it
        return "exception: " + traceback.format_exc(limit=-3)
    if report.error:
        return None if not text.strip() else f"report error: {report.error}"
    if not 0 <= report.score <= 100:
        return f"score {report.score}"
    for f in report.findings:
        if not 0 <= f.start <= f.end <= len(text):
            return f"offsets {f.code} {f.start}..{f.end} outside {len(text)}"
        if f.text != text[f.start:f.end]:
            return f"text {f.code} {f.text!r} != {text[f.start:f.end]!r}"
        if (f.line, f.column, f.end_line, f.end_column) != (*_line_col(text, f.start), *_line_col(text, f.end)):
            return f"line/column {f.code} {(f.line, f.column, f.end_line, f.end_column)} at {f.start}..{f.end}"
    for name, fmt in FORMATTERS.items():
        try:
            out = fmt([report])
            out.encode("utf-8")
            if name in ("json", "sarif", "rdjson"):
                json.loads(out)
            elif name in ("jsonl", "rdjsonl"):
                for line in out.splitlines():  # str.splitlines cuts at U+2028 etc. too
                    if line.strip():
                        json.loads(line)
        except Exception:  # noqa: BLE001
            return f"format {name}: " + traceback.format_exc(limit=-2)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int, help="run draft number ONLY of this seed")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--failures", default="/tmp/pmlint-fuzz", help="folder for failing drafts (outside the repository)")
    ap.add_argument("--json", help="write the summary here")
    args = ap.parse_args()
    examples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.md"))]
    docs = Path(args.corpus) / "documents"
    corpus = sorted(docs.glob("*.md")) if docs.is_dir() else []
    analyzer = Analyzer(load_config())
    failures_dir = Path(args.failures)
    counts: dict[str, int] = {}
    failed: list[dict] = []
    started = time.perf_counter()
    numbers = [args.only] if args.only is not None else range(args.count)
    for i in numbers:
        rng = random.Random(args.seed * 1_000_003 + i)
        family, text = make_draft(rng, i % 5, examples, corpus)
        counts[family] = counts.get(family, 0) + 1
        reason = check(analyzer, text)
        if reason:
            failures_dir.mkdir(parents=True, exist_ok=True)
            (failures_dir / f"seed{args.seed}-{i}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
            failed.append({"draft": i, "family": family, "reason": reason[-600:]})
            print(f"FAIL seed {args.seed} draft {i} ({family}): {reason[-300:]}", file=sys.stderr, flush=True)
        if (i + 1) % 250 == 0:
            print(f"{i + 1} drafts, {len(failed)} failures, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    summary = {"seed": args.seed, "drafts": sum(counts.values()), "families": counts, "failures": len(failed),
               "failed": failed, "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps({k: v for k, v in summary.items() if k != "failed"}))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
