"""Timeline lines of a post-mortem: their times, and time to detect and time to resolve.

A timeline line starts with a time (`14:02`, `2024-03-01 14:02`, `**14:02 UTC**`, a table row
`| 14:02 | ...`). The incident starts at the first line that says it started (or at the first
line), is detected at the first line that says so (an alert, a page, a report), and is resolved
at the first line after detection that says service was restored. Times without a date keep the
last date seen; a time earlier than the previous one by more than six hours is the next day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+|\|[ \t]*)?(?:\*\*|__)?[ \t]*(?:(\d{4}-\d{2}-\d{2})[ T,]*)?(\d{1,2}):(\d{2})(?::\d{2})?\b(.*)$",
    re.M)
_START = re.compile(r"\b(start(ed|s)?|began|begin|first (error|alert|report|symptom)s?|introduced|triggered|deploy(ed|ment)?)\b", re.I)
_DETECT = re.compile(r"\b(detect(ed|s)?|alert(ed|s)?|fir(ed|ing)|page[sd]?|paging|notic(ed|es)|report(ed|s)?|declared|investigat\w*)\b", re.I)
_RESOLVE = re.compile(r"\b(resolv(ed|es)|restor(ed|es)|recover(ed|s|y)?|mitigat(ed|es)|fixed|back to normal|all clear|"
                      r"service (is )?(healthy|normal)|closed the incident|incident (closed|resolved))\b", re.I)


def timeline_events(text: str, default_day: date | None = None) -> list[tuple[datetime, str]]:
    """(when, what) for every timeline line, in the order written."""
    out: list[tuple[datetime, str]] = []
    day = default_day or date(2000, 1, 1)
    last: datetime | None = None
    for m in _LINE.finditer(text):
        if m.group(1):
            try:
                day = date.fromisoformat(m.group(1))
            except ValueError:
                continue
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            continue
        when = datetime(day.year, day.month, day.day, hour, minute)
        if last is not None and not m.group(1) and when < last - timedelta(hours=6):
            when += timedelta(days=1)
            day = when.date()
        out.append((when, m.group(4)))
        last = when
    return out


def ttd_ttr(text: str, default_day: date | None = None) -> tuple[float | None, float | None]:
    """(minutes from start to detection, minutes from start to resolution), each None when the
    timeline does not mark it."""
    events = timeline_events(text, default_day)
    if len(events) < 2:
        return None, None
    start = next((w for w, what in events if _START.search(what)), events[0][0])
    detect = next((w for w, what in events if _DETECT.search(what) and w >= start), None)
    after = detect or start
    resolve = next((w for w, what in events if _RESOLVE.search(what) and w >= after), None)
    minutes = lambda w: round((w - start).total_seconds() / 60, 1) if w is not None else None  # noqa: E731
    return minutes(detect), minutes(resolve)
