"""People, roles and teams: the lexicon the blame checks and classifier features share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from spacy.tokens import Token

from analyzer.yamlio import safe_load
from analyzer.nlp.people import WEEKDAYS, acts_as_person, in_handle, seat_role

NON_PERSON_ENTS = frozenset(
    "ORG PRODUCT GPE LOC FAC WORK_OF_ART LAW EVENT DATE TIME MONEY CARDINAL ORDINAL PERCENT QUANTITY LANGUAGE".split()
)


@dataclass(frozen=True)
class Lexicon:
    roles: frozenset[str]
    role_phrases: tuple[str, ...]
    teams: frozenset[str]
    pronouns: frozenset[str]
    systems: frozenset[str]
    name_words: frozenset[str] = frozenset()

    def with_systems(self, extra: list[str] | tuple[str, ...]) -> "Lexicon":
        if not extra:
            return self
        return Lexicon(self.roles, self.role_phrases, self.teams, self.pronouns, self.systems | {s.lower() for s in extra},
                       self.name_words)


@lru_cache(maxsize=1)
def lexicon_data() -> dict:
    """analyzer/data/lexicon.yaml, parsed once per process (the lexicon and the classifier's
    failing-word gate both read it)."""
    return safe_load(files("analyzer").joinpath("data/lexicon.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    data = lexicon_data()
    return Lexicon(
        roles=frozenset(w.lower() for w in data["roles"]),
        role_phrases=tuple(p.lower() for p in data.get("role_phrases", [])),
        teams=frozenset(w.lower() for w in data["teams"]),
        pronouns=frozenset(w.lower() for w in data["pronouns"]),
        systems=frozenset(w.lower() for w in data["systems"]),
        name_words=frozenset(w.lower() for w in data.get("names_that_are_words", [])),
    )


_COMMON_WORDS: frozenset[str] = frozenset()


_ENTITY_RECOGNISER = None  # the base pipeline's `ner`, loaded but not run on every Doc
# Verbs whose subject is a system, not a person: "Prow crashed", "Translate returned 500s",
# "Jenkins was redeployed". A Title-case subject of these is a service, whatever NER thinks.
SYSTEM_VERBS = frozenset(
    "crash restart reboot hang stall freeze return respond serve throttle reject time timeout degrade panic "
    "segfault oom leak spike recover redeploy reschedule evict scale autoscale page alert fire emit log "
    "error 500 404 503 go".split()
)


def set_entity_recogniser(pipe) -> None:  # noqa: ANN001 - a spaCy EntityRecognizer
    """The named-entity recogniser, run on demand on the few sentences where a capitalised
    first word may be a name or a word ("Ben forgot ...", "Mark ignored ...", "Manual steps ...")."""
    global _ENTITY_RECOGNISER
    _ENTITY_RECOGNISER = pipe


def _ner_person(token: Token) -> bool:
    """Whether the entity recogniser, run on this token's sentence alone, calls the token a PERSON."""
    if _ENTITY_RECOGNISER is None:
        return False
    doc = token.doc
    cache = doc.user_data.setdefault("pm_ner_sents", {})
    sent = token.sent
    if sent.start not in cache:
        try:
            tagged = _ENTITY_RECOGNISER(sent.as_doc())
            cache[sent.start] = {i + sent.start for e in tagged.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        except Exception:  # noqa: BLE001 - a failing recogniser means "no evidence", never a crash
            cache[sent.start] = set()
    return token.i in cache[sent.start]


# nouns after which a Title-case word is the name of a system: "the Echo extension", "Swift proxies"
SYSTEM_NOUNS = frozenset(
    "server servers service services cluster clusters extension extensions proxy proxies job jobs node nodes host"
    " hosts daemon database db api instance instances process processes worker workers queue queues module"
    " modules plugin plugins library package pipeline app application backend backends frontend storage cache"
    " caches config configuration deployment version release releases logs alerts check checks bot repo"
    " repository binary container containers image images endpoint endpoints cron scheduler controller"
    " operator agent agents client clients driver kernel firmware tool tooling dashboard daemons flag flags"
    " feature features schema table tables index cluster".split()
)
# verbs whose object is a system: "restarted Swift", "upgraded to Jessie", "deployed Kartotherian"
SYSTEM_OBJECT_VERBS = frozenset(
    "restart reboot redeploy deploy upgrade downgrade install uninstall configure reconfigure patch migrate"
    " depool repool".split()
)
# what only software does: its subject, anywhere in the document, names a system ("Echo crashed");
# people also page, respond, return and restart things, so those verbs say so only of their own token
DOCUMENT_SYSTEM_VERBS = frozenset("crash hang stall freeze throttle timeout degrade panic segfault oom leak evict"
                                  " autoscale".split())
SYSTEM_PASSIVES = frozenset({"redeploy", "restart", "reboot", "upgrade", "patch", "depool", "repool"})
DEFECTS = frozenset("bug bugs regression regressions vulnerability flaw defect memory leak race".split())
_TIME_PARTS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun"
    " jul aug sep sept oct nov dec pacific eastern central mountain utc gmt pst pdt est edt cet cest bst ist".split()
)


def _document_systems(doc) -> frozenset[str]:  # noqa: ANN001 - a spaCy Doc
    """Title-case words the document itself uses as names of systems: before a system noun ("the
    Icinga server"), as the object of a system verb ("restarted Swift"), or as the subject of what
    only software does ("Echo crashed", "Heron was redeployed"). Computed once per Doc, when a
    person check first asks."""
    cached = doc.user_data.get("pm_system_words")
    if cached is not None:
        return cached
    found = set()
    for tok in doc:
        text = tok.text
        if not (tok.is_alpha and len(text) > 1 and text[0].isupper()):
            continue
        head = tok
        while head.dep_ in ("compound", "nmod") and head.head.i > head.i:
            head = head.head  # "the Jessie NFS configuration": up the chain of noun modifiers
        if head is not tok and head.lemma_.lower() in SYSTEM_NOUNS and head.pos_ in ("NOUN", "PROPN"):
            found.add(tok.lower_)
        elif tok.dep_ == "dobj" and tok.head.lemma_.lower() in SYSTEM_OBJECT_VERBS:
            found.add(tok.lower_)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lemma_.lower() in ("upgrade", "downgrade", "migrate"):
            found.add(tok.lower_)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lemma_.lower() in DEFECTS:
            found.add(tok.lower_)  # "a known bug in Swift", "a regression in Echo"
        elif tok.dep_ == "nsubj" and tok.head.lemma_.lower() in DOCUMENT_SYSTEM_VERBS:
            found.add(tok.lower_)
        elif tok.dep_ == "nsubjpass" and tok.head.lemma_.lower() in SYSTEM_PASSIVES:
            found.add(tok.lower_)
    result = frozenset(found)
    doc.user_data["pm_system_words"] = result
    return result


def _time_expression(token: Token) -> bool:
    """A month or time zone beside a number: "20 May 2018", "16:00 US/Pacific" (a date, not June or May)."""
    if token.lower_ not in _TIME_PARTS:
        return False
    doc = token.doc
    near = [doc[j] for j in range(max(0, token.i - 3), min(len(doc), token.i + 3)) if j != token.i]
    return any(c.dep_ == "nummod" for c in token.children) or any(t.like_num or any(ch.isdigit() for ch in t.text) for t in near)


def _not_a_person(token: Token) -> bool:
    """Evidence that a Title-case word is not a person: a date, or a system the document itself
    names as one. (The small entity recogniser's ORG or GPE is no such evidence: it gives those
    labels to many first names from outside the English-speaking world, "Ngozi", "Javier", "Kumar".)"""
    return _time_expression(token) or token.lower_ in _document_systems(token.doc)


def confirmed_person(token: Token, lexicon: Lexicon) -> bool:
    """A person by more than capitals: a pronoun, a role or team, a name that is also a word, or a
    name the entity recogniser calls a person (not "Kjøremiljø", a team's name it calls an ORG)."""
    if token.pos_ != "PROPN" or token.lower_ in lexicon.name_words or token.ent_type_ == "PERSON":
        return True
    return agent_kind(token, lexicon) != "person" or _ner_person(token)


def _system_by_context(token: Token) -> bool:
    """A Title-case subject of a system verb ("Prow crashed", "Jenkins was redeployed")."""
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    head = token.head
    if head.lemma_.lower() == "go" and any(c.lower_ in ("ahead", "home", "back") for c in head.children):
        return False  # "Ravi went ahead anyway": a person's choice, not a service going down
    if head.lemma_.lower() in SYSTEM_VERBS or head.lower_ in SYSTEM_VERBS:
        return True
    return token.dep_ == "nsubjpass" and head.lemma_.lower() in {"redeploy", "restart", "reboot", "roll", "scale", "deploy", "upgrade", "patch"}


def set_common_words(words: frozenset[str]) -> None:
    """English words known to the base pipeline's lemmatizer (set once when it is built): a
    sentence-initial "Manual" is a word, a sentence-initial "Priya" is a name."""
    global _COMMON_WORDS
    _COMMON_WORDS = words


def agent_kind(token: Token, lexicon: Lexicon | None = None) -> str | None:
    """'person', 'role' or 'team' when the token names a human agent, else None."""
    lex = lexicon or token.doc._.pm_lexicon or default_lexicon()
    lower = token.lower_
    if lower in lex.systems or token.lemma_.lower() in lex.systems or lower in WEEKDAYS:
        return None  # a system, or a day ("on Friday evening")
    if lower in lex.pronouns:
        return "person"
    i = token.i
    if i > 0 and token.doc[i - 1].text == "@" and token.is_alpha:
        return "person"
    if lower.startswith("@") and len(lower) > 1 or in_handle(token):
        return "person"  # "@farah-z": the tokenizer splits a handle at its hyphen
    if seat_role(token):
        return "role"  # "the secondary did not pick up the page" (not a replica)
    if token.pos_ not in _AGENT_POS and token.tag_ != "MD":  # every check below asks for one of these, but "on-call"
        return "role" if lower == "call" and i >= 2 and token.doc[i - 1].text == "-" and token.doc[i - 2].lower_ == "on" else None
    if token.ent_type_ == "PERSON" and token.pos_ in ("PROPN", "NOUN"):
        return "person"
    text = token.text
    if text[:1].isupper() and token.pos_ in ("PROPN", "NOUN") and not {lower, token.lemma_.lower()} & (lex.roles | lex.teams) \
            and _not_a_person(token):
        return None
    if (
        token.pos_ == "PROPN"
        and not any(c.dep_ == "det" for c in token.children)  # "the Service", "the Vendor": not a name
        and token.ent_type_ not in NON_PERSON_ENTS
        and token.is_alpha
        and len(text) > 1
        and text[0].isupper()
        and text[1:].islower()
        and (not _in_proper_name_run(token) or _named_person_run(token))
        and not _system_by_context(token)
        # a capitalised first word is evidence of a name only if it is not an English word, one
        # of the names that are also words ("Tom", "Mark"), or a name by the entity recogniser
        # (the recogniser is asked only about a subject or an owner: it is the costly part of a check)
        and (not (opens_clause(token) and lower in _COMMON_WORDS) or lower in lex.name_words
             or token.dep_ in ("nsubj", "nsubjpass", "poss") and _ner_person(token) or acts_as_person(token))
    ):
        return "person"
    if _name_as_noun(token, lex):
        return "person"
    if _tool_name_part(token, lex):
        return None  # "cert-manager", "kube-scheduler-operator": a program's name, not a role
    lemma = token.lemma_.lower()
    if token.pos_ in ("NOUN", "PRON", "PROPN") and (lemma in lex.roles or lower in lex.roles):
        return "role"
    if lemma == "member" and token.tag_ == "NN" and (
            token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_ != "be" or token.dep_ == "pobj" and token.head.dep_ == "agent"):
        return "role"  # a member who acts ("a staff member shared ...", "... by a member of the team"), not one present
    if lower == "call" and i >= 2 and token.doc[i - 1].text == "-" and token.doc[i - 2].lower_ == "on":
        return "role"
    if i >= 1 and token.pos_ in ("NOUN", "PROPN") and f"{token.doc[i - 1].lower_} {lower}" in lex.role_phrases:
        return "role"  # "night shift", "release manager", "data scientist"
    if token.text == "IT" and token.pos_ in ("NOUN", "PROPN", "PRON") and token.dep_ in ("nsubj", "nsubjpass", "pobj", "poss"):
        return "team"  # "IT ignored the warnings" (capitals only: "it" is a pronoun)
    if token.pos_ == "NOUN" and lemma in lex.teams or token.pos_ == "PROPN" and lower in lex.teams:
        return "team"  # "the platform team"; "Ops ignored ...", "QA skipped ..."
    return None


_AGENT_POS = frozenset({"NOUN", "PROPN", "PRON"})


def _tool_name_part(token: Token, lex: Lexicon) -> bool:
    """A role or team word hyphenated, without spaces, onto the word before it ("cert-manager",
    "db-operator"): a program's name. Not "on-call", nor a role phrase written with a hyphen
    ("release-manager")."""
    doc, i = token.doc, token.i
    if i < 2 or doc[i - 1].text != "-" or doc[i - 1].whitespace_ or doc[i - 2].whitespace_ or not doc[i - 2].is_alpha:
        return False
    before = doc[i - 2].lower_
    return before != "on" and f"{before} {token.lower_}" not in lex.role_phrases


_SUBJECT_LIKE = frozenset({"nsubj", "nsubjpass", "poss", "conj", "appos", "ROOT", "npadvmod", "dep"})


def opens_clause(token: Token) -> bool:
    """The first word of a sentence, a table cell, a label's value or a list item, where a
    capital letter says nothing about a name ("| Canary should have caught it |")."""
    if token.is_sent_start or token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    return prev.is_space or prev.text in ("|", ":", "-", "*", "•", "(", '"', "“", "[", ">")


def is_speaker_label(token: Token) -> bool:
    """A chat or minutes line's speaker ("Ravi: the suite should have caught it"), not an agent."""
    doc = token.doc
    return token.i + 1 < len(doc) and doc[token.i + 1].text == ":"


# verbs only a person (or a team) can be the subject of: a lapse of memory or judgement
LAPSE_VERBS = frozenset("forget neglect overlook misjudge misread misunderstand misinterpret misremember".split())
LAPSE_PAST = frozenset("forgot forgotten neglected overlooked misjudged misread misunderstood misinterpreted misremembered".split())
# a machine "forgets" too: "Model forgot old patterns" (catastrophic forgetting)
_MACHINE_NOUNS = SYSTEM_NOUNS | frozenset(
    "model models system systems validator classifier detector monitor linter network router balancer algorithm"
    " ranker encoder tokenizer parser script test suite alert alarm filter guard gate cache memory index agent"
    " assistant chatbot llm".split())
# a capitalised common noun is not a name ("Monitoring overlooked ...", "Validation neglected ...")
_ABSTRACT_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ism", "ance", "ence", "ure")


def _name_as_noun(token: Token, lex: Lexicon) -> bool:
    """A first name the tagger read as a common noun or a modal: "Summer forgot ...", "Grace
    swapped ...", "Ravi merged ...", "Will ignored ...". It stands alone (no determiner or
    adjective), in the place of a subject or an owner, and is a name: one of the names that are
    also words, or a word that is not an English word and that the entity recogniser calls a
    person. A Title-case subject of a system verb ("Prow crashed") stays a system."""
    text = token.text
    if not (token.is_alpha and len(text) > 1 and text[0].isupper() and text[1:].islower()):
        return False
    lower = token.lower_
    if token.tag_ == "MD":
        # "Will ignored the drift alerts": a sentence-initial modal before a past verb with no subject
        head = token.head
        # ("Will forgot ...": after a modal the tagger reads "forgot" as a base form)
        return ((lower in lex.name_words and head.tag_ in ("VBD", "VBN") or head.lower_ in LAPSE_PAST) and opens_clause(token)
                and not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass") or c.lemma_ in ("be", "have")
                            for c in head.children if c.i != token.i))
    if token.pos_ not in ("NOUN", "PROPN") or token.dep_ not in _SUBJECT_LIKE:
        return False
    if any(c.dep_ in ("det", "amod", "compound", "nummod") for c in token.children):
        return False
    if _system_by_context(token) or _in_proper_name_run(token):
        return False
    if lower in lex.name_words or token.dep_ == "nsubj" and token.tag_ == "NNP" and opens_clause(token) \
            and token.head.lemma_ in LAPSE_VERBS and not lower.endswith(_ABSTRACT_ENDINGS) \
            and lower not in _MACHINE_NOUNS:
        return True  # only a mind forgets: "Rhea forgot to run the migration" (a name that is also a word)
    # "Ravi merged ...", not "Boskos' StatefulSet" or a sentence-initial "Validator should have ..."
    return lower not in _COMMON_WORDS and (_ner_person(token) or acts_as_person(token))


def _in_proper_name_run(token: Token) -> bool:
    """Part of a run of capitalised proper nouns that NER did not call a person ("Sydney
    Region", "Storage Engineering"): a place, product or team name, not a person."""
    doc = token.doc
    for j in (token.i - 1, token.i + 1):
        if 0 <= j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and doc[j].ent_type_ != "PERSON":
            return True
    return False


# honorifics before a name ("Mr. Daniel Roe", "Dr Okafor")
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. miss mx mx.".split())


def _named_person_run(token: Token) -> bool:
    """A run of capitalised proper nouns that is a person's full name: after an honorific ("Ms.
    Ada Obi"), or one the entity recogniser calls a person, asked only about the head of a
    subject, an owner or a passive agent ("Wei Jie forgot ...", "... by Mei Ling")."""
    doc = token.doc
    run = [t for t in doc[max(0, token.i - 3):token.i] if t.dep_ == "compound" and t.head.i == token.i]
    if any(t.lower_ in HONORIFICS for t in run):
        return True
    if token.dep_ not in ("nsubj", "nsubjpass", "poss") and not (token.dep_ == "pobj" and token.head.dep_ == "agent"):
        return False
    # the last word of a name is no English word ("Cloud Build", "Zuul Monitor") nor a verb form
    # ("Ensuring Kubernetes-related work"), whatever the recogniser says, unless it is a name that is one
    lower = token.lower_
    if lower not in default_lexicon().name_words and (lower.endswith("ing") or lower in _COMMON_WORDS):
        return False
    return _ner_person(token)


def register_token_extensions() -> None:
    from spacy.tokens import Doc

    if not Doc.has_extension("pm_lexicon"):
        Doc.set_extension("pm_lexicon", default=None)
    if not Token.has_extension("pm_agent"):
        Token.set_extension("pm_agent", getter=lambda t: agent_kind(t))


register_token_extensions()
