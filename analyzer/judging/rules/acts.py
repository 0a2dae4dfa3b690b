"""Wrong or hasty acts narrated with no judgement word, read from the parse.

A person pressing on against a signal ("went ahead anyway", "kept deploying even after the error
rate spiked"), overriding a safeguard's verdict ("overrode the canary result"), acting on a hunch
("promoted the model on gut feeling"), at a time that is itself the reproach ("pushed it at 5 pm on
a Friday", "during the freeze"), in a hurry ("approved in under a minute"), or without the
safeguard ("approved without being opened", "resized by hand with no ticket"). The agent kind
(agent.py) reads these as failures of a person; the agentless kind (agentless.py) of a passive
with nobody named.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from analyzer.judging.rules.agent_words import DESTRUCTIVE_VERBS, NEUTRAL_VERBS, verb_lemma

# pressing on: "went ahead anyway", "pressed on regardless", "carried on despite the alarms"
PRESS_VERBS = frozenset("go press push plough plow carry proceed forge barrel continue keep".split())
DEFIANCE = frozenset("anyway anyways regardless nonetheless nevertheless".split())
CONCESSION = frozenset({"despite", "although", "though"})
# a safeguard's verdict overruled: "overrode the canary result", "overruled the objection"
OVERRIDE_VERBS = frozenset({"override", "overrule", "overridden", "overrode"})
VERDICTS = frozenset(
    "result results verdict verdicts recommendation recommendations warning warnings check checks gate gates objection"
    " objections alert alerts block blocks decision guard guards lock locks policy freeze failure failures test tests"
    " canary evaluation evaluations eval evals review reviews veto approval approvals analysis".split()
)
# deciding on a hunch: "on gut feeling", "on a hunch", "on vibes"
HUNCH = frozenset("gut feeling feelings hunch instinct instincts vibes vibe whim intuition".split())
# a time that is itself the reproach: "on a Friday", "during the freeze", "at peak traffic"
FREEZE = frozenset({"freeze", "blackout", "moratorium"})
# acts that take the safeguard a "without" leaves out: "without being opened", "without anyone looking"
LOOKED_AT = frozenset("open read look test check review verify validate ask tell inform notify wait warn consult".split())
SAFEGUARD_NOUNS = frozenset(
    "ticket tickets ramp rollout review reviews approval approvals test tests testing check checks canary heads-up"
    " notice warning announcement plan rollback backup backups sign-off signoff step eyes".split()
)
# hasty acts: "approved in under a minute", "LGTM'd in 40 seconds"
HASTY_VERBS = frozenset("approve review merge sign lgtm accept stamp".split())
WARNING_WORDS = frozenset("warning warnings alert alerts prompt prompts confirmation dialog error errors".split())
UNSEASONED = frozenset("junior new newest newly inexperienced green fresh tired exhausted sleepy sleep-deprived lone single solo"
                       " untrained first-week".split())
_RISKY_HOUR = re.compile(r"\b(?:at|around|past)\s+(?:[1-4](?::\d\d)?\s*(?:a\.?m\b|in the morning)|midnight)|\bmiddle of the night\b"
                         r"|\blate at night\b|\bon a friday\b|\bwith (?:full |unrestricted )?(?:production|prod|root|admin) "
                         r"(?:access|credentials|rights|creds)\b|\balone\b|\bunsupervised\b|\bon (?:their|his|her) (?:first|second) ")
ALARMS = frozenset("page pager alarm alert call phone ring escalation".split())
DEADLINES = frozenset("date deadline launch demo cutoff cut-off window release milestone".split())
# the acts a time, a hunch or a missing safeguard makes wrong: changes people make to a system
ACTS = NEUTRAL_VERBS | DESTRUCTIVE_VERBS | HASTY_VERBS | frozenset(
    "promote resize flip raise bump scale sign post send restart reboot migrate rotate cut tag switch turn skip"
    " lower increase decrease".split())


def _children(verb: Token, deps: tuple[str, ...]) -> list[Token]:
    return [c for c in verb.children if c.dep_ in deps]


def presses_on(verb: Token) -> bool:
    """"went ahead anyway", "pressed on regardless", "kept deploying even after the error rate
    spiked", "carried on despite the alarms": a person going on against what they were told."""
    lemma = verb.lemma_.lower()
    if lemma not in PRESS_VERBS:
        return False
    words = {t.lower_ for t in verb.subtree}
    if lemma in ("keep", "continue"):
        if not _children(verb, ("xcomp",)):
            return False
    elif not ({"ahead", "on", "forward"} & {c.lower_ for c in verb.children}):
        return False
    if words & DEFIANCE or "despite" in words:
        return True
    return any(c.dep_ == "advcl" and (any(m.lower_ in CONCESSION for m in c.children)
                                      or any(m.lower_ == "even" for m in c.subtree if m.i < c.i))
               for c in verb.children) or any(
        c.dep_ == "prep" and c.lower_ == "after" and any(m.lower_ == "even" and m.i == c.i - 1 for m in verb.subtree)
        for c in verb.children)


def overrides_safeguard(verb: Token) -> bool:
    """"overrode the canary result", "overruled the reviewer's objection" (not "overrode the
    default timeout with the runbook's value")."""
    if verb.lemma_.lower() not in OVERRIDE_VERBS and verb.lower_ not in OVERRIDE_VERBS:
        return False
    return any(c.lemma_.lower() in VERDICTS or c.lower_ in VERDICTS for c in _children(verb, ("dobj", "nsubjpass")))


def on_a_hunch(verb: Token) -> bool:
    """"promoted the model on gut feeling", "shipped it on a hunch"."""
    holders = [verb, *_children(verb, ("dobj",))]
    return any(c.dep_ == "prep" and c.lower_ == "on" and any(t.lower_ in HUNCH for t in c.subtree)
               for h in holders for c in h.children)


def at_a_bad_time(verb: Token) -> bool:
    """"pushed it at 5 pm on a Friday" (a Friday, any Friday: the time as the reproach), "merged
    during the freeze", "deployed while the freeze was still on", "ran the migration at peak traffic"."""
    for prep in _children(verb, ("prep",)):
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            if prep.lower_ == "on" and obj.lower_ == "friday" and any(d.lower_ == "a" for d in obj.children):
                return True
            if prep.lower_ in ("during", "in", "at") and _subtree_words(obj) & FREEZE:
                return True
    for clause in _children(verb, ("advcl",)):
        if any(m.lower_ in ("while", "during") for m in clause.children) and _subtree_words(clause) & FREEZE:
            return True
    return False


def _subtree_words(token: Token) -> set[str]:
    return {t.lower_ for t in token.subtree}


def left_out_safeguard(verb: Token) -> bool:
    """"approved without being opened", "merged without anyone looking", "resized by hand with no
    ticket and no heads-up", "flipped to 100% with no ramp", "ran it by hand, skipping the dry run"."""
    for prep in _children(verb, ("prep",)):
        if prep.lower_ == "without" and any(t.lemma_.lower() in LOOKED_AT and t.tag_ in ("VBG", "VBN")
                                            or t.dep_ == "pobj" and t.lower_ in SAFEGUARD_NOUNS for t in prep.subtree):
            return True
        if prep.lower_ == "without" and any(t.tag_ == "VBG" for t in prep.children) and any(
                t.lower_ == "first" for t in prep.subtree):
            return True  # "restarted the primary without draining it first": a prior step left out
        if prep.lower_ == "with" and any(o.dep_ == "pobj" and o.lower_ in SAFEGUARD_NOUNS and any(
                d.lower_ == "no" for d in o.children) for o in prep.subtree):
            return True
    return any(c.dep_ == "advcl" and c.tag_ == "VBG" and c.lemma_.lower() in ("skip", "bypass", "ignore")
               for c in verb.children)


_QUICK = re.compile(r"^\W*\S+\s+(?:\w+\s+){0,3}?(?:in|within)\s+(?:(?:under|less\s+than|barely|just|about|only)\s+)?"
                    r"(?:(?:a|one|a\s+few|few|\d+)\s+seconds?\b|(?:a|one|a\s+single|\d)\s+minutes?\b|seconds\b)", re.I)


def in_a_hurry(verb: Token) -> bool:
    """"approved in under a minute", "merged within seconds", "LGTM'd in 40 seconds" (not "merged
    within ten minutes of the page")."""
    if verb.lemma_.lower() not in HASTY_VERBS and not verb.lower_.startswith("lgtm"):
        return False
    doc = verb.doc
    return bool(_QUICK.match(doc.text[verb.idx:doc[verb.sent.end - 1].idx + len(doc[verb.sent.end - 1])]))


def for_a_deadline(verb: Token) -> bool:
    """"switched off ... to make the launch date", "skipped the canary to hit the deadline": a
    safeguard given up for a date."""
    return any(c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() in ("make", "hit", "meet", "catch", "beat")
               and any(t.lower_ in DEADLINES for t in c.subtree) for c in verb.children)


def rubber_stamped(verb: Token) -> bool:
    """"rubber-stamped the change", "was rubber stamped": approved as a formality."""
    doc = verb.doc
    return verb.lemma_.lower() == "stamp" and any(t.lower_ == "rubber" for t in doc[max(0, verb.i - 2):verb.i])


def slept_through(verb: Token) -> bool:
    """"slept through the page", "snoozed through three alarms"."""
    return verb.lemma_.lower() in ("sleep", "snooze", "doze") and any(
        c.dep_ == "prep" and c.lower_ == "through" and any(t.lemma_.lower() in ALARMS for t in c.subtree) for c in verb.children)


def clicked_through(verb: Token) -> bool:
    """"clicked through the warning", "waved away the alert": a warning passed over."""
    lemma = verb.lemma_.lower()
    return lemma in ("click", "wave", "brush", "swipe") and any(
        c.dep_ in ("prep", "prt") and c.lower_ in ("through", "away", "aside", "off") for c in verb.children) and any(
        t.lemma_.lower() in WARNING_WORDS for t in verb.subtree if t.i > verb.i)


def unseasoned_at_night(verb: Token) -> bool:
    """"a junior engineer ran the migration at 2 a.m.", "a new hire with production access dropped
    the table": the agent's inexperience or fatigue set beside a risky hour or power, as the reason."""
    agents = [c for c in verb.children if c.dep_ == "nsubj"] + [
        p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    if not any(m.lower_ in UNSEASONED for a in agents for m in a.children if m.dep_ in ("amod", "compound", "nmod")):
        return False
    words = " ".join(t.lower_ for a in agents for t in a.subtree) + " " + verb.sent.text.lower()
    return bool(_RISKY_HOUR.search(words))


def wrong_or_hasty(verb: Token) -> bool:
    """Any of the forms above."""
    if presses_on(verb) or overrides_safeguard(verb) or rubber_stamped(verb) or slept_through(verb) or clicked_through(verb):
        return True
    if verb_lemma(verb) not in ACTS and not verb.lower_.startswith("lgtm"):
        return False
    return (on_a_hunch(verb) or at_a_bad_time(verb) or left_out_safeguard(verb) or in_a_hurry(verb) or for_a_deadline(verb)
            or unseasoned_at_night(verb))
