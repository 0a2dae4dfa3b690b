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
    real_stdout = sys.stdout
    sys.stdout = _Stdout(real_stdout)  # type: ignore[assignment]
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed stdout shows here, while we can still tell it apart
    except StdoutClosed:  # the reader went away (`pmlint ... | head`): not an error of ours
        _silence_stdout()
        return ExitStatus.OK
    except ConfigError as exc:
        _log(f"pmlint: configuration error: {exc}")
        return ExitStatus.USAGE
    except PmlintError as exc:
        _log(f"pmlint: {exc}")
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        _log("pmlint: interrupted")
        return ExitStatus.ERROR
    except Exception as exc:  # noqa: BLE001 - a BrokenPipeError from a worker or a pipe of our own too
        import traceback

        _log(f"pmlint: internal error: {type(exc).__name__}: {exc} (set PMLINT_DEBUG=1 for the traceback)")
        if os.environ.get("PMLINT_DEBUG"):
            traceback.print_exc()
        return ExitStatus.ERROR
    finally:
        if isinstance(sys.stdout, _Stdout):
            sys.stdout = real_stdout
    if getattr(args, "verbose", False):
        _log(f"pmlint: done in {time.perf_counter() - started:.2f}s")
    return status


class StdoutClosed(Exception):
    """Standard output was closed by its reader (a BrokenPipeError raised by a write to stdout)."""


class _Stdout:
    """sys.stdout during a command: a BrokenPipeError from writing it becomes StdoutClosed, so a
    BrokenPipeError from anywhere else (a joblib worker, a resource tracker) stays an error."""

    def __init__(self, stream) -> None:  # noqa: ANN001
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise StdoutClosed() from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise StdoutClosed() from None

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._stream, name)


def _silence_stdout() -> None:
    """Point the closed stdout at /dev/null so the flush at interpreter exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(int(run(argv)))


__all__ = ["run", "main", "build_parser", "exit_for", "config_from_args"]
