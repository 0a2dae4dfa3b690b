"""An action item's state on a given day: the document's word, then the tracker's (newer, so it
wins), then whether it is overdue at `today`.

Statuses: `done`, `open`, `unknown` (the document says nothing and no tracker item matches) and
`declined` (closed as won't do: not done, and never overdue). An item of unknown status never
counts as open and never lets an incident count as fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Mapping

from analyzer.archive.learning.tracker import TrackerItem, parse_date, ticket_keys

_DONE_ON = re.compile(
    r"\b(?:done|completed?|fixed|closed|resolved|shipped|landed|merged)\b\s*(?:on|in)?\s*[:(]?\s*"
    r"(\d{4}-\d{2}-\d{2})", re.I)
_STATUS_WORDS = {
    "done": "done", "completed": "done", "complete": "done", "fixed": "done", "closed": "done", "resolved": "done",
    "shipped": "done", "merged": "done", "open": "open", "todo": "open", "to do": "open", "in progress": "open",
    "in-progress": "open", "wip": "open", "planned": "open", "scheduled": "open", "pending": "open",
    "blocked": "open", "won't do": "declined", "wont do": "declined", "won't fix": "declined", "declined": "declined",
    "cancelled": "declined", "canceled": "declined",
}


@dataclass(frozen=True)
class ActionState:
    path: str  # the document the item is in
    text: str
    owner: str | None = None
    ticket: str | None = None
    due: date | None = None
    priority: str | None = None
    status: str = "unknown"  # done | open | unknown | declined
    done_on: date | None = None

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today

    def open_on(self, day: date) -> bool:
        """Still to do on `day`: open, or done only after it (a done item without a date, an unknown
        or a declined one is never open)."""
        if self.status == "open":
            return True
        return self.status == "done" and self.done_on is not None and self.done_on > day

    def to_dict(self, today: date, cause: str | None = None) -> dict[str, Any]:
        return {
            "path": self.path, "text": self.text, "owner": self.owner, "ticket": self.ticket,
            "due": self.due.isoformat() if self.due else None, "priority": self.priority, "status": self.status,
            "done_on": self.done_on.isoformat() if self.done_on else None, "overdue": self.overdue(today),
            "cause": cause,
        }


def status_word(text: str | None) -> str | None:
    """`done`, `open` or `declined` from a status word ("Done", "In progress", "Won't do"), or None."""
    if not text:
        return None
    return _STATUS_WORDS.get(text.strip().lower().rstrip(".:"))


def from_record(path: str, record: Mapping[str, Any]) -> ActionState:
    """An action item as the document states it (a `Report.actions` entry)."""
    text = str(record.get("text") or "")
    status = status_word(record.get("status")) or ("unknown" if record.get("status") in (None, "", "unknown") else "unknown")
    done_on = parse_date(record.get("done_on"))
    if done_on is None:
        m = _DONE_ON.search(text)
        if m:
            done_on = parse_date(m.group(1))
            status = "done"
    return ActionState(
        path=path, text=text, owner=record.get("owner") or None, ticket=record.get("ticket") or None,
        due=parse_date(record.get("due")), priority=record.get("priority") or None, status=status,
        done_on=done_on if status == "done" else None,
    )


def with_tracker(action: ActionState, tracker: Mapping[str, TrackerItem]) -> ActionState:
    """The tracker's state wins over the document's (it is newer); owner and priority fill gaps."""
    keys = ticket_keys(action.ticket or "") + ticket_keys(action.text)
    item = next((tracker[k] for k in keys if k in tracker), None)
    if item is None:
        return action
    return replace(
        action,
        ticket=action.ticket or item.key,
        status=item.status,
        done_on=item.resolved if item.status == "done" else None,
        owner=action.owner or item.assignee,
        priority=action.priority or item.priority,
    )
