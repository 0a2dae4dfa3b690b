"""Evaluate `pmlint cluster` and `pmlint similar` (recurring causes by taxonomy class and mechanism)
on the corpus, against the whole-text TF-IDF + k-means baseline in the same run.

    python bench/eval_clusters.py [--corpus ../shared/corpus] [--labels bench/real] [--store FILE] [--json out.json]

Skips cleanly (exit 0 with a message) when the corpus is absent. Reads, by reference:
- the cause-class labels bench/real/causes_P.jsonl and causes_Q.jsonl (one class per document;
  `cause_spans` are labelled cause-statement offsets), and causes_R.jsonl, a blind second
  annotation of a sample, for the agreement (Cohen's kappa);
- the corpus's own categories in index.csv: the cloud root-cause layer (IntelligentDDS) and the
  AIID MIT risk domain.

Reports: cause-statement extraction against the labelled spans (recall of spans, precision of
statements); taxonomy accuracy and macro-F1; NMI and ARI of the clusters against both corpus
schemes, for pmlint (a recurring cause's id; an incident that is not recurring counts as its
class) and for the baseline (k-means over whole-text TF-IDF, k = pmlint's number of groups, five
seeds, mean); `similar` precision@5 on shared labelled class (neighbours among the labelled
documents); stability over five seeds (pairwise ARI; pmlint also shuffles the document order);
time to build the cause model from a warm store; the first ten cluster labels.
"""


from __future__ import annotations

import argparse
import random
import csv
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

from analyzer.archive.clustering import archive_documents
from analyzer.archive.recurring import build_model
from analyzer.archive.similar import _vectors, pair_score
from analyzer.archive.taxonomy import OTHER, default_classifier
from analyzer.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
INCLUDE = ["documents/*.md", "summaries/*.md"]


def _tags(raw: str) -> list[str]:
    return [t.strip() for t in (raw or "").split(";") if t.strip()]


def _root_cause(tags: list[str]) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in tags if t.startswith("root cause:") and "unknown" not in t]


def _mit_domain(tags: list[str]) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in tags if t.startswith("MIT Risk Domain:")]


# source_repo -> (scheme name, tags -> categories in order of importance): the corpus's cause categories
SCHEMES = {
    "IntelligentDDS/Post-mortems-Analysis": ("cloud root-cause layer", _root_cause),
    "thecraigd/AI-Incident-Database-Dashboard": ("AIID MIT risk domain", _mit_domain),
}


def load_labels(corpus: Path) -> tuple[dict[str, dict], set[str]]:
    """file -> {scheme, categories}; and the files to leave out as duplicates."""
    labels: dict[str, dict] = {}
    by_id: dict[str, str] = {}
    with (corpus / "index.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_id[row["id"]] = row["file"]
            scheme = SCHEMES.get(row["source_repo"])
            if scheme is None:
                continue
            cats = scheme[1](_tags(row["categories"]))
            if cats:
                labels[row["file"]] = {"scheme": scheme[0], "categories": [f"{scheme[0]}: {c}" for c in cats]}
    duplicates: set[str] = set()
    with (corpus / "overlaps.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ids = row["ids"].split(";")
            duplicates.update(by_id[i] for i in ids[1:] if i in by_id)
    return labels, duplicates




def load_cause_labels(labels_dir: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """file -> label (P, then Q: the first label of a file wins); and file -> R's label."""
    def read(name: str) -> list[dict]:
        path = labels_dir / name
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    main: dict[str, dict] = {}
    for row in read("causes_P.jsonl") + read("causes_Q.jsonl"):
        main.setdefault(row["file"], row)
    return main, {row["file"]: row for row in read("causes_R.jsonl")}


def extraction(model, rel: list[str], gold: dict[str, dict]) -> dict:  # noqa: ANN001
    """Recall of labelled cause spans (a span counts when a statement overlaps it) and precision
    of statements (a statement counts when it overlaps a labelled span), over labelled documents."""
    from analyzer.archive.statements import cause_statements

    spans = hit = stmts = good = 0
    for i, r in enumerate(rel):
        if r not in gold or not gold[r].get("cause_spans"):
            continue
        found = cause_statements(Path(model.documents[i].path).read_text(encoding="utf-8"))[0]
        labelled = [(s["start"], s["end"]) for s in gold[r]["cause_spans"]]
        spans += len(labelled)
        hit += sum(any(a < e and b > s for a, b, _ in found) for s, e in labelled)
        stmts += len(found)
        good += sum(any(a < e and b > s for s, e in labelled) for a, b, _ in found)
    return {"span_recall": hit / max(spans, 1), "statement_precision": good / max(stmts, 1), "spans": spans}


def pmlint_p_at_5(model, idx: list[int], gold: list[str], k: int = 5) -> float:  # noqa: ANN001
    """similar's ranking (class, recurring cause, wording) restricted to the labelled documents."""
    _vec, matrix = _vectors(model)
    sub = matrix[idx]
    wording = (sub @ sub.T).toarray()
    classes = [model.assignments[i].cause_class for i in idx]
    confidence = [model.assignments[i].confidence for i in idx]
    clusters = [model.cluster_of[i] for i in idx]
    hits = []
    for a in range(len(idx)):
        scores = [(pair_score(classes[a] == classes[b] != OTHER, confidence[b], clusters[a] is not None and clusters[a] == clusters[b],
                              wording[a, b]), -b) for b in range(len(idx)) if b != a]
        top = [-b for _s, b in sorted(scores, reverse=True)[:k]]
        hits.append(sum(gold[b] == gold[a] for b in top) / k)
    return float(np.mean(hits))


def baseline_p_at_5(vectors: np.ndarray, idx: list[int], gold: list[str], k: int = 5) -> float:
    sub = vectors[idx]
    sims = sub @ sub.T
    np.fill_diagonal(sims, -np.inf)
    return float(np.mean([sum(gold[j] == gold[a] for j in np.argsort(-row, kind="stable")[:k]) / k
                          for a, row in enumerate(sims)]))


def against(partition: list, rel: list[str], schemes: dict[str, dict]) -> dict:
    out = {}
    for name in sorted({v["scheme"] for v in schemes.values()}):
        pos = [i for i, r in enumerate(rel) if r in schemes and schemes[r]["scheme"] == name]
        ref = [schemes[rel[i]]["categories"][0] for i in pos]
        pred = [str(partition[i]) for i in pos]
        out[name] = {"n": len(pos), "nmi": normalized_mutual_info_score(ref, pred), "ari": adjusted_rand_score(ref, pred)}
    return out


def _partition(model) -> list[str]:  # noqa: ANN001
    return [f"c{c}" if c is not None else f"nr:{a.cause_class}" for c, a in zip(model.cluster_of, model.assignments)]


def kappa(a: list[str], b: list[str]) -> float:
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b)) if a else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--labels", type=Path, default=ROOT / "bench" / "real", help="folder of causes_[PQR].jsonl")
    ap.add_argument("--store", type=Path, help="facts store (default: a temporary file)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}; nothing to evaluate", file=sys.stderr)
        return 0
    schemes, duplicates = load_labels(args.corpus)
    gold, second = load_cause_labels(args.labels)
    config = load_config(overrides={"archive": {"include": INCLUDE}})
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "facts.sqlite"
        t0 = time.perf_counter()
        docs = archive_documents(args.corpus, config=config, store=store)
        t_facts = time.perf_counter() - t0
    docs = [d for d in docs if Path(d.path).relative_to(args.corpus).as_posix() not in duplicates
            or Path(d.path).relative_to(args.corpus).as_posix() in gold]
    classifier = default_classifier()
    t0, c0 = time.perf_counter(), time.process_time()
    model = build_model(docs, classifier)
    t_model, c_model = time.perf_counter() - t0, time.process_time() - c0
    rel = [Path(d.path).relative_to(args.corpus).as_posix() for d in model.documents]
    texts = [Path(d.path).read_text(encoding="utf-8") for d in model.documents]
    base_tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    base_vectors = normalize(base_tfidf).toarray().astype(np.float32)

    labelled = [i for i, r in enumerate(rel) if r in gold]
    y_true = [gold[rel[i]]["class"] for i in labelled]
    y_pred = [model.assignments[i].cause_class for i in labelled]
    from sklearn.metrics import f1_score

    taxonomy = {"n": len(labelled), "accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if labelled else None,
                "macro_f1": float(f1_score(y_true, y_pred, average="macro")) if labelled else None}
    both = [f for f in second if f in gold]
    agreement = {"n": len(both), "kappa": kappa([gold[f]["class"] for f in both], [second[f]["class"] for f in both]),
                 "raw": float(np.mean([gold[f]["class"] == second[f]["class"] for f in both])) if both else None}
    k = len(model.clusters) + len({a.cause_class for a, c in zip(model.assignments, model.cluster_of) if c is None})
    ours = _partition(model)
    base_runs = [KMeans(n_clusters=k, n_init=10, random_state=s).fit_predict(base_tfidf) for s in args.seeds]
    base_scores = [against(list(b), rel, schemes) for b in base_runs]
    base_mean = {name: {m: float(np.mean([r[name][m] for r in base_scores])) for m in ("nmi", "ari")}
                 for name in base_scores[0]}
    stability_ours = []
    for s in args.seeds[1:]:
        shuffled = list(docs)
        random.Random(s).shuffle(shuffled)
        again = build_model(shuffled, classifier, seed=s)
        stability_ours.append(adjusted_rand_score(ours, _partition(again)))
    pairs = [(a, b) for a in range(len(base_runs)) for b in range(a + 1, len(base_runs))]
    figures = {
        "documents": len(model.documents), "labelled": len(labelled), "groups": k,
        "recurring_clusters": len(model.clusters),
        "in_recurring": int(sum(c is not None for c in model.cluster_of)),
        "seconds": {"facts": round(t_facts, 2), "cause_model_warm": round(t_model, 2), "cause_model_warm_cpu": round(c_model, 2)},
        "extraction": extraction(model, rel, gold),
        "taxonomy": taxonomy, "agreement": agreement,
        "pmlint": against(ours, rel, schemes), "baseline": base_mean,
        "p_at_5": {"pmlint": pmlint_p_at_5(model, labelled, y_true), "baseline": baseline_p_at_5(base_vectors, labelled, y_true)},
        "stability_ari": {"pmlint": float(np.mean(stability_ours)) if stability_ours else 1.0,
                          "baseline": float(np.mean([adjusted_rand_score(base_runs[a], base_runs[b]) for a, b in pairs])) if pairs else 1.0},
        "labels": [(c.label, c.size) for c in model.clusters[:10]],
    }
    _print(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _print(f: dict) -> None:
    print(f"{f['documents']} texts; {f['recurring_clusters']} recurring causes holding {f['in_recurring']} incidents; "
          f"cause model from a warm store in {f['seconds']['cause_model_warm']} s, {f['seconds']['cause_model_warm_cpu']} s of CPU "
          f"(facts {f['seconds']['facts']} s; load average {os.getloadavg()[0]:.1f})")
    e, t, a = f["extraction"], f["taxonomy"], f["agreement"]
    print(f"cause statements vs {e['spans']} labelled spans: span recall {e['span_recall']:.3f}, statement precision {e['statement_precision']:.3f}")
    if t["n"]:
        print(f"taxonomy on {t['n']} labelled documents: accuracy {t['accuracy']:.3f}, macro-F1 {t['macro_f1']:.3f}")
    if a["n"]:
        print(f"annotator agreement on {a['n']} documents: raw {a['raw']:.3f}, Cohen's kappa {a['kappa']:.3f}")
    print("\n| measure | pmlint | baseline (whole-text TF-IDF + k-means) |\n| --- | ---: | ---: |")
    for name in f["pmlint"]:
        for m in ("nmi", "ari"):
            print(f"| {m.upper()} vs {name} (n={f['pmlint'][name]['n']}) | {f['pmlint'][name][m]:.3f} | {f['baseline'][name][m]:.3f} |")
    print(f"| similar precision@5 (shared labelled class) | {f['p_at_5']['pmlint']:.3f} | {f['p_at_5']['baseline']:.3f} |")
    print(f"| stability: mean pairwise ARI over seeds | {f['stability_ari']['pmlint']:.3f} | {f['stability_ari']['baseline']:.3f} |")
    print("\nfirst ten cluster labels (largest first):")
    for label, size in f["labels"]:
        print(f"- {label} ({size})")


if __name__ == "__main__":
    raise SystemExit(main())
