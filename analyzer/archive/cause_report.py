"""`pmlint cluster`'s result: the recurring causes of an archive (JSON and Markdown), the
incidents whose cause is not recurring, and the entry points over an archive folder."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Sequence

from analyzer.archive.clustering import CauseDocument, archive_documents
from analyzer.archive.recurring import MIN_RECURRING, CauseModel, Cluster, build_model
from analyzer.archive.store import ArchiveStore, open_store
from analyzer.archive.taxonomy import classifier_for
from analyzer.version import __version__

METHOD = ("cause statements -> taxonomy class (TF-IDF + linear SVM on authored statements, abstention) -> "
          "mechanism from the catalogue by class-based TF-IDF over the statements; groups of 3+ incidents only; deterministic")


@dataclass
class CauseResult:
    model: CauseModel

    @property
    def clusters(self) -> list[Cluster]:
        return self.model.clusters

    @property
    def n_documents(self) -> int:
        return self.model.n_documents

    @property
    def k(self) -> int:
        return len(self.model.clusters)

    @property
    def seed(self) -> int:
        return self.model.seed

    @property
    def assignments(self) -> dict[str, int]:
        """path -> cluster id; incidents that are not recurring get -1."""
        return {d.path: (-1 if c is None else c) for d, c in zip(self.model.documents, self.model.cluster_of)}

    def not_recurring(self) -> list[dict[str, Any]]:
        m = self.model
        return [{"path": d.path, "title": d.title, "cause_class": a.cause_class, "confidence": round(a.confidence, 4)}
                for d, a, c in zip(m.documents, m.assignments, m.cluster_of) if c is None]

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        return {
            "method": METHOD,
            "documents": self.n_documents,
            "k": self.k,
            "seed": self.seed,
            "clusters": [c.to_dict() for c in self.clusters],
            "not_recurring": self.not_recurring(),
            "documents_by_class": dict(sorted(_count(a.cause_class for a in m.assignments).items())),
        }

    def to_markdown(self) -> str:
        single = self.not_recurring()
        in_clusters = self.n_documents - len(single)
        lines = [
            "# Recurring systemic causes", "",
            f"{self.n_documents} post-mortems: {in_clusters} in {len(self.clusters)} recurring causes "
            f"(each with at least {MIN_RECURRING} incidents); {len(single)} not recurring.", "",
            "| # | cause (mechanism) | incidents | since | until | missing guardrail |",
            "| --- | --- | ---: | --- | --- | --- |",
        ]
        for c in self.clusters:
            lines.append(f"| {c.id} | {_md(c.label)} | {c.size} | {c.start or '–'} | {c.end or '–'} | "
                         f"{_md(c.missing_guardrail or '–')} |")
        for c in self.clusters:
            lines += ["", f"## {c.id}. {_md(c.label)} ({c.size} incidents)", ""]
            outside = " (a cause outside the taxonomy, named in the label)" if c.cause_class == "other" else ""
            lines.append(f"- **Cause class:** `{c.cause_class}`{outside}; **mechanism:** {_md(c.mechanism or '– (the class alone)')}")
            if c.start:
                span = c.start if c.start == c.end else f"{c.start} to {c.end}"
                lines.append(f"- **When:** {span}; per year: " + ", ".join(f"{p}: {n}" for p, n in sorted(c.per_period.items())))
            lines.append(f"- **Missing guardrail:** {_md(c.missing_guardrail or 'not stated')}")
            if c.key_phrases:
                lines.append(f"- **Key phrases:** {', '.join(_md(p) for p in c.key_phrases)}")
            lines.append("- **Representative incidents:**")
            for r in c.representatives:
                lines.append(f"  - {_md(r['title'])} (`{r['path']}`)" + (f": “{_md(r['statement'])}”" if r.get("statement") else ""))
        if single:
            lines += ["", f"## Not recurring ({len(single)} incidents)", "",
                      "Their cause (class and mechanism) is shared by fewer than three incidents: not counted as recurring.", ""]
            lines += [f"- {_md(r['title'] or r['path'])} (`{r['path']}`): {r['cause_class']}" for r in single]
        return "\n".join(lines) + "\n"


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def cluster_causes(documents: Sequence[CauseDocument], *, cause_classes: Sequence[Any] = (), seed: int = 0) -> CauseResult:
    return CauseResult(build_model(documents, classifier_for(cause_classes), seed=seed))


_MODELS: dict[str, CauseModel] = {}


def cached_model(documents: Sequence[CauseDocument], cause_classes: Sequence[Any] = ()) -> CauseModel:
    """The archive's cause model, rebuilt only when its documents or the taxonomy change (the app
    and `similar` ask draft after draft)."""
    key = hashlib.sha256(repr((sorted((d.path, d.content_hash) for d in documents), list(cause_classes))).encode()).hexdigest()
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = build_model(documents, classifier_for(cause_classes))
    return _MODELS[key]


def cluster_archive(root: str | Path, *, config=None, store=None, seed: int = 0, k: int | None = None,  # noqa: ANN001
                    jobs: int | None = None) -> CauseResult:
    """The recurring causes of the archive at `root` (`k` is ignored: groups come from the causes)."""
    from analyzer.config import load_config

    config = config or load_config(search_from=Path(root))
    docs = archive_documents(root, config=config, store=store, jobs=jobs)
    return CauseResult(cached_model(docs, config["archive"].get("cause_classes") or ()))


# ----------------------------------------------------------------- cause groups, cached in the store

GROUPS_VERSION = "cause-groups-1"
_MODEL_SOURCES = ("archive/recurring.py", "archive/mechanisms.py", "data/mechanisms.yaml", "archive/causes.py", "archive/taxonomy.py", "archive/clustering.py",
                  "archive/cause_report.py", "judging/taxonomy.py", "judging/cause_statements.py",
                  "data/causes.yaml", "data/cause_statements.yaml", "data/cause_statements_registers.yaml",
                  "data/cause_statements_plain.yaml")


@dataclass(frozen=True)
class Group:
    id: int
    label: str


@dataclass(frozen=True)
class CauseGroups:
    """What the learning report needs of the archive's recurring causes: each cause's id and label,
    and the cause of every document (-1: not recurring)."""

    clusters: list[Group]
    assignments: dict[str, int]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The clustering code and data: a changed model never reads an old cached result."""
    digest = hashlib.sha256(__version__.encode())
    for name in _MODEL_SOURCES:
        digest.update(files("analyzer").joinpath(*name.split("/")).read_bytes())
    return digest.hexdigest()


def groups_key(documents: Sequence[CauseDocument], cause_classes: Sequence[Any]) -> str:
    return hashlib.sha256(repr((_code_digest(), sorted((d.path, d.content_hash) for d in documents),
                                list(cause_classes))).encode()).hexdigest()


def cause_groups(root: str | Path, *, config=None, store=None, jobs: int | None = None) -> CauseGroups:  # noqa: ANN001
    """The archive's recurring causes as `learn` needs them: from the store when the same documents
    were grouped by the same code and taxonomy before (a warm `learn` builds no model), else
    clustered and stored."""
    from analyzer.config import load_config

    root_path = Path(root)
    config = config or load_config(search_from=root_path)
    docs = archive_documents(root_path, config=config, store=store, jobs=jobs)
    classes = config["archive"].get("cause_classes") or ()
    key = groups_key(docs, classes)
    owns_store = not isinstance(store, ArchiveStore)
    db = open_store(root_path, config, store)
    try:
        cached = db.get_facts([key], GROUPS_VERSION).get(key)
        if cached is not None:
            return CauseGroups([Group(int(i), str(label)) for i, label in cached["clusters"]],
                               {str(p): int(c) for p, c in cached["assignments"].items()})
        result = CauseResult(cached_model(docs, classes))
        groups = CauseGroups([Group(c.id, c.label) for c in result.clusters], result.assignments)
        try:
            db.put_facts([(key, {"clusters": [[g.id, g.label] for g in groups.clusters],
                                 "assignments": groups.assignments})], GROUPS_VERSION)
        except sqlite3.Error:  # a read-only store: the result is still right, only not kept
            pass
        return groups
    finally:
        if owns_store:
            db.close()
