"""The run-time loader's shared textcat: both models' textcats run on one blank Language instead
of one `spacy.load` each, with the same probabilities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from analyzer.judging.classifiers.models import SharedTextcat, default_models_dir, load_textcat

ROOT = Path(__file__).resolve().parents[1]


def _sentences(limit: int = 600) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data").glob("*/*.jsonl")):
        if path.parent.name not in ("blame", "actions"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines()[::7]:
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts[:limit] + ["Ünïcode — a café's naïve 'quotes', e.g. U.S. don't"]


@pytest.mark.parametrize("task", ["blame", "actions"])
def test_shared_textcat_gives_the_probabilities_of_spacy_load(task):
    folder = default_models_dir() / task / "textcat"
    shared = load_textcat(folder)
    assert isinstance(shared, SharedTextcat)
    texts = _sentences()
    alone = [d.cats["POS"] for d in spacy.load(folder).pipe(texts, batch_size=64)]
    assert [d.cats["POS"] for d in shared.pipe(texts, batch_size=64)] == alone


@pytest.mark.parametrize("task", ["blame", "actions"])
def test_textcat_on_the_analysers_own_pipeline_gives_the_same_probabilities(task):
    """At run time the textcat is created on the analyser's Language and its tokenizer makes the
    Docs (no second tokenizer for a cold check): the probabilities stay those of `spacy.load`."""
    from analyzer import load_analyzer

    host = load_analyzer().nlp
    folder = default_models_dir() / task / "textcat"
    hosted = load_textcat(folder, host)
    assert isinstance(hosted, SharedTextcat) and hosted.nlp is host
    assert not any(name.startswith("pmlint_textcat") for name in host.pipe_names)  # not run on every Doc
    texts = _sentences() + [line for line in (ROOT / "examples/exemplary-ml-drift.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    alone = [d.cats["POS"] for d in spacy.load(folder).pipe(texts, batch_size=64)]
    assert [d.cats["POS"] for d in hosted.pipe(texts, batch_size=64)] == alone
