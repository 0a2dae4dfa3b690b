"""`pmlint_rules`: runs the sentence-level rule kinds (`phrase`, `agent`) over the parse.

Hits are kept in the span group `doc.spans["pmlint"]` (label = rule code) and, with their cue
and rewrite, in `Doc._.rule_hits`. Section scope and context (negation, rejection, hypothetical)
are applied here, so every hit is a finding-in-progress; suppression and severity come later in
the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.lexicon import default_lexicon
from analyzer.judging.rules import SENTENCE_KINDS, Rule, default_rules
from analyzer.judging.classifiers.features import debris_kind
from analyzer.judging.rules.agent import WHO as _WHO, find_agent_hits
from analyzer.judging.rules.prefilter import IndexedMatcher
from analyzer.judging.rules.subjects import person_object_form, subject_agent
from analyzer.judging.rules.unless import names_mechanism, unless_regex
from analyzer.nlp.sections import innermost_section
from analyzer.nlp.components.context import categories_for

for _name in ("rule_hits", "rule_matches"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

FUTURE = re.compile(
    r"\b(we will|we'll|we shall|we should|we need to|we must|going forward|in the future|next time|from now on|"
    r"will be|to prevent|to avoid|moving forward|we plan to|we are going to)\b",
    re.I,
)
ENT_NAMES = {"ORG", "PRODUCT", "WORK_OF_ART", "PERSON", "FAC", "EVENT"}


@dataclass(frozen=True)
class RuleHit:
    code: str
    start: int  # char offsets in the Doc text
    end: int
    cue: str
    rewrite: str = ""
    suggestion: str = ""  # a pattern-specific suggestion, when the rule has one
    agent_kind: str = ""
    debris: str = ""  # "log": a line a program wrote or tracker activity (no blame hit is kept there);
    # "machine": mostly numbers, paths or punctuation (table debris); "title" (a heading) and
    # "contents" (a numbered contents entry) name a topic rather than state a cause

    def explanation(self) -> str:
        """Why the hit was made, in a reviewer's words."""
        cue = " ".join(self.cue.split())
        cue = cue if len(cue) <= 60 else cue[:59] + "…"
        if self.debris in ("title", "contents"):
            return (f"matched \"{cue}\" in a heading, which names a topic, so it is only a suggestion: "
                    "check that the section below describes the conditions rather than a person")
        if self.debris:
            return (f"matched \"{cue}\" in machine text (a log line, table debris or tracker activity), "
                    "so it is only a suggestion")
        if self.agent_kind:  # "unnamed": a passive with nobody named (agentless.py)
            return f"{_WHO.get(self.agent_kind, f'a {self.agent_kind} is the subject or agent of')} a failure verb: \"{cue}\""
        return f"matched \"{cue}\""


def section_at(doc: Doc, char: int) -> str | None:
    """The canonical category of the innermost section containing a doc-local char offset."""
    best = innermost_section(doc._.sections or (), char + doc._.pm_offset)
    return best.category if best else None


class RuleRunner:
    def __init__(self, nlp: Language, rules: tuple[Rule, ...]) -> None:
        self.phrase_rules = [r for r in rules if r.kind == "phrase"]
        self.agent_rules = [r for r in rules if r.kind == "agent"]
        # each pattern runs only on the sentences that hold its required words (prefilter.py)
        self.matcher = IndexedMatcher(nlp.vocab, [(f"{r.code}#{i}", p["pattern"] if isinstance(p, dict) else p)
                                                  for r in self.phrase_rules for i, p in enumerate(r.options.get("patterns", []))],
                                      greedy="LONGEST")
        # `except:` patterns: a hit they overlap is not one
        self.exceptions = IndexedMatcher(nlp.vocab, [(f"{r.code}!{i}", t) for r in self.phrase_rules
                                                     for i, t in enumerate(r.options.get("except", []))])
        # `loosely:` patterns: mechanism words that veto nothing (unless.py)
        self.loose = IndexedMatcher(nlp.vocab, [(f"{r.code}~{i}", t) for r in self.phrase_rules
                                                for i, t in enumerate(r.options.get("loosely", []))])
        self.unless = {r.code: unless_regex(r.options["unless"]) for r in self.phrase_rules if r.options.get("unless")}
        self.pattern_suggestion: dict[str, str] = {}
        self.needs_person: set[str] = set()
        self.at_start: set[str] = set()
        self.needs_object: set[str] = set()
        self.keep_in: dict[str, frozenset[str]] = {}
        self.asked: set[str] = set()
        for rule in self.phrase_rules:
            for i, pat in enumerate(rule.options.get("patterns", [])):
                key, opts = f"{rule.code}#{i}", pat if isinstance(pat, dict) else {}
                if opts.get("suggestion"):
                    self.pattern_suggestion[key] = opts["suggestion"]
                for flag, keys in (("at_start", self.at_start), ("asked", self.asked)):
                    if opts.get(flag):
                        keys.add(key)
                if opts.get("subject") == "person":
                    self.needs_person.add(key)
                if opts.get("object") == "person":
                    self.needs_object.add(key)
                if opts.get("keep_in"):
                    self.keep_in[key] = frozenset(opts["keep_in"])
        self.rules_by_code = {r.code: r for r in rules}

    def __call__(self, doc: Doc) -> Doc:
        hits: list[RuleHit] = []
        lexicon = doc._.pm_lexicon or default_lexicon()
        seen: set[tuple[str, int]] = set()
        matches = self.matcher(doc)
        doc._.rule_matches = matches  # raw pattern matches, reused by the classifier component
        excepted: dict[str, list[tuple[int, int]]] = {}
        if matches and len(self.exceptions):
            for match_id, s, e in self.exceptions(doc):
                excepted.setdefault(doc.vocab.strings[match_id].split("!", 1)[0], []).append((s, e))
        loose: dict[str, list[tuple[int, int]]] = {}
        if matches and len(self.loose):
            for match_id, s, e in self.loose(doc):
                loose.setdefault(doc.vocab.strings[match_id].split("~", 1)[0], []).append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1])))
        for match_id, s, e in sorted(matches, key=lambda m: (m[1], -m[2])):
            key = doc.vocab.strings[match_id]
            code = key.split("#", 1)[0]
            rule = self.rules_by_code[code]
            span = doc[s:e]
            sent = span.sent
            if (code, sent.start) in seen:
                continue
            if any(s < xe and xs < e for xs, xe in excepted.get(code, ())):
                continue
            if key in self.needs_person and not _person_subject(span, lexicon):
                continue
            if key in self.needs_object and not _person_object(span, lexicon):
                continue
            if key in self.at_start and not _opens_sentence(doc[sent.start:s]):
                continue
            if key in self.asked and not _asked_of_people(span, sent, lexicon):
                continue
            if not self._accept(rule, doc, span, sent, lexicon, self.keep_in.get(key, frozenset()),
                                names_allowed=key in self.needs_person, loose=loose.get(code, ())):
                continue
            debris = _not_a_sentence(doc, sent, span)
            if debris == "log" and rule.family == "blame":
                continue  # a line a program wrote, or tracker activity, blames no one whatever its words
            seen.add((code, sent.start))
            if rule.options.get("sentence"):
                target = _trim(sent)
            else:
                target = span
            hits.append(RuleHit(code, target.start_char, target.end_char, span.text, "", self.pattern_suggestion.get(key, ""),
                                debris=debris))
        if self.agent_rules:
            for hit in find_agent_hits(doc, lexicon):
                cats = categories_for(doc, hit.span.start, hit.span.end) & {"REJECTED", "HYPOTHETICAL"}
                if cats:
                    continue
                for rule in self.agent_rules:
                    if hit.kind in rule.options.get("targets", []) and rule.in_scope(section_at(doc, hit.span.start_char)):
                        if (rule.code, hit.span.start) in seen:
                            continue
                        debris = _not_a_sentence(doc, hit.span.sent, hit.span)
                        if debris in ("log", "chat") and rule.family == "blame":
                            continue
                        seen.add((rule.code, hit.span.start))
                        hits.append(RuleHit(rule.code, hit.span.start_char, hit.span.end_char, hit.cue, hit.rewrite, "",
                                            hit.kind, debris=debris))
        doc._.rule_hits = hits
        doc.spans["pmlint"] = [doc.char_span(h.start, h.end, label=h.code, alignment_mode="expand") for h in hits]
        return doc

    def _accept(self, rule: Rule, doc: Doc, span: Span, sent: Span, lexicon, keep_in: frozenset[str] = frozenset(),
                names_allowed: bool = False, loose: tuple | list = ()) -> bool:
        section = section_at(doc, span.start_char)
        if rule.scope:
            in_section = rule.in_scope(section) and any(not s.startswith("@") for s in rule.scope)
            future = "@future" in rule.scope and bool(FUTURE.search(sent.text))
            if not (in_section or future):
                return False
        unless = self.unless.get(rule.code)
        if unless is not None and names_mechanism(unless, sent, loose):
            return False
        if rule.options.get("exclude_propn") and not names_allowed:  # a pattern about a person may hold a name
            for tok in span:
                if tok.pos_ == "PROPN" or tok.ent_type_ in ENT_NAMES:
                    return False
                nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                if tok.is_title and nxt is not None and nxt.is_title and tok.i != sent.start:
                    return False
                if tok.is_title and tok.i == sent.start and nxt is not None and nxt.is_title:
                    return False
        if rule.options.get("requires_agent"):
            from analyzer.nlp.lexicon import agent_kind

            if not any(agent_kind(t, lexicon) for t in sent) and not _we_promise(sent) and not _imperative(sent, span):
                return False
            if _component_asked(span, lexicon):
                return False  # a component asked to try harder is a design note: "The parser should pay more attention to ..."
        filters = set(rule.options.get("context_filter", ["NEGATED", "REJECTED", "HYPOTHETICAL"]))
        filters -= keep_in
        if categories_for(doc, span.start, span.end) & filters:
            return False
        return True


_SECTION_NUMBER = re.compile(r"\s*(?:[-*•]\s*)?\d+(?:\.\d+)*\.?\s+\S")  # "3.5 ", "2.1.4. ", "2 "


def _not_a_sentence(doc: Doc, sent: Span, span: Span) -> str:
    """Why a sentence is not one a person wrote as a statement: a "log" line or "machine" text
    (`features.debris_kind`), or a "title": a heading, or a numbered contents entry such as "3.5
    Human error", with no verb (it names the topic of a section, it does not say what caused the
    incident). A title is read on the match's own line, as the parser may run it into the next
    sentence."""
    kind = debris_kind(sent)
    if kind:
        return kind
    line_start = doc.text.rfind("\n", 0, span.start_char) + 1
    line_end = doc.text.find("\n", span.end_char)
    line = doc.char_span(line_start, len(doc.text) if line_end < 0 else line_end, alignment_mode="expand")
    if line is None or any(t.pos_ in ("VERB", "AUX") for t in line) or sum(t.is_alpha for t in line) > 8:
        return ""
    before = doc.text[doc.text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)]
    if _SECTION_NUMBER.match(line.text) and (sent.start_char >= line_start or not before.strip()
                                             or _SECTION_NUMBER.match(before)):
        return "contents"  # a numbered entry on its own line, or in a list of them (not a wrapped "2 hours ...")
    here = span.start_char + doc._.pm_offset
    section = innermost_section(doc._.sections or (), here)
    if section is not None and section.title_start <= here and span.end_char + doc._.pm_offset <= section.title_end:
        return "title"
    return ""


def _opens_sentence(prefix: Span) -> bool:
    """Nothing but punctuation, or an opening phrase set off by a comma ("In any case, had the
    runbook been followed, ..."), comes before the match."""
    words = [t for t in prefix if not (t.is_space or t.is_punct)]
    if not words:
        return True
    last = next((t for t in reversed(prefix) if not t.is_space), None)
    if last is not None and last.text in (":", "|"):
        return True  # a label, a chat line's speaker or a table cell before it ("Notes: had ...", "| Had ...")
    if all(t.pos_ in ("ADV", "INTJ", "CCONJ") for t in words) and len(words) <= 2:
        return True  # a discourse word before it ("honestly had anyone looked ...", "so had the ...")
    return last is not None and last.text == "," and not any(t.pos_ in ("VERB", "AUX") for t in prefix)


_WE = {"we", "everyone", "everybody", "people", "us"}
_TRY_HARDER = re.compile(r"\bmore (careful|cautious|diligent|vigilant|attentive|mindful|alert|conscientious)|"
                         r"\b(pay|paying) (more|closer|extra) attention|\bmore carefully\b|\bthink twice\b", re.I)


def _imperative(sent: Span, span: Span) -> bool:
    """An order to try harder, addressed to the reader: "Be more careful.", "Stay vigilant
    please" (the match opens its sentence and its verb has no subject)."""
    root = span.root
    return (_opens_sentence(sent.doc[sent.start:span.start]) and span[0].lower_ in ("be", "stay", "remain", "pay", "take", "please")
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.head.children)
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children))


_PEOPLE = _WE | {"everybody", "staff", "folks", "you", "anyone", "nobody", "someone", "personnel", "employees", "members",
                 "colleagues", "crew", "workers", "humans", "individuals", "contractors"}
_HABIT = re.compile(r"\b(next time|from now on|going forward|moving forward|in (the )?future|always|every time|"
                    r"each time|before (every|each|any)|every (single )?\w+|personally)\b", re.I)
_OBLIGE = {"must", "should", "need", "needs", "ought", "have", "has", "shall", "will", "'ll", "required", "expected",
           "remember", "sure"}
_ASK = {"ask", "tell", "instruct", "instruction", "remind", "require", "expect", "reinforce", "urge", "encourage"}


def _asked_of_people(span: Span, sent: Span, lexicon) -> bool:  # noqa: ANN001
    """People asked, or promising, to do it as a habit: a habit marker ("next time", "from now on",
    "every", "always") in the sentence, or an obligation ("must", "should", "need to") on a person,
    role or team as the subject ("Engineers must double-check configs"). Narration ("worked with Sam
    to double-check the issue"), thanks and a one-off task ("double check the plugin if the scanner
    fails") are none."""
    from analyzer.nlp.lexicon import agent_kind

    if _HABIT.search(sent.text):
        return True
    prefix = sent.doc[sent.start:span.start]
    if any(t.lemma_.lower() in _ASK for t in prefix):  # "Ask the engineer who ... to double-check", "instructions to all staff"
        return any(t.lower_ not in _WE and (agent_kind(t, lexicon) or t.lower_ in _PEOPLE) for t in prefix)
    if not any(t.lower_ in _OBLIGE for t in sent.doc[max(sent.start, span.start - 6):span.start]):
        return False
    subject = _clause_subject(span)
    return subject is not None and subject.lower_ not in _WE and _is_people(subject, lexicon)


def _component_asked(span: Span, lexicon) -> bool:  # noqa: ANN001
    """A thing, not a person, as the subject of a modal try-harder phrase: "The parser should pay
    more attention to empty lists", "WidgetLib must double-check its inputs"."""
    subject = _clause_subject(span)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN") or _is_people(subject, lexicon):
        return False
    doc, i = subject.doc, subject.right_edge.i + 1
    if i >= len(doc):
        return False
    return doc[i].tag_ == "MD" or (doc[i].lemma_ in ("need", "have") and i + 1 < len(doc) and doc[i + 1].lower_ == "to")


def _is_people(subject: Token, lexicon) -> bool:  # noqa: ANN001
    """A person, role or team, or people words, in the subject phrase ("the members of the ML team")."""
    from analyzer.nlp.lexicon import agent_kind

    return any(agent_kind(t, lexicon) or t.lower_ in _PEOPLE for t in subject.subtree)


def _clause_subject(span: Span) -> Token | None:
    """The subject of the clause the match sits in, found up the head chain (a few levels, so that
    "Sam needs to be more careful" finds Sam)."""
    tok = span.root
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i < span.start:
                return child
        if tok.head is tok:
            break
        tok = tok.head
    return None


def _we_promise(sent: Span) -> bool:
    """A promise by "we" (or everyone) to try harder: "We need to be more mindful when ...",
    "Going forward we will pay closer attention to ...". Past narrative ("we double-checked the
    lag") is not one: the sentence must look ahead and ask for care, not a mechanism."""
    return (any(t.lower_ in _WE and t.dep_ in ("nsubj", "nsubjpass") for t in sent)
            and bool(FUTURE.search(sent.text)) and bool(_TRY_HARDER.search(sent.text)))


def _person_subject(span: Span, lexicon) -> bool:  # noqa: ANN001
    """Whether the clause of the match has a person, role, team or personal pronoun as its subject
    ("She should have waited", not "Our canary should have caught it")."""
    from analyzer.nlp.lexicon import agent_kind, is_speaker_label

    root = span.root
    if root.pos_ in ("NOUN", "PROPN") and len(span) == 1:
        # a fault noun with a person as its owner: "it was his fault", and a mistake given as the
        # cause ("Mike's mistake caused the outage", "it was Mike's mistake"), not one narrated
        # ("Otto realized his mistake and stopped the job")
        if root.lower_ in ("mistake", "mistakes", "typo", "typos") and root.dep_ not in (
                "nsubj", "nsubjpass", "attr", "ROOT", "pobj"):
            return False
        if root.lower_ in ("failure", "failures") and not any(t.lower_ == "to" and t.head.pos_ == "VERB"
                                                               for t in root.doc[root.i + 1:root.i + 8]):
            return False  # a person's failure *to* act ("... of the administrator to verify"), not "people's failures on pipelines"
        if any(c.dep_ == "poss" and agent_kind(c, lexicon) for c in root.children):
            return True
        # "the failure of the storage administrator to verify ..." (a role or team: "failures of
        # Prow" is a system's)
        return any(c.dep_ == "prep" and c.lower_ == "of" and any(
            p.dep_ == "pobj" and agent_kind(p, lexicon) in ("role", "team") for p in c.children) for c in root.children)
    if root.dep_ == "acl" and root.head.dep_ == "ROOT" and root.head.i < root.i and agent_kind(root.head, lexicon) \
            and not is_speaker_label(root.head):
        return True  # an action item's owner heading the line: "Kwame to retake the training"
    heads = {span.root, span.root.head} | {t for t in span if t.pos_ in ("VERB", "AUX")}
    for tok in span:
        if tok.dep_ in ("aux", "auxpass", "neg"):
            heads.add(tok.head)
    for head in heads:
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and subject_agent(child, lexicon) and not is_speaker_label(child):
                return True
    return False


def _person_object(span: Span, lexicon) -> bool:  # noqa: ANN001
    """Whether a verb of the match has a person, role or team as its object or passive subject."""
    from analyzer.nlp.lexicon import agent_kind

    after = person_object_form(span, lexicon)  # "that's on her", "caused by Oliver", "let Ana go"
    if after is not None:
        return after
    verbs = {t for t in span if t.pos_ in ("VERB", "AUX")} | {span.root}
    if any(c.dep_ in ("dobj", "dative", "nsubjpass") and agent_kind(c, lexicon) for v in verbs for c in v.children):
        return True
    # a sentence-opening verb the tagger read as a name ("Retrain Bogdan on ..."): the words right after it
    for tok in span.doc[span.end:span.end + 4]:
        if tok.is_punct or tok.pos_ == "ADP":
            return False
        if agent_kind(tok, lexicon):
            return True
    return False


def _trim(sent: Span) -> Span:
    s, e = sent.start, sent.end
    doc = sent.doc
    while s < e and (doc[s].is_space or doc[s].is_punct and doc[s].text in "-*•"):
        s += 1
    while e > s and doc[e - 1].is_space:
        e -= 1
    return doc[s:e]


@Language.factory("pmlint_rules", assigns=["doc._.rule_hits", "doc.spans"], requires=["doc.sents", "token.dep"])
def make_rule_runner(nlp: Language, name: str) -> RuleRunner:
    return RuleRunner(nlp, tuple(r for r in default_rules() if r.kind in SENTENCE_KINDS))
