"""Action items as records: what an action item is, decided once, and its owner, ticket, due
date, priority and status as people write them.

An action item is a list item or table row under an action-like section (action items, follow-ups,
remediation, prevention, next steps, ...: the `action_items` category), a sentence of prose there
that commits to something, or a task-list checkbox anywhere. Not action items: quoted text (pasted
commands, chat), sub-bullets that only name a topic ("Query plans:"), and past-tense narrative in
prose. A past-tense item *listed* as an item ("Added an alert on lag") is an item already done.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from analyzer.findings import ActionItem
from analyzer.judging.item_fields import (CHECK_MARK, CHECKED, DONE_WORDS, OWNER_FORMS, STATUS_FIELD, STATUS_MARK, TICKET_FORMS,
                                          due_of, owner_of, priority_of, ticket_of)
from analyzer.reading.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_CELL, Block

OPEN_WORDS = re.compile(r"\b(?:in progress|in-progress|in design|in review|to ?do|todo|open|planned|pending|not started|wip|ongoing|tbd|"
                        r"(?:have|has) (?:begun|started))\b", re.I)
# "set up", "put" and "shut down" open imperatives as often as past sentences, and "need" is not a past tense
PAST_START = re.compile(r"^(?:we\s+)?(?:(?!(?:need|proceed|succeed|exceed|feed|speed)\b)[a-z][a-z-]*ed|built|made|rolled back|wrote|ran|"
                        r"sent|began|took|re-?ran|re-?built|re-?wrote|re-?sent)\b", re.I)
PAST_PROSE = re.compile(r"\b(?:was|were|had been|has been|have been)\s+\w+(?:ed|en|t)\b|\b(?:was|were)\s+\w+ing\b|^(?:we|they|the team)\s+(?!(?:need|proceed|succeed|exceed|feed|speed)\b)\w+ed\b", re.I)
COMMITS = re.compile(r"\b(?:will|we'll|we are going to|we're going to|plan to|planning to|we are (?:adding|building|working|"
                     r"moving|changing|introducing|implementing|investigating|reviewing|improving|updating)|"
                     r"are working on|is being|are being|next step|going forward|in the future|we intend|we need to|we should|we must|"
                     r"should be|must be)\b", re.I)
STATUS_PROSE = re.compile(r"\b(?:provide (?:another|an|a further|more) (?:status )?update|status update|"
                          r"more detailed analysis|will be updated)\b", re.I)
# An announcement of changes to come, with none named ("We will be making several changes ..."), or
# a promise to improve in general: the items are elsewhere, if anywhere.
ANNOUNCES = re.compile(r"\b(?:a number of|several|various|the following|a few|a series of|appropriate|additional|further|many|"
                       r"two|three|four|five|a couple of)\s+"
                       r"(?:\w+\s+)?(?:changes|actions|steps|improvements|measures|lessons|learnings|things|areas)\b"
                       r"|\bcontinu\w*\s+(?:\w+\s+){0,2}(?:to\s+)?(?:improve|taking steps)|\bdo better\b", re.I)
# Instructions a template leaves for its author ("Include an estimated date of completion ..."),
# and its questions with examples ("Did alerting work as expected? (i.e. ...)").
TEMPLATE = re.compile(r"^(?:include|describe|explain|provide|list|outline|summari[sz]e|fill (?:in|out)|mention|specify)\b[^.]{0,80}?"
                      r"\b(?:the (?:corrective )?action|the incident|this incident|root cause analysis|relevant|date of completion|"
                      r"named individual|this section|i\.e\.|e\.g\.)|^issues? label+ed as\b|^using the [\w ]{3,40}, (?:explain|describe|list)\b"
                      r"|\bthe named individual who owns\b|\bestimated date of completion\b|^(?:see|refer to)\b|\bplease help us\b|\bour survey\b",
                      re.I)
# Hindsight about what would have helped is an observation, not a commitment.
HINDSIGHT = re.compile(r"\b(?:could|would|might) have (?:been )?\w+", re.I)
WE = re.compile(r"\b(?:we|we'll|we're|we've|our|us|the team|our team|engineers|(?:the )?[\w-]+ teams?)\b", re.I)
# What the authors are doing that changes something (not "we are experiencing", "we are investigating")
_CHANGING = (r"(?:adding|building|implementing|introducing|changing|making|improving|updating|reviewing|moving|investing|"
             r"developing|deploying|auditing|modifying|rolling out|extending|expanding|evaluating|migrating|creating|"
             r"re-?architecting|reprioriti[sz]ing|planning|provisioning|postponing|writing|automating|hardening|replacing|"
             r"removing|enabling|disabling|increasing|reducing|redesigning|refactoring|re-?working|fixing|testing|tuning|"
             r"strengthening|enhancing|revisiting|establishing|standardi[sz]ing|prioriti[sz]ing|separating|isolating|partitioning)")
# What the authors will do that is telling, not changing: "we will refer to", "we'll keep you updated"
_NOT_CHANGE = (r"(?:refer|discuss|cover|explain|describe|detail|share|go|walk|outline|post|keep|update|provide|do (?:everything|our best|all)|"
               r"try|see|not|experience|be (?:happy|glad|sharing|providing|posting|updating|limiting)|continue to (?:work hard|monitor|update|keep|provide))\b")
_AUTHORS = (r"(?:we|our (?:[\w-]+ ){0,2}teams?|the (?:[\w-]+ ){0,2}team|(?:[A-Z][\w-]+ )?(?:engineers|engineering)"
            r"|(?:the )?(?:sre|ops|operations|infrastructure|platform|security|engineering|support|product) teams?)")
# The authors commit to a change, wherever they write it: "we will add ...", "we are adding ...",
# "our team is moving ...", "engineers are updating ...", "tests are being added ...".
AUTHOR_COMMITS = re.compile(
    rf"\b{_AUTHORS}\s+(?:(?:will|shall|are going to|plan to|intend to|expect to)\s+(?:also\s+|now\s+|then\s+|immediately\s+|"
    rf"further\s+|be\s+|begin\s+|start\s+){{0,2}}(?!{_NOT_CHANGE})\w+|(?:are|is)\s+(?:also\s+|now\s+|currently\s+|already\s+|actively\s+){{0,2}}"
    rf"(?:{_CHANGING}|in the process of|working (?:on|to))\b|have (?:also )?(?:begun|started) (?:work|working|to)|have been {_CHANGING})"
    rf"|\bwe(?:'ll|’ll)\s+(?:also\s+|now\s+|then\s+){{0,2}}(?!{_NOT_CHANGE})\w+|\bwe(?:'re|’re)\s+(?:also\s+|now\s+|currently\s+|actively\s+){{0,2}}(?:{_CHANGING}|working (?:on|to))\b"
    r"|\b(?:(?:is|are) (?:also |now |currently )?being|will (?:also )?be) (?:added|built|deployed|implemented|updated|reviewed|changed|introduced|"
    r"improved|extended|rolled out|developed|fixed|migrated|replaced|removed|rewritten|written|automated|hardened|redesigned)\b"
    r"|\b(?:it is|it's|it’s) (?:now )?on (?:our|the) (?:backlog|roadmap)\b|\bon our (?:backlog|roadmap) to\b"
    r"|\bgoing forward,|\bin the future, we\b|\bfrom now on\b",
    re.I,
)
# A change already made to stop a recurrence ("We have modified the tool ... to prevent ..."): an
# action item already done, unlike a mitigation of this incident ("we rolled back the change").
DONE_PREVENTION = re.compile(
    rf"\b{_AUTHORS}(?:\s+(?:have|has)|\s*(?:'ve|’ve))\s+(?:also\s+|now\s+|already\s+){{0,2}}(?:\w+ed|made|built|rewritten|written|put)\b",
    re.I,
)
# An investigation the authors carry on, with the recurrence it is meant to stop ("we are analysing the
# dumps to avoid similar failures"); without that purpose it is a status line ("we are investigating").
INQUIRY = re.compile(rf"\b{_AUTHORS}\s+(?:are|is)\s+(?:also\s+|still\s+|currently\s+){{0,2}}(?:investigating|analy[sz]ing|looking into)\b", re.I)
PREVENTS = re.compile(r"\b(?:prevent\w*|recurr\w*|repeat\w*|future|similar|again|never|no longer|refus\w*|so (?:it|they)|cannot|any (?:\w+ )?(?:future|similar)|protect\w*|safeguards?|"
                      r"alarm\w*|alert\w*|going forward|so that|guard against|reduce the (?:risk|likelihood|chance))\b", re.I)
NOT_COMMIT = re.compile(  # status-page promises and sentiments, not changes
    r"\b(?:provide (?:another|an|a further|more|regular) (?:status )?updates?|status updates?|will be updated|more (?:detailed )?information|"
    r"further updates?|as (?:soon as )?(?:more|new) information|share (?:this|more|further|additional) information|"
    r"as soon as (?:it is|it's|we have)|provide (?:\w+ )?updates?|will (?:continue to )?(?:monitor|keep you|update|post)\b|continue to (?:monitor|update|post)\b|"
    r"apologi[sz]e|sorry|thank|(?:sla|service) credits?|refunds?|appreciate|understand|(?:we|i) (?:believe|know|think|hope that|feel|regret)|live up to|"
    r"work hard|trust you place|maintenance windows?|"
    r"(?:publish|share|release|provide|post) (?:a |an |the |our )?(?:full |detailed |final |complete |more |further )*"
    r"(?:report|rca|root cause analysis|post-?mortem|analysis|incident report|write-?up)|confiden\w+|will (?:not )?(?:see|experience|refer|discuss|do everything)|be in touch|reach out to (?:you|affected customers)|in this (?:document|post|blog|report|write-?up|section|article))",
    re.I,
)
ACTION_HEADER = re.compile(r"\b(action|item|task|description|what|remediation|follow|fix|step|todo)\b", re.I)
OWNER_HEADER = re.compile(r"\b(owner|owners|assignee|assigned|who|responsible|dri|team)\b", re.I)
TICKET_HEADER = re.compile(r"\b(ticket|issue|tracking|link|jira|bug|pr)\b", re.I)
STATUS_HEADER = re.compile(r"\b(status|state|done|progress)\b", re.I)
DUE_HEADER = re.compile(r"\b(due|date|eta|deadline|target|when)\b", re.I)


def find_action_items(text: str, blocks: list[Block], category_at: Callable[[int], str | None],
                      sentences: list[tuple[int, int]], tables: dict[int, list[str]]) -> list[ActionItem]:
    """Every action item of a document, in order. `category_at(offset)` is the canonical section
    of the innermost section at an offset."""
    inside = lambda b: category_at(b.start) == "action_items"  # noqa: E731
    out: list[ActionItem] = []
    rows: dict[tuple[int, int], list[Block]] = {}
    threads = _threads(text)
    heading = ""
    for b in blocks:
        if b.kind == HEADING:
            heading = text[b.start:b.end]
        if b.quoted or any(s <= b.start < e for s, e in threads):
            continue
        body = text[b.start:b.end]
        if b.kind == LIST_ITEM and not b.task and not inside(b) and IMPROVE_HEADING.search(heading.strip(" *#:")):
            if _imperative(body.strip()) and not (_question(body) or _sub_label(text, b) or HINDSIGHT.search(_first_sentence(body))):
                out.append(_item(text, b.start, b.end, None, fields=text[b.start:_line_end(text, b.end)]))
        elif b.kind == LIST_ITEM and (b.task or inside(b)):
            if not b.task and (_is_label(body) or _question(body) or TEMPLATE.search(body.strip()) or _FRAGMENT.match(body.strip())
                               or _sub_label(text, b) or _completes_clause(text, b) or HINDSIGHT.search(_first_sentence(body)) and not _imperative(body)):
                continue
            out.append(_item(text, b.start, b.end, b.task, fields=text[b.start:_line_end(text, b.end)]))
        elif b.kind == TABLE_CELL and inside(b) and b.row:
            rows.setdefault((b.table or 0, b.row), []).append(b)
        elif b.kind == PARAGRAPH and inside(b):
            if _tracked(body):
                out.append(_item(text, b.start, b.end, None, fields=text[b.start:_line_end(text, b.end)]))
                continue
            out += [_item(text, s, e, None, fields=_with_owner_label(text[s:e], body)) for s, e in sentences
                    if b.start <= s < b.end and _commits(text[s:e])]
        elif b.kind in (PARAGRAPH, LIST_ITEM) and category_at(b.start) not in ELSEWHERE_NOT:
            # commitments written into the narrative: a post-mortem told as a story states its
            # follow-ups where it explains the failure they address
            out += [_item(text, s, e, None) for s, e in sentences
                    if b.start <= s < b.end and _author_commits(text[s:e])]
    for (table, _), cells in sorted(rows.items()):
        item = _row(text, sorted(cells, key=lambda c: c.col or 0), tables.get(table, []))
        if item:
            out.append(item)
    out.sort(key=lambda a: a.start)
    return out


_THREAD_HEADING = re.compile(r"^(#{1,6})[ \t]+(?=[^\n]*@[\w-]+)(?=[^\n]*(?:\bago\b|·|\bcommented\b|\bwrote\b))[^\n]*$", re.M)
_ANY_HEADING = re.compile(r"^(#{1,6})[ \t]", re.M)


def _threads(text: str) -> list[tuple[int, int]]:
    """Comment threads pasted under the follow-ups ("#### Ana @ana · 3 years ago"): each runs from
    its author line to the next heading of the same or a higher level that is not another comment."""
    out = []
    for m in _THREAD_HEADING.finditer(text):
        level = len(m.group(1))
        end = len(text)
        for h in _ANY_HEADING.finditer(text, m.end()):
            if len(h.group(1)) <= level and not _THREAD_HEADING.match(text, h.start()):
                end = h.start()
                break
        out.append((m.start(), end))
    return out


_FRAGMENT = re.compile(r"^(?:and|or|but|through|with|via|to|of|in|on|for|from|by|than|as|so)\b")


def _line_end(text: str, offset: int) -> int:
    """Fields are read to the end of the item's last line (a reference link's `][3]` is markup)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _is_label(body: str) -> bool:
    """A sub-bullet that only names a topic: "Query plans", "Monitoring:"."""
    words = body.split()
    if body.rstrip().endswith(":"):
        return True
    return (len(words) <= 3 and not re.search(r"[.!?]$", body.strip()) and not _imperative(body)
            and not PAST_START.match(body.strip()) and not OWNER_FORMS.search(body) and not TICKET_FORMS.search(body))


def _question(body: str) -> bool:
    """An item that asks: its first sentence ends with a question mark ("Did alerting work? (i.e. ...)"),
    unless it opens with an imperative ("Assess whether the nodes are big enough?"): a task whose
    question is what to find out."""
    first = re.split(r"(?<=[.!])\s", body.strip(), maxsplit=1)[0]
    return bool(re.search(r"\?(?:[\s,;)]|$)", first)) and not _imperative(first)


def imperative_question(text: str) -> bool:
    """A task written as a question that opens with an imperative ("Assess if X should get Y?")."""
    return text.rstrip().endswith("?") and _imperative(" ".join(text.split()).lstrip("-*• "))


ELSEWHERE_NOT = ("timeline", "action_items")
# A heading that asks what to do better from now on ("What can be better", "What we could do better"):
# the imperatives listed under it are a to-do list (a task list whose checkboxes a printout lost),
# unlike what went wrong or what could have gone better (hindsight).
IMPROVE_HEADING = re.compile(r"^what (?:can|could|should) (?:we )?(?:be (?:done )?(?:better|improved)|do better|improve)\b"
                             r"|^what (?:we )?(?:can|could|should|will) (?:do better|improve)\b", re.I)


def _tracked(body: str) -> bool:
    """A paragraph that opens with a ticket reference: "[OPS-12](url) - Add backoff to the client"."""
    m = TICKET_FORMS.match(body.strip().lstrip("<u>"))
    return bool(m)


_OWNER_LABEL = re.compile(r"\b(?:owners?|assignee|dri)\s*:\s*\S+", re.I)


def _with_owner_label(sentence: str, paragraph: str) -> str:
    """A sentence's fields, with the paragraph's "Owner: x" label when the sentence has no owner."""
    m = _OWNER_LABEL.search(paragraph)
    return sentence if m is None or OWNER_FORMS.search(sentence) else f"{sentence} ({m.group(0)})"


def _first_sentence(body: str) -> str:
    return re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0]


def _sub_label(text: str, b: Block) -> bool:
    """A topic line with items nested under it ("Disk pressure" over what was done about it), or a
    fragment that completes its parent's lead-in ("... to provide:" / "- Better visibility"): a
    noun phrase without a verb the item could be read from."""
    body = text[b.start:b.end].strip()
    if re.search(r"[.!?]$", body) or _imperative(body) or len(body.split()) > 8 or COMMITS.search(body):
        return False
    _, indent = _indent(text, b)
    nxt = re.match(r"\n+([ \t]*)(?:[-*+]|\d+[.)])\s", text[_line_end(text, b.end):])
    if nxt and len(nxt.group(1)) > indent:
        return True  # it has children
    if PAST_START.match(body):
        return False
    return _lead_in(text, b).endswith(":")


def _indent(text: str, b: Block) -> tuple[int, int]:
    """Where a block's line starts, and how far the block is indented on it."""
    line_start = text.rfind("\n", 0, b.start) + 1
    head = text[line_start:b.start]
    return line_start, len(head) - len(head.lstrip())


_LIST_LINE = re.compile(r"([ \t]*)(?:[-*+]|\d+[.)])\s+(.*)")


def _lines_before(text: str, b: Block) -> Iterator[tuple[str, str | None]]:
    """The non-blank lines above a list item, nearest first (at most 30), each with the text of the
    item it opens when it is a sibling (a list line at the item's indent), else None."""
    line_start, indent = _indent(text, b)
    for prev in reversed(text[:line_start].split("\n")[-30:]):
        if not prev.strip():
            continue
        m = _LIST_LINE.match(prev)
        yield prev, (m.group(2) if m and len(m.group(1)) == indent else None)


def _lead_in(text: str, b: Block) -> str:
    """The line a list item's siblings hang from (back over its siblings), stripped; "" if none."""
    return next((prev.strip() for prev, sibling in _lines_before(text, b) if sibling is None), "")


_THAT_LEAD_IN = re.compile(r"\bthat\s*[*_]*:$", re.I)


def _completes_clause(text: str, b: Block) -> bool:
    """A clause that completes a lead-in ending in "that:" ("We checked that:" / "- all queues had
    drained"), the lead-in a line or a sibling item before it: a state the lead-in's sentence
    asserts, not a commitment of its own."""
    body = text[b.start:b.end].strip()
    if _imperative(body) or COMMITS.search(body) or AUTHOR_COMMITS.search(body):
        return False
    for prev, sibling in _lines_before(text, b):
        if _THAT_LEAD_IN.search(prev.rstrip()):
            return True
        if sibling is None or _imperative(sibling) or COMMITS.search(prev):
            return False
    return False


def _author_commits(sentence: str) -> bool:
    """The authors commit to a change ("we will add ...", "engineers are updating ...") or report
    one already made to stop a recurrence ("we have modified the tool to prevent ..."); not a
    status-page promise, an apology, an announcement of changes not named, or a question."""
    s = " ".join(sentence.split())
    if s.endswith(("?", ":")) or NOT_COMMIT.search(s) or TEMPLATE.search(s) or ANNOUNCES.search(s) and ":" not in s:
        return False
    return bool(AUTHOR_COMMITS.search(s) or (DONE_PREVENTION.search(s) or INQUIRY.search(s)) and PREVENTS.search(s))


_WORD_STATUS = r"(?:done|completed?|fixed|resolved|open|in progress|to ?do|wip|planned|pending|ongoing|not started)"
# A status written before an item ("Status: **Done** Backfill the events", "[Open] Add ...", "DONE - Add ..."):
# the item is what follows it.
STATUS_LEAD = re.compile(rf"^\W*(?:(?:status|state)\s*[*_]*\s*[:=-]\s*[*_\[]*{_WORD_STATUS}[*_\]]*"
                         rf"|[*_\[]*{_WORD_STATUS}[*_\]]+|{_WORD_STATUS}\s*[:–—-])\s*", re.I)


def _commits(sentence: str) -> bool:
    """Prose that commits the authors to something: "We will ...", "Our team is adding ...", or an
    imperative ("Add an alert on ..."), after any status written before it; not questions,
    status-page forecasts or template guidance."""
    s = STATUS_LEAD.sub("", sentence.strip(), count=1)
    if s.endswith("?") or STATUS_PROSE.search(s) or NOT_COMMIT.search(s) or TEMPLATE.search(s) or (ANNOUNCES.search(s) and ":" not in s):
        return False
    return bool(COMMITS.search(s) and WE.search(s)) or _imperative(s) or _author_commits(s)


def _imperative(sentence: str) -> bool:
    first = sentence.split(maxsplit=1)[0].lower() if sentence.split() else ""
    return first in _IMPERATIVES


_IMPERATIVES = frozenset(
    "add assess automate build create document enable enforce ensure extend fix implement improve increase "
    "introduce investigate migrate monitor move reduce refactor remove replace require review rotate "
    "set split test update upgrade validate alert audit block deprecate limit rerun re-run renew retrain "
    "rollback roll revert restart delete clean write hold remind be make use run deploy patch bump raise "
    "tune schedule train communicate coordinate track publish share notify define consider evaluate "
    "explore look check verify backfill reprocess replace configure separate isolate emphasize emphasise "
    "establish define start stop provide adopt prioritize prioritise standardize standardise pin lock "
    "version declare introduce expand reconsider revisit restrict disable require simplify ship support "
    "educate escalate assign clarify label page prevent stage throttle cache".split()
)


def _item(text: str, start: int, end: int, task: str | None, fields: str | None = None) -> ActionItem:
    body = text[start:end]
    fields = body if fields is None else fields
    status, done_on = _status(body, task)
    return ActionItem(start, end, " ".join(body.split()), owner=owner_of(fields), ticket=ticket_of(fields),
                      due=due_of(fields), priority=priority_of(fields), status=status, done_on=done_on)


def _status(body: str, task: str | None) -> tuple[str, str | None]:
    done = DONE_WORDS.search(body)
    if task:
        return task, done.group("on") if done and task == "done" else None
    # a done word after a determiner is an adjective ("all deployed hosts", "the merged fix")
    if done and not re.search(r"\b(?:not|once|when|until|after|be|is|are|where|which|to|all|the|any|every|each|our|their|its|"
                              r"newly|recently)\s+(?:\w+\s+)?" + re.escape(done.group(0).split()[0]), body, re.I):
        return "done", done.group("on")
    if DONE_PREVENTION.search(body):
        return "done", None
    if OPEN_WORDS.search(body) or COMMITS.search(body) or AUTHOR_COMMITS.search(body):
        return "open", None
    if PAST_START.match(body.strip()) or PAST_PROSE.search(body):
        return "done", None
    return "unknown", None




def marked_done(text: str, item: ActionItem) -> bool:
    """A done item whose status is written on it (a checked box, a status word or mark, a done date),
    not only told by the past tense of its verb: "Reverted the change" may be a step of the response."""
    if item.status != "done":
        return False
    line_start = text.rfind("\n", 0, item.start) + 1
    line = text[line_start:_line_end(text, item.end)]
    lead, body = line[:item.start - line_start], line[item.start - line_start:]
    first = re.match(r"\W*\w+\W*", body)
    rest = body[first.end():] if first and not first.group(0).rstrip().endswith(":") else body
    return bool(item.done_on or CHECKED.match(lead) or CHECK_MARK.search(line) or STATUS_FIELD.search(line) or STATUS_MARK.search(lead)
                or STATUS_MARK.search(rest))


def _row(text: str, cells: list[Block], header: list[str]) -> ActionItem | None:
    def column(pattern: re.Pattern[str]) -> Block | None:
        for i, h in enumerate(header):
            if pattern.search(h):
                return next((c for c in cells if c.col == i), None)
        return None

    what = column(ACTION_HEADER) or cells[0]
    if not text[what.start:what.end].strip() or _is_label(text[what.start:what.end]) and len(cells) == 1:
        return None
    joined = " | ".join(text[c.start:c.end] for c in cells)
    item = _item(text, what.start, what.end, None, fields=joined)
    values = {}
    for name, pattern in (("owner", OWNER_HEADER), ("ticket", TICKET_HEADER), ("due", DUE_HEADER)):
        cell = column(pattern)
        if cell is not None and text[cell.start:cell.end].strip(" -–—"):
            values[name] = text[cell.start:cell.end].strip()
    status_cell = column(STATUS_HEADER)
    if status_cell is not None:
        status, done_on = _status(text[status_cell.start:status_cell.end], None)
        values.update(status=status, done_on=done_on or item.done_on)
    return ActionItem(**{**item.to_dict(), **values})
