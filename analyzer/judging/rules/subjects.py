"""Whom a clause's subject names, when the parse splits a coordinated modifier from its noun.

"The unit and integration tests should have caught it" is parsed with "unit" as the subject and
"tests" as its conjunct, so the subject looks like a team ("unit"), although both words modify
"tests". When a singular common noun is the subject and its conjunct is a plural noun phrase with
its own modifier, the conjunct is the real head: the subject names a person only if that head does
("the SRE and platform teams should have noticed" still does).
"""

from __future__ import annotations

from spacy.tokens import Token

from analyzer.nlp.lexicon import agent_kind


def _shared_head(subject: Token) -> Token | None:
    """The plural noun that a coordinated modifier subject really belongs to ("unit and
    integration tests" -> "tests"), or None."""
    if subject.pos_ != "NOUN" or subject.tag_ not in ("NN", "NNP") or any(c.dep_ == "poss" for c in subject.children):
        return None
    for conj in subject.children:
        if (conj.dep_ == "conj" and conj.pos_ == "NOUN" and conj.tag_ == "NNS"
                and any(c.dep_ in ("compound", "amod", "nmod") and c.i < conj.i for c in conj.children)):
            return conj
    return None


def subject_agent(subject: Token, lexicon) -> str | None:  # noqa: ANN001
    """`agent_kind` of a subject token, read on the shared head of a coordinated modifier, and
    through a partitive: "one of our engineers learned it the hard way" names engineers."""
    head = _shared_head(subject)
    if head is None and subject.lower_ in _PARTITIVE:
        head = next(iter(of_objects(subject)), None)
    return agent_kind(head if head is not None else subject, lexicon)


def of_objects(token: Token) -> list[Token]:
    """The objects of the token's "of" ("one of our engineers" -> engineers): the people a
    partitive counts from."""
    return [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]


_PARTITIVE = {"one", "some", "several", "two", "three", "each", "any", "none", "all", "most", "member", "members", "few"}


def person_object_form(span, lexicon) -> bool | None:  # noqa: ANN001
    """The object of a causative verb, "let Ana go" (the parse makes Ana the subject of "go",
    a complement of "let"): True when it names a person, role or team. Otherwise
    `person_after_preposition`."""
    for verb in span:
        if verb.pos_ == "VERB" and verb.dep_ in ("ccomp", "xcomp") and verb.head in span and verb.head.lemma_ in _CAUSATIVE:
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            if subjects:
                return any(agent_kind(c, lexicon) for c in subjects)
    return person_after_preposition(span, lexicon)


_CAUSATIVE = {"let", "make", "have", "see"}


def person_after_preposition(span, lexicon) -> bool | None:  # noqa: ANN001
    """When a match ends in a preposition ("that is on", "down to", "caused by"), whether its
    object names a person, role or team: "on her", "down to Oliver", "by one of our engineers",
    not "on the roadmap", "down to a race condition" or "on the SRE team's backlog" (the object
    is the backlog). None when the match does not end in a preposition."""
    last = span[-1]
    if last.pos_ != "ADP" and last.dep_ not in ("prep", "agent", "dative"):
        return None
    objects = [c for c in last.children if c.dep_ == "pobj"]
    for obj in objects:
        if obj.lower_ in _PARTITIVE:  # "one of our engineers", "a member of the ops team"
            objects += of_objects(obj)
            continue
        if agent_kind(obj, lexicon):
            return True
    return False
