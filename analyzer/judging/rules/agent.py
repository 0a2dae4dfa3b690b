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

from analyzer.judging.rules.objects import OUTSIDERS, REMOVAL_VERBS, SELF_ACTS, SLIP_TARGET, TRANSIENT, noun_phrase
from analyzer.nlp.lexicon import Lexicon, agent_kind, is_speaker_label, opens_clause

FAILURE_VERBS = frozenset(
    "forget ignore neglect overlook miss skip misconfigure misread mistype misjudge mishandle botch bungle"
    " mess screw fumble break corrupt bypass circumvent disregard cause crash ruin"
    " fail omit sabotage blow".split()
)
# destroying something is often the remedy ("@kat deletes the stray pods"): a failure only with
# a valuable or wrong object ("the production bucket", "the wrong job", "the whole CDN"), a
# slip ("by accident") or a missing safeguard
DESTRUCTIVE_VERBS = frozenset("delete wipe nuke kill trash purge drop truncate destroy erase overwrite".split())
VALUABLE = frozenset(
    "production prod live primary customer customers user users entire whole master main"
    " backup backups database".split()
)
REMEDY = frozenset("fix hotfix patch rollback revert mitigation workaround".split())
PRODUCTION = frozenset({"production", "prod", "main", "master", "live"})
BREACH = frozenset({"breach", "contravention", "violation", "defiance"})
CONCESSIVE = frozenset({"although", "though", "despite"})
NO_CHECKS = frozenset("failing failed zero red untested unreviewed".split())
SLIP = frozenset("accidentally mistakenly inadvertently unintentionally accident mistake".split())
NEUTRAL_VERBS = frozenset(
    "push merge deploy ship approve run change apply commit release make write edit modify update execute"
    " enter type set introduce roll drop disable remove leave add upload launch trigger rush".split()
)
BAD_WORDS = frozenset(
    "bad broken wrong faulty incorrect untested buggy malformed invalid unreviewed erroneous dangerous"
    " destructive mistaken mistake error typo blunder bug careless sloppy unsafe unvetted"
    " misconfigured".split()
)
MISSING_SAFEGUARD = frozenset(
    "test testing tests review reviews reviewing approval approvals check checks checking canary permission"
    " telling notice notifying announcement backup backups warning peer validation asking authorization"
    " authorisation sign-off signoff permissions".split()
)
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


KNOWN_VERBS = FAILURE_VERBS | NEUTRAL_VERBS | DESTRUCTIVE_VERBS
# irregular past tenses and participles of the verbs above, form -> lemma
PAST_FORMS = {form: lemma for lemma, form in IRREGULAR_VBN.items() if form != lemma} | {
    "forgot": "forget", "broke": "break", "blew": "blow", "ran": "run", "wrote": "write", "took": "take",
    "overran": "overrun", "did": "do", "mistook": "mistake", "overrode": "override", "undid": "undo",
    "misread": "misread", "shot": "shoot", "threw": "throw", "drove": "drive", "stole": "steal",
}


def vbn(lemma: str) -> str:
    """The past participle of a verb lemma ("spin" -> "spun", "have" -> "had")."""
    from lemminflect import getInflection

    forms = getInflection(lemma, tag="VBN")
    if forms:
        return forms[0]
    if lemma in IRREGULAR_VBN:
        return IRREGULAR_VBN[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


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
        if child.dep_ == "prep" and child.lower_ == "with" and _subtree_has(child, NO_CHECKS):
            return True  # "merged with failing tests", "with zero evals run"
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


def verb_lemma(verb: Token) -> str:
    """The verb's lemma; where the lemmatizer left an inflected form ("forgot", "skipped"), the
    verb of ours it is a form of. (Only the verbs the checks know matter here, so this needs no
    lemma table: loading lemminflect's cost a cold check about 0.4 s.)"""
    lemma = verb.lemma_.lower()
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


def _is_failure(verb: Token) -> bool:
    lemma = verb_lemma(verb)
    if lemma in FAILURE_VERBS:
        if lemma in ("cause",):
            # "X caused the outage" - only with a failure-like object
            return any(c.dep_ == "dobj" for c in verb.children)
        if lemma in ("fail",):
            # "failed to renew the certificate"; not a service that "failed to restart"
            return any(c.dep_ == "xcomp" and not (c.lemma_.lower() in SELF_ACTS and not any(
                d.dep_ in ("dobj", "nsubjpass") for d in c.children)) for c in verb.children)
        return True
    if any(c.dep_ in ("advmod", "prep") and _subtree_has(c, SLIP) for c in verb.children):
        return True  # any act "by mistake" or "accidentally"
    if lemma in DESTRUCTIVE_VERBS:
        return _has_bad_object(verb) or _destroys_valuable(verb)
    if lemma in NEUTRAL_VERBS:
        return _has_bad_object(verb)
    return False


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
    return bool(aux & {"might", "may", "could", "can"}) and "have" not in aux


def _outsider(agent: Token) -> bool:
    """A crew or party outside the organisation ("a third-party crew cut the fibre", "a
    construction crew"): an event of the world, not a lapse of the team writing the review."""
    return any(t.lower_ in OUTSIDERS for t in agent.children if t.dep_ in ("amod", "compound", "nmod"))


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
    if not out:
        # a name the parser misread, opening the clause: "Will ignored ..." (a modal), "June broke ..."
        out = [(c, False) for c in verb.children
               if c.dep_ in ("aux", "npadvmod") and c.i < verb.i and c.is_title and opens_clause(c)]
    if not out and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        out = [(a, p) for a, p in _agents(verb.head) if not p]
    if not out and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("try", "manage", "decide", "choose", "attempt"):
        out = _agents(verb.head)
    if not out and verb.dep_ == "relcl":
        # "the engineer ignoring the alert" / "the config pushed by Priya" handled above; bare relcl
        pass
    # "Priya and Tom skipped" -> both
    more = []
    for tok, passive in out:
        more.extend((c, passive) for c in tok.children if c.dep_ == "conj")
    return out + more


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


def _phrase(token: Token) -> str:
    return _text(list(token.subtree))


def _object_and_tail(obj: Token) -> tuple[str, str]:
    """An object without the phrases that tell where or instead of what ("the refund script" and
    "against prod instead of staging"), so the rewrite reads "The refund script was run against
    prod instead of staging"."""
    tails = [c for c in obj.rights if c.dep_ in ("prep", "cc") and c.lower_ not in ("of", "for", "with") or
             c.dep_ == "cc" and c.lower_ == "of"]
    moved = {t.i for c in tails for t in c.subtree}
    core = [t for t in obj.subtree if t.i not in moved]
    return _text(core), " ".join(_phrase(c) for c in tails)


def _rest(verb: Token, exclude: set[int]) -> str:
    parts = []
    for child in verb.rights:
        if child.dep_ in ("punct", "cc", "conj", "prt", "neg", "aux", "auxpass") or child.i in exclude:
            continue
        parts.append(_phrase(child))
    return " ".join(p for p in parts if p)


def blameless_rewrite(verb: Token, agent: Token, passive: bool) -> str:
    """A concrete rewrite of the sentence with the system, not the person, as the subject."""
    lemma = verb_lemma(verb)
    sent = verb.sent
    if passive:
        agent_prep = agent.head
        drop = {t.i for t in agent_prep.subtree}
        words = [t for t in sent if t.i not in drop and not t.is_space]
        base = _text(words).rstrip(" .!")
        return f"{base[:1].upper()}{base[1:]}. What made that possible, and what would have caught it?"
    if lemma in COMPLEMENT_VERBS:
        comp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if comp is not None:
            obj = next((c for c in comp.children if c.dep_ in ("dobj", "nsubjpass")), None)
            what = _phrase(obj) if obj is not None else "The step"
            rest = _rest(comp, {obj.i} if obj is not None else set())
            negated = any(c.dep_ == "neg" for c in comp.children)  # "forgot to not restart": it was restarted
            text = f"{what[:1].upper()}{what[1:]} {_be(obj)}{'' if negated else ' not'} {vbn(comp.lemma_.lower())}{(' ' + rest) if rest else ''}"
            return f"{text.rstrip(' .')}: the process relied on someone remembering it, and nothing checked or automated it."
    obj = next((c for c in verb.children if c.dep_ in ("dobj",)), None)
    if obj is not None:
        what, tail = _object_and_tail(obj)
        rest = " ".join(p for p in (tail, _rest(verb, {obj.i})) if p)
        particle = next((c.text for c in verb.children if c.dep_ == "prt"), "")
        verb_text = vbn(lemma) + (f" {particle}" if particle else "")
        if lemma in ("ignore", "miss", "overlook", "disregard"):
            return f"{what[:1].upper()}{what[1:]} went unanswered{(' ' + rest) if rest else ''}. What made it easy to miss (noise, routing, fatigue)?".replace("  ", " ")
        text = f"{what[:1].upper()}{what[1:]} {_be(obj)} {verb_text}{(' ' + rest) if rest else ''}"
        return f"{text.rstrip(' .')}, and nothing in the process stopped it. Which check was missing?"
    return QUESTION


QUESTION = "Ask the question behind it instead of naming who acted: what made this easy to do (or to miss), and what would have caught it?"


def find_agent_hits(doc: Doc, lexicon: Lexicon) -> list[AgentHit]:
    hits: list[AgentHit] = []
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        # a negated verb is no failure ("Priya did not ignore the alert"), except a passive one with
        # a person as its agent: an omission pinned on someone ("was not verified by the owner")
        negated = any(c.dep_ == "neg" for c in verb.children)
        if negated and (verb.tag_ != "VBN" or _explained(verb) or verb.sent.text.rstrip().endswith("?")) \
                or not negated and not _is_failure(verb) or _only_possible(verb):
            continue
        for agent, passive in _agents(verb):
            if negated and not passive:
                continue
            kind = agent_kind(agent, lexicon)
            if kind is None or is_speaker_label(agent) or kind == "team" and _outsider(agent):
                continue
            if passive:
                agent_tokens = [agent.head, agent]
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
    return hits


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
