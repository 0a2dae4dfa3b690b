"""`pmlint check`, `pmlint config` and `pmlint rules`: lint drafts for CI, show the effective
configuration, list the rules."""

from __future__ import annotations

import argparse
import sys

from analyzer.cli.common import _common, _log, config_from_args, exit_for
from analyzer.config import FAIL_LEVELS
from analyzer.errors import InputError
from analyzer.findings import ExitStatus, Report
from analyzer.output.formatters import FORMATTERS


# ----------------------------------------------------------------- check

def cmd_check(args: argparse.Namespace) -> ExitStatus:
    from analyzer.engine import load_analyzer
    from analyzer.reading.inputs import expand, read_draft

    first = next((p for p in args.paths if p != "-"), ".")
    config = config_from_args(args, search_from=first)
    targets = list(expand(args.paths))
    analyzer = load_analyzer(config)
    reports: list[Report] = []
    tty = sys.stderr.isatty() and not args.quiet
    total = len(targets)
    max_mb = config["max_file_mb"]

    def items():
        for i, (path, problem) in enumerate(targets, 1):
            if tty and total > 1:
                print(f"\r[{i}/{total}] {path[:60]:<60}", end="", file=sys.stderr, flush=True)
            if problem:
                errors[path] = problem
                yield path, ""
                continue
            try:
                text = read_draft(path, max_mb)
                if getattr(args, "similar", None):
                    texts[path] = text
                yield path, text
            except InputError as exc:
                errors[path] = str(exc)
                yield path, ""

    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    display = {"-": "<stdin>"}
    for report in analyzer.analyze_many(items()):
        if report.path in errors:
            report = Report.failed(report.path, errors[report.path])
        if report.path in display:
            report = Report(**{**report.__dict__, "path": display[report.path]})
        reports.append(report)
    if tty and total > 1:
        print("\r" + " " * 72 + "\r", end="", file=sys.stderr)
    for r in reports:
        if r.error and args.format != "text":
            _log(f"pmlint: {r.path}: {r.error}")
    formatter = FORMATTERS[args.format]
    if args.format == "text":
        output = formatter(reports, colour=sys.stdout.isatty() and not args.no_colour)  # type: ignore[call-arg]
    else:
        output = formatter(reports)
    if getattr(args, "similar", None) and args.format == "json":
        output = _with_similar(output, texts, display, args.similar, config)
    sys.stdout.write(output)
    return exit_for(reports, config.fail_on)


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


def cmd_rules(args: argparse.Namespace) -> ExitStatus:
    from analyzer.judging.rules import default_rules
    from analyzer.nlp.sections import CANONICAL_SECTIONS, default_classifier

    if args.sections:
        clf = default_classifier()
        for name in CANONICAL_SECTIONS:
            print(f"{name:<26} {clf.title(name)}")
        return ExitStatus.OK
    config = config_from_args(args, search_from=".")
    for rule in default_rules():
        state = "on " if config.rule_enabled(rule) else "off"
        print(f"{rule.code}  {state}  {config.severity(rule).value:<10} {rule.name:<28} {rule.kind}")
    return ExitStatus.OK



def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="lint drafts (files, directories, or - for stdin); for CI")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", "-f", choices=sorted(FORMATTERS), default="text")
    p.add_argument("--fail-on", choices=FAIL_LEVELS, help="lowest severity that fails (default: error)")
    p.add_argument("--no-fail", action="store_true", help="always exit 0 on findings (rollout mode)")
    p.add_argument("--no-colour", "--no-color", action="store_true", dest="no_colour")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.add_argument("--similar", metavar="ARCHIVE", help="with --format json: add each draft's cause and its top 3 similar past incidents")
    _common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("config", help="print the effective configuration")
    p.add_argument("--dump", action="store_true", help="print the merged configuration as YAML (the default)")
    _common(p)
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("rules", help="list the rules (code, state, severity, name, kind)")
    p.add_argument("--sections", action="store_true", help="list the canonical sections instead")
    _common(p)
    p.set_defaults(func=cmd_rules)
