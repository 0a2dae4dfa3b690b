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
from collections.abc import Callable

from analyzer.findings import ActionItem
from analyzer.reading.document import LIST_ITEM, PARAGRAPH, TABLE_CELL, Block

_HANDLE = r"@[A-Za-z0-9][\w.-]*[\w]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_NAME = r"[@\w][\w.@ -]{0,40}?[\w]"
OWNER_FORMS = re.compile(  # case-sensitive but for the labels: "Team X to ..." needs capitals
    rf"(?P<email>{_EMAIL})"
    rf"|(?i:\b(?:owners?|assignee|assigned to|dri|responsible|poc)\b)\s*[:=-]?\s*(?P<labelled>{_EMAIL}|{_NAME})"
    r"(?=\s*(?:[,;)\]|]|$|\s[-–—]\s|\s+(?i:due)\b))"
    rf"|(?P<handle>(?<![\w/]){_HANDLE})"
    r"|^(?!(?:We|I|They|You|It|This|That|Someone|Everyone|Nobody|There)\b)"
    r"(?P<team>(?:[Tt]he\s+)?[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3}\s+[Tt]eam|[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})"
    r"\s+(?:to|will)\s",
    re.M,
)
TICKET_FORMS = re.compile(
    r"https?://\S*?(?:/issues?/|/pull/|/merge_requests/|/browse/|/tickets?/|/-/issues/|jira|linear\.app|/T\d)\S*"
    r"|\b[A-Z][A-Z0-9]{1,9}-\d+\b"
    r"|(?<![\w/&])#\d{2,}\b"
    r"|\[[^\]\n]+\]\[[^\]\n]*\]"  # a reference-style link: [ML-12][3]
)
DUE = re.compile(
    r"\b(?:due|by|eta|target|deadline|before)\b\s*:?\s*"
    r"(?P<due>\d{4}-\d{2}-\d{2}|Q[1-4](?:\s*(?:FY)?\d{2,4})?|end of (?:the )?(?:week|month|quarter|year|Q[1-4])"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s*\d{4})?)",
    re.I,
)
PRIORITY = re.compile(r"\b(?P<p>P[0-4])\b|\bpriority\s*[:=-]?\s*(?P<word>critical|high|medium|low|p[0-4])\b", re.I)
DONE_WORDS = re.compile(r"(?:\b(?:done|completed?|fixed|resolved|shipped|merged|deployed|closed|implemented)\b|✅|✔)"
                        r"(?:\s*(?:on|in)?\s*[:(]?\s*(?P<on>\d{4}-\d{2}-\d{2}))?", re.I)
OPEN_WORDS = re.compile(r"\b(?:in progress|in-progress|to ?do|todo|open|planned|pending|not started|wip|ongoing|tbd)\b", re.I)
PAST_START = re.compile(r"^(?:we\s+)?(?:[a-z][a-z-]*ed|built|made|set up|rolled back|wrote|ran|put|sent|began|took|shut down)\b", re.I)
PAST_PROSE = re.compile(r"\b(?:was|were|had been|has been|have been)\s+\w+(?:ed|en|t)\b|\b(?:was|were)\s+\w+ing\b|^(?:we|they|the team)\s+\w+ed\b", re.I)
COMMITS = re.compile(r"\b(?:will|we'll|we are going to|we're going to|plan to|planning to|we are (?:adding|building|working|"
                     r"moving|changing|introducing|implementing|investigating|reviewing|improving|updating)|"
                     r"are working on|is being|are being|next step|going forward|in the future|we intend|we need to|"
                     r"should be|must be)\b", re.I)
STATUS_PROSE = re.compile(r"\b(?:provide (?:another|an|a further|more) (?:status )?update|status update|"
                          r"more detailed analysis|will be updated)\b", re.I)
# An announcement of changes to come, with none named ("We will be making several changes ..."), or
# a promise to improve in general: the items are elsewhere, if anywhere.
ANNOUNCES = re.compile(r"\b(?:a number of|several|various|the following|a few|a series of|appropriate|additional|further|many)\s+"
                       r"(?:\w+\s+)?(?:changes|actions|steps|improvements|measures|lessons|things|areas)\b"
                       r"|\bcontinu\w*\s+(?:\w+\s+){0,2}(?:to\s+)?(?:improve|taking steps)|\bdo better\b", re.I)
# Instructions a template leaves for its author ("Include an estimated date of completion ..."),
# and its questions with examples ("Did alerting work as expected? (i.e. ...)").
TEMPLATE = re.compile(r"^(?:include|describe|explain|provide|list|outline|summari[sz]e|fill (?:in|out)|mention|specify)\b[^.]{0,80}?"
                      r"\b(?:the (?:corrective )?action|the incident|this incident|root cause analysis|relevant|date of completion|"
                      r"named individual|this section|i\.e\.|e\.g\.)|^issues? label+ed as\b|^using the [\w ]{3,40}, (?:explain|describe|list)\b",
                      re.I)
WE = re.compile(r"\b(?:we|we'll|we're|our|us|the team|our team)\b", re.I)
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
    for b in blocks:
        if b.quoted:
            continue
        if b.kind == LIST_ITEM and (b.task or inside(b)):
            body = text[b.start:b.end]
            if not b.task and (_is_label(body) or _question(body) or TEMPLATE.search(body.strip())):
                continue
            out.append(_item(text, b.start, b.end, b.task, fields=text[b.start:_line_end(text, b.end)]))
        elif b.kind == TABLE_CELL and inside(b) and b.row:
            rows.setdefault((b.table or 0, b.row), []).append(b)
        elif b.kind == PARAGRAPH and inside(b):
            out += [_item(text, s, e, None) for s, e in sentences
                    if b.start <= s < b.end and _commits(text[s:e])]
    for (table, _), cells in sorted(rows.items()):
        item = _row(text, sorted(cells, key=lambda c: c.col or 0), tables.get(table, []))
        if item:
            out.append(item)
    out.sort(key=lambda a: a.start)
    return out


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
    """An item that asks: its first sentence ends with a question mark ("Did alerting work? (i.e. ...)")."""
    first = re.split(r"(?<=[.!])\s", body.strip(), maxsplit=1)[0]
    return bool(re.search(r"\?(?:[\s,;)]|$)", first))


def _commits(sentence: str) -> bool:
    """Prose that commits the authors to something: "We will ...", "Our team is adding ...", or an
    imperative ("Add an alert on ..."); not questions, status-page forecasts or template guidance."""
    s = sentence.strip()
    if s.endswith("?") or STATUS_PROSE.search(s) or TEMPLATE.search(s) or (ANNOUNCES.search(s) and ":" not in s):
        return False
    return bool(COMMITS.search(s) and WE.search(s)) or _imperative(s)


def _imperative(sentence: str) -> bool:
    first = sentence.split(maxsplit=1)[0].lower() if sentence.split() else ""
    return first in _IMPERATIVES


_IMPERATIVES = frozenset(
    "add automate build create document enable enforce ensure extend fix implement improve increase "
    "introduce investigate migrate monitor move reduce refactor remove replace require review rotate "
    "set split test update upgrade validate alert audit block deprecate limit rerun re-run renew retrain "
    "rollback roll revert restart delete clean write hold remind be make use run deploy patch bump raise "
    "tune schedule train communicate coordinate track publish share notify define consider evaluate "
    "explore look check verify backfill reprocess replace configure separate isolate".split()
)


def _item(text: str, start: int, end: int, task: str | None, fields: str | None = None) -> ActionItem:
    body = text[start:end]
    fields = body if fields is None else fields
    status, done_on = _status(body, task)
    return ActionItem(start, end, " ".join(body.split()), owner=_owner(fields), ticket=_first(TICKET_FORMS, fields),
                      due=_group(DUE, fields, "due"), priority=_priority(fields), status=status, done_on=done_on)


def _owner(text: str) -> str | None:
    m = OWNER_FORMS.search(text)
    if not m:
        return None
    value = next(v for v in m.groupdict().values() if v)
    return value.strip()


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    if not m:
        return None
    value = m.group(0)
    return value[1:value.index("][")] if value.startswith("[") and "][" in value else value


def _group(pattern: re.Pattern[str], text: str, name: str) -> str | None:
    m = pattern.search(text)
    return m.group(name) if m else None


def _priority(text: str) -> str | None:
    m = PRIORITY.search(text)
    if not m:
        return None
    return (m.group("p") or m.group("word")).lower()


def _status(body: str, task: str | None) -> tuple[str, str | None]:
    done = DONE_WORDS.search(body)
    if task:
        return task, done.group("on") if done and task == "done" else None
    if done and not re.search(r"\b(?:not|once|when|until|after|be|is|are|where|which)\s+(?:\w+\s+)?" + re.escape(done.group(0).split()[0]), body, re.I):
        return "done", done.group("on")
    if OPEN_WORDS.search(body) or COMMITS.search(body):
        return "open", None
    if PAST_START.match(body.strip()) or PAST_PROSE.search(body):
        return "done", None
    return "unknown", None


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
