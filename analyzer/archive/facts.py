"""Document facts across an archive: from the store where scoring or an earlier run put them,
else computed in parallel (without spaCy) and stored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from analyzer.archive.backends import _effective_jobs, batches, run_parallel
from analyzer.archive.discovery import discover
from analyzer.archive.documents import document_facts, read_document
from analyzer.archive.store import ArchiveStore, content_hash, open_store
from analyzer.config import Config, load_config
from analyzer.errors import InputError


@dataclass
class DocRef:
    """One file of the archive: its path and content hash, or why it could not be read."""

    path: str
    hash: str | None = None
    error: str | None = None


def hash_files(files: Sequence[Path], max_mb: float, *, keep_unreadable: bool) -> list[DocRef]:
    """A DocRef per file (unreadable files carry their error, or are left out)."""
    docs: list[DocRef] = []
    for f in files:
        try:
            docs.append(DocRef(str(f), content_hash(read_document(f, max_mb))))
        except InputError as exc:
            if keep_unreadable:
                docs.append(DocRef(str(f), error=str(exc)))
    return docs


def _facts_batch(items: list[tuple[str, str]]) -> list[tuple[str, dict]]:
    """Worker task: facts for (content_hash, text) items."""
    out = []
    for h, text in items:
        try:
            out.append((h, document_facts(text)))
        except Exception:  # noqa: BLE001 - one bad document has no facts; the others keep theirs
            continue
    return out


def _compute_facts(docs: Sequence[DocRef], max_mb: float, *, jobs: int | None, backend: str,
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
    files, _ = discover(root_path, config["archive"]["include"], config["archive"]["exclude"],
                        confine=config["archive"]["confine"])
    max_mb = config["max_file_mb"]
    owns_store = not isinstance(store, ArchiveStore)
    db = open_store(root_path, config, store)
    try:
        docs = hash_files(files, max_mb, keep_unreadable=False)
        facts = db.get_facts(d.hash for d in docs)
        missing = [d for d in docs if d.hash not in facts]
        if missing:
            facts.update(_compute_facts(missing, max_mb, jobs=jobs, backend=backend, scheduler=scheduler, store=db))
        return [(d.path, d.hash, facts[d.hash]) for d in docs if d.hash in facts]
    finally:
        if owns_store:
            db.close()
