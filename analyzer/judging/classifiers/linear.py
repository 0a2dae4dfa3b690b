"""Inference for the trained linear model without scikit-learn (and without unpickling code).

`pmlint train` fits a scikit-learn pipeline (word and character TF-IDF, a DictVectorizer over
the parse features, a FeatureUnion with block weights, logistic regression) and saves it as
`model.joblib` for provenance. It also exports the fitted numbers to `linear/model.json`
(vocabularies and settings) and `linear/*.npy` (idf vectors and coefficients; plain arrays,
written deterministically). At run time pmlint loads the
export: plain data, no code, and no 1.5 s scikit-learn import on every cold `pmlint check`.
`tests/test_classifiers.py` checks that both give the same probabilities.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1
_WHITE = re.compile(r"\s\s+")


class _TfidfBlock:
    def __init__(self, spec: dict[str, Any], idf: np.ndarray) -> None:
        self.analyzer = spec["analyzer"]
        self.ngram_range = tuple(spec["ngram_range"])
        self.lowercase = spec["lowercase"]
        self.sublinear = spec["sublinear_tf"]
        self.token_pattern = re.compile(spec["token_pattern"]) if spec.get("token_pattern") else None
        self.vocab: dict[str, int] = spec["vocabulary"]
        self.idf: list[float] = idf.tolist()  # plain floats: indexing a list is far cheaper than an array

    def _ngrams(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        lo, hi = self.ngram_range
        grams: list[str] = []
        if self.analyzer == "word":
            tokens = self.token_pattern.findall(text)
            for n in range(lo, hi + 1):
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            return grams
        # char_wb, as scikit-learn's _char_wb_ngrams: each word padded with spaces; a word no
        # longer than n yields itself once and no longer n-grams
        text = _WHITE.sub(" ", text)
        for w in text.split():
            w = f" {w} "
            size = len(w)
            for n in range(lo, hi + 1):
                if size <= n:
                    grams.append(w)
                    break
                grams.extend([w[i : i + n] for i in range(size - n + 1)])
        return grams

    def transform(self, text: str) -> dict[int, float]:
        vocab = self.vocab
        counts: dict[int, int] = {}
        for g in self._ngrams(text):
            j = vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        idf = self.idf
        vec = {j: ((1 + math.log(c)) if self.sublinear else c) * idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {j: v / norm for j, v in vec.items()} if norm else {}


class LinearTextModel:
    """Logistic regression over weighted blocks of features, evaluated with plain Python/numpy."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.blocks: list[tuple[str, str, float, int, Any]] = []  # (name, kind, weight, offset, block)
        offset = 0
        for b in spec["blocks"]:
            if b["kind"] == "tfidf":
                block: Any = _TfidfBlock(b, arrays[f"idf_{b['name']}"])
                size = len(block.vocab)
            else:
                block = {name: i for i, name in enumerate(b["feature_names"])}
                size = len(block)
            self.blocks.append((b["name"], b["kind"], float(b["weight"]), offset, block))
            offset += size
        self.coef: list[float] = arrays["coef"].tolist()
        self.intercept = float(arrays["intercept"][0])
        self._names: dict[str, list[str]] = {}  # block name -> its terms by index, filled on demand

    def vector(self, row: dict[str, Any]) -> dict[int, float]:
        key = f"_vector_{id(self)}"  # explain() after predict_proba() reuses this model's vector
        cached = row.get(key)
        if cached is not None:
            return cached
        out: dict[int, float] = {}
        for _, kind, weight, offset, block in self.blocks:
            if kind == "tfidf":
                items = block.transform(row["text"]).items()
            else:
                items = ((block[k], float(v)) for k, v in row["feats"].items() if k in block)
            for j, v in items:
                out[offset + j] = weight * v
        row[key] = out
        return out

    def predict_proba(self, rows: list[dict[str, Any]]) -> list[float]:
        probs = []
        coef = self.coef
        for row in rows:
            z = self.intercept + sum(coef[j] * v for j, v in self.vector(row).items())
            probs.append(1.0 / (1.0 + math.exp(-z)))
        return probs

    def feature_name(self, j: int) -> str:
        """The name of feature j ("words__double check"); each block's terms are listed by index
        the first time one of its features is named, never the whole vocabulary sorted."""
        for name, kind, _, offset, block in reversed(self.blocks):
            if j >= offset:
                terms = self._names.get(name)
                if terms is None:
                    vocab = block.vocab if kind == "tfidf" else block
                    terms = self._names[name] = [""] * len(vocab)
                    for term, i in vocab.items():
                        terms[i] = term
                return f"{name}__{terms[j - offset]}"
        raise IndexError(j)

    def contributions(self, row: dict[str, Any]) -> list[tuple[float, str]]:
        return sorted(((self.coef[j] * v, self.feature_name(j)) for j, v in self.vector(row).items()), reverse=True)

    # ------------------------------------------------------------------ export / load
    @staticmethod
    def export(pipeline: Any, folder: Path) -> None:
        """Write linear/model.json and linear/*.npy from a fitted scikit-learn pipeline."""
        union = pipeline.named_steps["features"]
        clf = pipeline.named_steps["clf"]
        weights = union.transformer_weights or {}
        spec: dict[str, Any] = {"format": FORMAT, "blocks": []}
        arrays: dict[str, np.ndarray] = {}
        for name, part in union.transformer_list:
            est = part.steps[-1][1]
            if hasattr(est, "idf_"):
                spec["blocks"].append({
                    "name": name, "kind": "tfidf", "weight": weights.get(name, 1.0), "analyzer": est.analyzer,
                    "ngram_range": list(est.ngram_range), "lowercase": est.lowercase, "sublinear_tf": est.sublinear_tf,
                    "token_pattern": est.token_pattern if est.analyzer == "word" else None,
                    "vocabulary": {k: int(v) for k, v in sorted(est.vocabulary_.items())},
                })
                if est.norm != "l2" or est.strip_accents or est.preprocessor or est.tokenizer or est.stop_words:
                    raise ValueError(f"block {name}: settings the exporter does not reproduce")
                arrays[f"idf_{name}"] = np.asarray(est.idf_, dtype=np.float64)
            else:
                spec["blocks"].append({"name": name, "kind": "dict", "weight": weights.get(name, 1.0),
                                       "feature_names": [str(f) for f in est.get_feature_names_out()]})
        arrays["coef"] = np.asarray(clf.coef_[0], dtype=np.float64)
        arrays["intercept"] = np.asarray(clf.intercept_, dtype=np.float64)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.json").write_text(json.dumps(spec, sort_keys=True), encoding="utf-8")
        for name, array in arrays.items():
            np.save(folder / f"{name}.npy", array, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> "LinearTextModel":
        spec = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if spec.get("format") != FORMAT:
            raise ValueError(f"{folder}/model.json: format {spec.get('format')} is not {FORMAT}")
        arrays = {p.stem: np.load(p, allow_pickle=False) for p in sorted(folder.glob("*.npy"))}
        return cls(spec, arrays)
