"""The whole analysis pipeline: the NLP layer's Language plus the judging components.

`build_pipeline` adds `pmlint_rules` after the NLP components; the trained classifiers
(`pmlint_classifiers`) are added by `analyzer.judging.classifiers.combine.load_classifiers` when
models are found.
"""

from __future__ import annotations

from spacy.language import Language

from analyzer.judging.rules import component  # noqa: F401  (registers pmlint_rules)
from analyzer.nlp.pipeline import build_nlp


def build_pipeline(base_model: str, exclude: tuple[str, ...] = ()) -> Language:
    """`build_nlp` (base model and the NLP components) with the rule component on top."""
    nlp = build_nlp(base_model, exclude)
    nlp.add_pipe("pmlint_rules")
    return nlp
