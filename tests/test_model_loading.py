"""The run-time loader's shared textcat: both models' textcats run on one blank Language instead
of one `spacy.load` each, with the same probabilities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from analyzer.judging.classifiers.models import SharedTextcat, default_models_dir, load_textcat

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

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


TRICKY = ("Don't re-run it: U.S. on-call (e.g. @ravi) saw 5xx at 12:03 UTC via https://status.example.com/x?y=1 "
          "and mailed ops@example.com; the p99 went 2.5x -> 10ms... \"Nope!\" :) we'll fix it in v2.3.1-rc.")


def test_the_base_tokenizer_loaded_from_disk_alone_is_spacys_own():
    """pmlint skips building the English tokenizer from the language defaults before the saved one
    loads: every rule, affix and match comes from disk, so the tokens are the same."""
    import spacy

    from analyzer.config import load_config
    from analyzer.nlp.pipeline import load_base

    base = load_config().base_model
    ours, theirs = load_base(base).tokenizer, spacy.load(base, exclude=["ner", "parser", "tagger"]).tokenizer
    text = TRICKY + "\n\n" + "\n".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.md")))
    assert [t.text for t in ours(text)] == [t.text for t in theirs(text)]
    assert ours.rules == theirs.rules


def test_only_a_pipeline_that_saved_spacys_tokenizer_skips_its_construction(tmp_path):
    from analyzer.nlp.pipeline import _saves_standard_tokenizer

    (tmp_path / "config.cfg").write_text('[nlp]\nlang = "zh"\n\n[nlp.tokenizer]\n@tokenizers = "spacy.zh.ChineseTokenizer"\n')
    assert not _saves_standard_tokenizer(str(tmp_path))
    (tmp_path / "config.cfg").write_text('[nlp]\nlang = "en"\ntokenizer = {"@tokenizers":"spacy.Tokenizer.v1"}\n')
    assert _saves_standard_tokenizer(str(tmp_path))
    assert not _saves_standard_tokenizer("no_such_pipeline_package")
