"""Recurring systemic causes: documents assigned to the cause taxonomy by their cause statements,
large classes split by mechanism, the rest grouped by shared mechanism phrases; only groups of
`MIN_RECURRING` incidents or more are "recurring", everything else is reported as not recurring.

1. **Statements.** Each document's cause statements (`analyzer.archive.statements`, stored as
   facts), minus the publisher boilerplate learnt across the archive.
2. **Class.** The taxonomy classifier (`analyzer.archive.taxonomy`) gives a class and a
   confidence, or `other` (abstention).
3. **Mechanism.** Within a class of `SPLIT_AT` incidents or more, and within `other`, phrases of
   cause words (names, numbers and template words removed; `analyzer.archive.causes`) are ranked
   by class-based TF-IDF (a phrase's share of the class's documents times log(1 + A / f), A the
   mean class size and f the phrase's document frequency in the archive, as BERTopic does); the
   best phrases, one at a time, take the documents that use them when there are at least
   `MIN_RECURRING`. A class's remaining documents form its own group when there are enough.
4. **Labels.** "<cause class>: <mechanism> (missing: <guardrail>)": the class's guardrail from
   the taxonomy; for `other`, the guardrail its statements say was missing, when one stands out.

Nothing is random: the result is the same for any seed and any order of the documents. A new
incident joins a cause without re-clustering (`CauseModel.place`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from analyzer.archive.causes import _raw_tokens, cause_clauses, missing_guardrails, phrases, proper_nouns
from analyzer.archive.clustering import CauseDocument, _missing_guardrail, _overlaps
from analyzer.archive.statements import drop_boilerplate, learn_boilerplate
from analyzer.archive.taxonomy import OTHER, Assignment, CauseClassifier

MIN_RECURRING = 3
SPLIT_AT = 10
MAX_MECHANISMS = 4
_LENGTH_WEIGHT = (1.0, 1.5, 1.4)


@dataclass
class Cluster:
    id: int
    label: str
    cause_class: str
    mechanism: str | None
    size: int
    paths: list[str]
    representatives: list[dict[str, str]]
    start: str | None
    end: str | None
    per_period: dict[str, int]
    missing_guardrail: str | None
    key_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "cause_class": self.cause_class, "mechanism": self.mechanism,
                "size": self.size, "start": self.start, "end": self.end, "per_period": dict(self.per_period),
                "missing_guardrail": self.missing_guardrail, "key_phrases": list(self.key_phrases),
                "representatives": [dict(r) for r in self.representatives], "paths": list(self.paths)}


@dataclass
class CauseModel:
    """The archive's causes: per-document statements, classes and features, the recurring
    clusters, and the mechanism rules that place a new incident."""

    documents: list[CauseDocument]
    statements: list[list[str]]
    assignments: list[Assignment]
    features: list[set[str]]
    proper: frozenset[str]
    classifier: CauseClassifier
    clusters: list[Cluster] = field(default_factory=list)
    cluster_of: list[int | None] = field(default_factory=list)
    rules: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # class -> (phrase, cluster id)
    remainder: dict[str, int] = field(default_factory=dict)  # class -> cluster id of its other mechanisms
    guardrails: list[set[str]] = field(default_factory=list)  # guardrails each document says were missing
    seed: int = 0

    @property
    def n_documents(self) -> int:
        return len(self.documents)

    def doc_features(self, title: str, statements: Sequence[str]) -> set[str]:
        tokens = _tokens(title, statements)
        return set(phrases(cause_clauses(tokens, self.proper | proper_nouns([tokens]))))

    def place(self, title: str, statements: Sequence[str], evidence: Sequence[str] = ()) -> tuple[Assignment, int | None, set[str]]:
        """A new incident's class, the recurring cause it joins (None: none yet) and its features
        (`evidence`: its sentences anywhere that match a cue, `evidence_sentences`)."""
        assignment = self.classifier.assign(list(statements), evidence=list(evidence))
        feats = self.doc_features(title, statements)
        return assignment, self._cluster_for(assignment.cause_class, feats), feats

    def _cluster_for(self, cause_class: str, feats: set[str]) -> int | None:
        for phrase, cid in self.rules.get(cause_class, []):
            if phrase in feats:
                return cid
        return self.remainder.get(cause_class)


def _tokens(title: str, statements: Sequence[str]) -> list[tuple[str, bool]]:
    out = [(tok, True) for tok, _ in _raw_tokens(title or "")] + [(".", False)]
    for s in statements:
        out += _raw_tokens(s) + [(".", False)]
    return out


def build_model(documents: Sequence[CauseDocument], classifier: CauseClassifier, *, seed: int = 0) -> CauseModel:
    """Classes, mechanisms and recurring clusters of a collection (deterministic; `seed` is kept
    for the record only)."""
    docs = sorted(documents, key=lambda d: (d.path, d.content_hash))
    boilerplate = learn_boilerplate([(d.path, [*d.statements, *d.evidence]) for d in docs])
    statements = [drop_boilerplate(d.statements, boilerplate) for d in docs]
    flat = [s for ss in statements for s in ss]
    proba = classifier.predict_proba(flat)
    assignments, pos = [], 0
    for d, ss in zip(docs, statements):
        evidence = drop_boilerplate(d.evidence, boilerplate)
        assignments.append(classifier.assign(ss, proba[pos : pos + len(ss)], evidence=evidence))
        pos += len(ss)
    tokens = [_tokens(d.title, ss) for d, ss in zip(docs, statements)]
    proper = proper_nouns(tokens)
    features = [set(phrases(cause_clauses(t, proper))) for t in tokens]
    model = CauseModel(list(docs), statements, assignments, features, proper, classifier, seed=seed)
    model.guardrails = [missing_guardrails(" ".join(ss)) if a.cause_class == OTHER else set()
                        for ss, a in zip(statements, assignments)]
    _cluster(model)
    return model


def _cluster(model: CauseModel) -> None:
    n = len(model.documents)
    df = Counter(p for f in model.features for p in f)
    by_class: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(model.assignments):
        by_class[a.cause_class].append(i)
    mean_size = n / max(1, len(by_class))
    model.cluster_of = [None] * n
    groups: list[tuple[str, str | None, list[int]]] = []  # (class, mechanism phrase or None, members)
    for cls, idx in sorted(by_class.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        remaining = list(idx)
        if cls == OTHER or len(idx) >= SPLIT_AT:
            for phrase in _mechanisms(model, idx, df, mean_size):
                members = [i for i in remaining if phrase in model.features[i]]
                if len(members) >= MIN_RECURRING:
                    groups.append((cls, phrase, members))
                    taken = set(members)
                    remaining = [i for i in remaining if i not in taken]
        if cls != OTHER and len(remaining) >= MIN_RECURRING:
            groups.append((cls, None, remaining))
    ids = {id(g): cid for cid, g in enumerate(sorted(groups, key=lambda g: (-len(g[2]), g[0], g[1] or "")))}
    for cid, (cls, phrase, members) in sorted((ids[id(g)], g) for g in groups):
        model.clusters.append(_describe(model, cid, cls, phrase, members, df, mean_size))
        for i in members:
            model.cluster_of[i] = cid
    # a new incident is placed by the same first-match rule, so the rules keep the order in which
    # the mechanisms took their members
    for g in groups:
        cls, phrase, _members = g
        if phrase is None:
            model.remainder[cls] = ids[id(g)]
        else:
            model.rules.setdefault(cls, []).append((phrase, ids[id(g)]))


def _ctfidf(model: CauseModel, idx: Sequence[int], df: Counter[str], mean_size: float) -> list[tuple[float, str]]:
    local = Counter(p for i in idx for p in model.features[i])
    scored = [(c / len(idx) * math.log1p(mean_size / df[p]) * _LENGTH_WEIGHT[min(p.count(" "), 2)], p)
              for p, c in local.items() if c >= MIN_RECURRING]
    scored.sort(key=lambda t: (-round(t[0], 9), t[1]))
    return scored


def _mechanisms(model: CauseModel, idx: Sequence[int], df: Counter[str], mean_size: float) -> list[str]:
    """The class's most distinctive phrases, two or three words, not repeating one another."""
    chosen: list[str] = []
    for _score, phrase in _ctfidf(model, idx, df, mean_size):
        if " " not in phrase or any(_overlaps(phrase, c) for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == MAX_MECHANISMS * (3 if len(idx) > 100 else 1):
            break
    return chosen


def _describe(model: CauseModel, cid: int, cls: str, phrase: str | None, members: list[int],
              df: Counter[str], mean_size: float) -> Cluster:
    docs = model.documents
    key = [p for _s, p in _ctfidf(model, members, df, mean_size) if " " in p][:6]
    mechanism = phrase or (key[0] if key else None)
    taxon = model.classifier.by_id.get(cls)
    if cls == OTHER:
        guards = [model.guardrails[i] for i in members]
        guardrail = _missing_guardrail(guards, Counter(g for s in model.guardrails for g in s), len(docs))
        name = "other"
    else:
        guardrail = taxon.guardrail if taxon else None
        name = taxon.name if taxon else cls
    label = f"{name}: {mechanism or 'various mechanisms'}" + (f" (missing: {guardrail})" if guardrail else " (missing: not stated)")
    dates = sorted(d for d in (docs[i].date for i in members) if d)
    ranked = sorted(members, key=lambda i: (-model.assignments[i].confidence, docs[i].path))[:3]
    reps = []
    for i in ranked:
        best = model.assignments[i].best_statement
        ss = model.statements[i]
        reps.append({"path": docs[i].path, "title": docs[i].title,
                     "statement": ss[best] if best is not None and best < len(ss) else (ss[0] if ss else "")})
    return Cluster(cid, label, cls, mechanism, len(members), sorted(docs[i].path for i in members), reps,
                   dates[0] if dates else None, dates[-1] if dates else None,
                   dict(sorted(Counter(d[:4] for d in dates).items())), guardrail, key)
