"""A document's title and date: from its front matter, else from its text (first heading, first
date written), else from its file path. No spaCy: the archive computes these for every file."""

from __future__ import annotations

import re
from datetime import date as _date
from pathlib import Path
from typing import Any

from analyzer.reading.markdown import parse

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS = (
    (re.compile(r"\b((?:19|20)\d\d)[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])(?!\d)"), ("y", "m", "d")),
    (re.compile(r"\b(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+((?:19|20)\d\d)\b", re.I), ("d", "M", "y")),
    (re.compile(r"\b" + _MONTH + r"\s+(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I), ("M", "d", "y")),
    (re.compile(r"\b" + _MONTH + r",?\s+((?:19|20)\d\d)\b", re.I), ("M", "y")),
)
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
_DATE_KEYS = ("date", "incident_date", "incident-date", "started", "start", "started_at", "created", "published")


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not 1970 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return f"{y:04d}-{m:02d}"


def find_date(text: str) -> str | None:
    """The first date written in `text`, as ISO `YYYY-MM-DD` (or `YYYY-MM`): the earliest match
    of any of the usual forms (2021-05-12, 12 May 2021, May 12, 2021, May 2021)."""
    best: tuple[int, str] | None = None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m or (best and m.start() >= best[0]):
            continue
        parts = dict(zip(order, m.groups()))
        month = int(parts["m"]) if "m" in parts else _MONTHS[parts["M"][:3].lower()] if "M" in parts else None
        value = _iso(int(parts["y"]), month, int(parts["d"]) if "d" in parts else None)
        if value:
            best = (m.start(), value)
    return best[1] if best else None


def _metadata_date(value: Any) -> str | None:
    if isinstance(value, _date):
        return value.isoformat()[:10]
    if isinstance(value, int):
        return _iso(value)
    if isinstance(value, str):
        if re.fullmatch(r"\s*((?:19|20)\d\d)\s*", value):
            return _iso(int(value))
        return find_date(value)
    return None


def describe(text: str) -> tuple[str | None, str | None]:
    """(title, date) from the front matter, else from the text (first heading, first date)."""
    document = parse(text)
    meta = document.metadata
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    when = next((d for k in _DATE_KEYS if k in meta for d in [_metadata_date(meta[k])] if d), None)
    if not title:
        heading = next((h for h in document.headings if h.strong), None)
        if heading is not None:
            title = " ".join(document.text[heading.title_start : heading.title_end].strip("#*_ \t").split()) or None
    if not when:
        when = find_date(document.masked)
    return title, when


def path_title(path: str | Path) -> str:
    return Path(path).stem.replace("_", " ").replace("-", " ").strip() or str(path)


def path_date(path: str | Path) -> str | None:
    m = None
    for m in _PATH_DATE.finditer(Path(path).as_posix()):
        pass
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
