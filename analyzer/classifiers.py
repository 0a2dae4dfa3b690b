"""The one interface through which trained classifiers join the rule layer.

A classifier object has `combine(hits, docs, ctx, config) -> hits`: it scores the sentences it is
responsible for and merges its verdicts with the rule hits, so that each finding says whether a
rule, the classifier or both produced it (`source`), with the classifier's `confidence`.
`load_classifiers` returns the shipped ones (see analyzer/training and models/README.md); with
no models, or `classifiers.enabled: false`, the engine runs on rules alone.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from spacy.tokens import Doc


class Classifier(Protocol):
    name: str

    def combine(self, hits: list[Any], docs: Sequence[Doc], ctx: Any, config: Any) -> list[Any]: ...


def load_classifiers(config: Any, nlp: Any) -> list[Classifier]:
    if not config["classifiers"]["enabled"]:
        return []
    try:
        from .training.runtime import load_runtime_classifiers
    except ImportError:  # training extras not present
        return []
    return load_runtime_classifiers(config, nlp)
