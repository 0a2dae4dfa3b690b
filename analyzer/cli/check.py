"""`pmlint check`, `pmlint baseline`, `pmlint config` and `pmlint rules`: lint drafts for CI, record
a baseline, show the effective configuration, list the rules.

`check` reads and checks every input (and the configuration, the baseline and the git diff)
before it loads the pipeline, so a missing, empty or binary file or a bad option answers at once;
the pipeline loads only when at least one input is readable."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.cli.common import _common, _log, config_from_args, exit_for, require_base_model
from analyzer.config import FAIL_LEVELS
from analyzer.errors import InputError
from analyzer.findings import ExitStatus, Report
from analyzer.output.baseline import Baseline, write_baseline
from analyzer.output.formatters import FORMATTERS
from analyzer.reading.html import html_to_text, is_html
from analyzer.reading.inputs import expand, read_draft


# ----------------------------------------------------------------- check

# What people try to lint that is not a text draft: the same advice as the app gives.
CONVERT_FIRST = {".docx": "a Word document", ".doc": "a Word document", ".odt": "an OpenDocument text",
                 ".rtf": "a rich-text file", ".pdf": "a PDF", ".pages": "a Pages document"}


@dataclass
class Inputs:
    """Every input read and checked before the pipeline loads: text by path, or why not."""

    order: list[str]
    texts: dict[str, str]
    errors: dict[str, str]


def read_input(path: str, max_mb: float) -> str:
    """One draft's text; a Word/PDF file gets advice, an HTML export is read as `score` reads it."""
    suffix = Path(path).suffix.lower()
    if suffix in CONVERT_FIRST:
        raise InputError(
            f"{CONVERT_FIRST[suffix]} ({suffix}); pmlint reads Markdown (.md, .markdown), plain text (.txt) and HTML "
            "exports (.html): export the draft as Markdown (e.g. `pandoc draft.docx -t gfm -o draft.md`) or as HTML, "
            "or paste its text into `pmlint check -`")
    text = read_draft(path, max_mb)
    if is_html(path):
        text = html_to_text(text)
        if not text.strip():
            raise InputError("no readable text in this HTML file")
    return text


def read_inputs(paths: list[str], max_mb: float) -> Inputs:
    inputs = Inputs([], {}, {})
    for path, problem in expand(paths):
        if path in inputs.texts or path in inputs.errors:
            continue  # named twice
        inputs.order.append(path)
        try:
            if problem:
                raise InputError(problem)
            inputs.texts[path] = read_input(path, max_mb)
        except InputError as exc:
            inputs.errors[path] = str(exc)
    return inputs


def analyse_inputs(args: argparse.Namespace, config) -> tuple[list[Report], Inputs]:
    """Read and check every input, then (only if one is readable) load the pipeline and analyse."""
    inputs = read_inputs(args.paths, config["max_file_mb"])
    reports: dict[str, Report] = {p: Report.failed(p, e) for p, e in inputs.errors.items()}
    if inputs.texts:
        from analyzer.engine import load_analyzer

        require_base_model(config)
        analyzer = load_analyzer(config)
        tty = sys.stderr.isatty() and not args.quiet
        total = len(inputs.texts)
        items = ((p, t) for p, t in inputs.texts.items())
        for i, report in enumerate(analyzer.analyze_many(items), 1):
            if tty and total > 1:
                print(f"\r[{i}/{total}] {report.path[:60]:<60}", end="", file=sys.stderr, flush=True)
            reports[report.path] = report
        if tty and total > 1:
            print("\r" + " " * 72 + "\r", end="", file=sys.stderr)
    for path, report in list(reports.items()):
        if report.error:
            _log(f"pmlint: {DISPLAY.get(path, path)}: {report.error}")
    ordered = [reports[p] for p in inputs.order]
    return [replace(r, path=DISPLAY[r.path]) if r.path in DISPLAY else r for r in ordered], inputs


DISPLAY = {"-": "<stdin>"}


def cmd_check(args: argparse.Namespace) -> ExitStatus:
    first = next((p for p in args.paths if p != "-"), ".")
    config = config_from_args(args, search_from=first)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    changed = None
    if args.diff_base:
        from analyzer.output.gitdiff import ChangedLines

        changed = ChangedLines.since(args.diff_base)
    reports, inputs = analyse_inputs(args, config)
    hidden = {"in the baseline": 0, f"outside the diff since {args.diff_base}": 0}
    for i, report in enumerate(reports):
        if baseline is not None:
            reports[i], n = baseline.new_only(reports[i])
            hidden["in the baseline"] += n
        if changed is not None:
            reports[i], n = changed.only_changed(reports[i])
            hidden[f"outside the diff since {args.diff_base}"] += n
    shown = ", ".join(f"{n} {why}" for why, n in hidden.items() if n)
    if shown and not args.quiet:
        _log(f"pmlint: not reported: {shown}")
    output = render(args, reports, inputs)
    if getattr(args, "similar", None) and args.format == "json":
        output = _with_similar(output, inputs.texts, DISPLAY, args.similar, config)
    sys.stdout.write(output)
    return exit_for(reports, config.fail_on)


def render(args: argparse.Namespace, reports: list[Report], inputs: Inputs) -> str:
    formatter = FORMATTERS[args.format]
    if args.format == "text":
        return formatter(reports, colour=sys.stdout.isatty() and not args.no_colour)  # type: ignore[call-arg]
    if args.format in ("rdjson", "rdjsonl"):
        sources = {DISPLAY.get(p, p): t for p, t in inputs.texts.items()}
        return formatter(reports, sources=sources, rewrites=suggested_rewrites(reports, sources))  # type: ignore[call-arg]
    return formatter(reports)


def suggested_rewrites(reports: list[Report], sources: dict[str, str]) -> dict[str, dict[str, tuple[int, int, str]]]:
    """The rewrites that replace a flagged sentence (the app's fixed-draft helper decides which
    suggestions are replacement text), by path and fingerprint."""
    from analyzer.output.fixer import propose

    out: dict[str, dict[str, tuple[int, int, str]]] = {}
    for report in reports:
        text = sources.get(report.path)
        if text is None or report.error or not report.findings:
            continue
        out[report.path] = {r.finding.fingerprint: (r.start, r.end, r.replacement) for r in propose(text, report.findings)}
    return out


def cmd_baseline(args: argparse.Namespace) -> ExitStatus:
    """Record today's findings so that `check --baseline` fails only on new ones."""
    first = next((p for p in args.paths if p != "-"), ".")
    config = config_from_args(args, search_from=first)
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InputError(f"--out {out}: not a file in an existing folder")
    reports, _ = analyse_inputs(args, config)
    recorded = write_baseline(reports, out)
    failed = sum(1 for r in reports if r.error)
    _log(f"pmlint: baseline of {recorded} finding(s) in {len(reports) - failed} file(s) written to {out}"
         + (f"; {failed} file(s) could not be read and are not in it" if failed else ""))
    return ExitStatus.USAGE if failed else ExitStatus.OK


def _with_similar(output: str, texts: dict[str, str], display: dict[str, str], archive: str, config) -> str:  # noqa: ANN001
    """The JSON report with, per draft, the cause it joins and its three most similar past
    incidents by cause (`--similar ARCHIVE`, for a PR comment)."""
    import json

    from analyzer.archive.similar import similar_with_placement

    data = json.loads(output)
    data["similar"] = {}
    for path, text in texts.items():
        placed, found = similar_with_placement(text, root=archive, config=config, k=3)
        data["similar"][display.get(path, path)] = {"draft": placed.to_dict(), "similar": [n.to_dict() for n in found]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- config / rules

def cmd_config(args: argparse.Namespace) -> ExitStatus:
    config = config_from_args(args, search_from=".")
    sys.stdout.write(config.dump())
    return ExitStatus.OK


def describe_rule(rule) -> str:
    """One line about a rule: its summary (rule YAML), else the first sentence of its note."""
    return rule.summary or (rule.note.split(". ")[0].rstrip(".") if rule.note else rule.name)


def cmd_rules(args: argparse.Namespace) -> ExitStatus:
    from analyzer.judging.rules import default_rules
    from analyzer.nlp.sections import CANONICAL_SECTIONS, default_classifier

    if args.sections:
        clf = default_classifier()
        for name in CANONICAL_SECTIONS:
            print(f"{name:<26} {clf.title(name)}")
        return ExitStatus.OK
    config = config_from_args(args, search_from=".")
    rows = [("CODE", "STATE", "SEVERITY", "RULE", "DESCRIPTION")]
    for rule in sorted(default_rules(), key=lambda r: r.code):
        state = "on" if config.rule_enabled(rule) else "off"
        rows.append((rule.code, state, config.severity(rule).value, rule.name, describe_rule(rule)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
    return ExitStatus.OK



def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="lint drafts (files, directories, or - for stdin); for CI")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", "-f", choices=sorted(FORMATTERS), default="text")
    p.add_argument("--fail-on", choices=FAIL_LEVELS, help="lowest severity that fails (default: error)")
    p.add_argument("--no-fail", action="store_true", help="always exit 0 on findings (rollout mode)")
    p.add_argument("--no-colour", "--no-color", action="store_true", dest="no_colour")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not in this baseline (pmlint baseline)")
    p.add_argument("--diff-base", metavar="REF", help="report only findings on lines changed since this git ref (e.g. origin/main)")
    p.add_argument("--similar", metavar="ARCHIVE", help="with --format json: add each draft's cause and its top 3 similar past incidents")
    _common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("baseline", help="record today's findings, so that check --baseline fails only on new ones")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", "-o", default=".pmlint-baseline.json", metavar="FILE",
                   help="baseline file to write (default: .pmlint-baseline.json)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    _common(p)
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser("config", help="print the effective configuration")
    p.add_argument("--dump", action="store_true", help="print the merged configuration as YAML (the default)")
    _common(p)
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("rules", help="list the rules: code, state, severity, name and a one-line description")
    p.add_argument("--sections", action="store_true", help="list the canonical sections instead")
    _common(p)
    p.set_defaults(func=cmd_rules)
