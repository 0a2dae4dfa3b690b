"""An action item's state on a given day: the document's word, then the tracker's (newer, so it
wins), then whether it is overdue at `today`.

Statuses: `done`, `open`, `unknown` (the document says nothing and no tracker item matches) and
`declined` (closed as won't do: not done, and never overdue). An item of unknown status never
counts as open and never lets an incident count as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Mapping

from analyzer.archive.learning.tracker import TrackerItem, parse_date, ticket_keys

STATUSES = ("done", "open", "unknown", "declined")


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


def from_record(path: str, record: Mapping[str, Any]) -> ActionState:
    """An action item as the document states it: a `Report.actions` entry, whose status and done
    date the judging stage already read from the document (a checkbox, a status word or column,
    "done 2024-03-02"; `judging/actions.py`). The record is trusted: nothing is read again from
    its text. A status outside the contract is unknown; only a done item keeps its done date."""
    status = str(record.get("status") or "unknown").strip().lower()
    if status not in STATUSES:
        status = "unknown"
    return ActionState(
        path=path, text=str(record.get("text") or ""), owner=record.get("owner") or None,
        ticket=record.get("ticket") or None, due=parse_date(record.get("due")), priority=record.get("priority") or None,
        status=status, done_on=parse_date(record.get("done_on")) if status == "done" else None,
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
