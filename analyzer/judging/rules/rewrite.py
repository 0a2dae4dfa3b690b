"""Blameless rewrites of a flagged sentence: the system, not the person, as the subject ("The
certificate was not renewed: the process relied on someone remembering it ..."), or the question
to ask when the parse gives no grammatical rewrite. Built from the sentence's own words."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from spacy.tokens import Span, Token

from analyzer.judging.rules.agent_words import COMPLEMENT_VERBS, IRREGULAR_VBN, verb_lemma
from analyzer.nlp.lexicon import Lexicon, agent_kind


_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?])")
_DANGLING = re.compile(r"[\s,;:(\-]+$")
_FUNCTION_WORDS = frozenset("of to for with at from into onto about the a an and or but than as".split())  # not particles: "turned on", "logged in"


def regular_vbn(lemma: str) -> str:
    """The past participle by the regular rule ("renew" -> "renewed", "retry" -> "retried")."""
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


@lru_cache(maxsize=1)
def _participles() -> dict[str, str]:
    """Verbs whose participle the regular rule gets wrong (tools/make_participles.py)."""
    text = (resources.files("analyzer") / "data" / "participles.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))


def vbn(lemma: str) -> str:
    """The past participle of a verb lemma ("spin" -> "spun", "have" -> "had", "commit" ->
    "committed"): lemminflect's table of the verbs the regular rule gets wrong, our own list for
    words it lacks, else the regular rule."""
    return _participles().get(lemma) or IRREGULAR_VBN.get(lemma) or regular_vbn(lemma)


def _text(tokens: list[Token]) -> str:
    """The tokens' text in order; where a dropped token stood between two kept ones, a space
    keeps their words apart ("failed to" + "not" never becomes "tonot")."""
    ordered = sorted(tokens, key=lambda t: t.i)
    parts: list[str] = []
    for a, b in zip(ordered, ordered[1:] + [None]):
        parts.append(a.text_with_ws)
        if b is not None and b.i != a.i + 1 and not a.whitespace_ and not b.is_punct:
            parts.append(" ")
    return "".join(parts).strip()


def _be(subject: Token | None) -> str:
    """"were" for a plural subject ("Lots of pods were ..."), else "was"."""
    if subject is not None and (subject.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subject.children)
                                or subject.lower_ in ("they", "them", "these", "those")):
        return "were"
    return "was"


# clauses inside a phrase ("the script (that should have been deleted)", "the config, Casey chases
# tail") and the marks around them: a rewrite keeps the phrase's own words, not a second sentence
_CLAUSES = frozenset({"relcl", "appos", "acl", "advcl", "parataxis", "ccomp"})
_MARKS = frozenset("()[]{}`\"“”‘’'")
# a pronoun that cannot be the subject of "X was not done" ("Anyone was not notified")
_PRONOUN_SUBJECTS = frozenset({"it", "this", "that", "these", "those"})


def _words(token: Token) -> list[Token]:
    """The phrase under `token` without the clauses inside it, brackets, quotes and code marks."""
    drop = _bracketed(token.sent)
    for t in token.subtree:
        if t.i != token.i and t.dep_ in _CLAUSES:
            drop.update(x.i for x in t.subtree)
    return [t for t in token.subtree if t.i not in drop and t.text not in _MARKS]


def _bracketed(sent: Span) -> set[int]:
    """The tokens inside parentheses or square brackets ("(see [2])", "(which was late)")."""
    inside: set[int] = set()
    opened: list[int] = []
    for t in sent:
        if t.text in ("(", "["):
            opened.append(t.i)
        elif t.text in (")", "]") and opened:
            inside.update(range(opened.pop() + 1, t.i))  # an unclosed bracket drops nothing
    return inside


def _phrase(token: Token) -> str:
    return _text(_words(token)).rstrip(" ,;:")


def _usable(head: Token | None, phrase: str) -> bool:
    """Whether a phrase can be the subject of the rewrite: a noun phrase (or "it", "this") whose
    words survived the parse whole (no citation marks or brackets inside a token: "anyone.[3")."""
    if head is None or not phrase or any(ch in phrase for ch in "[]{}()<>`"):
        return False
    if head.pos_ == "PRON":
        return head.lower_ in _PRONOUN_SUBJECTS
    return head.pos_ in ("NOUN", "PROPN", "NUM") and any(ch.isalnum() for ch in phrase)


def _object_and_tail(obj: Token) -> tuple[str, str]:
    """An object without the phrases that tell where or instead of what ("the refund script" and
    "against prod instead of staging"), so the rewrite reads "The refund script was run against
    prod instead of staging"."""
    tails = [c for c in obj.rights if c.dep_ in ("prep", "cc") and c.lower_ not in ("of", "for", "with") or
             c.dep_ == "cc" and c.lower_ == "of"]
    moved = {t.i for c in tails for t in c.subtree}
    core = [t for t in _words(obj) if t.i not in moved]
    return _text(core).rstrip(" ,;:"), " ".join(_phrase(c) for c in tails)


def _tidy(text: str) -> str:
    """No space before punctuation and no mark left dangling before the end ("anticipated ,.")."""
    words = _DANGLING.sub("", _tidy_sentences(text)).split(" ")
    while len(words) > 1 and words[-1].lower() in _FUNCTION_WORDS:  # "... due to the typo of" (its object was dropped)
        words.pop()
    return _DANGLING.sub("", " ".join(words))


def _rest(verb: Token, exclude: set[int]) -> str:
    parts = []
    for child in verb.rights:
        if child.dep_ in ("punct", "cc", "conj", "prt", "neg", "aux", "auxpass") or child.i in exclude:
            continue
        parts.append(_phrase(child))
    return " ".join(p for p in parts if p)


def blameless_rewrite(verb: Token, agent: Token, passive: bool) -> str:
    """A concrete rewrite of the sentence with the system, not the person, as the subject, or the
    question to ask when the parse gives no grammatical one."""
    text = _rewrite(verb, agent, passive)
    return QUESTION if text is None else _tidy_sentences(text)


def _rewrite(verb: Token, agent: Token, passive: bool) -> str | None:
    lemma = verb_lemma(verb)
    sent = verb.sent
    if passive:
        agent_prep = agent.head
        drop = {t.i for t in agent_prep.subtree}
        drop |= _bracketed(sent)
        words = [t for t in sent if t.i not in drop and not t.is_space and t.text not in _MARKS]
        base = _tidy(_text(words).rstrip(" .!"))
        if not base or any(ch in base for ch in "[]{}<>"):
            return None
        return f"{base[:1].upper()}{base[1:]}. What made that possible, and what would have caught it?"
    if lemma in COMPLEMENT_VERBS:
        comp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if comp is not None:
            obj = next((c for c in comp.children if c.dep_ in ("dobj", "nsubjpass")), None)
            what = _phrase(obj) if obj is not None else ""
            if not _usable(obj, what):
                return None  # "failed to log out": no object to make the subject
            rest = _rest(comp, {obj.i})
            negated = any(c.dep_ == "neg" for c in comp.children)  # "forgot to not restart": it was restarted
            particle = next((f" {c.text}" for c in comp.children if c.dep_ == "prt"), "")
            done = f"{vbn(comp.lemma_.lower())}{particle}"
            text = f"{what[:1].upper()}{what[1:]} {_be(obj)}{'' if negated else ' not'} {done}{(' ' + rest) if rest else ''}"
            return f"{_tidy(text).rstrip('.')}: the process relied on someone remembering it, and nothing checked or automated it."
    obj = next((c for c in verb.children if c.dep_ in ("dobj",)), None)
    if lemma == "let":
        return _lapse_rewrite(verb, obj)
    if obj is None:
        return None
    what, tail = _object_and_tail(obj)
    if not _usable(obj, what):
        return None
    rest = " ".join(p for p in (tail, _rest(verb, {obj.i})) if p)
    particle = next((f" {c.text}" for c in verb.children if c.dep_ == "prt"), "")
    if any(c.dep_ == "neg" for c in verb.children):
        text = f"{what[:1].upper()}{what[1:]} {_be(obj)} not {vbn(lemma)}{particle}{(' ' + rest) if rest else ''}"
        return f"{_tidy(text).rstrip('.')}: nothing in the process required it or checked that it was done."
    if lemma in ("ignore", "miss", "overlook", "disregard"):
        return f"{_tidy(what[:1].upper() + what[1:] + ' went unanswered ' + rest)}. What made it easy to miss (noise, routing, fatigue)?"
    text = f"{what[:1].upper()}{what[1:]} {_be(obj)} {vbn(lemma)}{particle}{(' ' + rest) if rest else ''}"
    return f"{_tidy(text).rstrip('.')}, and nothing in the process stopped it. Which check was missing?"


def _tidy_sentences(text: str) -> str:
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(text.split()))


def _lapse_rewrite(verb: Token, obj: Token | None) -> str | None:
    """"let the certificate expire" -> "The certificate was allowed to expire"; the tagger may
    read "the registration lapse" as one noun phrase."""
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    if comp is not None:
        subj = next((c for c in comp.children if c.dep_ == "nsubj"), None)
        what = _phrase(subj) if subj is not None else "It"
        rest = _rest(comp, set())
        happened = comp.lemma_.lower()
    elif obj is not None:
        what = _text([t for t in obj.subtree if t.i != obj.i])
        rest, happened = _rest(verb, {obj.i}), obj.lower_
    else:
        return None
    if not what or any(ch in what for ch in "[]{}<>`"):
        return None
    text = f"{what[:1].upper()}{what[1:]} was allowed to {happened}{(' ' + rest) if rest else ''}"
    return f"{_tidy(text).rstrip('.')}: nothing warned in time or renewed it on its own. What would have caught it?"


QUESTION = "Ask the question behind it instead of naming who acted: what made this easy to do (or to miss), and what would have caught it?"


def rewrite_sentence(sent: Span, lexicon: Lexicon) -> str:
    """A blameless rewrite of any sentence the classifier flags (no failure verb needed)."""
    for tok in sent:
        kind = agent_kind(tok, lexicon)
        if kind is None:
            continue
        verb = tok.head
        if tok.dep_ == "pobj" and verb.dep_ == "agent":
            return blameless_rewrite(verb.head, tok, True)
        if tok.dep_ == "nsubj" and verb.pos_ in ("VERB", "AUX") and any(
            c.dep_ in ("dobj", "xcomp") for c in verb.children
        ):
            return blameless_rewrite(verb, tok, False)
    return QUESTION
