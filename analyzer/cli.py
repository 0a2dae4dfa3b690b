"""The `pmlint` command. `run(argv) -> ExitStatus` does the work; `main()` exits with it.

Exit status: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage,
configuration or input error (a file that cannot be read); 3 internal error. Machine formats go
to stdout only; logs and progress go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Sequence

from . import __version__
from .config import FAIL_LEVELS, PROFILES, Config, load_config
from .errors import ConfigError, InputError, PmlintError
from .findings import ExitStatus, Report
from .formatters import FORMATTERS

_FAIL_RANK = {"suggestion": 1, "warning": 2, "error": 3, "never": 99}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- helpers

def config_from_args(args: argparse.Namespace, search_from: str | None = None) -> Config:
    overrides: dict = {}
    if getattr(args, "profile", None):
        overrides["profile"] = args.profile
    if getattr(args, "fail_on", None):
        overrides["fail_on"] = args.fail_on
    if getattr(args, "no_fail", False):
        overrides["fail_on"] = "never"
    if getattr(args, "disable", None):
        overrides["disable"] = [s for item in args.disable for s in item.split(",") if s]
    if getattr(args, "enable", None):
        overrides["enable"] = [s for item in args.enable for s in item.split(",") if s]
    if getattr(args, "base_model", None):
        overrides["base_model"] = args.base_model
    if getattr(args, "no_classifiers", False):
        overrides["classifiers"] = {"enabled": False}
    config = load_config(getattr(args, "config", None), search_from=search_from)
    if overrides:
        # list options extend what the config file says
        for key in ("disable", "enable"):
            if key in overrides:
                overrides[key] = list(config[key]) + overrides[key]
        config = config.with_overrides(overrides)
    return config


def exit_for(reports: list[Report], fail_on: str) -> ExitStatus:
    if any(r.error and r.error.startswith("internal error") for r in reports):
        return ExitStatus.ERROR
    if any(r.error for r in reports):
        return ExitStatus.USAGE
    threshold = _FAIL_RANK[fail_on]
    worst = max((f.severity.rank for r in reports for f in r.findings), default=0)
    return ExitStatus.FINDINGS if worst >= threshold else ExitStatus.OK


# ----------------------------------------------------------------- check

def cmd_check(args: argparse.Namespace) -> ExitStatus:
    from .engine import load_analyzer
    from .inputs import expand, read_draft

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
                yield path, read_draft(path, max_mb)
            except InputError as exc:
                errors[path] = str(exc)
                yield path, ""

    errors: dict[str, str] = {}
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
    sys.stdout.write(output)
    return exit_for(reports, config.fail_on)


# ----------------------------------------------------------------- config / rules

def cmd_config(args: argparse.Namespace) -> ExitStatus:
    config = config_from_args(args, search_from=".")
    sys.stdout.write(config.dump())
    return ExitStatus.OK


def cmd_rules(args: argparse.Namespace) -> ExitStatus:
    from .rules import default_rules
    from .sections import CANONICAL_SECTIONS, default_classifier

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


# ----------------------------------------------------------------- parser

Handler = Callable[[argparse.Namespace], ExitStatus]
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .pmlint.yaml or [tool.pmlint])")
    p.add_argument("--profile", choices=PROFILES, help="required sections: ai, general, or auto (per document)")
    p.add_argument("--disable", action="append", metavar="RULES", help="rules to turn off: codes, names or prefixes (blame.*), comma-separated")
    p.add_argument("--enable", action="append", metavar="RULES", help="rules to turn on (e.g. PM001)")
    p.add_argument("--base-model", metavar="NAME", help="spaCy pipeline to use (config: base_model)")
    p.add_argument("--no-classifiers", action="store_true", help="rules only: do not run the trained classifiers")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmlint",
        description="Review incident post-mortem drafts: blame, what-not-why conclusions, missing (AI/ML) sections.",
    )
    parser.add_argument("--version", action="version", version=f"pmlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="lint drafts (files, directories, or - for stdin); for CI")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", "-f", choices=sorted(FORMATTERS), default="text")
    p.add_argument("--fail-on", choices=FAIL_LEVELS, help="lowest severity that fails (default: error)")
    p.add_argument("--no-fail", action="store_true", help="always exit 0 on findings (rollout mode)")
    p.add_argument("--no-colour", "--no-color", action="store_true", dest="no_colour")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
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

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


def _register_optional_commands() -> None:
    """Commands that live in their own modules (archive, training, app) add their parsers here."""
    import importlib

    for module in ("analyzer.archive_cli", "analyzer.training.cli", "analyzer.app_cli"):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if mod.register not in EXTRA_COMMANDS:
            EXTRA_COMMANDS.append(mod.register)


def run(argv: Sequence[str] | None = None) -> ExitStatus:
    _register_optional_commands()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return ExitStatus.OK if exc.code == 0 else ExitStatus.USAGE
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return ExitStatus.USAGE
    started = time.perf_counter()
    try:
        status = args.func(args)
    except ConfigError as exc:
        _log(f"pmlint: configuration error: {exc}")
        return ExitStatus.USAGE
    except PmlintError as exc:
        _log(f"pmlint: {exc}")
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        _log("pmlint: interrupted")
        return ExitStatus.ERROR
    except BrokenPipeError:
        return ExitStatus.OK
    except Exception as exc:  # noqa: BLE001
        import traceback

        _log(f"pmlint: internal error: {type(exc).__name__}: {exc} (set PMLINT_DEBUG=1 for the traceback)")
        if os.environ.get("PMLINT_DEBUG"):
            traceback.print_exc()
        return ExitStatus.ERROR
    if getattr(args, "verbose", False):
        _log(f"pmlint: done in {time.perf_counter() - started:.2f}s")
    return status


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(int(run(argv)))


__all__ = ["run", "main", "build_parser", "exit_for", "config_from_args"]
