"""`pmlint train`: featurise the labelled data with the pmlint pipeline and fit the classifiers.

Estimators are chosen through one registry of small spec objects (`ESTIMATORS`). Training is
deterministic (fixed seeds, liblinear); the same data gives the same model. Artifacts go to
`models/<task>/` with a manifest (see analyzer/models.py).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from ..models import MANIFEST, sha256_file
from .data import Example, data_hash, load_task
from .features import featurize_doc, get_feats, get_text

MODEL_VERSION = 1
SEED = 13


@dataclass(frozen=True)
class EstimatorSpec:
    name: str
    description: str
    build: Callable[[], Any]


def _logreg(words: bool = True, chars: bool = True, parse: bool = True, C: float = 2.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    parts = []
    if words:
        parts.append(("words", Pipeline([
            ("get", FunctionTransformer(get_text)),
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w[\w'-]*\b")),
        ])))
    if chars:
        parts.append(("chars", Pipeline([
            ("get", FunctionTransformer(get_text)),
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True, max_features=50000)),
        ])))
    if parse:
        parts.append(("parse", Pipeline([("get", FunctionTransformer(get_feats)), ("dict", DictVectorizer())])))
    return Pipeline([
        ("features", FeatureUnion(parts)),
        ("clf", LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=5000, random_state=SEED)),
    ])


ESTIMATORS: dict[str, EstimatorSpec] = {
    spec.name: spec
    for spec in (
        EstimatorSpec("logreg-parse", "logistic regression over words, character n-grams and parse features", _logreg),
        EstimatorSpec("logreg-words", "the same without parse features (ablation)", lambda: _logreg(parse=False)),
        EstimatorSpec("logreg-parse-only", "parse features alone (ablation)", lambda: _logreg(words=False, chars=False)),
    )
}
DEFAULT_ESTIMATOR = "logreg-parse"


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


def make_nlp(base_model: str):
    from ..pipeline import build_nlp

    return build_nlp(base_model)


def fit(spec_name: str, rows: list[dict[str, Any]], y: list[int]):
    model = ESTIMATORS[spec_name].build()
    model.fit(rows, y)
    # drop the fitted stop-word sets: they are only for introspection and pickle in hash order
    for _, part in model.named_steps["features"].transformer_list:
        vec = part.steps[-1][1]
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")
    return model


def library_versions(base_model: str, nlp=None) -> dict[str, str]:
    import joblib
    import numpy
    import sklearn
    import spacy

    from .. import __version__

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
    return versions


def write_model(model, folder: Path, meta: dict[str, Any]) -> None:
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.joblib"
    joblib.dump(model, path, compress=3)
    meta = dict(meta)
    meta["files"] = {"model.joblib": sha256_file(path)}
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
    y = [ex.y for ex in examples]
    model = fit(estimator, rows, y)
    labels = ["blameless", "blame"] if task == "blame" else ["why", "what"]
    meta = {
        "name": task,
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
