"""Tracker exports: Jira, GitHub issues and Linear, as CSV or JSON (`gh issue list --json ...`).

Columns are matched by configurable names (first match wins, case-insensitive), statuses are
mapped through `done_statuses` and `declined_statuses`, and every item is keyed by its normalised
ticket key (`ABC-123`, `#123`, or an issue URL reduced to `owner/repo#123`), so that an action
item's ticket reference finds it whichever form the document used.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from analyzer.errors import InputError

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("issue key", "key", "id", "identifier", "number", "url"),
    "status": ("status", "state"),
    "resolved": ("resolved", "resolution date", "completed", "completedat", "closedat", "closed", "done"),
    "assignee": ("assignee", "assignees", "owner"),
    "priority": ("priority",),
    "url": ("url", "link"),
}
DEFAULT_DONE = ("done", "closed", "resolved", "completed", "fixed", "merged")
DEFAULT_DECLINED = ("won't do", "wont do", "won't fix", "wontfix", "declined", "canceled", "cancelled",
                    "duplicate", "not planned", "obsolete")

_JIRA_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d+)\b")
_ISSUE_URL = re.compile(r"https?://[^\s/]+/([\w.-]+)/([\w.-]+)/(?:-/)?(?:issues|pull|merge_requests)/(\d+)")
_HASH = re.compile(r"(?<![\w&])#(\d+)\b")


@dataclass(frozen=True)
class TrackerItem:
    key: str
    status: str  # done | open | declined
    resolved: date | None = None
    assignee: str | None = None
    priority: str | None = None
    url: str | None = None


def ticket_keys(text: str) -> list[str]:
    """Every ticket reference in `text`, normalised: `ABC-123`, `owner/repo#123` for an issue or
    pull-request URL, `#123` for a bare number."""
    keys: list[str] = []
    for m in _ISSUE_URL.finditer(text):
        keys.append(f"{m.group(1)}/{m.group(2)}#{m.group(3)}".lower())
    keys += [m.group(1) for m in _JIRA_KEY.finditer(text)]
    stripped = _ISSUE_URL.sub(" ", text)
    keys += [f"#{m.group(1)}" for m in _HASH.finditer(stripped)]
    return list(dict.fromkeys(keys))


def parse_date(value: Any) -> date | None:
    """A date from the forms trackers export: ISO dates and datetimes (with Z), `12/Mar/24 3:04 PM`
    (Jira), `2024-03-12 15:04`."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y", "%Y-%m-%d %H:%M", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _status(raw: str, done: Iterable[str], declined: Iterable[str]) -> str:
    low = raw.strip().lower()
    if low in {d.lower() for d in declined}:
        return "declined"
    if low in {d.lower() for d in done}:
        return "done"
    return "open"


def _pick(row: Mapping[str, Any], names: Iterable[str]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for name in names:
        if name in lowered and lowered[name] not in (None, ""):
            return lowered[name]
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # gh: assignees [{"login": ...}]
        names = [v.get("login") or v.get("name") if isinstance(v, dict) else str(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return value.get("name") or value.get("login") or None
    return str(value).strip() or None


def item_from_row(row: Mapping[str, Any], *, columns: Mapping[str, Iterable[str]] | None = None,
                  done: Iterable[str] = DEFAULT_DONE, declined: Iterable[str] = DEFAULT_DECLINED) -> TrackerItem | None:
    """One export row as a TrackerItem, or None when it has no usable key."""
    cols = {**DEFAULT_COLUMNS, **{k: tuple(n.lower() for n in v) for k, v in (columns or {}).items()}}
    raw_key = _pick(row, cols["key"])
    url = _text(_pick(row, cols["url"]))
    if raw_key is None and url is None:
        return None
    key_text = str(raw_key) if raw_key is not None else ""
    keys = ticket_keys(url or "") + ticket_keys(key_text)
    if not keys and key_text.strip().isdigit():
        keys = [f"#{key_text.strip()}"]
    if not keys:
        keys = [key_text.strip()]
    resolved = parse_date(_pick(row, cols["resolved"]))
    raw_status = _text(_pick(row, cols["status"])) or ""
    status = _status(raw_status, done, declined) if raw_status else ("done" if resolved else "open")
    return TrackerItem(keys[0], status, resolved if status == "done" else None, _text(_pick(row, cols["assignee"])),
                       _text(_pick(row, cols["priority"])), url)


def read_tracker(path: str | Path, *, columns: Mapping[str, Iterable[str]] | None = None,
                 done: Iterable[str] = DEFAULT_DONE, declined: Iterable[str] = DEFAULT_DECLINED) -> dict[str, TrackerItem]:
    """{normalised key: item} from a CSV or JSON export. Every alias of an item's key (its URL
    form and its bare number) points to it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the tracker export: {exc}") from None
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{p}: not valid JSON: {exc}") from None
        rows = data if isinstance(data, list) else data.get("issues") or data.get("nodes") or []
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    out: dict[str, TrackerItem] = {}
    for row in rows:
        if not isinstance(row, dict):
            continue
        item = item_from_row(row, columns=columns, done=done, declined=declined)
        if item is None:
            continue
        aliases = {item.key}
        if item.url:
            aliases.update(ticket_keys(item.url))
        number = re.search(r"#(\d+)$", item.key)
        if number:
            aliases.add(f"#{number.group(1)}")
        for alias in aliases:
            out.setdefault(alias, item)
    return out
