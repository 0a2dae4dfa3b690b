"""The `agent` kind: a person or a role as the agent of a failure, read from the dependency parse.

"Priya pushed the broken config" (active subject), "the alert was ignored by the on-call"
(passive agent), "the engineer who skipped the review" (relative clause), "Tom forgot to renew
the certificate" (a failure verb with a complement). Neutral verbs (push, merge, deploy, run)
count only with a bad object ("the broken config") or a missing safeguard ("without review").
The verb must not be negated. The same reading feeds the classifier's features.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from analyzer.nlp.lexicon import Lexicon, agent_kind, confirmed_person, is_speaker_label, opens_clause
from analyzer.judging.rules.agent_words import (
    BAD_WORDS, BREACH, COMPLEMENT_VERBS, CONCESSIVE, DESTRUCTIVE_VERBS, DUTY_VERBS, EXPOSED, FAILURE_VERBS,
    IRREGULAR_VBN, KNOWN_VERBS, LAPSE, MISSING_SAFEGUARD, NEUTRAL_VERBS, NO_CHECKS, NOISE, PAST_FORMS, PRODUCTION,
    PUBLIC, REFUSED_STEPS, REMEDY, SECRETS, SILENCE_VERBS, SLIP, TARGET_VERBS, UNHEEDED, VALUABLE, WARNINGS, verb_lemma,
    you_blamed,
)
from analyzer.judging.rules.acts import wrong_or_hasty
from analyzer.judging.rules.agentless import WHO, agentless_verbs  # noqa: F401 (WHO re-exported)
from analyzer.judging.rules.objects import OUTSIDERS, REMOVAL_VERBS, SELF_ACTS, SLIP_TARGET, TRANSIENT, noun_phrase
from analyzer.judging.rules.rewrite import QUESTION, blameless_rewrite, rewrite_sentence  # noqa: F401 (re-exported)
from analyzer.judging.rules.subjects import of_objects


@dataclass(frozen=True)
class AgentHit:
    agent: Token
    verb: Token
    kind: str  # person | role | team
    passive: bool
    span: Span
    cue: str
    rewrite: str


def _subtree_has(token: Token, words: frozenset[str]) -> bool:
    return any(t.lemma_.lower() in words or t.lower_ in words for t in token.subtree)


def _bad_in(obj: Token) -> set[str]:
    """The failure words of an object's noun phrase; a noun modifying another noun is technical
    ("the error rate", "a bug tracker"), not a judgement of the object."""
    return {t.lower_ if t.lower_ in BAD_WORDS else t.lemma_.lower() for t in noun_phrase(obj)
            if (t.lemma_.lower() in BAD_WORDS or t.lower_ in BAD_WORDS) and not (t.dep_ == "compound" and t.i < t.head.i)}


def _is_remedy(verb: Token, obj: Token) -> bool:
    """Taking away or repairing a bad object, or applying a fix: the response, not the failure."""
    words = {t.lemma_.lower() for t in noun_phrase(obj)}
    if words & REMEDY:
        return True  # "applied a mitigation", "deployed the hotfix"
    lemma = verb_lemma(verb)
    if lemma == "roll" and any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in verb.children):
        lemma = "rollback"
    return lemma in REMOVAL_VERBS and not (_bad_in(obj) & SLIP_TARGET)


def _has_bad_object(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative") and _bad_in(child):
            if child.dep_ in ("dobj", "nsubjpass") and _is_remedy(verb, child):
                return False
            return True
        if child.dep_ == "prep" and child.lower_ == "without" and _subtree_has(child, MISSING_SAFEGUARD):
            return True
        if child.dep_ == "prep" and child.lower_ in ("to", "into", "in") and any(
            t.lemma_.lower() in BAD_WORDS for t in child.subtree
        ):
            return True
        if child.dep_ == "advcl" and any(t.lower_ == "without" for t in child.children):
            return True
        if child.dep_ == "advcl" and any(t.dep_ == "mark" and t.lower_ in CONCESSIVE for t in child.children):
            return True  # "approved the change even though the eval showed ...": acted against a warning
        if child.dep_ == "prep" and child.lower_ == "despite":
            return True
        if child.dep_ == "prep" and child.lower_ == "in" and _subtree_has(child, BREACH):
            return True  # "in breach of the policy", "in contravention of"
        if child.dep_ in ("advmod", "prep") and _subtree_has(child, SLIP):
            return True  # "by mistake", "accidentally"
        if child.dep_ == "prep" and child.lower_ == "with" and _subtree_has(child, NO_CHECKS | SLIP_TARGET | WRONG_INPUT):
            return True  # "merged with failing tests", "with zero evals run", "ran it with wrong parameters"
    if verb.dep_ == "acl" and _bad_in(verb.head) and verb.head.lemma_.lower() in SLIP_NOUNS:
        return True  # "a mistake made by one of our engineers", "the typo introduced by ..."
    doc = verb.doc
    for t in verb.subtree:
        if t.lower_ == "instead" and t.i + 2 < len(doc) and doc[t.i + 1].lower_ == "of" and (
                doc[t.i + 2].tag_ != "VBG" or doc[t.i + 2].lower_ in ("staging", "testing")):
            # the wrong target: "ran the script against prod instead of staging", "deleted the
            # volume instead of the snapshot"; not a choice of action ("instead of failing over")
            return True
        if t.lower_ in ("directly", "straight") and t.head.i == verb.i and _subtree_has(verb, PRODUCTION) and not any(
                c.dep_ == "dobj" and _subtree_has(c, REMEDY) for c in verb.children):
            return True  # "pushed the config directly to production": no stage in between
    return False


def _wrong_target(verb: Token) -> bool:
    """"pulled the wrong cable", "restarted the service on the wrong host": the act aimed at the wrong thing."""
    return any(c.dep_ in ("dobj", "nsubjpass") and _subtree_has(c, SLIP_TARGET) for c in verb.children) or any(
        c.dep_ == "prep" and _subtree_has(c, SLIP_TARGET) for c in verb.children)


def _silenced_warning(verb: Token) -> bool:
    """A warning turned off: "muted the monitoring channel", "switched off notifications", "silenced
    the alert"; not a noisy or duplicate alert silenced as a remedy."""
    lemma = verb_lemma(verb)
    if lemma not in SILENCE_VERBS:
        return False
    if lemma in ("switch", "turn") and not any(c.dep_ in ("prt", "advmod") and c.lower_ == "off" for c in verb.children):
        return False
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    return any(_subtree_has(o, WARNINGS) and not _subtree_has(o, NOISE) for o in objs)


def _refused_step(verb: Token) -> bool:
    """"refused to roll back", "declined to escalate": a response step turned down."""
    return verb_lemma(verb) in ("refuse", "decline") and any(
        c.dep_ == "xcomp" and c.lemma_.lower() in REFUSED_STEPS for c in verb.children)


def _chose_over_safe(verb: Token) -> bool:
    """"chose to debug live rather than roll back", "decided to push on instead of reverting": the
    safe response step passed over (not the reverse: "chose to roll back rather than debug")."""
    if verb_lemma(verb) not in ("choose", "decide", "opt", "prefer"):
        return False
    doc = verb.doc
    chosen = next((c for c in verb.children if c.dep_ in ("xcomp", "ccomp")), None)
    if chosen is None and verb.i + 2 < len(doc) and doc[verb.i + 1].lower_ == "to":
        chosen = doc[verb.i + 2]  # "chose to debug ...": the tagger may read the verb as a noun
    if chosen is None or chosen.lemma_.lower() in REFUSED_STEPS:
        return False
    for t in doc[chosen.i:verb.sent.end]:
        if (t.lower_ == "rather" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "than"
                or t.lower_ == "instead" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "of"):
            return any(w.lemma_.lower() in REFUSED_STEPS or w.lower_ in ("reverting", "rolling", "escalating")
                       for w in doc[t.i + 2:min(t.i + 5, verb.sent.end)])
    return False


def _is_failure(verb: Token) -> bool:
    lemma = verb_lemma(verb)
    if lemma in FAILURE_VERBS:
        if lemma in ("cause",):
            # "X caused the outage" - only with a failure-like object; "the outage was caused by X"
            return any(c.dep_ in ("dobj", "nsubjpass") for c in verb.children)
        if lemma in ("fail",):
            if any(c.dep_ in ("prt", "advmod") and c.lower_ == "over" for c in verb.children):
                return False  # "chose to fail over": a failover, not a failure
            # "failed to renew the certificate"; not a service that "failed to restart"
            return any(c.dep_ == "xcomp" and not (c.lemma_.lower() in SELF_ACTS and not any(
                d.dep_ in ("dobj", "nsubjpass") for d in c.children)) for c in verb.children)
        return True
    if any(c.dep_ in ("advmod", "prep") and _subtree_has(c, SLIP) for c in verb.children):
        return True  # any act "by mistake" or "accidentally"
    if wrong_or_hasty(verb) and not any(c.dep_ in ("dobj", "nsubjpass", "prep") and _subtree_has(c, REMEDY) for c in verb.children):
        return True  # "went ahead anyway", "overrode the canary result", "pushed it at 5 pm on a Friday" (acts.py)
    if lemma in STATE_VERBS:  # "the warnings went unacknowledged by the owner"
        return any(c.lower_ in UNHEEDED for c in verb.children if c.dep_ in ("acomp", "oprd", "advmod"))
    if lemma == "rush":
        return any(c.dep_ in ("dobj", "nsubjpass") and not _subtree_has(c, REMEDY) for c in verb.children)
    if _leaks_secret(verb) or lemma == "push" and _force_to_production(verb) or _silenced_warning(verb) \
            or _refused_step(verb) or _chose_over_safe(verb):
        return True
    if lemma in TARGET_VERBS:
        return _wrong_target(verb)
    if lemma == "let":
        return any(c.dep_ in ("ccomp", "xcomp") and c.lemma_.lower() in LAPSE or c.dep_ == "dobj" and c.lower_ in ("lapse", "expire")
                   for c in verb.children)  # the tagger may read "lapse" as the object
    if lemma == "leave":  # "left the admin port open", "left the bucket public after the demo"
        return any(c.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "amod", "advmod") and c.lower_ in EXPOSED and c.i > verb.i
                   for c in verb.children) or any(
            t.lower_ in EXPOSED and t.i > o.i for o in verb.children if o.dep_ == "dobj" for t in o.rights) or any(
            o.dep_ == "dobj" and o.lower_ in EXPOSED and any(g.dep_ == "compound" for g in o.children)
            for o in verb.children)  # the tagger reads "the bucket public" as one noun phrase
    if lemma in DESTRUCTIVE_VERBS:
        return _has_bad_object(verb) or _destroys_valuable(verb)
    if lemma in NEUTRAL_VERBS:
        if any(c.dep_ == "dobj" and c.lemma_.lower() in REMEDY and not _subtree_has(c, BAD_WORDS) for c in verb.children):
            return False  # "published a fix to the malicious URL": the act is the remedy
        return _has_bad_object(verb)
    return False


def _omitted_duty(verb: Token) -> bool:
    """A duty left undone by the subject ("never rotated the key", "did not test the migration"),
    not an inability or a rule ("could not verify", "must not update"), nor "check in" code."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
        subject = verb.head
    if subject is not None and subject.lower_ in ("people", "users", "customers", "folks", "humans"):
        return False  # "people that had not updated" are users, not the people who ran the system
    lemma = verb_lemma(verb)
    particles = {c.lower_ for c in verb.children if c.dep_ == "prt"}
    if lemma == "pick":  # "the secondary did not pick up the page"
        return particles == {"up"} and any(c.dep_ == "dobj" and c.lemma_.lower() in PAGES for c in verb.children)
    if lemma == "set":  # "never set up the retention policy", not "never set foot in the office"
        return particles == {"up"} and not any(c.tag_ == "MD" for c in verb.children)
    return (lemma in DUTY_VERBS and verb.tag_ in ("VB", "VBD", "VBN")
            and not any(c.tag_ == "MD" for c in verb.children) and not particles
            and not (verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ in ("in", "out", "into")))


STATE_VERBS = frozenset({"go", "remain", "sit", "stay"})
PAGES = frozenset({"page", "pager", "phone", "call", "escalation", "alert"})
WRONG_INPUT = frozenset({"incorrect", "invalid", "wrong"})  # "ran it with wrong parameters"
SLIP_NOUNS = frozenset({"mistake", "error", "typo", "blunder"})


def _leaks_secret(verb: Token) -> bool:
    """A key or password given away or put where anyone reads it ("pasted the API key in a public
    gist", "gave away the admin password", "committed the token to a public repo")."""
    secrets = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and _subtree_has(c, SECRETS)]
    if not secrets:
        return False
    return any(c.dep_ in ("prt", "advmod") and c.lower_ == "away" for c in verb.children) or any(
        c.dep_ == "prep" and _subtree_has(c, PUBLIC) for t in [verb, *secrets] for c in t.children)


def _force_to_production(verb: Token) -> bool:
    """"force pushed to main", "force-pushed to master": history rewritten on the shared branch."""
    doc = verb.doc
    forced = any(t.lower_ == "force" for t in doc[max(0, verb.i - 2):verb.i])
    after = [t.lower_ for t in doc[verb.i + 1:verb.i + 4]]
    return forced and (bool({"to", "into", "onto", "over"} & set(after[:2])) and bool(PRODUCTION & set(after)) or any(
        t.lower_ in PRODUCTION and t.dep_ == "pobj" and t.head.lower_ in ("to", "into", "onto", "over") for t in verb.subtree))


def _explained(verb: Token) -> bool:
    """The clause gives the system's reason: "was not seen by the on-call because it was routed to
    e-mail", "... due to the muted channel"."""
    for child in verb.children:
        if child.dep_ == "advcl" and any(t.dep_ == "mark" and t.lower_ in ("because", "since", "as") for t in child.children):
            return True
        if child.dep_ == "prep" and child.lower_ in ("because", "due"):
            return True
    return False


def _only_possible(verb: Token) -> bool:
    """A risk, not an event: "someone might merge a broken config", "an operator could delete the
    bucket" (a design rationale). "could have" is a counterfactual, which other rules read."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if not aux and verb.dep_ == "conj":  # "might merge a broken config and forget to apply it"
        aux = {c.lower_ for c in verb.head.children if c.dep_ in ("aux", "auxpass")}
    return bool(aux & {"might", "may", "could", "can"}) and "have" not in aux


def _outsider(agent: Token) -> bool:
    """A crew or party outside the organisation ("a third-party crew cut the fibre", "a
    construction crew"): an event of the world, not a lapse of the team writing the review."""
    return any(t.lower_ in OUTSIDERS for t in agent.children if t.dep_ in ("amod", "compound", "nmod"))


def _own_clause(verb: Token) -> bool:
    """A conjoined verb with a subject or passive of its own that the parser hung elsewhere
    ("runs puppet on the host, which is still broken"): it does not share the first verb's agent."""
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or any(
        t.tag_ in ("WDT", "WP") for t in verb.doc[verb.head.i + 1:verb.i])


def _destroys_valuable(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            if child.lemma_.lower() in TRANSIENT or child.lower_ in TRANSIENT:
                continue  # "killed all outstanding queries on the new master": stopping the bleeding
            if _subtree_has(child, VALUABLE):
                return True
        if child.dep_ in ("advmod", "prep") and _subtree_has(child, SLIP):
            return True
    return False


def _agents(verb: Token) -> list[tuple[Token, bool]]:
    out: list[tuple[Token, bool]] = []
    for child in verb.children:
        if child.dep_ in ("nsubj",):
            subj = child
            if subj.lower_ in ("who", "that") and verb.dep_ == "relcl":
                subj = verb.head
            out.append((subj, False))
        elif child.dep_ == "agent":
            out.extend((p, True) for p in child.children if p.dep_ == "pobj")
    if not out and verb.lemma_.lower() in STATE_VERBS:  # "went unanswered by the owner": the owner is the agent
        by = [c for t in [verb, *verb.children] for c in t.children if c.dep_ in ("prep", "agent") and c.lower_ == "by"]
        out = [(p, True) for c in by for p in c.children if p.dep_ == "pobj"]
    if not out:
        # a name the parser misread, opening the clause: "Will ignored ..." (a modal), "June broke ..."
        out = [(c, False) for c in verb.children
               if c.dep_ in ("aux", "npadvmod") and c.i < verb.i and c.is_title and opens_clause(c)]
    doc = verb.doc
    # "Samir force-pushed ...": the parser makes "force" the subject and the person its modifier
    out = [(w, p) for a, p in out for w in ([c for c in a.children if c.dep_ == "compound"] + [
        g for c in a.children if c.dep_ == "nmod" and c.lower_ == "on" for g in c.children if g.lower_ == "call"]
        if a.lower_ == "force" and not p else [a])]
    # not a heading parsed into the clause: no line break between the subject and the verb
    out = [(a, p) for a, p in out if p or not any("\n" in t.text for t in doc[min(a.i, verb.i):max(a.i, verb.i)])]
    if not out and verb.i >= 3 and [t.lower_ for t in doc[verb.i - 3:verb.i]] == ["on", "-", "call"] \
            and opens_clause(doc[verb.i - 3]):
        out = [(doc[verb.i - 1], False)]  # "On-call ignored ...": the parser reads "On" as a preposition
    # ... or as the subject itself
    out = [(doc[a.i + 2], p) if a.lower_ == "on" and [t.lower_ for t in doc[a.i + 1:a.i + 3]] == ["-", "call"] else (a, p)
           for a, p in out]
    if not out and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and not _own_clause(verb):
        out = [(a, p) for a, p in _agents(verb.head) if not p]
    if not out and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("try", "manage", "decide", "choose", "attempt"):
        out = _agents(verb.head)
    # "Priya and Tom skipped" -> both
    more = []
    for tok, passive in out:
        more.extend((c, passive) for c in tok.children if c.dep_ == "conj")
    return out + more


def _partitive(agent: Token) -> Token:
    """"one of our engineers", "two of the SREs": the people the count is taken from."""
    if agent.lower_ not in ("one", "two", "some", "several", "few", "none"):
        return agent
    return next(iter(of_objects(agent)), agent)


def find_agent_hits(doc: Doc, lexicon: Lexicon) -> list[AgentHit]:
    hits: list[AgentHit] = []
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        # a negated verb is no failure ("Priya did not ignore the alert"), except a passive one with
        # a person as its agent: an omission pinned on someone ("was not verified by the owner")
        negated = any(c.dep_ == "neg" for c in verb.children)
        if negated and (_explained(verb) or verb.sent.text.rstrip().endswith("?")) or not negated and not _is_failure(verb) \
                or _only_possible(verb):
            continue
        for agent, passive in _agents(verb):
            if negated and not (passive or _omitted_duty(verb)):
                continue
            whole = _partitive(agent)  # "(by) one of our engineers": the engineers
            kind = agent_kind(whole, lexicon) or ("person" if you_blamed(agent, verb) else None)
            if kind is None or is_speaker_label(agent) or negated and not passive and not confirmed_person(agent, lexicon) \
                    or kind == "team" and _outsider(agent):
                continue
            if passive:
                agent_tokens = [agent.head, agent] + ([t for t in whole.subtree if t.i <= whole.i] if whole is not agent else [])
            else:
                agent_tokens = [t for t in agent.subtree if t.i <= agent.i]
            tokens = set(agent_tokens) | {verb}
            for child in verb.children:
                if child.dep_ in ("dobj", "xcomp", "nsubjpass", "prt", "neg"):
                    tokens.update(child.subtree)
            start = min(t.i for t in tokens)
            end = max(t.i for t in tokens) + 1
            span = doc[start:end]
            hits.append(
                AgentHit(agent, verb, kind, passive, span, span.text, blameless_rewrite(verb, agent, passive))
            )
    named = {h.span.sent.start for h in hits}
    for verb, subject in agentless_verbs(doc):  # nobody named: "the checklist was skipped, again"
        if verb.sent.start not in named and not _only_possible(verb):
            span = doc[min(subject.left_edge.i, verb.i):max([verb.i, *(t.i for c in verb.children if c.dep_ == "prt" for t in c.subtree)]) + 1]
            hits.append(AgentHit(subject, verb, "unnamed", True, span, span.text, QUESTION))
    return hits
