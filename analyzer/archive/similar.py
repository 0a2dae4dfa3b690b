"""Similar past incidents: a draft placed in the archive's cause space, its nearest neighbours by
cosine, with the cause phrases they share (`pmlint similar`, the app's draft page)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.archive.causes import cause_text
from analyzer.archive.clustering import CauseDocument, CauseSpace, archive_documents
from analyzer.archive.store import content_hash
from analyzer.reading.describe import describe


@dataclass(frozen=True)
class Neighbour:
    path: str
    title: str
    score: float
    shared_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "score": round(self.score, 4),
                "shared_phrases": list(self.shared_phrases)}


def nearest(space: CauseSpace, title: str, cause: str, *, k: int = 5, exclude_hash: str | None = None) -> list[Neighbour]:
    """The k documents of `space` closest to a new (title, cause) in cause space."""
    if not space.documents:
        return []
    vec, feats = space.embed(title, cause)
    sims = space.vectors @ vec
    query = set(feats)
    idf = dict(zip(space.vectorizer.get_feature_names_out(), space.vectorizer.idf_))
    order = sorted(range(len(sims)), key=lambda i: (-float(sims[i]), space.documents[i].path))
    out = []
    for i in order:
        doc = space.documents[i]
        if exclude_hash and doc.content_hash == exclude_hash:
            continue
        shared = (query & set(space.features[i])) & idf.keys()
        ranked = sorted(shared, key=lambda p: (-(idf[p] * (1 + 0.5 * p.count(" "))), p))
        picked: list[str] = []
        for p in ranked:
            if not any(p in q for q in picked):
                picked.append(p)
            if len(picked) == 5:
                break
        out.append(Neighbour(doc.path, doc.title, float(sims[i]), [space.readable(p) for p in picked]))
        if len(out) == k:
            break
    return out


_SPACES: dict[str, CauseSpace] = {}


def _cached_space(documents: list[CauseDocument], seed: int) -> CauseSpace:
    """The archive's space, rebuilt only when its documents (paths and contents) change: the app
    asks for neighbours draft after draft."""
    key = hashlib.sha256(repr((seed, [(d.path, d.content_hash) for d in documents])).encode()).hexdigest()
    if key not in _SPACES:
        _SPACES.clear()  # one archive at a time
        _SPACES[key] = CauseSpace(documents, seed=seed)
    return _SPACES[key]


def similar(text: str, *, root: str | Path, config=None, store=None, k: int = 5, seed: int = 0) -> list[Neighbour]:  # noqa: ANN001
    """The k past incidents of the archive at `root` whose causes are most like `text`'s, with the
    cause phrases they share. The archive's cause texts come from the store (no re-analysis)."""
    space = _cached_space(archive_documents(root, config=config, store=store), seed)
    title, _date = describe(text)
    cause, _source = cause_text(text)
    return nearest(space, title or "", cause, k=k, exclude_hash=content_hash(text))
