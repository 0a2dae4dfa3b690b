"""The fields of an action item as people write them: owners (`@handle`, an e-mail, `OWNER: x`,
"(owner: x)", "Team X to ..."), tickets (`ABC-123`, `#123`, issue and PR URLs, reference-style
links), due dates, priorities and a done status written on the item."""

from __future__ import annotations

import re

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
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"  # a month's name, whole or cut short
DUE = re.compile(
    r"\b(?:due|by|eta|target|deadline|before)\b\s*:?\s*"
    r"(?P<due>\d{4}-\d{2}-\d{2}|Q[1-4](?:\s*(?:FY)?\d{2,4})?|end of (?:the )?(?:week|month|quarter|year|Q[1-4])"
    rf"|{MONTH}\.?\s+\d{{1,2}}(?:,?\s*\d{{4}})?)",
    re.I,
)
PRIORITY = re.compile(r"\b(?P<p>P[0-4])\b|\bpriority\s*[:=-]?\s*(?P<word>critical|high|medium|low|p[0-4])\b", re.I)


def owner_of(text: str) -> str | None:
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


def priority_of(text: str) -> str | None:
    m = PRIORITY.search(text)
    if not m:
        return None
    return (m.group("p") or m.group("word")).lower()


def ticket_of(text: str) -> str | None:
    return _first(TICKET_FORMS, text)


def due_of(text: str) -> str | None:
    return _group(DUE, text, "due")


DONE_VERBS = r"done|completed?|fixed|resolved|shipped|merged|deployed|closed|implemented"
DONE_WORDS = re.compile(rf"(?:\b(?:{DONE_VERBS})\b|✅|✔)"
                        r"(?:\s*(?:on|in)?\s*[:(]?\s*(?P<on>\d{4}-\d{2}-\d{2}))?", re.I)


# A status written on the item, apart from the tense of its verb: "[Done]", "(completed)", "- done",
# "(owner: ..., done)", "... Owner: X. Done.", ": done on 25 March", "Status: **Done**", a table's
# status cell, a check mark. "Fixed the config" is done by its tense only.
_DONE = rf"(?:{DONE_VERBS}|finished)"
STATUS_MARK = re.compile(
    rf"[\[(]\s*{_DONE}\b[^\])\n]{{0,20}}[\])]"
    rf"|(?:^|[-–—|:,]\s*|[.;]\s+|\s[-–—]\s*)[*_]*{_DONE}[*_]*\s*(?:[|:.;,)]|\d{{4}}-\d\d-\d\d|$|on\s+(?:\d|{MONTH}\b))",
    re.I | re.M,
)
STATUS_FIELD = re.compile(rf"\b(?:status|state)\s*[*_]*\s*[:=-]\s*[*_]*{_DONE}\b", re.I)
CHECK_MARK = re.compile(r"[✅✔☑]")
CHECKED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]")
