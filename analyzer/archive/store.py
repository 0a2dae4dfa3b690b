"""The archive store: Reports and document facts in one SQLite file, keyed by content.

A Report is stored under (content hash, model version, configuration hash), so a document is
analysed again only when its text, pmlint, the models or the configuration change. Facts (title,
date, cause text, cause statements with offsets) depend on the text alone. Every write is its own transaction, so an interrupted
run keeps what it finished and a concurrent run waits for the short write lock.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from analyzer.config import Config
from analyzer.errors import PmlintError
from analyzer.findings import Report
from analyzer.version import __version__

STORE_SCHEMA = 1
FACTS_VERSION = "facts-6"  # bump when title/date/cause extraction changes: facts are recomputed
DEFAULT_STORE = Path(".pmlint") / "archive.sqlite"


class StoreError(PmlintError):
    """The archive store cannot be used (locked by another run, not a database, unwritable)."""


# ----------------------------------------------------------------- keys

def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_version(config: Config) -> str:
    """Everything besides the configuration that changes a Report: pmlint's version, the spaCy
    base pipeline (name and version) and the shipped classifier manifests."""
    return _model_version(config.base_model, str(_models_dir(config) or ""))


def _package_version(name: str) -> str | None:
    """An installed distribution's version, read from its metadata: a warm archive run need not
    import spaCy (about 1 s) to name the pipeline it would load."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


@lru_cache(maxsize=8)
def _model_version(base_model: str, models_dir: str) -> str:
    base = f"{base_model}@spacy-{_package_version('spacy')}" if base_model.startswith("blank:") else (
        f"{base_model}@{_package_version(base_model) or 'unknown'}"
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
                    try:
                        out[h] = Report.from_dict({"path": "", **json.loads(blob)})
                    except Exception:  # noqa: BLE001 - a damaged row is re-analysed, never fatal
                        continue
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
                for h, blob in rows:
                    try:
                        facts = json.loads(blob)
                    except ValueError:  # a damaged row is recomputed
                        continue
                    if isinstance(facts, dict):
                        out[h] = facts
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
