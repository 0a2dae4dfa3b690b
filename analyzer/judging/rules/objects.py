"""What the agent check needs to know about a verb's object: its own words (not the phrases that
say where it went), and the acts that repair rather than cause ("rolled back the faulty
deployment", "killed the runaway queries", a service that "failed to restart")."""

from __future__ import annotations

from spacy.tokens import Token

# undoing or taking away a bad thing is the repair, not the failure: "rolled back the faulty
# deployment", "disabled the incorrect peering", "removes broken jobs"; except the wrong one ("wrong"
# says the act itself was the slip: "disabled the wrong peering")
REMOVAL_VERBS = frozenset("remove disable revert undo rollback stop drop delete purge kill fix repair replace"
                          " quarantine isolate drain cordon deprecate retire".split())
SLIP_TARGET = frozenset({"wrong", "mistaken"})
# killing or dropping these is how responders stop the bleeding ("killed the outstanding queries on the
# master"): destroying them is a failure only by mistake
TRANSIENT = frozenset("query queries process processes job jobs pod pods connection connections session sessions"
                      " lock locks worker workers thread threads request requests transaction transactions"
                      " container containers task tasks".split())
# what a system does by itself: "X failed to restart" says a service did not come back, a person
# "failed to restart the server" (an object) is another matter
SELF_ACTS = frozenset("start restart boot reboot launch respond reply connect reconnect load reload sync synchronize"
                      " replicate recover resolve come scale spawn compile build converge elect register heartbeat"
                      " initialize initialise mount import export authenticate fetch parse render serve open close"
                      " complete finish terminate exit shut".split())


def noun_phrase(token: Token) -> list[Token]:
    """The object's own words: its modifiers and the things listed with it, not the phrases that
    say where it went or what it later did ("the script across broken nodes", "the server, which is
    still broken", "alerting for the presence of incorrect data")."""
    out = [token]
    for child in token.children:
        if child.dep_ in ("prep", "relcl", "acl", "advcl", "appos", "punct", "cc") and not (
                child.dep_ == "prep" and child.lower_ == "with"):
            continue
        out.extend(noun_phrase(child))
    return out


# who is outside the organisation writing the review: a "third-party crew", a "construction crew"
OUTSIDERS = frozenset("third party third-party external construction utility".split())
