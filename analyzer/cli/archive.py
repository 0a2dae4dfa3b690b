"""`pmlint score`, `pmlint cluster` and `pmlint similar`: the archive commands.

`analyzer.cli` finds this module and calls `register(sub)`. Machine output (rows, JSON) goes to
stdout or `--out`; the progress bar and the summary go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from analyzer.cli.common import _common, config_from_args, exit_for
from analyzer.errors import InputError
from analyzer.findings import ExitStatus
from analyzer.output.safe import json_safe, text_safe

BACKENDS = ("loky", "threading", "dask", "ray")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class ProgressBar:
    """`[####....] 120/846  14.2 docs/s  ETA 0:51` on a terminal; nothing otherwise. The rate counts
    only documents finished after the first call (reused ones arrive at once)."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None, width: int = 24) -> None:
        stream = stream or sys.stderr
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.width = width
        self.start: tuple[float, int] | None = None
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.perf_counter()
        if self.start is None:
            self.start = (now, done)
        t0, d0 = self.start
        rate = (done - d0) / (now - t0) if now > t0 and done > d0 else 0.0
        eta = f"ETA {_clock((total - done) / rate)}" if rate > 0 and done < total else ""
        filled = int(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}  {rate:5.1f} docs/s  {eta:<12}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (self.width + 50) + "\r")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


def _archive_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="FILE", help="SQLite store (default: DIR/.pmlint/archive.sqlite; config archive.store)")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--include", action="append", metavar="GLOB", help="files to read (repeatable; default: config archive.include)")
    p.add_argument("--exclude", action="append", metavar="GLOB", help="files to leave out (repeatable; adds to archive.exclude)")


def _archive_config(args: argparse.Namespace, root: str):  # noqa: ANN202 - Config
    """The configuration with --include / --exclude applied to its `archive` globs."""
    config = config_from_args(args, search_from=root)
    globs = {}
    if args.include:
        globs["include"] = list(args.include)
    if args.exclude:
        globs["exclude"] = [*config["archive"]["exclude"], *args.exclude]
    return config.with_overrides({"archive": globs}) if globs else config


# ----------------------------------------------------------------- score

def cmd_score(args: argparse.Namespace) -> ExitStatus:
    from analyzer.archive.scoring import ScoreInterrupted, score_archive
    from analyzer.output.rows import rows_to_csv, rows_to_jsonl, write_rows

    config = config_from_args(args, search_from=args.dir)
    if args.out is None and args.format == "parquet":
        raise InputError("Parquet needs a file: pass --out FILE.parquet")
    bar = ProgressBar(enabled=False if args.quiet else None)
    try:
        result = score_archive(
            args.dir, config=config, store=args.store, include=args.include, exclude=args.exclude,
            jobs=args.jobs, backend=args.backend, scheduler=args.scheduler, progress=bar,
        )
    except ScoreInterrupted as exc:
        bar.close()
        bar.shown = False
        _log(f"pmlint: {exc}; run the same command again to continue where it stopped")
        return ExitStatus.ERROR
    finally:
        bar.close()
    if args.out:
        write_rows(result.rows, args.out)
    elif args.format == "jsonl":
        rows_to_jsonl(result.rows, sys.stdout)
    else:
        rows_to_csv(result.rows, sys.stdout)
    if not args.quiet:
        _summary(result, args.out)
    failed = [r for r in result.reports.values() if r.error]
    return exit_for(failed, "never")


def _summary(result, out: str | None) -> None:  # noqa: ANN001 - ScoreResult
    _log(
        f"pmlint: scored {result.scored} document(s) ({result.analysed} analysed, {result.reused} reused from "
        f"{result.store_path}), {result.failed} failed, {result.skipped} skipped, in {result.seconds:.1f}s"
        + (f"; rows in {out}" if out else "")
    )
    for row in result.rows:
        if row["error"]:
            _log(f"  failed: {row['path']}: {row['error']}")
    worst = result.worst(10)
    if worst:
        _log("  lowest scores:")
        for row in worst:
            _log(f"  {row['score']:>4}  {row['path']}  ({row['title']})")


# ----------------------------------------------------------------- cluster

def cmd_cluster(args: argparse.Namespace) -> ExitStatus:
    from analyzer.archive.cause_report import cluster_archive

    fmt = output_format(args.format, args.out, CLUSTER_FORMATS, default="markdown")
    config = _archive_config(args, args.dir)
    result = cluster_archive(args.dir, config=config, store=args.store, seed=args.seed, k=args.k, jobs=args.jobs)
    text = json_safe(json.dumps(result.to_dict(), indent=2, ensure_ascii=False)) + "\n" if fmt == "json" else result.to_markdown()
    _emit(text, args.out)
    if not args.quiet:
        _log(f"pmlint: {result.n_documents} document(s); {len(result.clusters)} recurring cause(s), "
             f"{len(result.not_recurring())} not recurring"
             + (f"; written to {args.out}" if args.out else ""))
    return ExitStatus.OK


# ----------------------------------------------------------------- similar

def cmd_similar(args: argparse.Namespace) -> ExitStatus:
    from analyzer.archive.documents import read_document
    from analyzer.archive.similar import similar_with_placement

    fmt = output_format(args.format, args.out, SIMILAR_FORMATS, default="text")
    config = _archive_config(args, args.archive)
    text = read_document(args.file, config["max_file_mb"]) if args.file != "-" else _stdin(config["max_file_mb"])
    placed, neighbours = similar_with_placement(text, root=args.archive, config=config, store=args.store, k=args.k)
    joins = placed.label or f"{placed.cause_class}: no recurring cause yet (not recurring)"
    if fmt == "json":
        out = json_safe(json.dumps({"draft": placed.to_dict(), "similar": [n.to_dict() for n in neighbours]},
                                   indent=2, ensure_ascii=False)) + "\n"
    elif fmt == "markdown":
        lines = [f"# Past incidents like {args.file}", "", f"Cause: **{placed.cause_class}** "
                 f"(confidence {placed.confidence:.2f}); joins: {joins}", "",
                 "| similarity | incident | cause | shared cause statements (draft / past) |", "| ---: | --- | --- | --- |"]
        lines += [f"| {n.score:.2f} | {n.title} (`{n.path}`) | {n.cause or n.cause_class} | "
                  + "; ".join(f"“{a}” / “{b}”" for a, b in n.shared_statements).replace("|", "\\|") + " |" for n in neighbours]
        out = "\n".join(lines) + "\n"
    else:
        out = f"cause: {placed.cause_class} ({placed.confidence:.2f}); joins: {joins}\n" + "".join(
            f"{n.score:.2f}  {n.path}  {n.title}\n      cause: {n.cause or n.cause_class}\n"
            + "".join(f"      draft: {a}\n      past:  {b}\n" for a, b in n.shared_statements)
            for n in neighbours)
    _emit(out, args.out)
    return ExitStatus.OK


CLUSTER_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown"}
SIMILAR_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def output_format(given: str | None, out: str | None, by_suffix: dict[str, str], *, default: str) -> str:
    """--format when given; else the one --out's extension names (as `score` does); else the
    default. Checked before any work: an extension that names no format, or a folder that does
    not exist, is a usage error."""
    if out:
        if Path(out).is_dir() or not Path(out).resolve().parent.is_dir():
            raise InputError(f"--out {out}: not a file in an existing folder")
    if given:
        return given
    if not out:
        return default
    suffix = Path(out).suffix.lower()
    if suffix not in by_suffix:
        known = ", ".join(sorted(by_suffix))
        raise InputError(f"--out {out}: cannot tell the format from {suffix or 'no extension'!r} ({known}); pass --format")
    return by_suffix[suffix]


def _stdin(max_mb: float) -> str:
    from analyzer.reading.inputs import read_draft

    return read_draft("-", max_mb)


def _emit(text: str, out: str | None) -> None:
    text = text_safe(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


# ----------------------------------------------------------------- parser

def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score every post-mortem of an archive (incremental, parallel)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--out", "-o", metavar="FILE", help="write the rows here: .csv, .jsonl or .parquet (default: stdout)")
    p.add_argument("--format", "-f", choices=("csv", "jsonl", "parquet"), default="csv", help="stdout format without --out")
    p.add_argument("--backend", choices=BACKENDS, default="loky", help="joblib backend (dask and ray need pmlint[distributed])")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    _archive_options(p)
    _common(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("cluster", help="group an archive's post-mortems by recurring systemic cause")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--format", "-f", choices=("markdown", "json"),
                   help="markdown or json (default: from --out's extension, .json or .md; else markdown)")
    p.add_argument("--out", "-o", metavar="FILE", help="write the report here (default: stdout)")
    p.add_argument("--k", type=int, metavar="N", help="number of clusters (default: chosen by silhouette)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same clusters)")
    p.add_argument("--quiet", "-q", action="store_true")
    _archive_options(p)
    _common(p)
    p.set_defaults(func=cmd_cluster)

    p = sub.add_parser("similar", help="the past incidents most like a draft, with the causes they share")
    p.add_argument("file", metavar="FILE", help="the draft (- for stdin)")
    p.add_argument("--archive", required=True, metavar="DIR", help="the archive of past post-mortems")
    p.add_argument("-k", type=int, default=5, metavar="N", help="how many (default 5)")
    p.add_argument("--format", "-f", choices=("text", "markdown", "json"),
                   help="text, markdown or json (default: from --out's extension, .txt, .md or .json; else text)")
    p.add_argument("--out", "-o", metavar="FILE", help="write the list here (default: stdout)")
    _archive_options(p)
    _common(p)
    p.set_defaults(func=cmd_similar)


__all__ = ["ProgressBar", "register", "cmd_score", "cmd_cluster", "cmd_similar"]
