"""In-document suppression: `<!-- pmlint ... -->` directives, applied as a filter on findings.

    <!-- pmlint disable=PM101,blame.* -->   ... until a matching enable (or the end)
    <!-- pmlint enable=PM101,blame.* -->
    <!-- pmlint disable -->                  every rule
    <!-- pmlint ignore PM101 -->             the next block only (also `ignore=PM101`)

A malformed directive is reported as a PM000 finding, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from analyzer.reading.document import Document
from analyzer.findings import Finding
from analyzer.judging.rules import Rule

_DIRECTIVE = re.compile(r"^<!--\s*pmlint\b(.*?)-->$", re.S | re.I)
_BODY = re.compile(r"^\s*(disable|enable|ignore)\s*(?:=\s*|\s+)?(.*?)\s*$", re.S | re.I)
ALL = "*"


# a classifier-only what-not-why finding (PM201, source classifier) answers to its old name too
CLASSIFIER_ALIASES = {"PM201": "PM210"}


@dataclass
class Directive:
    action: str  # disable | enable | ignore
    selectors: tuple[str, ...]  # ("*",) for every rule
    start: int
    end: int
    scope: tuple[int, int] | None = None  # for ignore: the block it applies to
    used: bool = field(default=False, compare=False)

    def matches(self, finding: Finding, rules_by_code: dict[str, Rule]) -> bool:
        if ALL in self.selectors:
            return True
        rule = rules_by_code.get(finding.code)
        alias = rules_by_code.get(CLASSIFIER_ALIASES.get(finding.code, "")) if finding.source == "classifier" else None
        if rule is not None:
            return any(rule.selected_by(s) or (alias is not None and alias.selected_by(s)) for s in self.selectors)
        return any(s.upper() == finding.code or finding.rule == s or finding.rule.startswith(s.rstrip("*").rstrip(".") + ".") for s in self.selectors)


@dataclass(frozen=True)
class DirectiveError:
    start: int
    end: int
    detail: str


def parse_directives(document: Document, rules: Iterable[Rule]) -> tuple[list[Directive], list[DirectiveError]]:
    rules = list(rules)
    directives: list[Directive] = []
    errors: list[DirectiveError] = []
    for start, end in document.comments:
        raw = document.text[start:end]
        m = _DIRECTIVE.match(raw)
        if not m:
            continue
        body = m.group(1)
        bm = _BODY.match(body)
        if not bm:
            word = body.strip().split()[0] if body.strip() else "(nothing)"
            errors.append(DirectiveError(start, end, f"unknown action {word!r} (use disable, enable or ignore)"))
            continue
        action = bm.group(1).lower()
        rest = bm.group(2).strip()
        selectors = tuple(s.strip() for s in re.split(r"[,\s]+", rest) if s.strip()) if rest else (ALL,)
        if action == "ignore" and selectors == (ALL,):
            selectors = (ALL,)
        bad = [s for s in selectors if s != ALL and not any(r.selected_by(s) for r in rules)]
        if bad:
            errors.append(DirectiveError(start, end, f"no rule matches {', '.join(bad)}"))
            continue
        scope = None
        if action == "ignore":
            nxt = next((b for b in document.blocks if b.start >= end), None)
            if nxt is None:
                errors.append(DirectiveError(start, end, "'ignore' has no block after it"))
                continue
            # the whole block, and for a heading its line
            scope = (nxt.start, nxt.end)
        directives.append(Directive(action, selectors, start, end, scope))
    return directives, errors


def apply(findings: Iterable[Finding], directives: list[Directive], rules: Iterable[Rule]) -> list[Finding]:
    """Drop the findings a directive suppresses; mark those directives as used."""
    rules_by_code = {r.code: r for r in rules}
    ordered = sorted((d for d in directives if d.action != "ignore"), key=lambda d: d.start)
    ignores = [d for d in directives if d.action == "ignore"]
    kept: list[Finding] = []
    for f in findings:
        suppressed = False
        for d in ignores:
            if d.scope and d.scope[0] <= f.start < d.scope[1] and d.matches(f, rules_by_code):
                d.used = suppressed = True
        if not suppressed:
            active: Directive | None = None
            for d in ordered:
                if d.end > f.start:
                    break
                if d.matches(f, rules_by_code):
                    active = d if d.action == "disable" else None
            if active is not None:
                active.used = suppressed = True
        if not suppressed:
            kept.append(f)
    return kept
