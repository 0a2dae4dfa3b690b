"""People by what the sentence says they did, when capitals and the entity recogniser say nothing.

A handle the tokenizer split ("@farah-z ignored ..."), a first name the tagger reads as a noun or
the recogniser as an organisation ("Sven broke the reward grant by not testing ...", "Tyler skipped
the pricing checklist"), and the on-call roles that are also words for replicas ("the secondary did
not pick up the page", not "the secondary replica did not pick up the traffic"). The evidence is an
act only a person does: skipping a checklist, ignoring the runbook, not testing, answering a page.
"""

from __future__ import annotations

from spacy.tokens import Token

# what people, not programs, are asked to follow, read or answer
HUMAN_OBJECTS = frozenset(
    "checklist checklists runbook runbooks procedure procedures process review reviews sign-off signoff approval"
    " approvals guideline guidelines policy policies dashboard dashboards diff diffs docs documentation freeze"
    " calendar playbook handbook instructions escalation handover page pages pager phone call calls ring verdict"
    " objection objections recommendation".split()
)
# lapses that, with one of the objects above, only a person commits
LAPSE_ACTS = frozenset("skip ignore forget neglect overlook disregard bypass circumvent dismiss override overrule".split())
# acts a person leaves out: "by not testing the endpoint", "without telling anyone"
DUTY_GERUNDS = frozenset(
    "test check verify validate review read look tell ask inform notify warn consult wait confirm run".split()
)
# a person's part in paging: "did not pick up the page", "slept through the alarm", "answered the phone"
PAGED_ACTS = frozenset("answer acknowledge ack sleep respond pick".split())
# the on-call seats that are also words for replicas and copies
SEATS = frozenset({"primary", "secondary", "tertiary"})
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def in_handle(token: Token) -> bool:
    """The tail of a handle the tokenizer split at a hyphen, dot or underscore: the "z" of
    "@farah-z", the "p" of "@keanu-p"."""
    doc = token.doc
    j = token.i
    if not token.is_alpha:
        return False
    for _ in range(4):
        if j == 0 or doc[j - 1].whitespace_:
            return False
        j -= 1
        prev = doc[j]
        if prev.text.startswith("@") and len(prev.text) > 1 and (j == 0 or doc[j - 1].whitespace_ or doc[j - 1].is_space):
            return True
        if not (prev.is_alpha or prev.text in ("-", "_", ".")):
            return False
    return False


def _gerund_left_out(verb: Token) -> bool:
    """"by not testing the endpoint", "without telling anyone": a duty verb left out, in a phrase on the verb."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("by", "without"):
            continue
        for comp in prep.children:
            if comp.dep_ == "pcomp" and comp.tag_ == "VBG" and comp.lemma_.lower() in DUTY_GERUNDS and (
                    prep.lower_ == "without" or any(c.dep_ == "neg" for c in comp.children)):
                return True
    return False


def acts_as_person(token: Token) -> bool:
    """The token is the subject of an act only a person does: a lapse with a checklist, a
    runbook or a page as its object ("skipped the pricing checklist"), a duty left out ("broke
    the grant by not testing it", "rolled it out without telling anyone"), or a part in paging
    ("did not pick up the page", "slept through the page")."""
    if token.dep_ != "nsubj":
        return False
    verb = token.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    lemma = verb.lemma_.lower()
    objects = [c for c in verb.children if c.dep_ == "dobj"] + [
        p for c in verb.children if c.dep_ == "prep" and c.lower_ in ("through", "to", "on") for p in c.children if p.dep_ == "pobj"]
    human_object = any(o.lemma_.lower() in HUMAN_OBJECTS or o.lower_ in HUMAN_OBJECTS for o in objects)
    if lemma in LAPSE_ACTS and human_object:
        return True
    if any(c.dep_ == "poss" and c.lower_ in ("his", "her") for o in objects for c in o.children):
        return True  # "Pierre must test his changes": the subject owns what a person owns
    if lemma in PAGED_ACTS and human_object and any(o.lemma_.lower() in ("page", "pager", "phone", "call", "ring", "escalation")
                                                    for o in objects):
        return True
    return _gerund_left_out(verb)


def seat_role(token: Token) -> bool:
    """"The secondary did not pick up the page": an on-call seat as a person, by the act."""
    return token.lower_ in SEATS and not any(c.dep_ in ("compound", "amod") for c in token.children) and acts_as_person(token)
