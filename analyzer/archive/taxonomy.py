"""The classifier over the systemic-cause taxonomy (`analyzer/judging/taxonomy.py`: `analyzer/data/causes.yaml`,
plus an organisation's own classes from `archive.cause_classes`): the classifier that assigns a document's cause statements to it.

The classifier is trained, when first needed, on cause statements the project wrote for the
taxonomy (`analyzer/data/cause_statements*.yaml` and the classes' `positive` examples; never on
corpus text): TF-IDF over words (1-2-grams) and character 3-5-grams, a linear SVM whose decision values
become probabilities by a softmax (`TEMPERATURE`). Before the softmax, every cue of a class that
matches the statement (`analyzer/data/cause_cues.yaml`: regular expressions naming the class's
mechanism specifically, written from the class descriptions) adds `CUE_WEIGHT` to that class's
logit, so specific evidence ("the certificate expired", "ran out of connections") outweighs the
generic wording most write-ups share. Training takes about two seconds of CPU (1,403 statements), so there is no model file to ship or to check.

A document's class: each cause statement gets class probabilities; a statement counts in
proportion to how much it looks like a cause at all (1 - P(other)), divided by
1 + `POSITION_DECAY` x its rank in the document; the document's class is the
highest weighted mean, its confidence that mean. Below `ABSTAIN_BELOW` the document is `other`
(abstention: the statements do not say which systemic cause).

`SVM_C`, `CLASS_WEIGHTING`, `TEMPERATURE`, `POSITION_DECAY`, `ABSTAIN_BELOW`, `CUE_WEIGHT` and `EVIDENCE_WEIGHT` are chosen by cross-validation on the
authored statements alone (`bench/tune_taxonomy.py`: held-out statements in simulated documents
with non-cause sentences around them), never on the corpus labels.
"""

from __future__ import annotations

import hashlib
import re
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Sequence

import numpy as np

from analyzer.judging.taxonomy import OTHER, CauseClass, cue_pattern, cue_search, load_taxonomy, training_statements

__all__ = ["OTHER", "CauseClass", "load_taxonomy", "training_statements", "Assignment", "CauseClassifier",
           "classifier_for", "default_classifier", "taxonomy_key"]

ABSTAIN_BELOW = 0.25
POSITION_DECAY = 0.15
SVM_C = 1.0
CLASS_WEIGHTING: str | None = None  # the SVM's class weights (None: every statement alike; "balanced": inverse to class frequency); chosen by bench/tune_taxonomy.py
CUE_WEIGHT = 0.0  # added to a class's logit per matching cue (`cause_cues.yaml`); chosen by bench/tune_taxonomy.py
EVIDENCE_WEIGHT = 0.6  # document-level cue evidence from the whole text, added to the class means; likewise
EVIDENCE_SATURATION = 3  # sentences with a class's cues beyond this add nothing more
TEMPERATURE = 8.0  # softmax over the SVM's decision values: probabilities for weighting and abstention; chosen with the other three by bench/tune_taxonomy.py


@dataclass(frozen=True)
class Assignment:
    """A document's cause class, how sure, and which statement said it most clearly."""

    cause_class: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    statement_classes: tuple[str, ...] = ()
    best_statement: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"cause_class": self.cause_class, "confidence": round(self.confidence, 4),
                "best_statement": self.best_statement}


class CauseClassifier:
    """Statements -> class probabilities; documents -> an Assignment."""

    def __init__(self, taxonomy: Sequence[CauseClass], training: tuple[list[str], list[str]] | None = None, *,
                 c: float = SVM_C, temperature: float = TEMPERATURE, decay: float = POSITION_DECAY,
                 threshold: float = ABSTAIN_BELOW, cue_weight: float = CUE_WEIGHT,
                 evidence_weight: float = EVIDENCE_WEIGHT, class_weight: str | None = CLASS_WEIGHTING) -> None:
        """`training`: (statements, class ids) instead of the authored ones (bench/tune_taxonomy.py
        trains on part of them to choose the constants on the rest)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC
        from sklearn.pipeline import make_pipeline, make_union

        self.taxonomy = list(taxonomy)
        self.by_id = {c.id: c for c in self.taxonomy}
        texts, labels = training if training is not None else training_statements(self.taxonomy)
        self.temperature, self.decay, self.threshold, self.cue_weight = temperature, decay, threshold, cue_weight
        self.evidence_weight = evidence_weight
        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
        )
        self.model = make_pipeline(features, LinearSVC(C=c, class_weight=class_weight, random_state=0))
        self.model.fit(texts, labels)
        self.classes = [str(c) for c in self.model.classes_]
        self.other = self.classes.index(OTHER)
        self.any_cue = [cue_pattern(self.by_id[cid].cues) if self.by_id[cid].cues and cid != OTHER else None
                        for cid in self.classes]

    def evidence_prior(self, sentences: Sequence[str]) -> np.ndarray:
        """Per class, the document-level cue evidence: the share of `EVIDENCE_SATURATION` sentences
        (statements and evidence sentences, without repeats) that match one of its cues, times
        `evidence_weight`; nothing for `other`."""
        unique = list(dict.fromkeys(sentences))
        lowered = [s.lower() for s in unique]
        counts = np.array([sum(1 for s, low in zip(unique, lowered) if cue_search(cue, s, low)) if cue is not None else 0
                           for cue in self.any_cue], float)
        return self.evidence_weight * np.minimum(counts, EVIDENCE_SATURATION) / EVIDENCE_SATURATION

    @cached_property
    def cues(self) -> list[list[re.Pattern[str]]]:
        """Per class, its cues one by one (for `cue_counts`): compiled only when first needed, which
        with the shipped `CUE_WEIGHT` of 0 is never outside bench/tune_taxonomy.py and the tests."""
        return [[re.compile(c, re.I) for c in self.by_id[cid].cues] for cid in self.classes]

    def cue_counts(self, statements: Sequence[str]) -> np.ndarray:
        """statements x classes: how many of each class's cues match each statement."""
        out = np.zeros((len(statements), len(self.classes)))
        for i, s in enumerate(statements):
            for j, patterns in enumerate(self.cues):
                out[i, j] = sum(1 for p in patterns if p.search(s))
        return out

    def predict_proba(self, statements: Sequence[str]) -> np.ndarray:
        if not statements:
            return np.zeros((0, len(self.classes)))
        scores = self.model.decision_function(list(statements)) * self.temperature
        if self.cue_weight:
            scores = scores + self.cue_weight * self.cue_counts(statements)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def assign(self, statements: Sequence[str], proba: np.ndarray | None = None,
               threshold: float | None = None, evidence: Sequence[str] = ()) -> Assignment:
        """`evidence`: the document's other sentences that match a cue (`evidence_sentences`)."""
        threshold = self.threshold if threshold is None else threshold
        proba = self.predict_proba(statements) if proba is None else proba
        prior = self.evidence_prior([*statements, *evidence]) if self.evidence_weight else np.zeros(len(self.classes))
        # a statement counts as much as it looks like a cause, and earlier ones more: cause
        # sections lead with the cause, later sentences add detail, detection and repair
        weights = (1.0 - proba[:, self.other]) / (1.0 + self.decay * np.arange(len(proba)))
        if weights.sum() <= 1e-9 and not prior.any():
            return Assignment(OTHER, 0.0)
        mean = (proba * weights[:, None]).sum(axis=0) / weights.sum() if weights.sum() > 1e-9 else np.zeros(len(self.classes))
        mean = mean + prior
        mean[self.other] = 0.0
        top = int(np.argmax(mean))
        statement_classes = tuple(self.classes[int(i)] for i in proba.argmax(axis=1))
        best = int(np.argmax(proba[:, top] * weights)) if len(proba) else None
        scores = {self.classes[i]: round(float(v), 4) for i, v in enumerate(mean) if v >= 0.05}
        if mean[top] < threshold:
            return Assignment(OTHER, float(mean[top]), scores, statement_classes, None)
        return Assignment(self.classes[top], float(mean[top]), scores, statement_classes, best)


def taxonomy_key(extra: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(list(extra or ()), sort_keys=True, default=str).encode()).hexdigest()


_CLASSIFIERS: dict[str, CauseClassifier] = {}


def classifier_for(extra: Sequence[Any] = ()) -> CauseClassifier:
    """The classifier for the packaged taxonomy plus `extra` classes (trained once per process)."""
    key = taxonomy_key(extra)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = CauseClassifier(load_taxonomy(extra))
    return _CLASSIFIERS[key]


@lru_cache(maxsize=1)
def default_classifier() -> CauseClassifier:
    return classifier_for(())
