"""Recurring systemic causes across an archive: cause extraction, clustering, labels, similar incidents.

The method, in four steps (docs/archive.md has the reasons and the evaluation):

1. **Cause text.** The cause-bearing sections of a document (root cause, contributing factors,
   five whys, lessons learned; found by `split_sections`, no spaCy) and its title; the whole text
   when those sections hold fewer than `MIN_CAUSE_WORDS` words. Export-template field lines
   ("Alleged deployer: acme", "Source: <url>") are dropped first.
2. **Surface removed.** URLs, host and file names, numbers, dates and times are cut. Proper nouns
   are learnt from the archive itself: a word written capitalised in mid-sentence at least
   `PROPER_RATIO` of the time, or capitalised 3+ times and never in lower case (company, product, service
   and people's names). They go, with months, time zones, vendor names (`SURFACE_WORDS`) and the
   words every incident report uses (`INCIDENT_WORDS`). What is left are the cause words.
3. **Vectors.** TF-IDF over contiguous 1-3-word phrases of cause words (sublinear tf; a phrase
   must occur in two documents and, in archives of 50 or more, in at most 40% of them), reduced
   by LSA (truncated SVD, 100 dimensions) and L2-normalised. The small spaCy pipeline ships no
   word vectors, and LSA already merges wordings that co-occur ("expired", "certificate", "renewal").
4. **Clusters.** k-means on the unit vectors (spherical k-means), deterministic for a seed; k is
   the candidate with the highest mean cosine silhouette (on up to 2,000 documents) among about
   twelve values from 2 to `max_k(n)` (one cluster per 40 documents, at most 40).

Each cluster is labelled with its most distinctive phrase (share of the cluster's documents using
it times the log of how much more often than in the archive), and, when one stands out, the
guardrail its documents say was missing ("without staged rollout"), from the `GUARDRAILS` table.
Cause text and phrases come from `analyzer.archive.causes`; `analyzer.archive.similar` places a
draft in the same space and returns its nearest past incidents by cosine.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from analyzer.archive.causes import GUARDRAILS, _raw_tokens, cause_clauses, missing_guardrails, phrases, proper_nouns
from analyzer.archive.facts import collect_facts
from analyzer.reading.describe import path_date, path_title

# scikit-learn is imported where it is used: cause extraction runs in the scoring workers, which
# should not pay for importing it.

LSA_DIMENSIONS = 100
MAX_DF = 0.4  # in a large archive, a phrase in more of the documents than this is template or filler
MIN_LSA_DOCUMENTS = 50  # below this, plain TF-IDF vectors
SILHOUETTE_SAMPLE = 2000

# ----------------------------------------------------------------- the model


@dataclass
class CauseDocument:
    path: str
    title: str
    date: str | None
    cause: str
    content_hash: str = ""
    statements: list[str] = field(default_factory=list)  # cause statements (analyzer.archive.statements)
    evidence: list[str] = field(default_factory=list)  # sentences anywhere that match a cue (evidence_sentences)


class CauseSpace:
    """The archive's cause documents as LSA vectors, with the phrases behind them."""

    def __init__(self, documents: Sequence[CauseDocument], *, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.documents = list(documents)
        self.seed = seed
        tokens = [_title_tokens(d.title) + _raw_tokens(d.cause) for d in self.documents]
        self.proper = proper_nouns(tokens)
        surface: Counter[tuple[str, str]] = Counter()
        self.features = [phrases(cause_clauses(toks, self.proper, surface)) for toks in tokens]
        self.surface = _surface_words(surface)
        n = len(self.documents)
        self.vectorizer = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=2 if n >= 10 else 1, max_df=MAX_DF if n >= MIN_LSA_DOCUMENTS else 1.0,
            dtype=np.float32,
        )
        self.svd = None  # TruncatedSVD, when there are enough documents
        with threadpool_limits(1):  # BLAS threads cost more than they save at this size
            self.tfidf = self.vectorizer.fit_transform(self.features) if n else None
            self.vectors = self._reduce(self.tfidf) if n else np.zeros((0, 0), dtype=np.float32)
        self.vocabulary = set(self.vectorizer.vocabulary_) if n else set()

    def _reduce(self, tfidf):  # noqa: ANN001 - sparse matrix
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        n, m = tfidf.shape
        dims = min(LSA_DIMENSIONS, n // 2, m - 1)
        if n < MIN_LSA_DOCUMENTS or dims < 2:  # too few documents to learn latent topics from
            return normalize(tfidf.toarray()).astype(np.float32)
        self.svd = TruncatedSVD(n_components=dims, random_state=self.seed, algorithm="randomized", n_iter=5)
        return normalize(self.svd.fit_transform(tfidf)).astype(np.float32)

    def embed(self, title: str, cause: str) -> tuple[np.ndarray, list[str]]:
        """A new document in the same space (for `similar`); also its features."""
        from sklearn.preprocessing import normalize

        tokens = _title_tokens(title) + _raw_tokens(cause)
        feats = phrases(cause_clauses(tokens, self.proper | proper_nouns([tokens])))
        row = self.vectorizer.transform([feats])
        vec = self.svd.transform(row) if self.svd is not None else row.toarray()
        return normalize(vec)[0].astype(np.float32), feats

    def readable(self, phrase: str) -> str:
        """A phrase as people write it: each word in its most frequent written form."""
        return " ".join(self.surface.get(w, w) for w in phrase.split())


def _title_tokens(title: str | None) -> list[tuple[str, bool]]:
    """A title's tokens, all counted as sentence-initial (titles capitalise every word), then a break."""
    return [(tok, True) for tok, _ in _raw_tokens(title or "")] + [(".", False)]


def _identity(features: list[str]) -> list[str]:
    return features


def _surface_words(counts: Counter[tuple[str, str]]) -> dict[str, str]:
    """The most frequent written form of each normalised word ("certificate" <- "certificates")."""
    best: dict[str, tuple[int, str]] = {}
    for (norm, written), c in counts.items():
        if norm not in best or (c, written) > best[norm]:
            best[norm] = (c, written)
    return {norm: written for norm, (_c, written) in best.items()}


def max_k(n: int) -> int:
    """The largest k tried: about one cluster per 40 documents, at most 40."""
    return max(2, min(40, n // 40 if n >= 160 else n // 2))


def choose_k(vectors: np.ndarray, seed: int = 0) -> tuple[int, dict[int, float]]:
    """k with the highest mean cosine silhouette over the candidates (ties: the smaller k)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    if n < 4:
        return 1, {}
    top = max_k(n)
    candidates = sorted({int(round(x)) for x in np.geomspace(2, top, num=min(12, top - 1))} | {top})
    sample = min(n, SILHOUETTE_SAMPLE)
    scores: dict[int, float] = {}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # duplicate documents: fewer distinct clusters
        for k in candidates:
            if k >= n:
                continue
            labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(vectors)
            if len(set(labels)) < 2:
                continue
            scores[k] = float(silhouette_score(vectors, labels, metric="cosine", sample_size=sample, random_state=seed))
    if not scores:
        return 1, {}
    best = max(scores.items(), key=lambda kv: (round(kv[1], 4), -kv[0]))[0]
    return best, scores


# ----------------------------------------------------------------- results


@dataclass
class Cluster:
    id: int
    label: str
    size: int
    paths: list[str]
    representatives: list[dict[str, str]]
    start: str | None
    end: str | None
    per_period: dict[str, int]
    missing_guardrail: str | None
    key_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "size": self.size,
            "start": self.start,
            "end": self.end,
            "per_period": dict(self.per_period),
            "missing_guardrail": self.missing_guardrail,
            "key_phrases": list(self.key_phrases),
            "representatives": [dict(r) for r in self.representatives],
            "paths": list(self.paths),
        }


@dataclass
class ClusterResult:
    clusters: list[Cluster]
    k: int
    n_documents: int
    seed: int
    silhouette: dict[int, float] = field(default_factory=dict)
    assignments: dict[str, int] = field(default_factory=dict)  # path -> cluster id

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "cause text -> TF-IDF (1-3-grams) -> LSA -> k-means; k by silhouette",
            "documents": self.n_documents,
            "k": self.k,
            "seed": self.seed,
            "silhouette": {str(k): round(v, 4) for k, v in sorted(self.silhouette.items())},
            "clusters": [c.to_dict() for c in self.clusters],
        }

    def to_markdown(self) -> str:
        lines = [
            "# Recurring systemic causes",
            "",
            f"{self.n_documents} post-mortems in {len(self.clusters)} clusters "
            f"(k chosen by silhouette; seed {self.seed}).",
            "",
            "| # | cause | incidents | since | until | missing guardrail |",
            "| --- | --- | ---: | --- | --- | --- |",
        ]
        for c in self.clusters:
            lines.append(
                f"| {c.id} | {_md(c.label)} | {c.size} | {c.start or '–'} | {c.end or '–'} | {_md(c.missing_guardrail or '–')} |"
            )
        for c in self.clusters:
            lines += ["", f"## {c.id}. {_md(c.label)} ({c.size} incident{'s' if c.size != 1 else ''})", ""]
            if c.start:
                span = c.start if c.start == c.end else f"{c.start} to {c.end}"
                lines.append(f"- **When:** {span}; per year: "
                             + ", ".join(f"{p}: {n}" for p, n in sorted(c.per_period.items())))
            if c.missing_guardrail:
                lines.append(f"- **Typical missing guardrail:** {_md(c.missing_guardrail)}")
            lines.append(f"- **Key phrases:** {', '.join(_md(p) for p in c.key_phrases)}")
            lines.append("- **Representative incidents:**")
            lines += [f"  - {_md(r['title'])} (`{r['path']}`)" for r in c.representatives]
        return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ----------------------------------------------------------------- clustering


def cluster_documents(documents: Sequence[CauseDocument], *, seed: int = 0, k: int | None = None,
                      space: CauseSpace | None = None) -> ClusterResult:
    """Cluster cause documents (the core of `cluster_archive`, usable on any collection)."""
    from sklearn.cluster import KMeans

    space = space or CauseSpace(documents, seed=seed)
    n = len(space.documents)
    if n == 0:
        return ClusterResult([], 0, 0, seed)
    silhouette: dict[int, float] = {}
    if k is None:
        k, silhouette = choose_k(space.vectors, seed)
    k = max(1, min(k, n))
    if k == 1:
        labels = np.zeros(n, dtype=int)
    else:
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(space.vectors)
    clusters = _describe_clusters(space, labels)
    assignments = {space.documents[i].path: 0 for i in range(n)}
    for c in clusters:
        for p in c.paths:
            assignments[p] = c.id
    return ClusterResult(clusters, k, n, seed, silhouette, assignments)


def _describe_clusters(space: CauseSpace, labels: np.ndarray) -> list[Cluster]:
    docs = space.documents
    n = len(docs)
    doc_sets = [set(f) & space.vocabulary for f in space.features]
    df = Counter(p for s in doc_sets for p in s)
    guardrails = [missing_guardrails(d.cause) for d in docs]
    guard_df = Counter(g for s in guardrails for g in s)
    members = defaultdict(list)
    for i, label in enumerate(labels):
        members[int(label)].append(i)
    ordered = sorted(members.values(), key=lambda idx: (-len(idx), docs[idx[0]].path))
    out = []
    for cid, idx in enumerate(ordered):
        tf = Counter(p for i in idx for p in space.features[i])
        candidates = _key_phrases(space, [doc_sets[i] for i in idx], df, n, tf, top=12)
        guard = _missing_guardrail([guardrails[i] for i in idx], guard_df, n)
        dates = sorted(d for d in (docs[i].date for i in idx) if d)
        per_period = Counter(d[:4] for d in dates)
        centre = space.vectors[idx].mean(axis=0)
        nearest = sorted(idx, key=lambda i: (-float(space.vectors[i] @ centre), docs[i].path))[:3]
        out.append(
            Cluster(
                id=cid,
                label=_label(candidates, guard),
                size=len(idx),
                paths=sorted(docs[i].path for i in idx),
                representatives=[{"path": docs[i].path, "title": docs[i].title} for i in nearest],
                start=dates[0] if dates else None,
                end=dates[-1] if dates else None,
                per_period=dict(sorted(per_period.items())),
                missing_guardrail=guard,
                key_phrases=candidates[:6],
            )
        )
    return out


def _key_phrases(space: CauseSpace, sets: list[set[str]], df: Counter[str], n: int, tf: Counter[str],
                 top: int = 6) -> list[str]:
    """The cluster's most distinctive phrases: share of its documents using the phrase, times the
    log-lift of that share over the archive's; a phrase must be used by a twentieth of the cluster
    (and two documents). Ties go to the phrase used more often. Two-word phrases are preferred;
    a word gives way to the phrase it mostly occurs in."""
    size = len(sets)
    local = Counter(p for s in sets for p in s)
    need = max(2, math.ceil(0.05 * size)) if size > 2 else 1
    scored = []
    for phrase, c in local.items():
        if c < need:
            continue
        share, base = c / size, df[phrase] / n
        lift = share / base if base else 1.0
        if lift <= 1.0 and size < n:
            continue
        scored.append((share * math.log1p(lift) * _LENGTH_WEIGHT[phrase.count(" ")], phrase))
    scored.sort(key=lambda t: (-round(t[0], 6), -tf[t[1]], t[1]))
    chosen: list[str] = []
    for _score, phrase in scored:
        if " " not in phrase:  # a word: the phrase it mostly occurs in says more ("racial" -> "racial bias")
            phrase = next((p for _s, p in scored if " " in p and phrase in p.split() and local[p] >= 0.5 * local[phrase]),
                          phrase)
        if any(_overlaps(phrase, c) for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == top:
            break
    return [space.readable(p) for p in chosen]


_LENGTH_WEIGHT = (1.0, 1.6, 1.5)  # one, two, three words: two-word phrases read best in a label


def _overlaps(a: str, b: str) -> bool:
    """Phrases sharing a word (its first five letters) say the same thing twice
    ("certificate expiry", "expired certificate"; "tests", "testing")."""
    return bool({w[:5] for w in a.split()} & {w[:5] for w in b.split()})


def _missing_guardrail(sets: list[set[str]], guard_df: Counter[str], n: int) -> str | None:
    """The guardrail that at least a fifth of the cluster says was missing, at 1.5x the archive's
    rate; the highest lift wins, then the more specific guardrail (GUARDRAILS is ordered so)."""
    size = len(sets)
    local = Counter(g for s in sets for g in s)
    order = {name: i for i, name in enumerate(GUARDRAILS)}  # earlier = more specific, wins ties
    best = None
    for name, c in local.items():
        share, base = c / size, guard_df[name] / n
        if c >= 2 and share >= 0.2 and (size == n or share >= 1.5 * base):
            key = (round(share / base, 3) if base else 0.0, c, -order[name])
            if best is None or key > best[0]:
                best = (key, name)
    return best[1] if best else None


def _label(key_phrases: list[str], guardrail: str | None) -> str:
    """A short phrase a reviewer would write: the cluster's most distinctive phrase of two or three
    words (two single words when it has none), and the missing guardrail when one stands out."""
    if guardrail:  # the guardrail itself is often a key phrase ("no automated renewal")
        key_phrases = [p for p in key_phrases if not _overlaps(p, guardrail)] or key_phrases
    if not key_phrases:
        return f"without {guardrail}" if guardrail else "miscellaneous"
    head = next((p for p in key_phrases if " " in p), key_phrases[0])
    if " " not in head and len(key_phrases) > 1:
        head = f"{head}, {key_phrases[1]}"
    return f"{head} without {guardrail}" if guardrail and not _overlaps(head, guardrail) else head


# ----------------------------------------------------------------- archive entry points


def archive_documents(root: str | Path, *, config=None, store=None, jobs: int | None = None) -> list[CauseDocument]:  # noqa: ANN001
    """The archive's documents with their cause text, from the store where scoring put them."""
    return [CauseDocument(path, facts.get("title") or path_title(path), facts.get("date") or path_date(path),
                          facts.get("cause") or "", h, [s[2] for s in facts.get("statements") or []],
                          list(facts.get("evidence") or []))
            for path, h, facts in collect_facts(root, config=config, store=store, jobs=jobs)]


def cluster_archive(root: str | Path, *, config=None, store=None, seed: int = 0, k: int | None = None,  # noqa: ANN001
                    jobs: int | None = None) -> ClusterResult:
    """Cluster the archive at `root` into recurring systemic causes."""
    return cluster_documents(archive_documents(root, config=config, store=store, jobs=jobs), seed=seed, k=k)
