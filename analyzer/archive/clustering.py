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
`similar` places a draft in the same space and returns its nearest past incidents by cosine.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from analyzer.nlp.sections import split_sections

# scikit-learn is imported where it is used: cause extraction runs in the scoring workers, which
# should not pay for importing it.

CAUSE_SECTIONS = ("root_cause", "contributing_factors", "five_whys", "lessons_learned")
MIN_CAUSE_WORDS = 25
PROPER_RATIO = 0.7
LSA_DIMENSIONS = 100
MAX_DF = 0.4  # in a large archive, a phrase in more of the documents than this is template or filler
MIN_LSA_DOCUMENTS = 50  # below this, plain TF-IDF vectors
SILHOUETTE_SAMPLE = 2000
MAX_NGRAM = 3

# ----------------------------------------------------------------- data: vocabulary

# scikit-learn's English stop-word list (sklearn.feature_extraction.text.ENGLISH_STOP_WORDS).
_ENGLISH_STOP_WORDS = """a about above across after afterwards again against all almost alone along already also although
always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be
became because become becomes becoming been before beforehand behind being below beside besides between beyond bill both
bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight either
eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
fire first five for former formerly forty found four from front full further get give go had has hasnt have he hence her
here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into
is it its itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more moreover most
mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own part per perhaps
please put rather re same see seem seemed seeming seems serious several she should show side since sincere six sixty so
some somehow someone something sometime sometimes somewhere still such system take ten than that the their them themselves
then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though three
through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very via was
we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which
while whither who whoever whole whom whose why will with within without would yet you your yours yourself yourselves""".split()

# Words every incident report uses, whatever its cause: they would make every cluster alike.
INCIDENT_WORDS = frozenset(
    """incident incidents outage outages issue issues problem problems impact impacts impacted affect affected
    affecting customer customers user users team teams minute minutes hour hours day days week weeks month
    months year years time times period approximately roughly around also however additionally result
    results resulted resulting due cause causes caused causing root led lead leading occurred occur occurs
    happened happen began begin started start including include includes included following follow
    followed multiple several various certain subset portion number able unable experienced experiencing
    experience identified determined observed noticed initial initially subsequently later earlier
    currently previously ensure ensured continue continued way ways lot lots thing things like just
    did does doing said says new old good bad make made take taken went going get got
    summary impact timeline resolution detection lessons learned learn action actions item items
    update updates post mortem postmortem report reports review analysis investigation investigating
    investigated preliminary final details detail information status page rca survey feedback minimize
    prevent prevention prevented future recurrence recurrences occurrence occurrences steps step taking
    taken engineers engineer allegedly reportedly alleged according involved ago want wanted need needed
    needs blog article brief bullet point points write written wrote post posted people company
    companies """.split()
)
# Surface words that name when or where, not why.
SURFACE_WORDS = frozenset(
    """january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today
    yesterday tomorrow morning afternoon evening night utc gmt pst pdt est edt cet cest bst ist jst am pm
    aws gcp gke eks aks azure google amazon microsoft github gitlab cloudflare facebook meta twitter slack
    heroku fastly akamai wikimedia wikipedia posthog dfds chia okctl oslo kubernetes prow
    inc ltd corp llc com org net www http https""".split()
)
STOP_WORDS = frozenset(_ENGLISH_STOP_WORDS) | {"s", "t", "don", "didn", "wasn", "weren", "isn", "aren", "won", "ve", "ll", "re", "d"}

# Guardrails a post-mortem may say were missing: name -> the words that mention the guardrail.
GUARDRAILS: dict[str, str] = {
    "staged rollout": r"(?:staged|phased|gradual|incremental|progressive|canary)\s+(?:roll-?outs?|deploy\w*|releases?)|canar(?:y|ies)|roll(?:ed|ing)? out (?:gradually|in stages)",
    "automated renewal": r"auto(?:mated|matic|matically)?[- ]?renew\w*|renewal automation",
    "expiry monitoring": r"expir\w+ (?:monitor\w*|alert\w*|check\w*)|(?:monitor\w*|alert\w*) (?:on|for) (?:the )?expir\w+",
    "monitoring and alerting": r"monitor\w*|alert\w*|alarm\w*|observability",
    "validation": r"validat\w*|sanity[- ]check\w*|schema check\w*|lint\w*",
    "testing": r"test(?:s|ed|ing)?\b|staging environment|pre-?production",
    "change review": r"(?:peer |code |change )?reviews?\b|reviewed|approv\w*|sign-?off",
    "rate limiting": r"rate[- ]limit\w*|throttl\w*|back-?pressure|circuit[- ]breakers?|load[- ]shedding",
    "capacity planning": r"capacity (?:planning|headroom)|headroom|auto-?scal\w*|quotas?\b",
    "redundancy": r"redundan\w*|fail-?over|single point of failure|replicas?\b",
    "backups": r"backups?\b|restor(?:e|es|ing)\b|snapshots?\b",
    "runbook": r"runbooks?|playbooks?|documented (?:procedure|process)",
    "rollback plan": r"roll-?back\w*|revert\w*",
    "access control": r"access controls?|least privilege|permissions?\b|authori[sz]ation",
    "timeouts and retries": r"timeouts?\b|retry (?:limit|budget)|exponential back-?off",
    "human review": r"human (?:review|oversight|in the loop)|content moderation|guardrails?|safety filters?|fact[- ]check\w*",
    "data validation": r"data (?:validation|quality checks?)|schema validation|drift (?:monitor\w*|detection)",
}
# Words that, shortly before a guardrail, say it was absent or is now needed.
_ABSENT = re.compile(
    r"\b(?:no|not|without|lack(?:ed|ing|s)?|missing|absen(?:ce|t)|insufficient|inadequate|never|failed to|"
    r"did ?n[o']?t|was ?n[o']?t|were ?n[o']?t|had ?n[o']?t|does ?n[o']?t|nor|need(?:s|ed)?|should(?: have)?|"
    r"will (?:add|introduce|implement)|add(?:ing)?|introduc\w+|implement\w*|improv\w+|better|more)\b",
    re.I,
)
_GUARDRAIL_RES = {name: re.compile(r"\b(?:" + rx + r")", re.I) for name, rx in GUARDRAILS.items()}

# ----------------------------------------------------------------- cause text


_FIELD_LINE = re.compile(r"^[ \t]*[-*]?[ \t]*\**([A-Z][\w ()/&'-]{1,60}?)\**[ \t]*:\**[ \t]*(.*)$", re.M)


def _drop_field_lines(text: str) -> str:
    """Remove metadata lines of an export template ("Alleged deployer: acme", "Source: <url>",
    "Severity: high"): a short label, a colon and a short value. A label that names a section
    ("Root cause: ...") is kept."""

    def keep(m: re.Match[str]) -> str:
        label, value = m.group(1), m.group(2)
        if len(label.split()) > 8 or len(value.split()) > 8 or value.rstrip().endswith((".", "!", "?")):
            return m.group(0)
        return m.group(0) if _names_a_section(label) else ""

    return _FIELD_LINE.sub(keep, text)


@lru_cache(maxsize=4096)
def _names_a_section(label: str) -> bool:
    from analyzer.nlp.sections import default_classifier

    return default_classifier().classify(label) is not None


def cause_text(text: str) -> tuple[str, str]:
    """(cause-bearing text, "sections" | "whole"). The whole text (headings included, code,
    markup and template field lines removed) when the cause sections are missing or too short
    to say anything."""
    sections = split_sections(_drop_field_lines(text))
    cause = " ".join(body for cat, _heading, body in sections if cat in CAUSE_SECTIONS and body)
    if len(cause.split()) >= MIN_CAUSE_WORDS:
        return cause, "sections"
    whole = " ".join(part for _cat, heading, body in sections for part in (heading, body) if part)
    return whole, "whole"


# ----------------------------------------------------------------- surface normalisation

_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|`[^`]*`"  # links, e-mail addresses, inline code
    r"|\b[\w-]+(?:[./\\:][\w-]+)+\b"  # host names, file names and paths, ids like a.b.c or ns:name
    r"|\b\w*\d\w*\b"  # numbers, dates, times, versions, hex ids
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|[.!?;:,()\[\]\"“”|/]")
_SENTENCE_END = frozenset(".!?;:|")


def _raw_tokens(text: str) -> list[tuple[str, bool]]:
    """(token, sentence-initial) with the surface noise already cut; punctuation kept as breaks."""
    out: list[tuple[str, bool]] = []
    initial = True
    for tok in _TOKEN.findall(_NOISE.sub(" , ", text)):
        if len(tok) == 1 and not tok.isalpha():
            out.append((tok, False))
            initial = initial or tok in _SENTENCE_END
            continue
        if tok[-1] in "'’":
            tok = tok[:-1]
        elif tok[-2:-1] in ("'", "’") and tok[-1] in "sS":
            tok = tok[:-2]
        out.append((tok, initial))
        initial = False
    return out


def proper_nouns(token_lists: Iterable[list[tuple[str, bool]]], ratio: float = PROPER_RATIO) -> frozenset[str]:
    """Lower-cased words the archive treats as names (companies, products, services, people):
    written capitalised in mid-sentence at least `ratio` of the time, or capitalised three times
    or more (sentence starts and titles included) and never in lower case. Acronyms (DNS, BGP) are kept. Takes `_raw_tokens` lists."""
    capital: Counter[str] = Counter()  # capitalised in mid-sentence
    anywhere: Counter[str] = Counter()  # capitalised, sentence starts and titles included
    lower: Counter[str] = Counter()
    for tokens in token_lists:
        for tok, initial in tokens:
            if not tok[0].isalpha() or tok.isupper():
                continue
            if tok[0].isupper():
                key = tok.lower()
                anywhere[key] += 1
                if not initial:
                    capital[key] += 1
            elif tok.islower():
                lower[tok] += 1
    return frozenset(
        w for w, c in anywhere.items()
        if (capital[w] >= 2 and capital[w] >= ratio * (capital[w] + lower[w])) or (c >= 3 and not lower[w])
    )


@lru_cache(maxsize=200_000)
def _singular(word: str) -> str:
    if len(word) <= 4 or word.endswith(("ss", "us", "is", "ous", "ics")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


_DROP = STOP_WORDS | SURFACE_WORDS | INCIDENT_WORDS


def _is_word(token: str) -> bool:
    """Not a contraction ("didn't") nor a hyphenated identifier ("ops-gitlab-net", "db-replica-2")."""
    return "'" not in token and "’" not in token and token.count("-") < 2


def cause_clauses(tokens: list[tuple[str, bool]], proper: frozenset[str],
                  surface: Counter[tuple[str, str]] | None = None) -> list[list[str]]:
    """Runs of normalised cause words from `_raw_tokens`; stop words, proper nouns, surface words
    and punctuation end a run (so phrases never span them). `surface` counts (word, written form)."""
    clauses: list[list[str]] = []
    run: list[str] = []
    for tok, _initial in tokens:
        low = tok.lower()
        if len(low) > 1 and low not in _DROP and low not in proper and tok[0].isalpha() and _is_word(low):
            norm = _singular(low)
            if norm not in INCIDENT_WORDS:
                run.append(norm)
                if surface is not None:
                    surface[(norm, low)] += 1
                continue
        if run:
            clauses.append(run)
            run = []
    if run:
        clauses.append(run)
    return clauses


def phrases(clauses: Sequence[Sequence[str]], max_n: int = MAX_NGRAM) -> list[str]:
    """Contiguous 1..max_n-word phrases of normalised cause words (the vector features)."""
    out: list[str] = []
    for words in clauses:
        out.extend(words)
        for n in range(2, max_n + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def missing_guardrails(text: str) -> set[str]:
    """The guardrails the text says were absent or are needed (an absence cue at most eight words
    before the guardrail, in the same sentence)."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if not _ABSENT.search(sentence):
            continue
        for name, rx in _GUARDRAIL_RES.items():
            for m in rx.finditer(sentence):
                before = sentence[max(0, m.start() - 80) : m.start()].split()[-8:]
                if _ABSENT.search(" ".join(before)):
                    found.add(name)
                    break
    return found


# ----------------------------------------------------------------- the model


@dataclass
class CauseDocument:
    path: str
    title: str
    date: str | None
    cause: str
    content_hash: str = ""


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


@dataclass(frozen=True)
class Neighbour:
    path: str
    title: str
    score: float
    shared_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "score": round(self.score, 4),
                "shared_phrases": list(self.shared_phrases)}


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
    from analyzer.archive.scoring import collect_facts, path_date, path_title

    out = []
    for path, h, facts in collect_facts(root, config=config, store=store, jobs=jobs):
        out.append(CauseDocument(path, facts.get("title") or path_title(path), facts.get("date") or path_date(path),
                                 facts.get("cause") or "", h))
    return out


def cluster_archive(root: str | Path, *, config=None, store=None, seed: int = 0, k: int | None = None,  # noqa: ANN001
                    jobs: int | None = None) -> ClusterResult:
    """Cluster the archive at `root` into recurring systemic causes."""
    return cluster_documents(archive_documents(root, config=config, store=store, jobs=jobs), seed=seed, k=k)


def nearest(space: CauseSpace, title: str, cause: str, *, k: int = 5, exclude_hash: str | None = None) -> list[Neighbour]:
    """The k documents of `space` closest to a new (title, cause) in cause space."""
    if not space.documents:
        return []
    vec, feats = space.embed(title, cause)
    sims = space.vectors @ vec
    query = set(feats)
    idf = dict(zip(space.vectorizer.get_feature_names_out(), space.vectorizer.idf_))
    order = sorted(range(len(sims)), key=lambda i: (-float(sims[i]), space.documents[i].path))
    out = []
    for i in order:
        doc = space.documents[i]
        if exclude_hash and doc.content_hash == exclude_hash:
            continue
        shared = (query & set(space.features[i])) & idf.keys()
        ranked = sorted(shared, key=lambda p: (-(idf[p] * (1 + 0.5 * p.count(" "))), p))
        picked: list[str] = []
        for p in ranked:
            if not any(p in q for q in picked):
                picked.append(p)
            if len(picked) == 5:
                break
        out.append(Neighbour(doc.path, doc.title, float(sims[i]), [space.readable(p) for p in picked]))
        if len(out) == k:
            break
    return out


_SPACES: dict[str, CauseSpace] = {}


def _cached_space(documents: list[CauseDocument], seed: int) -> CauseSpace:
    """The archive's space, rebuilt only when its documents (paths and contents) change: the app
    asks for neighbours draft after draft."""
    import hashlib

    key = hashlib.sha256(repr((seed, [(d.path, d.content_hash) for d in documents])).encode()).hexdigest()
    if key not in _SPACES:
        _SPACES.clear()  # one archive at a time
        _SPACES[key] = CauseSpace(documents, seed=seed)
    return _SPACES[key]


def similar(text: str, *, root: str | Path, config=None, store=None, k: int = 5, seed: int = 0) -> list[Neighbour]:  # noqa: ANN001
    """The k past incidents of the archive at `root` whose causes are most like `text`'s, with the
    cause phrases they share. The archive's cause texts come from the store (no re-analysis)."""
    from analyzer.archive.scoring import content_hash, describe

    space = _cached_space(archive_documents(root, config=config, store=store), seed)
    title, _date = describe(text)
    cause, _source = cause_text(text)
    return nearest(space, title or "", cause, k=k, exclude_hash=content_hash(text))


__all__ = [
    "CAUSE_SECTIONS",
    "CauseDocument",
    "CauseSpace",
    "Cluster",
    "ClusterResult",
    "GUARDRAILS",
    "Neighbour",
    "archive_documents",
    "cause_text",
    "choose_k",
    "cluster_archive",
    "cluster_documents",
    "missing_guardrails",
    "nearest",
    "proper_nouns",
    "similar",
]
