"""Measurement only (not part of the package): all-MiniLM-L6-v2 as an int8 ONNX model run by
onnxruntime, built without torch from the pinned weights that `python bench/encoder_minilm.py
install` puts in bench/.minilm/: the BERT graph is written with the `onnx` helper API (opset 17),
then its weights are quantised to int8 by onnxruntime's dynamic quantisation.

    pip install "onnx>=1.16,<2"          # build time only, like torch would be
    python bench/encoder_onnx.py export   # bench/.minilm/minilm.onnx and minilm-int8.onnx
    python bench/encoder_onnx.py time     # agreement with the NumPy encoder and ms per statement

Mean pooling and normalisation stay in NumPy, as in bench/encoder_minilm.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.encoder_minilm import BATCH, MODEL_DIR, MiniLM, _read_safetensors  # noqa: E402

FP32 = MODEL_DIR / "minilm.onnx"
INT8 = MODEL_DIR / "minilm-int8.onnx"
HEADS, DIM = 12, 384


def export() -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in _read_safetensors(MODEL_DIR / "model.safetensors").items()}
    layers = sum(1 for k in w if k.endswith("attention.self.query.weight"))
    inits, nodes = [], []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs) -> str:  # noqa: ANN003
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str, out: str) -> str:
        wt = const(prefix + ".wT", w[prefix + ".weight"].T.copy())
        b = const(prefix + ".b", w[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, wt], out + ".mm"), b], out)

    def norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".g", w[prefix + ".weight"]), const(prefix + ".beta", w[prefix + ".bias"])],
                    out, axis=-1, epsilon=1e-12)

    heads_shape = const("heads_shape", np.array([0, 0, HEADS, DIM // HEADS], dtype=np.int64))
    flat_shape = const("flat_shape", np.array([0, 0, DIM], dtype=np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(DIM // HEADS), dtype=np.float32))
    half, one, sqrt2 = (const(n, np.array(v, dtype=np.float32)) for n, v in (("half", 0.5), ("one", 1.0), ("sqrt2", np.sqrt(2.0))))
    emb = node("Add", [node("Gather", [const("word", w["embeddings.word_embeddings.weight"]), "input_ids"], "e_word"),
                       node("Gather", [const("pos", w["embeddings.position_embeddings.weight"]), "position_ids"], "e_pos")], "e_sum")
    emb = node("Add", [emb, const("tok", w["embeddings.token_type_embeddings.weight"][0])], "e_all")
    h = norm(emb, "embeddings.LayerNorm", "h0")
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q, k, v = (node("Transpose", [node("Reshape", [linear(h, p + f"attention.self.{m}", f"l{i}{m}"), heads_shape], f"l{i}{m}r")],
                        f"l{i}{m}t", perm=[0, 2, 1, 3]) for m in ("query", "key", "value"))
        kt = node("Transpose", [k], f"l{i}kT", perm=[0, 1, 3, 2])
        att = node("Add", [node("Mul", [node("MatMul", [q, kt], f"l{i}qk"), scale], f"l{i}qks"), "mask"], f"l{i}att")
        ctx = node("MatMul", [node("Softmax", [att], f"l{i}sm", axis=-1), v], f"l{i}ctx")
        ctx = node("Reshape", [node("Transpose", [ctx], f"l{i}ctxT", perm=[0, 2, 1, 3]), flat_shape], f"l{i}ctxr")
        h = norm(node("Add", [h, linear(ctx, p + "attention.output.dense", f"l{i}ao")], f"l{i}res1"), p + "attention.output.LayerNorm", f"l{i}h1")
        inter = linear(h, p + "intermediate.dense", f"l{i}in")
        erf = node("Erf", [node("Div", [inter, sqrt2], f"l{i}d")], f"l{i}erf")
        gelu = node("Mul", [node("Mul", [inter, half], f"l{i}hx"), node("Add", [erf, one], f"l{i}e1")], f"l{i}gelu")
        h = norm(node("Add", [h, linear(gelu, p + "output.dense", f"l{i}out")], f"l{i}res2"), p + "output.LayerNorm", f"h{i + 1}")
    nodes.append(helper.make_node("Identity", [h], ["hidden"]))
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
         helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["t"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["b", 1, 1, "t"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["b", "t", DIM])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, str(FP32))
    quantize_dynamic(str(FP32), str(INT8), weight_type=QuantType.QInt8)
    print(f"{FP32} {FP32.stat().st_size / 1e6:.1f} MB; {INT8} {INT8.stat().st_size / 1e6:.1f} MB")


class OnnxMiniLM:
    def __init__(self, path: Path = INT8, threads: int = 1) -> None:
        import onnxruntime as ort

        from tokenizers import Tokenizer

        from bench.encoder_minilm import MAX_TOKENS

        self.tok = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
        self.tok.enable_truncation(MAX_TOKENS)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), BATCH):
            idx = order[s : s + BATCH]
            enc = self.tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            att = np.array([e.attention_mask for e in enc], dtype=np.float32)
            mask = ((1.0 - att) * -1e9)[:, None, None, :].astype(np.float32)
            hidden = self.session.run(["hidden"], {"input_ids": ids, "position_ids": np.arange(ids.shape[1], dtype=np.int64),
                                                   "mask": mask})[0]
            pooled = (hidden * att[:, :, None]).sum(1) / np.maximum(att.sum(1, keepdims=True), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def timing() -> None:
    """Cosine agreement with the NumPy float32 encoder and ms per statement, on the authored statements."""
    from analyzer.archive.taxonomy import load_taxonomy, training_statements

    texts, _ = training_statements(load_taxonomy())
    sample = texts[::3]
    ref = MiniLM()
    t0 = time.process_time()
    base = ref.encode(sample)
    t_np = (time.process_time() - t0) / len(sample)
    for path in (FP32, INT8):
        enc = OnnxMiniLM(path)
        t0 = time.process_time()
        vec = enc.encode(sample)
        t = (time.process_time() - t0) / len(sample)
        cos = (vec * base).sum(1)
        print(f"{path.name}: {1000 * t:.1f} ms per statement (CPU time, 1 thread, batches of {BATCH}); cosine to NumPy float32 "
              f"min {cos.min():.4f} mean {cos.mean():.4f}")
    print(f"NumPy float32: {1000 * t_np:.1f} ms CPU time per statement on {len(sample)} authored statements")


if __name__ == "__main__":
    {"export": export, "time": timing}.get(sys.argv[1] if len(sys.argv) > 1 else "", lambda: sys.exit(__doc__))()
