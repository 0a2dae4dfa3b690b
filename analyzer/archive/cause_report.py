"""`pmlint cluster`'s result: the recurring causes of an archive (JSON and Markdown), the
incidents whose cause is not recurring, and the entry points over an archive folder."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from analyzer.archive.clustering import CauseDocument, archive_documents
from analyzer.archive.recurring import MIN_RECURRING, CauseModel, Cluster, build_model
from analyzer.archive.taxonomy import classifier_for

METHOD = ("cause statements -> taxonomy class (TF-IDF + linear SVM on authored statements, abstention) -> "
          "mechanisms by class-based TF-IDF; groups of 3+ incidents only; deterministic")


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
            lines.append(f"- **Cause class:** `{c.cause_class}`; **mechanism:** {_md(c.mechanism or '–')}")
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
