"""Evaluate `pmlint cluster` and `pmlint similar` against the corpus's source categories.

    python bench/eval_clusters.py [--corpus ../shared/corpus] [--seed 0] [--json out.json]

The corpus (not part of the project) is read in place; the facts store goes to a temporary
directory (or --store). Both methods see the same collection: every corpus text, minus the
duplicate summaries listed in overlaps.csv (the first id of each group is kept).

Reference categories come from `index.csv`, one scheme per source (see SCHEMES below); sources
whose tags are not cause categories (kubernetes-failure-stories: technology names; icco: topical
flags such as "cloud" on most entries; first-party documents without tags) are clustered but not
scored. Labels of different schemes never coincide (they carry the scheme's name).

- NMI and adjusted Rand of the clusters against the first category of each labelled text, within
  each scheme (the mean over schemes weighted by their number of texts: the headline, since the
  schemes' category sets are disjoint) and over all labelled texts pooled (which also rewards
  separating the sources from one another, i.e. clustering by surface).
- precision@5 of `similar`: for every labelled text, its five nearest other labelled texts; a
  neighbour counts when it shares a category.

k-means depends on its seed, so both methods run with each of five seeds and the figures are the
mean and standard deviation. Methods, in the same run and with the same k (the one `cluster` chooses):
- pmlint: cause text, surface removed, TF-IDF 1-3-grams, LSA, k-means (analyzer.archive.clustering).
- baseline: TF-IDF over the whole text (English stop words, sublinear tf, min_df=2) + k-means.
"""

from __future__ import annotations

import argparse
import csv
import json
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

from analyzer.archive.clustering import CauseSpace, archive_documents, cluster_documents
from analyzer.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
INCLUDE = ["documents/*.md", "summaries/*.md"]


def _tags(raw: str) -> list[str]:
    return [t.strip() for t in (raw or "").split(";") if t.strip()]


def _root_cause(tags: list[str]) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in tags if t.startswith("root cause:") and "unknown" not in t]


def _mit_subdomain(tags: list[str]) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in tags if t.startswith("MIT Risk Subdomain:")]


def _failure_class(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(t.split("/", 1)[0] for t in tags))


# source_repo -> (scheme name, tags -> categories in order of importance)
SCHEMES = {
    "IntelligentDDS/Post-mortems-Analysis": ("cloud root-cause layer", _root_cause),
    "danluu/post-mortems": ("danluu section", lambda tags: [t for t in tags if t != "Uncategorized"]),
    "thecraigd/AI-Incident-Database-Dashboard": ("AIID MIT risk subdomain", _mit_subdomain),
    "swarmproof/agent-postmortems": ("agent failure class", _failure_class),
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


def precision_at(vectors: np.ndarray, idx: list[int], cats: list[set[str]], k: int = 5) -> float:
    sub = vectors[idx]
    sims = sub @ sub.T
    np.fill_diagonal(sims, -np.inf)
    hits = []
    for row, own in zip(sims, cats):
        top = np.argsort(-row, kind="stable")[:k]
        hits.append(sum(1 for j in top if own & cats[j]) / k)
    return float(np.mean(hits))


def scores(assign: np.ndarray, vectors: np.ndarray, labelled: list[int], primary: list[str], cats: list[set[str]],
           schemes: list[str]) -> dict:
    pred = assign[labelled]
    out = {
        "largest_cluster": int(np.bincount(assign).max()),
        "nmi": normalized_mutual_info_score(primary, pred),
        "ari": adjusted_rand_score(primary, pred),
        "p@5": precision_at(vectors, labelled, cats),
        "per_scheme": {},
    }
    groups = defaultdict(list)
    for pos, s in enumerate(schemes):
        groups[s].append(pos)
    for s, pos in sorted(groups.items()):
        out["per_scheme"][s] = {
            "n": len(pos),
            "nmi": normalized_mutual_info_score([primary[p] for p in pos], pred[pos]),
            "ari": adjusted_rand_score([primary[p] for p in pos], pred[pos]),
        }
    per = out["per_scheme"].values()
    weights = [v["n"] for v in per]
    out["scheme_nmi"] = float(np.average([v["nmi"] for v in per], weights=weights))
    out["scheme_ari"] = float(np.average([v["ari"] for v in per], weights=weights))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--store", type=Path, help="facts store (default: a temporary file)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4],
                    help="k-means seeds; figures are the mean (and sd) over them, labels from the first")
    ap.add_argument("--k", type=int, help="number of clusters (default: chosen by pmlint)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--labels", type=int, default=10, help="cluster labels to print")
    args = ap.parse_args(argv)
    if not (args.corpus / "index.csv").is_file():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    labels, duplicates = load_labels(args.corpus)
    config = load_config(overrides={"archive": {"include": INCLUDE}})
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "facts.sqlite"
        t0 = time.perf_counter()
        docs = archive_documents(args.corpus, config=config, store=store)
        t_facts = time.perf_counter() - t0
    docs = [d for d in docs if Path(d.path).relative_to(args.corpus).as_posix() not in duplicates]
    rel = [Path(d.path).relative_to(args.corpus).as_posix() for d in docs]

    rel_labelled = [i for i, r in enumerate(rel) if r in labels]
    primary = [labels[rel[i]]["categories"][0] for i in rel_labelled]
    cats = [set(labels[rel[i]]["categories"]) for i in rel_labelled]
    schemes = [labels[rel[i]]["scheme"] for i in rel_labelled]
    texts = [Path(d.path).read_text(encoding="utf-8") for d in docs]
    base_tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    base_vectors = normalize(base_tfidf).toarray().astype(np.float32)

    runs: dict[str, list[dict]] = {"pmlint": [], "baseline": []}
    first = None
    t_cluster = []
    for seed in args.seeds:
        t0 = time.perf_counter()
        space = CauseSpace(docs, seed=seed)
        result = cluster_documents(docs, seed=seed, k=args.k, space=space)
        t_cluster.append(time.perf_counter() - t0)
        first = first or result
        ours = np.array([result.assignments[d.path] for d in docs])
        base = KMeans(n_clusters=result.k, n_init=10, random_state=seed).fit_predict(base_tfidf)
        runs["pmlint"].append(scores(ours, space.vectors, rel_labelled, primary, cats, schemes))
        runs["baseline"].append(scores(base, base_vectors, rel_labelled, primary, cats, schemes))
    keys = ("scheme_nmi", "scheme_ari", "nmi", "ari", "p@5", "largest_cluster")
    summary = {m: {k: (float(np.mean([r[k] for r in rs])), float(np.std([r[k] for r in rs]))) for k in keys}
               for m, rs in runs.items()}
    figures = {
        "documents": len(docs),
        "labelled": len(rel_labelled),
        "k": first.k,
        "seeds": args.seeds,
        "seconds": {"facts": round(t_facts, 2), "cluster_mean": round(float(np.mean(t_cluster)), 2)},
        "summary": {m: {k: [round(v[0], 4), round(v[1], 4)] for k, v in d.items()} for m, d in summary.items()},
        "runs": runs,
        "labels": [(c.label, c.size, c.missing_guardrail) for c in first.clusters],
    }
    print(f"{len(docs)} texts ({len(rel_labelled)} labelled), k = {first.k} (silhouette), "
          f"mean ± sd over seeds {', '.join(map(str, args.seeds))}\n")
    print("| method | NMI within scheme | ARI within scheme | NMI pooled | ARI pooled | precision@5 | largest cluster |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, key in (("pmlint (cause text, LSA, k-means)", "pmlint"), ("baseline (whole-text TF-IDF, k-means)", "baseline")):
        f = summary[key]
        cells = [f"{f[k][0]:.3f} ± {f[k][1]:.3f}" for k in keys[:5]] + [f"{f['largest_cluster'][0]:.0f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nper scheme, first seed (NMI / ARI): pmlint | baseline")
    for s, v in runs["pmlint"][0]["per_scheme"].items():
        b = runs["baseline"][0]["per_scheme"][s]
        print(f"- {s} (n={v['n']}): {v['nmi']:.3f} / {v['ari']:.3f} | {b['nmi']:.3f} / {b['ari']:.3f}")
    print(f"\nfirst {args.labels} cluster labels (largest first, seed {args.seeds[0]}):")
    for c in first.clusters[: args.labels]:
        print(f"- {c.label} ({c.size}){'  [missing: ' + c.missing_guardrail + ']' if c.missing_guardrail else ''}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
