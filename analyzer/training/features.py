"""Training-side features: every sentence of a Doc with its model input, and the column selectors
of the scikit-learn pipelines. The selectors live here (not in the run-time feature code) because
pickled training models refer to them by this module path.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

from analyzer.judging.classifiers.features import doc_sentences, sentence_row


def featurize_doc(doc: Doc, lexicon=None) -> list[tuple[Span, dict[str, Any]]]:
    """Every sentence of a processed Doc with its model input."""
    hits = doc._.rule_hits or []
    return [(sent, sentence_row(sent, hits, lexicon)) for sent in doc_sentences(doc)]


def get_text(rows: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in rows]


def get_feats(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    return [r["feats"] for r in rows]
