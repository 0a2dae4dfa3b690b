"""Batch scoring of an archive of post-mortems: parallel, incremental, resumable.

    result = score_archive("postmortems/", jobs=2)
    write_rows(result.rows, "scores.parquet")

A run walks the archive (`archive.include` / `archive.exclude` globs), reads every document
(Markdown, plain text, HTML exports), and looks each one up in an SQLite store by the key
(content hash, model version, configuration hash). Only documents missing from the store are
analysed, in batches through joblib, so the same code runs on the local cores (`loky`), on a
dask cluster (`backend="dask", scheduler="tcp://..."`) or on ray. The main process is the only
writer: it commits each finished batch at once, so an interrupted run loses nothing already
scored, and a second run at the same time waits for the short write lock instead of corrupting
the file.

Besides the Report, the store keeps each document's *facts* (title, date, the cause-bearing
text that `analyzer.clustering` works on), so clustering and similar-incident search never
re-read or re-parse what scoring already saw.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field, replace
from datetime import date as _date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from analyzer.version import __version__
from analyzer.config import Config, load_config
from analyzer.errors import InputError, PmlintError
from analyzer.findings import Report
from analyzer.reading.html import html_to_text, is_html
from analyzer.reading.inputs import read_draft

STORE_SCHEMA = 1
FACTS_VERSION = "facts-2"  # bump when title/date/cause extraction changes: facts are recomputed
IN_PROCESS_MAX = 4  # this many documents or fewer to analyse: no worker processes
DEFAULT_STORE = Path(".pmlint") / "archive.sqlite"
FAMILIES = ("blame", "action", "section", "timeline", "whys")  # finding counts per row
ROW_FIELDS = ("path", "title", "date", "score", "ai_incident", *FAMILIES, "missing_sections", "words", "error")

Progress = Callable[[int, int], None]


class StoreError(PmlintError):
    """The archive store cannot be used (locked by another run, not a database, unwritable)."""


class ScoreInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; what was finished before is in the store."""

    def __init__(self, stored: int, store_path: Path) -> None:
        super().__init__(f"interrupted: {stored} document(s) analysed in this run are saved in {store_path}")
        self.stored, self.store_path = stored, store_path


# ----------------------------------------------------------------- keys

def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_version(config: Config) -> str:
    """Everything besides the configuration that changes a Report: pmlint's version, the spaCy
    base pipeline (name and version) and the shipped classifier manifests."""
    return _model_version(config.base_model, str(_models_dir(config) or ""))


@lru_cache(maxsize=8)
def _model_version(base_model: str, models_dir: str) -> str:
    import spacy
    from spacy.util import get_package_version

    base = f"{base_model}@spacy-{spacy.__version__}" if base_model.startswith("blank:") else (
        f"{base_model}@{get_package_version(base_model) or 'unknown'}"
    )
    digest = hashlib.sha256()
    if models_dir and Path(models_dir).is_dir():
        for manifest in sorted(Path(models_dir).rglob("*")):
            if manifest.is_file() and manifest.name in ("meta.yaml", "meta.json", "manifest.yaml", "manifest.json"):
                digest.update(manifest.relative_to(models_dir).as_posix().encode())
                digest.update(manifest.read_bytes())
    return f"pmlint-{__version__}|{base}|models-{digest.hexdigest()[:12]}"


def _models_dir(config: Config) -> Path | None:
    configured = config["classifiers"].get("models_dir")
    if configured:
        return Path(configured)
    from analyzer.judging.classifiers.models import default_models_dir

    return default_models_dir()


# ----------------------------------------------------------------- store

class ArchiveStore:
    """Reports and document facts, keyed by content hash, in one SQLite file (WAL mode).

    Safe against interruption (every `put_*` is its own committed transaction) and against a
    concurrent run (SQLite's locking; a writer waits up to `timeout` seconds, then StoreError)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the archive store {self.path}: {exc}; pass --store to put it elsewhere") from None
        with self._guard():
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if found is None:
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(STORE_SCHEMA),))
            elif int(found[0]) != STORE_SCHEMA:
                raise StoreError(
                    f"{self.path} was written by another version of pmlint (store schema {found[0]}, "
                    f"expected {STORE_SCHEMA}); delete it or pass --store to use a new file"
                )

    def _guard(self):
        return _SqliteGuard(self.path)

    # reports
    def get(self, content_hash: str, model_version: str, config_hash: str) -> Report | None:
        return self.get_many([content_hash], model_version, config_hash).get(content_hash)

    def get_many(self, hashes: Iterable[str], model_version: str, config_hash: str) -> dict[str, Report]:
        out: dict[str, Report] = {}
        with self._guard():
            for chunk in _chunked(list(dict.fromkeys(hashes)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT content_hash, report FROM reports WHERE model_version=? AND config_hash=? "
                    f"AND content_hash IN ({marks})",
                    (model_version, config_hash, *chunk),
                )
                for h, blob in rows:
                    out[h] = Report.from_dict({"path": "", **json.loads(blob)})
        return out

    def put(self, content_hash: str, model_version: str, config_hash: str, report: Report) -> None:
        self.put_many([(content_hash, report)], model_version, config_hash)

    def put_many(self, items: Sequence[tuple[str, Report]], model_version: str, config_hash: str) -> None:
        rows = []
        for h, report in items:
            data = report.to_dict()
            data.pop("path")
            rows.append((h, model_version, config_hash, json.dumps(data, separators=(",", ":")), time.time()))
        self._write("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?)", rows)

    # facts (title, date, cause text): independent of the model and configuration
    def get_facts(self, hashes: Iterable[str], version: str = FACTS_VERSION) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with self._guard():
            for chunk in _chunked(list(dict.fromkeys(hashes)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT content_hash, facts FROM facts WHERE version=? AND content_hash IN ({marks})",
                    (version, *chunk),
                )
                out.update((h, json.loads(blob)) for h, blob in rows)
        return out

    def put_facts(self, items: Sequence[tuple[str, dict[str, Any]]], version: str = FACTS_VERSION) -> None:
        rows = [(h, version, json.dumps(f, separators=(",", ":"))) for h, f in items]
        self._write("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", rows)

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One transaction per batch: a batch is stored whole or not at all."""
        with self._guard():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(sql, rows)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def count(self) -> int:
        with self._guard():
            return self.db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ArchiveStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reports (
    content_hash TEXT NOT NULL, model_version TEXT NOT NULL, config_hash TEXT NOT NULL,
    report TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (content_hash, model_version, config_hash)
);
CREATE TABLE IF NOT EXISTS facts (
    content_hash TEXT NOT NULL, version TEXT NOT NULL, facts TEXT NOT NULL,
    PRIMARY KEY (content_hash, version)
);
"""


class _SqliteGuard:
    """Turns SQLite's errors into StoreErrors that say what to do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:  # noqa: ANN001
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(
                f"the archive store {self.path} is locked by another process (another pmlint run?); "
                "wait for it to finish, or pass --store to use another file"
            ) from None
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError(f"the archive store {self.path} cannot be used: {exc}") from None
        return False


def _chunked(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def open_store(root: Path, config: Config, store: str | Path | ArchiveStore | None = None) -> ArchiveStore:
    """The store given, else `archive.store` from the configuration, else
    `<archive>/.pmlint/archive.sqlite`. A relative `archive.store` is relative to the archive."""
    if isinstance(store, ArchiveStore):
        return store
    if store is None:
        configured = config["archive"].get("store")
        store = (root / configured) if configured else root / DEFAULT_STORE
    return ArchiveStore(store)


# ----------------------------------------------------------------- discovery

def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A `**`-aware glob as a regular expression over POSIX relative paths: `**/` is any number
    of directories (zero included), `*` and `?` stay inside one path segment, `[a-c]` and `[!x]`
    are character classes."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("(?:/.*)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + re.escape(body[1:]) if body[0] == "!" else re.escape(body).replace("\\-", "-")) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)


def discover(root: str | Path, include: Sequence[str], exclude: Sequence[str] = ()) -> tuple[list[Path], int]:
    """(the files under `root` selected by the globs, sorted; how many other files were seen).
    Directories an exclude glob matches are not descended into."""
    root = Path(root)
    inc = [_glob_regex(p) for p in include]
    exc = [_glob_regex(p) for p in exclude]
    selected: list[Path] = []
    skipped = 0
    for folder, dirs, names in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not any(r.match(prefix + d) or r.match(prefix + d + "/") for r in exc))
        for name in names:
            rel = prefix + name
            if any(r.match(rel) for r in inc) and not any(r.match(rel) for r in exc):
                selected.append(Path(folder) / name)
            else:
                skipped += 1
    return sorted(selected), skipped


def read_document(path: str | Path, max_mb: float = 5) -> str:
    """The text of one archive document; an HTML export becomes Markdown-like text."""
    text = read_draft(str(path), max_mb)
    if is_html(str(path)):
        text = html_to_text(text)
        if not text.strip():
            raise InputError("no readable text in this HTML file")
    return text


# ----------------------------------------------------------------- facts: title, date, cause text

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS = (
    (re.compile(r"\b((?:19|20)\d\d)[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])(?!\d)"), ("y", "m", "d")),
    (re.compile(r"\b(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+((?:19|20)\d\d)\b", re.I), ("d", "M", "y")),
    (re.compile(r"\b" + _MONTH + r"\s+(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I), ("M", "d", "y")),
    (re.compile(r"\b" + _MONTH + r",?\s+((?:19|20)\d\d)\b", re.I), ("M", "y")),
)
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
_DATE_KEYS = ("date", "incident_date", "incident-date", "started", "start", "started_at", "created", "published")


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not 1970 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return f"{y:04d}-{m:02d}"


def find_date(text: str) -> str | None:
    """The first date written in `text`, as ISO `YYYY-MM-DD` (or `YYYY-MM`): the earliest match
    of any of the usual forms (2021-05-12, 12 May 2021, May 12, 2021, May 2021)."""
    best: tuple[int, str] | None = None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m or (best and m.start() >= best[0]):
            continue
        parts = dict(zip(order, m.groups()))
        month = int(parts["m"]) if "m" in parts else _MONTHS[parts["M"][:3].lower()] if "M" in parts else None
        value = _iso(int(parts["y"]), month, int(parts["d"]) if "d" in parts else None)
        if value:
            best = (m.start(), value)
    return best[1] if best else None


def _metadata_date(value: Any) -> str | None:
    if isinstance(value, _date):
        return value.isoformat()[:10]
    if isinstance(value, int):
        return _iso(value)
    if isinstance(value, str):
        if re.fullmatch(r"\s*((?:19|20)\d\d)\s*", value):
            return _iso(int(value))
        return find_date(value)
    return None


def describe(text: str) -> tuple[str | None, str | None]:
    """(title, date) from the front matter, else from the text (first heading, first date)."""
    from analyzer.reading.markdown import parse

    document = parse(text)
    meta = document.metadata
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    when = next((d for k in _DATE_KEYS if k in meta for d in [_metadata_date(meta[k])] if d), None)
    if not title:
        heading = next((h for h in document.headings if h.strong), None)
        if heading is not None:
            title = " ".join(document.text[heading.title_start : heading.title_end].strip("#*_ \t").split()) or None
    if not when:
        when = find_date(document.masked)
    return title, when


def document_facts(text: str) -> dict[str, Any]:
    """What clustering and the rows need from a document, computed without spaCy."""
    from analyzer.archive.clustering import cause_text

    title, when = describe(text)
    cause, source = cause_text(text)
    return {"title": title, "date": when, "cause": cause, "cause_source": source}


def path_title(path: str | Path) -> str:
    return Path(path).stem.replace("_", " ").replace("-", " ").strip() or str(path)


def path_date(path: str | Path) -> str | None:
    m = None
    for m in _PATH_DATE.finditer(Path(path).as_posix()):
        pass
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)


# ----------------------------------------------------------------- parallel execution

def _analyse_batch(config: Config, items: list[tuple[str, str, str]]) -> list[tuple[str, dict, dict | None]]:
    """Worker task: analyse (content_hash, path, text) items with this process's Analyzer (loaded
    once per process and configuration) and extract their facts."""
    from analyzer.engine import load_analyzer

    analyzer = load_analyzer(config)
    out = []
    for (h, _path, text), report in zip(items, analyzer.analyze_many([(p, t) for _, p, t in items])):
        facts = None
        if not report.error:
            try:
                facts = document_facts(text)
            except Exception:  # noqa: BLE001 - facts are optional; clustering recomputes them
                facts = None
        out.append((h, report.to_dict(), facts))
    return out


def _facts_batch(items: list[tuple[str, str]]) -> list[tuple[str, dict]]:
    """Worker task: facts for (content_hash, text) items."""
    return [(h, document_facts(text)) for h, text in items]


def batches(items: Sequence[Any], jobs: int, *, size_of: Callable[[Any], int] = lambda _: 1,
            max_items: int = 16, max_size: int = 400_000) -> Iterator[list[Any]]:
    """Split work into tasks: about eight per worker for balance and progress, at most
    `max_items` items or `max_size` size units each (a task's results are committed together)."""
    per_task = max(1, min(max_items, -(-len(items) // (max(1, jobs) * 8))))
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        size += size_of(item)
        if len(batch) >= per_task or size >= max_size:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def run_parallel(func: Callable, tasks: Iterable[tuple], *, jobs: int | None, backend: str = "loky",
                 scheduler: str | None = None) -> Iterator[Any]:
    """Run `func(*task)` for every task through joblib and yield the results as they finish
    (in completion order). `backend` is any joblib backend: loky (local processes, the default),
    threading, dask (with `scheduler` an address such as tcp://host:8786, or a local cluster),
    ray (with `ray` installed). One job runs in this process."""
    import joblib

    n_jobs = _effective_jobs(jobs, backend)
    if n_jobs == 1 and backend in ("loky", "multiprocessing", "threading", "sequential"):
        for task in tasks:
            yield func(*task)
        return
    with _backend(backend, scheduler, n_jobs), joblib.parallel_config(backend=backend, n_jobs=n_jobs):
        parallel = joblib.Parallel(return_as="generator_unordered", pre_dispatch="2*n_jobs")
        yield from parallel(joblib.delayed(func)(*task) for task in tasks)


def _effective_jobs(jobs: int | None, backend: str) -> int:
    if backend in ("dask", "ray"):
        return -1 if not jobs else jobs
    return jobs if jobs and jobs > 0 else (os.cpu_count() or 1)


class _backend:
    """Context that makes a joblib backend usable: registers dask/ray, connects to the scheduler."""

    def __init__(self, name: str, scheduler: str | None, n_jobs: int) -> None:
        self.name, self.scheduler, self.n_jobs = name, scheduler, n_jobs
        self.client = None

    def __enter__(self) -> None:
        if self.name == "dask":
            try:
                from distributed import Client
            except ImportError:
                raise PmlintError("the dask backend needs dask[distributed]: pip install 'pmlint[distributed]'") from None
            try:
                self.client = Client(self.scheduler, timeout=30) if self.scheduler else Client(
                    processes=True, n_workers=max(1, self.n_jobs), threads_per_worker=1, dashboard_address=None
                )
            except (OSError, TimeoutError) as exc:
                raise PmlintError(f"cannot reach the dask scheduler {self.scheduler}: {exc}") from None
        elif self.name == "ray":
            try:
                from ray.util.joblib import register_ray
            except ImportError:
                raise PmlintError("the ray backend needs ray: pip install 'ray[default]'") from None
            register_ray()
        elif self.scheduler:
            raise PmlintError(f"--scheduler only applies to the dask backend, not {self.name!r}")

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None and not self.scheduler:
                cluster.close()


# ----------------------------------------------------------------- scoring

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


@dataclass
class _Doc:
    path: str
    hash: str | None = None
    error: str | None = None


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
    files, skipped = discover(root_path, include or config["archive"]["include"],
                              [*config["archive"]["exclude"], *(exclude or [])])
    max_mb = config["max_file_mb"]
    mversion, chash = model_version(config), config.fingerprint()
    owns_store = not isinstance(store, ArchiveStore)
    db = open_store(root_path, config, store)
    try:
        docs: list[_Doc] = []
        for f in files:
            try:
                docs.append(_Doc(str(f), content_hash(read_document(f, max_mb))))
            except InputError as exc:
                docs.append(_Doc(str(f), error=str(exc)))
        hashes = [d.hash for d in docs if d.hash]
        found = db.get_many(hashes, mversion, chash)
        stored = set(found)
        facts = db.get_facts(found)
        total = len(docs)
        done = sum(1 for d in docs if d.error or d.hash in found)
        if progress:
            progress(done, total)

        todo: dict[str, str] = {}  # content hash -> first path with that content
        for d in docs:
            if d.hash and d.hash not in found:
                todo.setdefault(d.hash, d.path)
        per_hash = _count_by_hash(docs)
        analysed_now = 0
        words = 0
        internal: dict[str, str] = {}
        if backend == "loky" and len(todo) <= IN_PROCESS_MAX:
            jobs = 1  # starting workers (each loads spaCy) costs more than a handful of documents
        n_jobs = _effective_jobs(jobs, backend)
        tasks = ((config, batch) for batch in batches(list(todo.items()), n_jobs if n_jobs > 0 else 4,
                                                      size_of=lambda kv: os.path.getsize(kv[1]))
                 )
        try:
            for results in run_parallel(_analyse_batch, _with_texts(tasks, max_mb, internal), jobs=jobs,
                                        backend=backend, scheduler=scheduler):
                good = [(h, Report.from_dict(r)) for h, r, _ in results if not r.get("error")]
                db.put_many(good, mversion, chash)
                db.put_facts([(h, f) for h, _, f in results if f is not None])
                internal.update((h, r["error"]) for h, r, _ in results if r.get("error"))
                found.update(good)
                facts.update((h, f) for h, _, f in results if f is not None)
                words += sum(int(report.stats.get("words", 0)) for _, report in good)
                analysed_now += len(good)
                done += sum(per_hash.get(h, 1) for h, _, _ in results)
                if progress:
                    progress(done, total)
        except KeyboardInterrupt:
            raise ScoreInterrupted(analysed_now, db.path) from None

        missing = [d for d in docs if d.hash in found and d.hash not in facts]
        if missing:
            facts.update(_compute_facts(missing, max_mb, jobs=jobs, backend=backend, scheduler=scheduler, store=db))

        rows, reports = [], {}
        for d in sorted(docs, key=lambda d: d.path):
            error = d.error or (internal.get(d.hash) if d.hash else None)
            if d.hash in found and not error:
                report = replace(found[d.hash], path=d.path)
            else:
                report = Report.failed(d.path, error or "could not be analysed")
            reports[d.path] = report
            rows.append(make_row(report, facts.get(d.hash) if d.hash else None))
        failed = sum(1 for r in rows if r["error"])
        return ScoreResult(
            rows=rows,
            analysed=sum(1 for d in docs if d.hash in todo and d.hash not in internal),
            reused=sum(1 for d in docs if d.hash in stored),
            failed=failed,
            skipped=skipped,
            store_path=db.path,
            reports=reports,
            words_analysed=words,
            seconds=time.perf_counter() - started,
        )
    finally:
        if owns_store:
            db.close()


def _count_by_hash(docs: list[_Doc]) -> dict[str, int]:
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


def _compute_facts(docs: Sequence[_Doc], max_mb: float, *, jobs: int | None, backend: str,
                   scheduler: str | None, store: ArchiveStore) -> dict[str, dict[str, Any]]:
    """Facts for documents the store has none for, computed in parallel and stored."""
    unique = list({d.hash: d.path for d in docs if d.hash}.items())
    n_jobs = _effective_jobs(jobs, backend)

    def tasks() -> Iterator[tuple[list[tuple[str, str]]]]:
        for batch in batches(unique, n_jobs if n_jobs > 0 else 4, max_items=64):
            items = []
            for h, path in batch:
                try:
                    items.append((h, read_document(path, max_mb)))
                except InputError:
                    continue
            yield (items,)

    out: dict[str, dict[str, Any]] = {}
    # below a few hundred documents, starting worker processes costs more than it saves
    small = len(unique) < 200 and backend == "loky"
    for results in run_parallel(_facts_batch, tasks(), jobs=1 if small else jobs, backend=backend, scheduler=scheduler):
        store.put_facts(results)
        out.update(results)
    return out


def collect_facts(
    root: str | Path,
    *,
    config: Config | None = None,
    store: str | Path | ArchiveStore | None = None,
    jobs: int | None = None,
    backend: str = "loky",
    scheduler: str | None = None,
) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, content hash, facts) for every readable document of the archive, sorted by path:
    from the store when scoring or an earlier run saw the same content, else computed (in
    parallel, without spaCy) and stored. Unreadable documents are left out."""
    root_path = Path(root)
    if not root_path.is_dir():
        raise InputError(f"{root}: not a directory")
    config = config or load_config(search_from=root_path)
    files, _ = discover(root_path, config["archive"]["include"], config["archive"]["exclude"])
    max_mb = config["max_file_mb"]
    owns_store = not isinstance(store, ArchiveStore)
    db = open_store(root_path, config, store)
    try:
        docs = []
        for f in files:
            try:
                docs.append(_Doc(str(f), content_hash(read_document(f, max_mb))))
            except InputError:
                continue
        facts = db.get_facts(d.hash for d in docs)
        missing = [d for d in docs if d.hash not in facts]
        if missing:
            facts.update(_compute_facts(missing, max_mb, jobs=jobs, backend=backend, scheduler=scheduler, store=db))
        return [(d.path, d.hash, facts[d.hash]) for d in docs if d.hash in facts]
    finally:
        if owns_store:
            db.close()


def make_row(report: Report, facts: dict[str, Any] | None) -> dict[str, Any]:
    """One output row: title and date from the document's facts, else from the file path."""
    facts = facts or {}
    meta = report.metadata or {}
    title = facts.get("title") or (meta.get("title") if isinstance(meta.get("title"), str) else None)
    when = facts.get("date") or path_date(report.path)
    counts = {fam: 0 for fam in FAMILIES}
    missing = []
    for f in report.findings:
        if f.family in counts:
            counts[f.family] += 1
        if f.rule == "section.missing" and f.section:
            missing.append(f.section)
    failed = report.error is not None
    return {
        "path": report.path,
        "title": title or path_title(report.path),
        "date": when,
        "score": None if failed else report.score,
        "ai_incident": None if failed else report.ai_incident,
        **({fam: None for fam in FAMILIES} if failed else counts),
        "missing_sections": sorted(set(missing)),
        "words": None if failed else int(report.stats.get("words", 0)),
        "error": report.error,
    }


# ----------------------------------------------------------------- output

def write_rows(rows: Sequence[dict[str, Any]], out_path: str | Path) -> None:
    """Write rows as CSV, JSONL or Parquet, chosen by the file extension."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise PmlintError(f"{out}: unknown output format {suffix or '(none)'!r}; use .csv, .jsonl or .parquet")
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    writer(rows, out)


def rows_to_csv(rows: Sequence[dict[str, Any]], stream) -> None:  # noqa: ANN001 - any text stream
    writer = csv.DictWriter(stream, fieldnames=list(ROW_FIELDS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["missing_sections"] = ";".join(row.get("missing_sections") or [])
        writer.writerow({k: "" if v is None else v for k, v in flat.items()})


def rows_to_jsonl(rows: Sequence[dict[str, Any]], stream) -> None:  # noqa: ANN001
    for row in rows:
        stream.write(json.dumps({k: row.get(k) for k in ROW_FIELDS}, ensure_ascii=False) + "\n")


def _write_csv(rows: Sequence[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        rows_to_csv(rows, fh)


def _write_jsonl(rows: Sequence[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        rows_to_jsonl(rows, fh)


def _write_parquet(rows: Sequence[dict[str, Any]], out: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise PmlintError("Parquet output needs pyarrow: pip install 'pmlint[parquet]'") from None
    schema = pa.schema(
        [("path", pa.string()), ("title", pa.string()), ("date", pa.string()), ("score", pa.int32()),
         ("ai_incident", pa.bool_()), *((fam, pa.int32()) for fam in FAMILIES),
         ("missing_sections", pa.list_(pa.string())), ("words", pa.int64()), ("error", pa.string())]
    )
    table = pa.Table.from_pylist([{k: row.get(k) for k in ROW_FIELDS} for row in rows], schema=schema)
    pq.write_table(table, out)


_WRITERS = {".csv": _write_csv, ".jsonl": _write_jsonl, ".ndjson": _write_jsonl, ".parquet": _write_parquet}


__all__ = [
    "ArchiveStore",
    "ROW_FIELDS",
    "ScoreInterrupted",
    "ScoreResult",
    "StoreError",
    "collect_facts",
    "describe",
    "discover",
    "document_facts",
    "find_date",
    "make_row",
    "model_version",
    "open_store",
    "read_document",
    "run_parallel",
    "score_archive",
    "write_rows",
]
