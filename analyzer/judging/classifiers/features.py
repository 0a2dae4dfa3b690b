"""Sentence features for the classifiers: what the parse knows, plus normalised words.

The same functions run at training time (over each labelled sentence) and inside the pipeline
(over each sentence of a draft), so the model sees the same features in both places:

- who acts: person / role / team as subject or passive agent, of a failure verb or any verb;
- the rule layer's hits in the sentence (PM101..PM106, PM201);
- context: negated, rejected, hypothetical (the ConText-lite component);
- modality and tense: "should have", future or "X to ..." with a person, imperatives;
- tone cues: sarcasm and intensifier words, questions, exclamations;
- systemic vocabulary for action items (automate, gate, alert, every, so that, ...).

The words themselves are normalised (people -> `PERSONNAME`, numbers -> `0`) so the model
learns "a person did X", not which names occur in the data.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from spacy.tokens import Doc, Span

from analyzer.nlp.components.context import categories_for
from analyzer.nlp.lexicon import agent_kind, default_lexicon
from analyzer.judging.rules.agent import _is_failure

TONE = frozenset(
    "apparently obviously clearly somehow naturally seriously literally honestly surprisingly predictably"
    " again usual course yet even still supposedly".split()
)
SYSTEMIC = re.compile(
    r"\b(automat\w*|alert\w*|monitor\w*|gate[sd]?|validat\w*|guardrail\w*|prevent\w*|canary|staged|shadow|enforc\w*|block\w*"
    r"|reject\w*|contract\w*|lint\w*|invariant|threshold\w*|circuit|rate.?limit|quota|dry.?run|policy|policies|default\w*"
    r"|pre-?(commit|merge|deploy|flight)|ci|pipeline|check\w*|test\w*|rollback automatically|auto-?\w+|self-?\w+|every|all|any"
    r"|always|never|whenever|cannot|can't|so that|so it|fail closed|idempotent|schema|registry|require[sd]?)\b",
    re.I,
)
INSTANCE = re.compile(
    r"\b(this|that|the failed|the affected|the broken|the bad|once|tonight|today|tomorrow|again|manually|by hand"
    r"|re-?run|rerun|restart\w*|retry|re-?deploy\w*|revert\w*|roll(ed)? back|renew\w*|patch\w*|fix\w*|update\w*"
    r"|documentation|docs|wiki|remind\w*|careful|attention|training session|workshop|investigate\w*|look into)\b",
    re.I,
)
HOSTLIKE = re.compile(r"\b[a-z]+-?\d+\b|\bv\d+(\.\d+)*\b", re.I)


def _normalise_token(tok, lexicon) -> str:
    if tok.like_num or tok.is_digit:
        return "0"
    kind = agent_kind(tok, lexicon)
    if kind == "person" and tok.lower_ not in lexicon.pronouns:
        return "PERSONNAME"
    return tok.lower_


def normalised_text(span: Span, lexicon=None) -> str:
    lexicon = lexicon or default_lexicon()
    return " ".join(_normalise_token(t, lexicon) for t in span if not t.is_space)


def sentence_features(span: Span, rule_codes: Iterable[str] = (), lexicon=None) -> dict[str, float]:
    lexicon = lexicon or default_lexicon()
    doc = span.doc
    f: dict[str, float] = {}
    for code in rule_codes:
        f[f"rule={code}"] = 1.0
    kinds = [agent_kind(t, lexicon) for t in span]
    for k in ("person", "role", "team"):
        n = kinds.count(k)
        if n:
            f[f"mention={k}"] = min(n, 3) / 3
    for tok, kind in zip(span, kinds):
        if kind is None:
            continue
        head = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass"):
            f[f"subject={kind}"] = 1.0
            if head.pos_ in ("VERB", "AUX") and _is_failure(head):
                f[f"fail_subject={kind}"] = 1.0
            aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
            if aux & {"will", "'ll", "shall", "must", "should", "needs", "to"} or (head.dep_ == "xcomp"):
                f[f"future_subject={kind}"] = 1.0
            if {"should", "could", "would", "ought"} & aux and "have" in aux:
                f[f"should_have_subject={kind}"] = 1.0
        elif tok.dep_ == "pobj" and head.dep_ == "agent":
            f[f"passive_agent={kind}"] = 1.0
            if _is_failure(head.head):
                f[f"fail_passive_agent={kind}"] = 1.0
        elif tok.dep_ == "poss":
            f[f"possessive={kind}"] = 1.0
        elif tok.dep_ in ("dobj", "dative"):
            f[f"object={kind}"] = 1.0
    cats = categories_for(doc, span.start, span.end)
    for c in cats:
        f[f"context={c}"] = 1.0
    lower = [t.lower_ for t in span]
    for t in lower:
        if t in TONE:
            f[f"tone={t}"] = 1.0
    text = span.text
    lowered = text.lower()
    if "if only" in lowered:
        f["if_only"] = 1.0
    if "?" in text:
        f["question"] = 1.0
    if "!" in text:
        f["exclamation"] = 1.0
    if '"' in text or "“" in text or "'" in text[:1]:
        f["quotes"] = 1.0
    first = next((t for t in span if not (t.is_space or t.is_punct)), None)
    if first is not None and first.tag_ == "VB":
        f["imperative"] = 1.0
        f[f"imperative={first.lemma_.lower()}"] = 1.0
    root = next((t for t in span if t.dep_ == "ROOT"), None)
    if root is not None:
        f[f"root={root.lemma_.lower()}"] = 1.0
        if any(c.dep_ == "neg" for c in root.children):
            f["root_negated"] = 1.0
    f["systemic"] = min(len(SYSTEMIC.findall(text)), 4) / 4
    f["instance"] = min(len(INSTANCE.findall(text)), 4) / 4
    if HOSTLIKE.search(text):
        f["hostlike"] = 1.0
    n_words = sum(1 for t in span if t.is_alpha)
    f["length"] = min(n_words, 40) / 40
    return f


_TRACKER_CHROME = re.compile(
    r"\b(changed|added|removed|assigned|unassigned|mentioned|closed|reopened|marked|set|created|edited)\b.{0,80}"
    r"\b(ago|labels?|milestone|description|title|weight|due date|as done|as completed|issue|merge request)\b",
    re.I,
)


_CHAT_STAMP = re.compile(r"\s*\[\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?\]")
# issue-tracker activity ("X added a subtask: T123 ...", "closed subtask ... as Resolved", "edited
# projects: added A, B, C") and comment-thread chrome ("@handle · 1 month ago", "Please register or
# sign in to reply")
_TRACKER_ACTIVITY = re.compile(
    r"\b(?:added|removed|closed|created|reopened|merged|edited)\s+(?:an?\s+)?(?:sub-?tasks?|parent tasks?)\s*:?[\s*_]*"
    r"(?:[A-Z]{1,5}-?)?#?\d{2,}"
    r"|\b(?:added|removed)\s+subscribers?\s+(?:@\w|[A-Z])"
    r"|\b(?:added|removed|edited)\s+projects?\s*:|\bproject tags?\s*:"
    r"|·\s*(?:\d+|an?)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b"
    r"|\bplease register or sign in\b",
    re.I,
)
# a line a program wrote, found on the line's source text (markup and <nick> are blanked in the
# text the parser reads): a syslog line ("Jun  7 05:11:22 host kernel: ..."), an IRC log line
# ("21:57 <nick> ...", "[16:29:03] <bot> ..."), a deploy or log bot's line ("19:27 user@host:
# Synchronized ... (duration: 00m 46s)", "16:07 logmsgbot: ..."). A transcript of people talking
# ("[00:02:11] Sam: ...") is a person's sentence and stays.
_IRC_NICK = r"(?<![\w:])\[?\d{1,2}:\d{2}(?::\d{2})?\]?[\s*]*<[@+]?[A-Za-z_`|^{}\[\]][\w.`|^{}\[\]-]{0,31}>"
_PROGRAM_LINE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+[\w.-]+\s+[\w./\[\]-]+:"
    r"|(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?[\s*]+(?:[\w.-]+@[\w.-]+|[\w-]*bots?)\s*:"
    r"|\(duration:\s*\d+m\s*\d+s\)",
)
_LOG_LINE = re.compile(_IRC_NICK + "|" + _PROGRAM_LINE.pattern)
_CHAT_LINE = re.compile(_IRC_NICK)
_BOT_NICK = re.compile(r"<[\w.-]*(?:bot|bots|bugs|wm|logger)>", re.I)  # a bot's nick on a chat line


def _source_line(sent: Span) -> str:
    """The source text from the start of the sentence's line to the end of the sentence."""
    doc = sent.doc
    document = doc._.pm_document if Doc.has_extension("pm_document") else None
    text, offset = (document.text, doc._.pm_offset) if document is not None else (doc.text, 0)
    start, end = sent.start_char + offset, sent.end_char + offset
    return text[text.rfind("\n", 0, start) + 1:end]


def is_log_line(sent: Span) -> bool:
    """A line a program wrote (a log, a chat log, a deploy bot), or issue-tracker activity and
    comment-thread chrome: text no person wrote as a statement about the incident."""
    return bool(_TRACKER_ACTIVITY.search(sent.text) or _LOG_LINE.search(_source_line(sent)))


def debris_kind(sent: Span) -> str:
    """"log" for a line a program wrote, tracker activity or comment chrome (`is_log_line`),
    "chat" for a person's message in a chat log ("[09:40] <alex> ..."; a bot's nick is "log"), "machine" for text that is mostly numbers, paths or punctuation (log lines, table debris, but
    also a terse timeline entry full of host names), "" for a person's sentence."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return "machine"
    if is_log_line(sent):
        # a person's message in a chat log ("[09:40] <alex> ..."): a phrase that judges someone is
        # still read there, as a suggestion; the narration of who did what is not (`RuleRunner`)
        line = _source_line(sent)
        chat = _CHAT_LINE.search(line) and not (_PROGRAM_LINE.search(line) or _BOT_NICK.search(line)
                                                or _TRACKER_ACTIVITY.search(sent.text))
        return "chat" if chat else "log"
    if len(tokens) > 1 and tokens[-1].is_punct:
        tokens = tokens[:-1]  # a sentence's full stop is not debris ("Ahmed's fault.")
    words = sum(1 for t in tokens if t.is_alpha or t.lower_ in ("'s", "’s", "n't", "n’t"))
    # the looser tracker pattern also reads "whoever created the label ..." as chrome: only "machine"
    return "machine" if words < 0.6 * len(tokens) or _TRACKER_CHROME.search(sent.text) else ""


def is_debris(sent: Span) -> bool:
    """Machine text rather than a person's sentence: mostly numbers, paths or punctuation (log
    lines, table debris), issue-tracker activity, or a line a program wrote (`is_log_line`)."""
    return bool(debris_kind(sent))


def is_prose(sent: Span) -> bool:
    """A real sentence a person wrote, for the classifier to judge on its own: not debris, not a
    chat line addressed to a handle, at least five words and a verb."""
    if is_debris(sent):
        return False
    tokens = [t for t in sent if not t.is_space]
    if tokens[0].text.startswith("@") or _CHAT_STAMP.match(sent.text):
        return False  # a chat line (addressed to someone, or a transcript's "[7:22 AM]"): rules still read it
    return sum(1 for t in tokens if t.is_alpha) >= 5 and any(t.pos_ in ("VERB", "AUX") for t in tokens)


def doc_sentences(doc: Doc) -> list[Span]:
    """Sentences without leading or trailing whitespace and list markers."""
    out = []
    for sent in doc.sents:
        s, e = sent.start, sent.end
        while s < e and (doc[s].is_space or doc[s].text in "-*•>"):
            s += 1
        while e > s and doc[e - 1].is_space:
            e -= 1
        if any(not (t.is_space or t.is_punct) for t in doc[s:e]):
            out.append(doc[s:e])
    return out


def sentence_row(sent: Span, hits: Iterable[Any], lexicon=None) -> dict[str, Any]:
    """The model input {"text", "feats"} of one sentence, given the Doc's rule hits."""
    codes = {h.code for h in hits if sent.start_char <= h.start < sent.end_char}
    return {"text": normalised_text(sent, lexicon), "feats": sentence_features(sent, codes, lexicon)}
