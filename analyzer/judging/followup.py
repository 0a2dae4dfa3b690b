"""Follow-through checks: what makes a post-mortem trackable after the review.

- `action_contract`: on incidents of the configured severities (front matter `severity:`), every
  action item not yet done has a due date, a priority and a way to tell it worked ("done when",
  "verified by", an alert that proves it);
- `quantified_section`: the impact section says how much (people or requests, duration, money or
  orders) and the cost section states a figure (money, engineer-hours, lost conversions);
- `timeline_order`: timeline times in order, a time zone stated, detection not before the start;
- `cause_action`: every root-cause or contributing-factor statement is addressed by an action item
  or by a decision not to act (`cause_action.py`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable

from analyzer.judging.cause_action import check_cause_action
from analyzer.judging.checks import Context, Hit
from analyzer.judging.rules import Rule
from analyzer.judging.timeline import _DETECT, _LINE, _START

_SEVERITY_WORDS = {"critical": 1, "blocker": 1, "major": 2, "high": 2, "medium": 3, "moderate": 3, "minor": 4, "low": 4}
_SEVERITY = re.compile(r"^\s*(?:sev(?:erity)?|p|s)?[\s_-]*([0-5])\b", re.I)
_VERIFICATION = re.compile(
    r"\b(done when|verif(y|ied|ication)|success (criteri(a|on)|when|measured)|we(?:'ll| will) know|measured by|"
    r"so that (we|the|it|no|every|a)|until|alert(s|ing)? (if|when|on)|test(s|ed)? (that|proves?)|acceptance criteri(a|on)|"
    r"definition of done|confirm(ed)? (by|when|that))\b", re.I)
_TIME_ZONE = re.compile(r"\b(UTC|GMT|Z|[ECMP][SD]T|CES?T|BST|IST|JST|AEST|AEDT|SGT|HKT|KST)\b|[+-]\d{2}:?\d{2}\b|\btime ?zone\b")
_NUMBERS = {
    "impact": re.compile(
        r"[$€£]\s?\d|\b\d[\d,.]*\s*(%|percent|k\b|m\b|(users?|customers?|clients?|tenants?|accounts?|requests?|calls?|queries|"
        r"orders?|transactions?|payments?|messages?|jobs?|builds?|pages?|sites?|regions?|services?|errors?|minutes?|mins?|"
        r"hours?|hrs?|h\b|seconds?|secs?|days?|weeks?|ms\b))", re.I),
    "cost": re.compile(
        r"[$€£]\s?\d|\b\d[\d,.]*\s*(k\b|m\b)?\s*(usd|eur|gbp|dollars?|euros?|pounds?|(engineer|engineering|person|people|"
        r"staff|man|developer|on-?call)[- ]?(hours?|days?)|hours?|conversions?|orders?|sales|signups?|credits?)\b", re.I),
}


def incident_severity(metadata: dict) -> int | None:
    """The incident's severity as a number (1 is the worst) from front matter `severity`/`sev`."""
    for key in ("severity", "sev", "level"):
        value = metadata.get(key)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text in _SEVERITY_WORDS:
            return _SEVERITY_WORDS[text]
        m = _SEVERITY.match(text)
        if m:
            return int(m.group(1))
    return None


def check_action_contract(rule: Rule, ctx: Context) -> Iterable[Hit]:
    severities = rule.options.get("severities", [1, 2])
    if severities != "always":
        severity = incident_severity(ctx.document.metadata if isinstance(ctx.document.metadata, dict) else {})
        if severity is None or severity not in severities:
            return
    require = rule.options.get("require", ["due date", "priority", "verification"])
    for item in ctx.actions:
        if item.status == "done":
            continue
        missing = [what for what, present in (("due date", item.due), ("priority", item.priority),
                                             ("verification", _VERIFICATION.search(item.text)))
                   if what in require and not present]
        if missing:
            yield Hit(rule.code, item.start, item.end, {"missing": ", ".join(missing)})


def check_quantified_section(rule: Rule, ctx: Context) -> Iterable[Hit]:
    section = rule.options["section"]
    numbers = _NUMBERS[rule.options.get("numbers", "impact")]
    for s in ctx.sections_of(section):
        body = ctx.text[s.body_start:s.body_end]
        if body.strip() and not numbers.search(body):
            yield Hit(rule.code, s.title_start, s.title_end, {"heading": s.heading})


def _timeline_lines(body: str, offset: int) -> list[tuple[int, int, str, date | None]]:
    """(offset, minutes of the day, what, date written) for every timeline line of a section body."""
    out = []
    for m in _LINE.finditer(body):
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            continue
        day = None
        if m.group(1):
            try:
                day = date.fromisoformat(m.group(1))
            except ValueError:
                continue
        out.append((offset + m.start(), hour * 60 + minute, m.group(4), day))
    return out


def check_timeline_order(rule: Rule, ctx: Context) -> Iterable[Hit]:
    what = rule.options.get("check", "order")
    for s in ctx.sections_of("timeline"):
        body = ctx.text[s.body_start:s.body_end]
        lines = _timeline_lines(body, s.body_start)
        if len(lines) < 2:
            continue
        if what == "timezone":
            if not _TIME_ZONE.search(ctx.text[s.title_start:s.body_end]):
                yield Hit(rule.code, s.title_start, s.title_end, {"heading": s.heading})
        elif what == "order":
            yield from _out_of_order(rule, lines)
        elif what == "detection":
            start = next((i for i, line in enumerate(lines) if _START.search(line[2])), 0)
            detect = next((i for i, line in enumerate(lines) if _DETECT.search(line[2])), None)
            if detect is not None and detect < start:
                yield Hit(rule.code, lines[detect][0], lines[detect][0] + len(lines[detect][2]) + 6, {})


def _out_of_order(rule: Rule, lines: list[tuple[int, int, str, date | None]]) -> Iterable[Hit]:
    """A time earlier than the one before it on the same day (going back more than six hours is
    read as the next day; a new date starts afresh)."""
    last_day, last_minutes = None, None
    for offset, minutes, _what, day in lines:
        if day is not None and day != last_day:
            if last_day is not None and day < last_day:
                yield Hit(rule.code, offset, offset + 16, {})
            last_day, last_minutes = day, minutes
            continue
        if last_minutes is not None and 0 < last_minutes - minutes <= 6 * 60:
            yield Hit(rule.code, offset, offset + 5, {})
        last_minutes = minutes


FOLLOWUP_CHECKS = {
    "action_contract": check_action_contract,
    "quantified_section": check_quantified_section,
    "timeline_order": check_timeline_order,
    "cause_action": check_cause_action,
}
