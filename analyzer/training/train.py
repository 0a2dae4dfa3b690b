"""`pmlint train`: featurise the labelled data with the pmlint pipeline and fit the classifiers.

Estimators are chosen through one registry of small spec objects (`ESTIMATORS`). Training is
deterministic (fixed seeds, liblinear); the same data gives the same model. Artifacts go to
`analyzer/models/<task>/` with a manifest (see analyzer/judging/classifiers/models.py).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from analyzer.judging.classifiers.models import MANIFEST, MODEL_FORMAT, TaskModel, sha256_file
from analyzer.training.data import Example, data_hash, load_task
from analyzer.training.features import featurize_doc, get_feats, get_text

MODEL_VERSION = 1
SEED = 13


@dataclass(frozen=True)
class EstimatorSpec:
    """One design: how to fit it on (examples, rows) and score rows with the fitted object."""

    name: str
    description: str
    fit: Callable[[list[Example], list[dict[str, Any]]], Any]


def _logreg(words: bool = True, chars: bool = True, parse: bool = True, parse_weight: float = 0.3, C: float = 4.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    parts, weights = [], {}
    if words:
        parts.append(("words", Pipeline([
            ("get", FunctionTransformer(get_text)),
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ])))
        weights["words"] = 1.0
    if chars:
        parts.append(("chars", Pipeline([
            ("get", FunctionTransformer(get_text)),
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True, max_features=50000)),
        ])))
        weights["chars"] = 1.0
    if parse:
        parts.append(("parse", Pipeline([("get", FunctionTransformer(get_feats)), ("dict", DictVectorizer())])))
        # parse features are binary while the TF-IDF blocks are unit-length: weigh them down
        weights["parse"] = parse_weight if (words or chars) else 1.0
    return Pipeline([
        ("features", FeatureUnion(parts, transformer_weights=weights)),
        ("clf", LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=5000, random_state=SEED)),
    ])


def _fit_sklearn(build: Callable[[], Any]) -> Callable[[list[Example], list[dict[str, Any]]], Any]:
    def fit(examples: list[Example], rows: list[dict[str, Any]]) -> Any:
        model = build()
        model.fit(rows, [e.y for e in examples])
        # drop the fitted stop-word sets: introspection only, and they pickle in hash order
        for _, part in model.named_steps["features"].transformer_list:
            vec = part.steps[-1][1]
            if hasattr(vec, "stop_words_"):
                delattr(vec, "stop_words_")
        return model

    return fit


def fit_textcat(examples: list[Example], rows: list[dict[str, Any]] | None = None, epochs: int = 8):
    """spaCy's own trainable text classifier (bag of uni- and bigrams) over the raw sentence."""
    import random

    import spacy
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
                                                          "ngram_size": 2, "no_output_layer": False}})
    textcat.add_label("POS")
    textcat.add_label("NEG")
    data = [SpacyExample.from_dict(nlp.make_doc(e.text), {"cats": {"POS": float(e.y), "NEG": float(1 - e.y)}}) for e in examples]
    optimizer = nlp.initialize(lambda: data)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(data)
        for batch in minibatch(data, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp


def _fit_ensemble(examples: list[Example], rows: list[dict[str, Any]]) -> Any:
    return TaskModel(_fit_sklearn(_logreg)(examples, rows), fit_textcat(examples))


ESTIMATORS: dict[str, EstimatorSpec] = {
    spec.name: spec
    for spec in (
        EstimatorSpec("ensemble", "mean of logreg-parse and spacy-textcat-bow probabilities", _fit_ensemble),
        EstimatorSpec("logreg-parse", "logistic regression over words, character n-grams and parse features",
                      lambda ex, rows: TaskModel(_fit_sklearn(_logreg)(ex, rows), None)),
        EstimatorSpec("logreg-words", "logistic regression over words and character n-grams (no parse features)",
                      lambda ex, rows: TaskModel(_fit_sklearn(lambda: _logreg(parse=False))(ex, rows), None)),
        EstimatorSpec("logreg-parse-only", "logistic regression over parse features alone",
                      lambda ex, rows: TaskModel(_fit_sklearn(lambda: _logreg(words=False, chars=False))(ex, rows), None)),
        EstimatorSpec("spacy-textcat-bow", "spaCy textcat, bag-of-ngrams architecture, on the raw sentence",
                      lambda ex, rows: TaskModel(None, fit_textcat(ex))),
    )
}
DEFAULT_ESTIMATOR = "ensemble"


def featurize(examples: list[Example], nlp) -> list[dict[str, Any]]:
    """Model inputs for labelled sentences, from the rules-only pmlint pipeline."""
    docs = nlp.pipe((ex.text for ex in examples), batch_size=64)
    rows = []
    for ex, doc in zip(examples, docs):
        sents = featurize_doc(doc)
        if len(sents) == 1:
            rows.append(sents[0][1])
        else:  # one labelled "sentence" the parser split in two: one row over the whole text
            feats: dict[str, float] = {}
            for _, row in sents:
                for k, v in row["feats"].items():
                    feats[k] = max(feats.get(k, 0.0), v)
            rows.append({"text": " ".join(r["text"] for _, r in sents), "feats": feats})
    return rows


def make_nlp(base_model: str, exclude: tuple[str, ...] = ()):
    """The rules-only pmlint pipeline the features are read from (as the engine builds it)."""
    from analyzer.judging.pipeline import build_pipeline

    return build_pipeline(base_model, exclude)


def fit(spec_name: str, examples: list[Example], rows: list[dict[str, Any]]) -> "TaskModel":
    return ESTIMATORS[spec_name].fit(examples, rows)


def library_versions(base_model: str, nlp=None) -> dict[str, str]:
    import joblib
    import numpy
    import sklearn
    import spacy

    from analyzer.version import __version__

    versions = {
        "python": platform.python_version(),
        "pmlint": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "numpy": numpy.__version__,
        "base_model": base_model,
    }
    if nlp is not None:
        versions["base_model_version"] = str(nlp.meta.get("version", ""))
        versions["pipeline"] = ",".join(nlp.pipe_names)
    return versions


def write_model(model: "TaskModel", folder: Path, meta: dict[str, Any]) -> None:
    """Save the parts of a TaskModel and a manifest with the sha256 of every file."""
    import shutil

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    model.save(folder)
    meta = dict(meta)
    meta["files"] = {
        str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST
    }
    (folder / MANIFEST).write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


def train_task(task: str, out_dir: Path, *, base_model: str, estimator: str = DEFAULT_ESTIMATOR,
               data_dir: Path | None = None, nlp=None, metrics: dict[str, Any] | None = None,
               limit: int | None = None, log=print) -> Path:
    examples = load_task(task, data_dir)
    if limit:
        examples = examples[:limit]
    nlp = nlp or make_nlp(base_model)
    log(f"pmlint train: {task}: featurising {len(examples)} sentences")
    rows = featurize(examples, nlp)
    model = fit(estimator, examples, rows)
    labels = ["blameless", "blame"] if task == "blame" else ["why", "what"]
    meta = {
        "name": task,
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "task": task,
        "labels": labels,
        "positive_label": labels[1],
        "estimator": estimator,
        "description": ESTIMATORS[estimator].description,
        "trained_on": {"examples": len(examples), "passes": sorted({e.source for e in examples}),
                       "groups": len({e.group for e in examples})},
        "data_sha256": data_hash(task, data_dir),
        "seed": SEED,
        "threshold": 0.5,
        "library_versions": library_versions(base_model, nlp),
        "metrics": metrics or {},
        "created_by": "pmlint train",
    }
    folder = out_dir / task
    write_model(model, folder, meta)
    log(f"pmlint train: {task}: wrote {folder}")
    return folder
