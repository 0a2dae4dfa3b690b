"""Batch scoring of an archive of post-mortems: parallel, incremental, resumable.

    result = score_archive("postmortems/", jobs=2)
    write_rows(result.rows, "scores.parquet")  # analyzer.output.rows

A run walks the archive (`archive.include` / `archive.exclude` globs), reads every document
(Markdown, plain text, HTML exports), and looks each one up in an SQLite store by the key
(content hash, model version, configuration hash). Only documents missing from the store are
analysed, in batches through joblib, so the same code runs on the local cores (`loky`), on a
dask cluster (`backend="dask", scheduler="tcp://..."`) or on ray. The main process is the only
writer: it commits each finished batch at once, so an interrupted run loses nothing already
scored, and a second run at the same time waits for the short write lock instead of corrupting
the file.

Besides the Report, the store keeps each document's *facts* (title, date, the cause-bearing
text that `analyzer.archive.clustering` works on), so clustering and similar-incident search never
re-read or re-parse what scoring already saw.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from analyzer.archive.backends import _effective_jobs, batches, run_parallel
from analyzer.archive.discovery import discover
from analyzer.archive.documents import document_facts, read_document
from analyzer.archive.facts import DocRef, _compute_facts, hash_files
from analyzer.archive.store import ArchiveStore, content_hash, model_version, open_store
from analyzer.config import Config, load_config
from analyzer.errors import InputError
from analyzer.findings import Report
from analyzer.output.rows import make_row

IN_PROCESS_MAX = 4  # this many documents or fewer to analyse: no worker processes

Progress = Callable[[int, int], None]


class ScoreInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; what was finished before is in the store."""

    def __init__(self, stored: int, store_path: Path) -> None:
        super().__init__(f"interrupted: {stored} document(s) analysed in this run are saved in {store_path}")
        self.stored, self.store_path = stored, store_path


def _analyse_batch(config: Config, items: list[tuple[str, str, str]]) -> list[tuple[str, dict, dict | None]]:
    """Worker task: analyse (content_hash, path, text) items with this process's Analyzer (loaded
    once per process and configuration) and extract their facts."""
    from analyzer.engine import load_analyzer

    analyzer = load_analyzer(config)
    out = []
    for (h, path, text), report in zip(items, analyzer.analyze_many([(p, t) for _, p, t in items])):
        facts = None
        if not report.error:
            try:
                facts = document_facts(text)
            except Exception:  # noqa: BLE001 - facts are optional; clustering recomputes them
                facts = None
        try:
            data = report.to_dict()
            json.dumps(data)  # what the store will write: a report that cannot be stored is this row's error
        except Exception as exc:  # noqa: BLE001 - one bad document is one bad row
            data, facts = Report.failed(path, f"internal error: {type(exc).__name__}: {exc}").to_dict(), None
        out.append((h, data, facts))
    return out


@dataclass
class ScoreResult:
    rows: list[dict[str, Any]]
    analysed: int
    reused: int
    failed: int
    skipped: int
    store_path: Path | None
    reports: dict[str, Report] = field(default_factory=dict)
    words_analysed: int = 0  # words in the documents analysed by this run (throughput)
    seconds: float = 0.0

    @property
    def scored(self) -> int:
        return self.analysed + self.reused

    def worst(self, n: int = 10) -> list[dict[str, Any]]:
        ok = [r for r in self.rows if r["error"] is None]
        return sorted(ok, key=lambda r: (r["score"], r["path"]))[:n]


def score_archive(
    root: str | Path,
    *,
    config: Config | None = None,
    store: str | Path | ArchiveStore | None = None,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    jobs: int | None = None,
    backend: str = "loky",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ScoreResult:
    """Score every document of the archive at `root`; reuse what the store already has.

    `include` replaces the configured include globs; `exclude` adds to the configured ones.
    `progress(done, total)` is called as documents finish (reused and failed ones count at once).
    Ctrl-C raises ScoreInterrupted after the finished batches are committed."""
    started = time.perf_counter()
    root_path = Path(root)
    if not root_path.is_dir():
        raise InputError(f"{root}: not a directory")
    config = config or load_config(search_from=root_path)
    unreadable: list[tuple[str, str]] = []
    files, skipped = discover(root_path, include or config["archive"]["include"],
                              [*config["archive"]["exclude"], *(exclude or [])], unreadable,
                              config["archive"]["confine"])
    owns_store = not isinstance(store, ArchiveStore)
    db = open_store(root_path, config, store)
    try:
        docs = hash_files(files, config["max_file_mb"], keep_unreadable=True)
        docs += [DocRef(folder, error=reason) for folder, reason in unreadable]  # a row each: counted and named
        run = _Run(config, db, docs, progress)
        run.analyse_missing(jobs, backend, scheduler)
        run.complete_facts(jobs, backend, scheduler)
        return run.result(skipped, time.perf_counter() - started)
    finally:
        if owns_store:
            db.close()


class _Run:
    """One scoring run: what the store has, what this run analyses, and the rows at the end."""

    def __init__(self, config: Config, db: ArchiveStore, docs: list[DocRef], progress: Progress | None) -> None:
        self.config, self.db, self.docs, self.progress = config, db, docs, progress
        self.max_mb = config["max_file_mb"]
        self.mversion, self.chash = model_version(config), config.fingerprint()
        self.found = db.get_many([d.hash for d in docs if d.hash], self.mversion, self.chash)
        self.stored = set(self.found)
        self.facts = db.get_facts(self.found)
        self.todo: dict[str, str] = {}  # content hash -> first path with that content
        for d in docs:
            if d.hash and d.hash not in self.found:
                self.todo.setdefault(d.hash, d.path)
        self.internal: dict[str, str] = {}  # content hash -> analysis error
        self.words = 0
        self.done = sum(1 for d in docs if d.error or d.hash in self.found)
        self._report_progress()

    def _report_progress(self) -> None:
        if self.progress:
            self.progress(self.done, len(self.docs))

    def analyse_missing(self, jobs: int | None, backend: str, scheduler: str | None) -> None:
        """Analyse what the store lacks, committing each finished batch at once."""
        if backend == "loky" and len(self.todo) <= IN_PROCESS_MAX:
            jobs = 1  # starting workers (each loads spaCy) costs more than a handful of documents
        n_jobs = _effective_jobs(jobs, backend)
        tasks = ((self.config, batch) for batch in batches(list(self.todo.items()), n_jobs if n_jobs > 0 else 4,
                                                           size_of=lambda kv: os.path.getsize(kv[1])))
        per_hash = _count_by_hash(self.docs)
        analysed_now = 0
        try:
            for results in run_parallel(_analyse_batch, _with_texts(tasks, self.max_mb, self.internal), jobs=jobs,
                                        backend=backend, scheduler=scheduler):
                analysed_now += self._commit(results)
                self.done += sum(per_hash.get(h, 1) for h, _, _ in results)
                self._report_progress()
        except KeyboardInterrupt:
            raise ScoreInterrupted(analysed_now, self.db.path) from None

    def _commit(self, results: list[tuple[str, dict, dict | None]]) -> int:
        good = [(h, Report.from_dict(r)) for h, r, _ in results if not r.get("error")]
        self.db.put_many(good, self.mversion, self.chash)
        self.db.put_facts([(h, f) for h, _, f in results if f is not None])
        self.internal.update((h, r["error"]) for h, r, _ in results if r.get("error"))
        self.found.update(good)
        self.facts.update((h, f) for h, _, f in results if f is not None)
        self.words += sum(int(report.stats.get("words", 0)) for _, report in good)
        return len(good)

    def complete_facts(self, jobs: int | None, backend: str, scheduler: str | None) -> None:
        missing = [d for d in self.docs if d.hash in self.found and d.hash not in self.facts]
        if missing:
            self.facts.update(_compute_facts(missing, self.max_mb, jobs=jobs, backend=backend,
                                             scheduler=scheduler, store=self.db))

    def result(self, skipped: int, seconds: float) -> ScoreResult:
        rows, reports = [], {}
        for d in sorted(self.docs, key=lambda d: d.path):
            error = d.error or (self.internal.get(d.hash) if d.hash else None)
            if d.hash in self.found and not error:
                report = replace(self.found[d.hash], path=d.path)
            else:
                report = Report.failed(d.path, error or "could not be analysed")
            reports[d.path] = report
            rows.append(make_row(report, self.facts.get(d.hash) if d.hash else None))
        return ScoreResult(
            rows=rows,
            analysed=sum(1 for d in self.docs if d.hash in self.todo and d.hash not in self.internal),
            reused=sum(1 for d in self.docs if d.hash in self.stored),
            failed=sum(1 for r in rows if r["error"]),
            skipped=skipped,
            store_path=self.db.path,
            reports=reports,
            words_analysed=self.words,
            seconds=seconds,
        )


def _count_by_hash(docs: list[DocRef]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in docs:
        if d.hash:
            out[d.hash] = out.get(d.hash, 0) + 1
    return out


def _with_texts(tasks: Iterable[tuple[Config, list[tuple[str, str]]]], max_mb: float,
                errors: dict[str, str]) -> Iterator[tuple[Config, list[tuple[str, str, str]]]]:
    """Read the texts only when a task is dispatched (memory stays flat on large archives)."""
    for config, batch in tasks:
        items = []
        for h, path in batch:
            try:
                text = read_document(path, max_mb)
            except InputError as exc:  # removed or broken since it was hashed
                errors[h] = str(exc)
                continue
            if content_hash(text) != h:
                errors[h] = "changed while the archive was being scored; run again to score it"
                continue
            items.append((h, path, text))
        if items:
            yield config, items
