"""Recurrence of a cause, in two kinds.

- **Recurred after fix**: an incident of a cause dated after every action item of an earlier
  incident of that cause was done (each with a done date): the fix did not remove the class of
  failure. Each later incident is paired with the most recent such earlier one.
- **Recurred while open**: an earlier incident's action item was still open on the later
  incident's date (an item done after that date was open on it). One event per (later, earlier)
  pair, with the tickets (or texts) that were open.

An item of unknown status never counts as open and never lets an incident count as fixed. Near
misses count on both sides of a pair. Undated incidents take part in neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from analyzer.archive.learning.state import ActionState


@dataclass(frozen=True)
class Incident:
    path: str
    date: date | None
    cause: str | None
    near_miss: bool = False
    actions: tuple[ActionState, ...] = field(default_factory=tuple)
    ttd: float | None = None  # minutes from start to detection, from the timeline
    ttr: float | None = None  # minutes from start to resolution

    def fixed_on(self) -> date | None:
        """The day its last action item was done, when every item is done with a date."""
        if not self.actions or any(a.status != "done" or a.done_on is None for a in self.actions):
            return None
        return max(a.done_on for a in self.actions if a.done_on is not None)


def recurred_after_fix(incidents: Sequence[Incident]) -> list[dict[str, Any]]:
    """Later incidents of the same cause after an earlier one's fix was complete."""
    events = []
    for later in incidents:
        if later.date is None or later.cause is None:
            continue
        fixed = [(e, e.fixed_on()) for e in incidents
                 if e is not later and e.cause == later.cause and e.date is not None and e.date < later.date]
        fixed = [(e, f) for e, f in fixed if f is not None and f < later.date]
        if fixed:
            earlier, on = max(fixed, key=lambda ef: (ef[0].date, ef[1], ef[0].path))
            events.append({"incident": later.path, "after": earlier.path, "fixed_on": on.isoformat()})
    return events


def recurred_while_open(incidents: Sequence[Incident]) -> list[dict[str, Any]]:
    """Later incidents of the same cause while an earlier incident's action item was still open."""
    events = []
    for later in incidents:
        if later.date is None or later.cause is None:
            continue
        for earlier in incidents:
            if earlier is later or earlier.cause != later.cause or earlier.date is None or earlier.date >= later.date:
                continue
            still_open = [a for a in earlier.actions if a.open_on(later.date)]
            if still_open:
                events.append({"incident": later.path, "after": earlier.path,
                               "open_tickets": [a.ticket or a.text for a in still_open]})
    events.sort(key=lambda e: (e["incident"], e["after"]))
    return events
