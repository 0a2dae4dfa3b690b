"""`pmlint_classifiers`: the trained blame and what-not-why classifiers, inside the pipeline.

For every sentence it computes the features the models were trained on (analyzer/training/
features.py), scores blame on every prose sentence and what-not-why on action-like sentences
(items under Action items, or anything phrased as a future commitment), and stores
`Doc._.classifier_scores = {"blame": [Score], "actions": [Score]}`. The engine's combiner
(analyzer/classifiers.py) turns scores into findings next to the rule hits.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from analyzer.nlp.lexicon import agent_kind, default_lexicon, lexicon_data
from analyzer.judging.rules.rewrite import rewrite_sentence
from analyzer.judging.rules.component import FUTURE, section_at

MIN_WORDS = 3  # fragments ("afternoon:", "Five whys") are not sentences the models were trained on


# Words that put a human in the sentence besides names, roles and teams (the lexicon's job).
HUMAN_WORDS = frozenset(
    "he she him her his hers they them their you your someone somebody anyone anybody nobody whoever everyone"
    " everybody people human humans folks staff colleague colleagues".split()
)


@lru_cache(maxsize=1)
def _failing_cues() -> tuple[frozenset[str], re.Pattern[str], frozenset[str]]:
    data = lexicon_data()
    words = frozenset(str(w).lower() for w in data.get("failing_words", []))
    phrases = [re.escape(str(p).lower()) for p in data.get("failing_phrases", [])]
    courtesy = frozenset(str(w).lower() for w in data.get("courtesy_words", []))
    return words, re.compile(r"\b(?:" + "|".join(phrases) + r")\b" if phrases else r"(?!x)x"), courtesy


def states_a_failing(sent) -> bool:  # noqa: ANN001 - a spaCy Span
    """Whether the sentence says something went wrong with what people did or should do (a
    negation, a failure or judgement word, a counterfactual, a demand to try harder) and is not an
    apology or thanks: what a classifier-only blame finding needs besides a person
    (`failing_words`, `failing_phrases`, `courtesy_words` in lexicon.yaml)."""
    words, phrases, courtesy = _failing_cues()
    if any(t.lower_ in courtesy or t.lemma_.lower() in courtesy for t in sent):
        return False  # an apology or thanks
    if any(t.lower_ in words or t.lemma_.lower() in words for t in sent):
        return True
    if phrases.search(sent.text.lower()):
        return True
    # "Had Declan kept his phone on ...", "if the reviewer had looked": a counterfactual about someone
    for t in sent:
        if t.lower_ in ("had", "'d") and t.dep_ == "aux" and t.i < t.head.i:
            kids = list(t.head.children)
            if any(c.dep_ == "nsubj" and c.i > t.i for c in kids) or any(
                    c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in kids):
                return True
    return False


# The heads of a partitive "<one> of <people>": the people take the part the head takes.
PARTITIVE = frozenset(
    "one some several few many most all each any none both either neither half rest member members majority"
    " minority handful couple".split()
)


def _in_passing(token) -> bool:  # noqa: ANN001
    if token.dep_ == "pobj":
        prep = token.head
        # "one of our engineers pushed ...", "by a member of the night crew": the part acts
        if prep.lower_ == "of" and prep.dep_ == "prep" and (prep.head.lower_ in PARTITIVE or prep.head.like_num):
            return _in_passing(prep.head)
        return prep.lower_ in ("with", "of", "in", "on", "at", "from", "into", "about", "among", "across")
    return token.dep_ in ("compound", "amod", "nmod")


@dataclass(frozen=True)
class Score:
    start: int  # doc-local char offsets of the sentence
    end: int
    p: float
    cues: tuple[str, ...] = ()
    suggestion: str = ""
    human: bool = True  # a person, role, team or human pronoun is in the sentence
    failing: bool = True  # the sentence says something went wrong with what people did or should do


class _Containment:
    """Whether [start, end) lies inside one of the given ranges, in O(log n) a query: ranges sorted
    by start, with the running maximum of their ends."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self.starts = [a for a, _ in ordered]
        self.max_end: list[int] = []
        for _, b in ordered:
            self.max_end.append(max(b, self.max_end[-1]) if self.max_end else b)

    def __call__(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.max_end[i] >= end


def _any_in(sorted_offsets: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(sorted_offsets, start)
    return i < len(sorted_offsets) and sorted_offsets[i] < end


class ClassifierScorer:
    def __init__(self, nlp: Language, models: dict, min_explain: float = 0.5) -> None:
        self.models = models  # task -> analyzer.models.LoadedModel
        self.min_explain = min_explain
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        from analyzer.judging.classifiers.features import doc_sentences, is_prose, sentence_row

        lexicon = doc._.pm_lexicon or default_lexicon()
        offset = doc._.pm_offset
        # headings and table header cells are labels, not sentences
        headings = [(h.title_start - offset, h.title_end - offset) for h in (doc._.pm_headings or [])]
        document = doc._.pm_document
        if document is not None:
            headings += [(b.start - offset, b.end - offset) for b in document.blocks if b.kind == "table_cell" and b.row == 0]
        inside_label = _Containment(headings)
        sentences = [
            sent for sent in doc_sentences(doc)
            if not inside_label(sent.start_char, sent.end_char) and sum(1 for t in sent if t.is_alpha) >= MIN_WORDS
        ]
        scores: dict[str, list[Score]] = {"blame": [], "actions": []}
        hits = doc._.rule_hits or ()
        blame_hits = sorted(h.start for h in hits if h.code.startswith("PM10"))
        known: dict[int, bool] = {}

        def human(sent) -> bool:  # noqa: ANN001 - asked only where it matters: it may run the entity recogniser
            if sent.start not in known:
                known[sent.start] = self._human(sent, lexicon)
            return known[sent.start]

        rows: dict[int, dict] = {}  # features are computed once per sentence, only where needed
        for task, model in self.models.items():
            if task == "actions":
                picked = [s for s in sentences if section_at(doc, s.start_char) == "action_items" or FUTURE.search(s.text)]
            else:
                # blame is scored where it can matter: real sentences with a human in them (the
                # only ones a classifier-only finding may flag) and sentences with a blame rule hit
                picked = [s for s in sentences
                          if (is_prose(s) and human(s)) or _any_in(blame_hits, s.start_char, s.end_char)]
            if not picked:
                continue
            for s in picked:
                if s.start not in rows:
                    rows[s.start] = sentence_row(s, hits, lexicon)
            chosen = [(s, rows[s.start]) for s in picked]
            probs = model.model.predict_proba([s.text for s, _ in chosen], [r for _, r in chosen])
            blame_hit = task == "blame" and _any_in
            for (sent, row), p in zip(chosen, probs):
                cues: tuple[str, ...] = ()
                suggestion = ""
                person = task != "blame" or human(sent)
                failing = task != "blame" or states_a_failing(sent)
                if p >= self.min_explain:
                    cues = tuple(model.model.explain(row))
                    if task != "blame":
                        suggestion = self._action_suggestion(doc, sent)
                    elif person and failing and not blame_hit(blame_hits, sent.start_char, sent.end_char):
                        # a rewrite only where a classifier-only finding may stand (a rule hit
                        # brings its own)
                        suggestion = rewrite_sentence(sent, lexicon)
                scores[task].append(Score(sent.start_char, sent.end_char, float(p), cues, suggestion, person, failing))
        doc._.classifier_scores = scores
        return doc

    @staticmethod
    def _human(sent, lexicon) -> bool:
        """A person, role, team or human pronoun takes part in the sentence: not one only mentioned
        in passing ("discussed with the Helm team", "the logging of a team's cluster")."""
        return any((t.lower_ in HUMAN_WORDS or agent_kind(t, lexicon)) and not _in_passing(t) for t in sent)

    def _action_suggestion(self, doc: Doc, sent) -> str:
        """The systemic version from the what-not-why rule's pattern data, when one matches."""
        if "pmlint_rules" not in self.nlp.pipe_names:
            return ""
        runner = self.nlp.get_pipe("pmlint_rules")
        for match_id, s, e in doc._.rule_matches or ():
            key = doc.vocab.strings[match_id]
            if key in runner.pattern_suggestion and sent.start <= s < sent.end:
                return runner.pattern_suggestion[key]
        return ""


@Language.factory(
    "pmlint_classifiers",
    default_config={"models_dir": None, "tasks": ["blame", "actions"]},
    assigns=["doc._.classifier_scores"],
    requires=["doc.sents", "doc._.rule_hits"],
)
def make_classifier_scorer(nlp: Language, name: str, models_dir: str | None, tasks: list[str]) -> ClassifierScorer:
    from analyzer.judging.classifiers.models import load_model

    return ClassifierScorer(nlp, {task: load_model(task, models_dir, host=nlp) for task in tasks})
