"""The front end on the command line: the `pmlint` command, one module per command group.

The `pmlint` command. `run(argv) -> ExitStatus` does the work; `main()` exits with it.

Exit status: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage,
configuration or input error (a file that cannot be read); 3 internal error. Machine formats go
to stdout only; logs and progress go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Sequence

from analyzer.cli import app, archive, check, learn, training
from analyzer.cli.common import _log, config_from_args, exit_for
from analyzer.errors import ConfigError, PmlintError
from analyzer.findings import ExitStatus
from analyzer.version import __version__

COMMAND_GROUPS = (check, archive, learn, training, app)  # each adds its subcommands with `register(sub)`


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmlint",
        description="Review incident post-mortem drafts: blame, what-not-why conclusions, missing (AI/ML) sections.",
    )
    parser.add_argument("--version", action="version", version=f"pmlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def run(argv: Sequence[str] | None = None) -> ExitStatus:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra and getattr(args, "command", None) == "app":
            args.extra = extra  # Streamlit's own options, checked by `pmlint app`
        elif extra:
            parser.parse_args(argv)  # the usual "unrecognized arguments" message and exit
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
