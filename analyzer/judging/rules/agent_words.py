"""The words the `agent` kind reads a failure by: failure, duty and destructive verbs, what makes
a neutral act a failure (a bad object, a missing safeguard, a slip), and verb forms the lemmatizer
may leave inflected. Kept apart from the parse logic in agent.py; the classifier's features use
the same reading."""

from __future__ import annotations

from spacy.tokens import Token

FAILURE_VERBS = frozenset(
    "forget ignore neglect overlook miss skip misconfigure misread mistype misjudge mishandle botch bungle"
    " mess screw fumble break corrupt bypass circumvent disregard cause crash ruin"
    " fail omit sabotage blow leak underprovision feck muck cock fuck bork flub".split()
)
# duties a person can leave undone: "Dana never verified the restore", "Omar has not respected the
# freeze" (a negated active verb counts only for these, and not when the clause gives the reason)
DUTY_VERBS = frozenset(
    "test verify check validate review rotate renew update follow respect read tell inform notify warn escalate"
    " monitor answer acknowledge document communicate confirm consult heed patch revoke respond set configure"
    " enable schedule pin open".split()
)
LAPSE = frozenset("expire lapse slip rot drift overflow".split())  # "let the certificate expire"
EXPOSED = frozenset(
    "open public exposed unlocked unencrypted unpatched unprotected unsecured unattended world-readable".split()
)  # "left the admin port open"
# destroying something is often the remedy ("@kat deletes the stray pods"): a failure only with
# a valuable or wrong object ("the production bucket", "the wrong job", "the whole CDN"), a
# slip ("by accident") or a missing safeguard
DESTRUCTIVE_VERBS = frozenset("delete wipe nuke kill trash purge drop truncate destroy erase overwrite".split())
VALUABLE = frozenset(
    "production prod live primary customer customers user users entire whole master main"
    " backup backups database".split()
)
REMEDY = frozenset("fix hotfix patch rollback revert mitigation workaround".split())
SECRETS = frozenset("key keys password passwords secret secrets token tokens credential credentials".split())
PUBLIC = frozenset("public gist pastebin internet world-readable".split())  # "pasted the key in a public gist"
UNHEEDED = frozenset("unacknowledged unanswered unread unnoticed unreviewed untested unchecked ignored".split())
PRODUCTION = frozenset({"production", "prod", "main", "master", "live"})
BREACH = frozenset({"breach", "contravention", "violation", "defiance"})
CONCESSIVE = frozenset({"although", "though", "despite"})
NO_CHECKS = frozenset("failing failed zero red untested unreviewed".split())
SLIP = frozenset("accidentally mistakenly inadvertently unintentionally accident mistake incorrectly wrongly erroneously".split())
NEUTRAL_VERBS = frozenset(
    "push merge deploy ship approve run change apply commit release make write edit modify update execute"
    " enter type set introduce roll drop disable remove leave add upload launch trigger rush share publish post"
    " swap click provision initiate train label configure expose schedule".split()
)
BAD_WORDS = frozenset(
    "bad broken wrong faulty incorrect untested buggy malformed invalid unreviewed erroneous dangerous"
    " destructive mistaken mistake error typo blunder bug careless sloppy unsafe unvetted"
    " misconfigured phishing unapproved unverified unauthorised unauthorized".split()
)
MISSING_SAFEGUARD = frozenset(
    "test testing tests review reviews reviewing approval approvals check checks checking canary permission"
    " telling notice notifying announcement backup backups warning peer validation asking authorization"
    " authorisation sign-off signoff permissions heads heads-up communication coordination consultation"
    " informing inform consulting eval evals evaluation evaluations experiment experiments verification verifying"
    " confirming confirmation dry-run rehearsal".split()
)
# acts that are neutral whatever their object's state ("restarted the broken pods" is the repair):
# a failure only on the wrong target ("pulled the wrong cable", "restarted the service on the wrong host")
TARGET_VERBS = frozenset(
    "pull unplug restart reboot select pick target use copy paste flip toggle rename move reset drain install"
    " upgrade downgrade point switch patch migrate replace".split()
)
# turning a warning off: "muted the monitoring channel", "switched off notifications", "silenced the alert"
SILENCE_VERBS = frozenset("mute silence snooze disable switch turn".split())
WARNINGS = frozenset(
    "alert alerts alarm alarms notification notifications monitoring pager pagers page pages paging alerting"
    " warning warnings".split()
)
NOISE = frozenset("noisy flapping duplicate duplicated spurious false redundant stale obsolete test".split())
# a response step declined: "refused to roll back", "declined to escalate"
REFUSED_STEPS = frozenset("roll rollback revert escalate page stop pause wait listen halt abort".split())
COMPLEMENT_VERBS = frozenset({"forget", "fail", "neglect", "omit"})
# verbs whose passive "was <verb>ed by X" with a neutral verb still needs a bad subject
IRREGULAR_VBN = {
    "push": "pushed", "run": "run", "make": "made", "break": "broken", "forget": "forgotten",
    "write": "written", "take": "taken", "drop": "dropped", "skip": "skipped", "set": "set",
    "ship": "shipped", "commit": "committed", "deploy": "deployed", "miss": "missed", "ignore": "ignored",
    "overlook": "overlooked", "blow": "blown", "leave": "left", "do": "done", "get": "got",
    "mistype": "mistyped", "put": "put", "send": "sent", "rush": "rushed", "upload": "uploaded",
    "kill": "killed", "wipe": "wiped", "delete": "deleted", "approve": "approved", "merge": "merged",
    "type": "typed", "enter": "entered", "apply": "applied", "modify": "modified", "trigger": "triggered",
}


KNOWN_VERBS = FAILURE_VERBS | NEUTRAL_VERBS | DESTRUCTIVE_VERBS | TARGET_VERBS | SILENCE_VERBS
# irregular past tenses and participles of the verbs above, form -> lemma
PAST_FORMS = {form: lemma for lemma, form in IRREGULAR_VBN.items() if form != lemma} | {
    "forgot": "forget", "broke": "break", "blew": "blow", "ran": "run", "wrote": "write", "took": "take",
    "overran": "overrun", "did": "do", "mistook": "mistake", "overrode": "override", "undid": "undo",
    "misread": "misread", "shot": "shoot", "threw": "throw", "drove": "drive", "stole": "steal",
}


def you_blamed(agent: Token, verb: Token) -> bool:
    """"You forgot to renew it", "you broke staging": the second person in the past, in a main
    clause; not advice ("you should ..."), a condition ("in case you missed it", "if you deleted
    ...") nor a reassurance ("nobody thinks you caused this")."""
    if agent.lower_ != "you" or verb.dep_ not in ("ROOT", "conj"):
        return False
    if any(t.lower_ in ("if", "case", "when", "once", "unless", "whether") for t in agent.doc[max(0, agent.i - 3):agent.i]):
        return False
    return verb.tag_ in ("VBD", "VBN") or verb.lower_ in PAST_FORMS or verb.lower_.endswith("ed")


def verb_lemma(verb: Token) -> str:
    """The verb's lemma; where the lemmatizer left an inflected form ("forgot", "skipped"), the
    verb of ours it is a form of. (Only the verbs the checks know matter here, so this needs no
    lemma table: loading lemminflect's cost a cold check about 0.4 s.)"""
    lemma = verb.lemma_.lower()
    if lemma not in KNOWN_VERBS and lemma.endswith("e") and lemma[:-1] in KNOWN_VERBS:
        return lemma[:-1]  # slang the lemmatizer does not know: "fecked" -> "fecke"
    if lemma != verb.lower_ or lemma in KNOWN_VERBS:
        return lemma
    if lemma in PAST_FORMS:
        return PAST_FORMS[lemma]
    for suffix, repl in (("ied", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("s", ""), ("es", ""), ("ing", ""), ("ing", "e")):
        if lemma.endswith(suffix):
            stem = lemma[: len(lemma) - len(suffix)] + repl
            for cand in (stem, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem):
                if cand in KNOWN_VERBS:
                    return cand
    return lemma
