"""Agentless passives that still point at a person: "the checklist was skipped, again", "the warning
was waved through", "the diff was approved without being opened", "the node pool was resized by hand
with no ticket". Nobody is named, but only a person skips a checklist or approves a diff unread.

A passive in the past with no "by" agent, whose verb is a lapse of a person (skip, ignore, bypass,
wave through, rubber-stamp, override a verdict) or an act done against a safeguard (acts.py: without
review, with no ticket, despite, anyway, during the freeze, in under a minute). Not a design
statement in the present ("tests are skipped on forks"), not an act with the system's reason given
("skipped because the flag defaulted to false"), not a remedy ("the bad deploy was rolled back
without issues"), not a possibility ("could be bypassed").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from analyzer.judging.rules.acts import OVERRIDE_VERBS, VERDICTS, wrong_or_hasty
from analyzer.judging.rules.agent_words import REMEDY, verb_lemma
from analyzer.judging.rules.objects import noun_phrase

# what only a person does to a safeguard, even with nobody named
LAPSE_PASSIVES = frozenset("skip ignore overlook bypass circumvent disregard waive sidestep".split())
# "waved through", "nodded through", "rushed through" ("rubber-stamped": acts.py)
THROUGH_VERBS = frozenset({"wave", "nod", "rush", "push", "sneak", "hurry"})
# what these verbs are done to when a person is at fault: a safeguard or a step of a procedure
SAFEGUARDS = frozenset(
    "checklist checklists runbook runbooks step steps procedure procedures process review reviews approval approvals"
    " sign-off signoff check checks test tests canary warning warnings alert alerts page pages guideline guidelines"
    " policy policies freeze gate gates dry-run rehearsal handover escalation diff diffs change changes pr prs"
    " ticket tickets plan plans comment comments feedback objection objections".split()
)
PAST_AUX = frozenset({"was", "were", "been", "got", "had", "'d"})
# how a finding's explanation names the agent of each kind the agent hits carry
WHO = {"unnamed": "nobody is named, but only a person's lapse or haste explains"}
HABITUAL = frozenset({"usual", "usually", "always", "ever", "often", "before"})
REASONS = frozenset({"because", "since", "as", "due", "owing"})


def _passive_parts(verb: Token) -> tuple[Token, Token] | None:
    """The passive subject and the auxiliary of a past passive with no agent, or None."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    aux = next((c for c in verb.children if c.dep_ == "auxpass"), None)
    if subject is None and aux is None and verb.dep_ == "conj":  # "was acknowledged and then ignored" (one auxiliary)
        subject = next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)
        aux = next((c for c in verb.head.children if c.dep_ == "auxpass"), None)
    if subject is None or aux is None or aux.lower_ not in PAST_AUX and aux.lemma_ != "get":
        return None
    if any(c.dep_ == "agent" and not any(p.lower_ == "hand" for p in c.children) for c in verb.children) \
            or subject.lower_ in ("who", "that", "which"):  # "resized by hand" names nobody
        return None
    return subject, aux


def _reason_given(verb: Token) -> bool:
    """The clause says why: "because the flag defaulted to false", "due to the outage", "as
    designed", "by the tool"."""
    for c in verb.children:
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in REASONS for m in c.children):
            # "because people wanted to go home", "as it usually is": a person's wish or a habit, no reason
            return not (_reason_about_people(c) or {t.lower_ for t in c.subtree} & HABITUAL)
        if c.dep_ == "prep" and c.lower_ in ("because", "due", "per") or c.dep_ == "prep" and c.lower_ == "by" and any(
                t.lower_ in ("design", "default", "policy") for t in c.subtree):
            return True
    return False


def _reason_about_people(clause: Token) -> bool:
    """"because people wanted to go home", "as everyone was in a hurry": the reason is a person's
    wish, which is no system's reason."""
    return any(t.dep_ == "nsubj" and t.lower_ in ("people", "everyone", "everybody", "someone", "nobody", "they")
               for t in clause.subtree)


def _lapse(verb: Token, subject: Token) -> bool:
    lemma = verb_lemma(verb)
    words = noun_phrase(subject) + [p for c in subject.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.subtree]
    safeguard = any(t.lemma_.lower() in SAFEGUARDS or t.lower_ in SAFEGUARDS for t in words)
    if lemma in LAPSE_PASSIVES:
        return safeguard
    if lemma in THROUGH_VERBS and any(c.dep_ in ("prt", "advmod", "prep") and c.lower_ == "through" for c in verb.children):
        return lemma != "push" or safeguard  # "waved through", "nodded through"; a change "pushed through"
    if lemma in OVERRIDE_VERBS:
        return any(t.lemma_.lower() in VERDICTS for t in words)
    if lemma == "dismiss":
        return safeguard
    return False


def agentless_failure(verb: Token) -> Token | None:
    """The passive subject when the verb is a past passive with nobody named that only a
    person's lapse or haste explains; otherwise None."""
    if verb.pos_ not in ("VERB", "AUX") or verb.tag_ != "VBN":
        return None
    parts = _passive_parts(verb)
    if parts is None:
        return None
    subject, aux = parts
    if any(c.dep_ == "neg" for c in verb.children) or any(c.tag_ == "MD" and c.lower_ != "'d" for c in verb.children):
        return None  # "was not skipped", "could be bypassed"
    if any(t.lemma_.lower() in REMEDY for t in subject.subtree) or _reason_given(verb):
        return None
    if _lapse(verb, subject) or wrong_or_hasty(verb):
        return subject
    return None


# participles the tagger reads as adjectives ("was overridden" -> be + acomp), with their verbs
READ_AS_ADJECTIVES = {"overridden": "override", "overruled": "overrule", "ignored": "ignore", "skipped": "skip",
                      "bypassed": "bypass", "disregarded": "disregard", "waived": "waive", "overlooked": "overlook"}


def _adjectival(token: Token) -> Token | None:
    """The subject of "was overridden" parsed as "was" + an adjective, when the subject is a
    safeguard or its verdict."""
    lemma = READ_AS_ADJECTIVES.get(token.lower_)
    head = token.head
    if lemma is None or token.dep_ != "acomp" or head.lemma_ != "be" or head.lower_ not in PAST_AUX \
            or any(c.dep_ == "neg" for c in head.children) or _reason_given(head):
        return None
    subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if subject is None or any(c.dep_ == "prep" and c.lower_ == "by" for c in token.children):
        return None
    words = noun_phrase(subject)
    nouns = SAFEGUARDS | VERDICTS if lemma in OVERRIDE_VERBS else SAFEGUARDS
    return subject if any(t.lemma_.lower() in nouns or t.lower_ in nouns for t in words) else None


def agentless_verbs(doc: Doc) -> list[tuple[Token, Token]]:
    """(verb, passive subject) for each agentless failure in the Doc."""
    out = []
    for verb in doc:
        subject = agentless_failure(verb) if verb.tag_ == "VBN" else _adjectival(verb)
        if subject is not None:
            out.append((verb, subject))
    return out
