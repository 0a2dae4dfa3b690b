"""Recurring systemic causes: documents assigned to the cause taxonomy by their cause statements,
each class split by the specific mechanism its statements state; only groups of `MIN_RECURRING`
incidents or more are "recurring", everything else is reported as not recurring.

1. **Statements.** Each document's cause statements (`analyzer.archive.statements`, stored as
   facts), minus the publisher boilerplate learnt across the archive.
2. **Class.** The taxonomy classifier (`analyzer.archive.taxonomy`) gives a class and a
   confidence, or `other` (abstention).
3. **Mechanism.** The project's catalogue of mechanisms per class (`analyzer.archive.mechanisms`,
   `analyzer/data/mechanisms.yaml`: named as a reviewer writes them, with cues) is the vocabulary
   of a class-based TF-IDF over the cause statements (a mechanism's share of the class's documents
   times log(1 + A / f), A the mean class size and f the number of documents in the archive that
   state it, as BERTopic ranks a topic's words with a fixed vocabulary). A document takes the
   mechanism most of its statements (and its title and cue evidence) state, ties to the
   higher-ranked; a mechanism held by fewer than `MIN_RECURRING` documents gives them up to their
   next one. A document that states none of its class's mechanisms joins a mechanism of another
   class only when that one is specific enough to say the cause alone (`open` in the catalogue)
   and is stated `FOREIGN_STATEMENTS` times (its class assignment is unchanged); else it stays with
   its class alone: the label then names the class without a mechanism rather than a guessed one.
   A document the taxonomy abstained on may join the open mechanisms on one statement (nothing
   else says what its cause is; without statements, the start of its cause text is read).
4. **Labels.** "<cause class>: <mechanism> (missing: <guardrail>)": the mechanism's guardrail when
   the catalogue gives one, else the class's. Free phrases of cause words (class-based TF-IDF over
   1-3-grams) are shown beside the label as key phrases, never as the label.

Nothing is random: the result is the same for any seed and any order of the documents. A new
incident joins a cause without re-clustering (`CauseModel.place`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from analyzer.archive.causes import _raw_tokens, cause_clauses, phrases, proper_nouns
from analyzer.archive.clustering import CauseDocument
from analyzer.archive.mechanisms import Mechanism, count_statements, foreign_mechanisms, load_mechanisms, own_mechanisms
from analyzer.archive.statements import drop_boilerplate, learn_boilerplate
from analyzer.archive.taxonomy import OTHER, Assignment, CauseClassifier

MIN_RECURRING = 3
FOREIGN_STATEMENTS = 2  # a mechanism of another class must be stated twice (title, statements, evidence) to move a document
MAX_ABSTAINED_TEXT = 1500  # characters of cause text read for an abstained document without statements
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
    """The archive's causes: per-document statements, classes, mechanisms and features, the
    recurring clusters, and what places a new incident."""

    documents: list[CauseDocument]
    statements: list[list[str]]
    assignments: list[Assignment]
    features: list[set[str]]
    proper: frozenset[str]
    classifier: CauseClassifier
    mechanisms: dict[str, Mechanism] = field(default_factory=dict)  # id -> mechanism, catalogue order
    position: dict[str, int] = field(default_factory=dict)  # id -> place in the catalogue (the last tie-break)
    hits: list[dict[str, int]] = field(default_factory=list)  # per document: own mechanism id -> statements stating it
    foreign: list[dict[str, int] | None] = field(default_factory=list)  # likewise other classes' open ones, read when needed
    texts: list[list[str]] = field(default_factory=list)  # per document: what the mechanism is read from
    order: dict[str, list[str]] = field(default_factory=dict)  # class -> its mechanisms by class-based TF-IDF
    clusters: list[Cluster] = field(default_factory=list)
    cluster_of: list[int | None] = field(default_factory=list)
    mechanism_cluster: dict[str, int] = field(default_factory=dict)  # mechanism id -> cluster id
    remainder: dict[str, int] = field(default_factory=dict)  # class -> cluster id of its incidents without a mechanism
    seed: int = 0

    @property
    def n_documents(self) -> int:
        return len(self.documents)

    def doc_features(self, title: str, statements: Sequence[str]) -> set[str]:
        tokens = _tokens(title, statements)
        return set(phrases(cause_clauses(tokens, self.proper | proper_nouns([tokens]))))

    def place(self, title: str, statements: Sequence[str], evidence: Sequence[str] = (),
              cause: str = "") -> tuple[Assignment, int | None, set[str]]:
        """A new incident's class, the recurring cause it joins (None: none yet) and its features
        (`evidence`: its sentences anywhere that match a cue, `evidence_sentences`; `cause`: its
        cause text, read only when it has neither statements nor evidence and the class abstains)."""
        assignment = self.classifier.assign(list(statements), evidence=list(evidence))
        feats = self.doc_features(title, statements)
        return assignment, self._cluster_for(assignment.cause_class, title, statements, evidence, cause), feats

    def _cluster_for(self, cause_class: str, title: str, statements: Sequence[str], evidence: Sequence[str],
                     cause: str) -> int | None:
        texts = _mechanism_texts(cause_class, title, statements, evidence, cause)
        catalogue = [m for m in self.mechanisms.values() if m.id in self.mechanism_cluster]
        hits = count_statements(own_mechanisms(catalogue, cause_class), texts)
        mid = _best(self, hits, lambda: count_statements(foreign_mechanisms(catalogue, cause_class), texts),
                    cause_class, set())
        return self.mechanism_cluster[mid] if mid is not None else self.remainder.get(cause_class)


def _tokens(title: str, statements: Sequence[str]) -> list[tuple[str, bool]]:
    out = [(tok, True) for tok, _ in _raw_tokens(title or "")] + [(".", False)]
    for s in statements:
        out += _raw_tokens(s) + [(".", False)]
    return out


def _mechanism_texts(cause_class: str, title: str, statements: Sequence[str], evidence: Sequence[str],
                     cause: str) -> list[str]:
    """What is read for the mechanism: the title, the cause statements and the cue evidence; for a
    document the taxonomy abstained on that has neither, the start of its cause text."""
    texts = [title or "", *statements, *evidence]
    if cause_class == OTHER and not statements and not evidence and cause:
        body = cause[len(title):] if title and cause.startswith(title) else cause  # the title is read once
        texts.append(body[:MAX_ABSTAINED_TEXT])
    return texts


def build_model(documents: Sequence[CauseDocument], classifier: CauseClassifier, *, seed: int = 0) -> CauseModel:
    """Classes, mechanisms and recurring clusters of a collection (deterministic; `seed` is kept
    for the record only)."""
    docs = sorted(documents, key=lambda d: (d.path, d.content_hash))
    boilerplate = learn_boilerplate([(d.path, [*d.statements, *d.evidence]) for d in docs])
    statements = [drop_boilerplate(d.statements, boilerplate) for d in docs]
    evidence = [drop_boilerplate(d.evidence, boilerplate) for d in docs]
    flat = [s for ss in statements for s in ss]
    proba = classifier.predict_proba(flat)
    assignments, pos = [], 0
    for ss, ev in zip(statements, evidence):
        assignments.append(classifier.assign(ss, proba[pos : pos + len(ss)], evidence=ev))
        pos += len(ss)
    tokens = [_tokens(d.title, ss) for d, ss in zip(docs, statements)]
    proper = proper_nouns(tokens)
    features = [set(phrases(cause_clauses(t, proper))) for t in tokens]
    model = CauseModel(list(docs), statements, assignments, features, proper, classifier, seed=seed)
    model.mechanisms = {m.id: m for m in load_mechanisms()}
    model.position = {mid: k for k, mid in enumerate(model.mechanisms)}
    catalogue = list(model.mechanisms.values())
    model.texts = [_mechanism_texts(a.cause_class, d.title, ss, ev, d.cause)
                   for d, a, ss, ev in zip(docs, assignments, statements, evidence)]
    model.hits = [count_statements(own_mechanisms(catalogue, a.cause_class), texts)
                  for a, texts in zip(assignments, model.texts)]
    model.foreign = [None] * len(docs)
    _cluster(model)
    return model


def _cluster(model: CauseModel) -> None:
    n = len(model.documents)
    df = Counter(p for f in model.features for p in f)
    groups_of: dict[str, list[int]] = defaultdict(list)  # taxonomy class (or `other`) -> documents
    for i, a in enumerate(model.assignments):
        groups_of[a.cause_class].append(i)
    mean_size = n / max(1, len(groups_of))
    model.order = _mechanism_order(model, groups_of, mean_size)
    chosen = _choose_mechanisms(model)
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)  # (class, mechanism id or None)
    for i, mid in enumerate(chosen):
        cls = model.assignments[i].cause_class
        if mid is not None:
            groups[(model.mechanisms[mid].cause_class, mid)].append(i)
        elif cls != OTHER:
            groups[(cls, None)].append(i)
    kept = [(key, members) for key, members in groups.items() if len(members) >= MIN_RECURRING]
    kept.sort(key=lambda g: (-len(g[1]), g[0][0], g[0][1] or ""))
    model.cluster_of = [None] * n
    for cid, ((cls, mid), members) in enumerate(kept):
        model.clusters.append(_describe(model, cid, cls, mid, members, df, mean_size))
        for i in members:
            model.cluster_of[i] = cid
        if mid is None:
            model.remainder[cls] = cid
        else:
            model.mechanism_cluster[mid] = cid


def _mechanism_order(model: CauseModel, groups_of: dict[str, list[int]], mean_size: float) -> dict[str, list[str]]:
    """Per class, its mechanisms ranked by class-based TF-IDF: the share of the class's documents
    whose cause statements state the mechanism times log(1 + A / f), A the mean class size and f
    the number of documents in the archive that state it (as BERTopic ranks a topic's words)."""
    df = Counter(mid for hits in model.hits for mid in hits)
    order: dict[str, list[str]] = {}
    for cls, idx in groups_of.items():
        local = Counter(mid for i in idx for mid in model.hits[i])
        ranked = sorted(local, key=lambda mid: (-round(local[mid] / len(idx) * math.log1p(mean_size / df[mid]), 9),
                                                model.position[mid]))
        order[cls] = ranked
    return order


def _choose_mechanisms(model: CauseModel) -> list[str | None]:
    """Each document's mechanism: of those its statements state, the one stated by the most of
    them, then the higher-ranked in its class. A mechanism that would hold fewer than
    `MIN_RECURRING` documents is dropped and its documents take their next one, until none is."""
    dropped: set[str] = set()
    while True:
        chosen = [_best(model, model.hits[i], lambda i=i: _foreign(model, i), a.cause_class, dropped)
                  for i, a in enumerate(model.assignments)]
        sizes = Counter(mid for mid in chosen if mid is not None)
        small = {mid for mid, c in sizes.items() if c < MIN_RECURRING}
        if not small:
            return chosen
        dropped |= small


def _foreign(model: CauseModel, i: int) -> dict[str, int]:
    if model.foreign[i] is None:
        catalogue = list(model.mechanisms.values())
        model.foreign[i] = count_statements(foreign_mechanisms(catalogue, model.assignments[i].cause_class), model.texts[i])
    return model.foreign[i]


def _best(model: CauseModel, hits: dict[str, int], foreign: Callable[[], dict[str, int]], cause_class: str,
          dropped: set[str]) -> str | None:
    """Of the class's own mechanisms stated (`hits`), the one most statements state, then the
    higher-ranked in the class; when none is, an open mechanism of another class stated at least
    `FOREIGN_STATEMENTS` times (`foreign`, read only then), the most stated, then in catalogue order."""
    order = model.order.get(cause_class, [])
    rank = {mid: k for k, mid in enumerate(order)}
    live = [mid for mid in hits if mid not in dropped]
    if live:
        return min(live, key=lambda mid: (-hits[mid], rank.get(mid, len(order) + model.position[mid])))
    other = foreign()
    live = [mid for mid, c in other.items() if mid not in dropped and c >= FOREIGN_STATEMENTS]
    return min(live, key=lambda mid: (-other[mid], model.position[mid])) if live else None


def _ctfidf(model: CauseModel, idx: Sequence[int], df: Counter[str], mean_size: float) -> list[tuple[float, str]]:
    """Key phrases of a group (shown beside the label): class-based TF-IDF over its phrases of cause words."""
    local = Counter(p for i in idx for p in model.features[i])
    scored = [(c / len(idx) * math.log1p(mean_size / df[p]) * _LENGTH_WEIGHT[min(p.count(" "), 2)], p)
              for p, c in local.items() if c >= MIN_RECURRING]
    scored.sort(key=lambda t: (-round(t[0], 9), t[1]))
    return scored


def _describe(model: CauseModel, cid: int, cls: str, mid: str | None, members: list[int],
              df: Counter[str], mean_size: float) -> Cluster:
    docs = model.documents
    key = [p for _s, p in _ctfidf(model, members, df, mean_size) if " " in p][:6]
    mech = model.mechanisms.get(mid) if mid else None
    label, guardrail = cluster_label(model.classifier.by_id.get(cls), cls, mech)
    dates = sorted(d for d in (docs[i].date for i in members) if d)
    ranked = sorted(members, key=lambda i: (-(model.hits[i].get(mid, 0) or (model.foreign[i] or {}).get(mid, 0) if mid else 0),
                                            -model.assignments[i].confidence, docs[i].path))[:3]
    reps = [{"path": docs[i].path, "title": docs[i].title, "statement": _statement(model, i, mech)} for i in ranked]
    return Cluster(cid, label, cls, mech.name if mech else None, len(members), sorted(docs[i].path for i in members),
                   reps, dates[0] if dates else None, dates[-1] if dates else None,
                   dict(sorted(Counter(d[:4] for d in dates).items())), guardrail, key)


def cluster_label(taxon, cls: str, mech: Mechanism | None) -> tuple[str, str | None]:  # noqa: ANN001 - CauseClass or None
    """"<cause class>: <mechanism> (missing: <guardrail>)"; the class alone when no mechanism is
    stated by enough incidents (never a guessed one); and the guardrail shown."""
    if mech is not None and mech.cause_class == OTHER:
        return f"{mech.cause}: {mech.name} (missing: {mech.guardrail})", mech.guardrail
    name = taxon.name if taxon else cls
    guardrail = (mech.guardrail if mech and mech.guardrail else None) or (taxon.guardrail if taxon else None)
    head = f"{name}: {mech.name}" if mech else name
    return head + (f" (missing: {guardrail})" if guardrail else ""), guardrail


def _statement(model: CauseModel, i: int, mech: Mechanism | None) -> str:
    """The document's statement that states the mechanism, else its clearest cause statement."""
    ss = model.statements[i]
    if mech is not None:
        hit = next((s for s in ss if mech.pattern.search(s)), None)
        if hit:
            return hit
    best = model.assignments[i].best_statement
    return ss[best] if best is not None and best < len(ss) else (ss[0] if ss else "")
