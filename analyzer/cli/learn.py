"""`pmlint learn`: the learning report of an archive (action items done, open and overdue; causes
that recurred after their fix or while it was still open)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from analyzer.cli.common import _common, config_from_args
from analyzer.errors import InputError
from analyzer.findings import ExitStatus


def cmd_learn(args: argparse.Namespace) -> ExitStatus:
    from analyzer.archive.learning.gather import learn_archive
    from analyzer.archive.learning.report import to_markdown

    try:
        today = date.fromisoformat(args.today) if args.today else date.today()
    except ValueError:
        raise InputError(f"--today {args.today!r}: use YYYY-MM-DD") from None
    if args.tracker and not Path(args.tracker).is_file():
        raise InputError(f"{args.tracker}: no such tracker export")
    if not Path(args.dir).is_dir():
        raise InputError(f"{args.dir}: not a directory")
    fmt = args.format or ("json" if (args.out or "").endswith(".json") else "markdown")
    config = config_from_args(args, search_from=args.dir)
    report = learn_archive(args.dir, today=today, config=config, store=args.store, tracker=args.tracker, jobs=args.jobs)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else to_markdown(report)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return ExitStatus.OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("learn", help="the learning report: action items and recurring causes across an archive")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--tracker", metavar="FILE", help="a Jira/GitHub/Linear export (CSV, or gh issue list --json); newer than the documents, so it wins")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the day overdue is judged on (default: today)")
    p.add_argument("--format", "-f", choices=("markdown", "json"), help="default: from --out's extension, else markdown")
    p.add_argument("--out", "-o", metavar="FILE")
    p.add_argument("--store", metavar="FILE", help="SQLite store (default: DIR/.pmlint/archive.sqlite)")
    p.add_argument("--jobs", "-j", type=int, metavar="N")
    _common(p)
    p.set_defaults(func=cmd_learn)
