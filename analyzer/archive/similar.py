"""Similar past incidents by cause (`pmlint similar`, the app's draft page).

A past incident ranks by, in this order of weight: the same cause class as the draft (not
`other`), counted in proportion to how sure the past incident's own assignment is (half at the
least: a past incident filed under the class with confidence is more likely to share the cause
than one that barely passed the abstention threshold), the same recurring cause (class and
mechanism), and the wording of the cause statements (cosine of TF-IDF over cause phrases: names of
companies, products and vendors are removed before, so a shared vendor alone never makes two
incidents similar). The best-matching pair of cause statements is shown side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from analyzer.archive.cause_report import cached_model
from analyzer.archive.clustering import archive_documents
from analyzer.archive.recurring import CauseModel
from analyzer.archive.statements import cause_statements, evidence_sentences
from analyzer.archive.store import content_hash
from analyzer.archive.taxonomy import OTHER
from analyzer.reading.describe import describe

CLASS_WEIGHT = 0.5
MECHANISM_WEIGHT = 0.25
WORDING_WEIGHT = 0.25


@dataclass(frozen=True)
class Neighbour:
    path: str
    title: str
    score: float
    shared_phrases: list[str]
    cause_class: str = OTHER
    cause: str | None = None  # the recurring cause's label, when the incident is in one
    shared_statements: list[tuple[str, str]] = field(default_factory=list)  # (draft's, theirs)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "score": round(self.score, 4),
                "cause_class": self.cause_class, "cause": self.cause, "shared_phrases": list(self.shared_phrases),
                "shared_statements": [{"draft": a, "past": b} for a, b in self.shared_statements]}


@dataclass(frozen=True)
class Placement:
    """Where a draft sits among the archive's causes."""

    cause_class: str
    confidence: float
    cluster: int | None
    label: str | None  # the recurring cause it joins, or None

    def to_dict(self) -> dict[str, Any]:
        return {"cause_class": self.cause_class, "confidence": round(self.confidence, 4),
                "joins": self.label}


def _vectors(model: CauseModel):  # noqa: ANN202 - (vectorizer, matrix)
    """TF-IDF over the documents' cause phrases (the wording part of the score), built once per model."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    cache = getattr(model, "_wording", None)
    if cache is None:
        vec = TfidfVectorizer(analyzer=lambda f: sorted(f), sublinear_tf=True, min_df=1)
        matrix = vec.fit_transform(model.features) if model.documents else None
        cache = (vec, matrix)
        model._wording = cache  # type: ignore[attr-defined]
    return cache


def pair_score(same_class: bool, confidence: float, same_cause: bool, wording: float) -> float:
    """How similar a past incident is to a draft: the same class (weighted by the past incident's
    confidence, between half and all of `CLASS_WEIGHT`), the same recurring cause, the wording."""
    return (CLASS_WEIGHT * same_class * (1.0 + min(max(confidence, 0.0), 1.0)) / 2.0
            + MECHANISM_WEIGHT * same_cause + WORDING_WEIGHT * wording)


def rank(model: CauseModel, title: str, statements: Sequence[str], *, k: int = 5,
         exclude_hash: str | None = None, evidence: Sequence[str] = ()) -> tuple[Placement, list[Neighbour]]:
    """The draft's placement and its k nearest past incidents by cause."""
    assignment, cid, feats = model.place(title, statements, evidence)
    label = model.clusters[cid].label if cid is not None else None
    placement = Placement(assignment.cause_class, assignment.confidence, cid, label)
    if not model.documents:
        return placement, []
    vec, matrix = _vectors(model)
    wording = (matrix @ vec.transform([feats]).T).toarray().ravel() if feats else np.zeros(len(model.documents))
    scores = []
    for i, a in enumerate(model.assignments):
        same_class = a.cause_class == assignment.cause_class and a.cause_class != OTHER
        same_cause = cid is not None and model.cluster_of[i] == cid
        scores.append(pair_score(same_class, a.confidence, same_cause, float(wording[i])))
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], model.documents[i].path))
    out: list[Neighbour] = []
    for i in order:
        doc = model.documents[i]
        if exclude_hash and doc.content_hash == exclude_hash:
            continue
        shared = sorted(feats & model.features[i], key=lambda p: (-p.count(" "), p))
        picked: list[str] = []
        for p in shared:
            if not any(p in q for q in picked):
                picked.append(p)
        c = model.cluster_of[i]
        out.append(Neighbour(doc.path, doc.title, scores[i], picked[:5], model.assignments[i].cause_class,
                             model.clusters[c].label if c is not None else None,
                             _side_by_side(model, statements, model.statements[i])))
        if len(out) == k:
            break
    return placement, out


def _side_by_side(model: CauseModel, mine: Sequence[str], theirs: Sequence[str]) -> list[tuple[str, str]]:
    """The pair of cause statements (draft's, past incident's) that share the most cause phrases."""
    best: tuple[float, str, str] | None = None
    for a in mine:
        fa = model.doc_features("", [a])
        for b in theirs:
            fb = model.doc_features("", [b])
            overlap = len(fa & fb) / (len(fa | fb) or 1)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, a, b)
    return [(best[1], best[2])] if best else []


def similar_with_placement(text: str, *, root: str | Path, config=None, store=None,  # noqa: ANN001
                           k: int = 5) -> tuple[Placement, list[Neighbour]]:
    from analyzer.config import load_config

    config = config or load_config(search_from=Path(root))
    model = cached_model(archive_documents(root, config=config, store=store), config["archive"].get("cause_classes") or ())
    title, _date = describe(text)
    statements = [s for _a, _b, s in cause_statements(text)[0]]
    return rank(model, title or "", statements, k=k, exclude_hash=content_hash(text), evidence=evidence_sentences(text))


def similar(text: str, *, root: str | Path, config=None, store=None, k: int = 5, seed: int = 0) -> list[Neighbour]:  # noqa: ANN001
    """The k past incidents of the archive at `root` whose causes are most like `text`'s, with the
    cause phrases and statements they share (`seed` is accepted and ignored: nothing is random)."""
    return similar_with_placement(text, root=root, config=config, store=store, k=k)[1]
