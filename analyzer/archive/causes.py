"""Cause text: the cause-bearing part of a post-mortem, with its surface (names, numbers, dates,
template words) removed, as the phrases clustering and similar-incident search compare.

Steps 1 and 2 of the method in `analyzer.archive.clustering`; no spaCy and no scikit-learn, so it
runs in the scoring workers.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Sequence

from analyzer.judging.cause_statements import names_a_section
from analyzer.nlp.bodies import split_sections

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
        return m.group(0) if names_a_section(label) else ""

    return _FIELD_LINE.sub(keep, text)


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
