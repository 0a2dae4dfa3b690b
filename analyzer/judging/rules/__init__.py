"""Rules are YAML data over a closed set of Python kinds.

Every rule has a stable `code` (PM101), a dotted `name` (blame.named-individual), a `kind`, a
default `severity`, a `message` (a format string), a `suggestion`, and `examples` with `fail`
and `pass` texts that the tests run. Each kind declares the extra keys it accepts; an unknown key
or kind raises `RuleError(file, rule, message)`.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Iterable

import yaml

from analyzer.errors import RuleError
from analyzer.findings import Severity
from analyzer.nlp.sections import CANONICAL_SECTIONS
from analyzer.yamlio import safe_load


COMMON_KEYS = {"code", "name", "summary", "kind", "severity", "message", "suggestion", "note", "link", "examples", "enabled", "scope"}

# kind -> extra keys it accepts
KINDS: dict[str, set[str]] = {
    "phrase": {"patterns", "unless", "loosely", "except", "exclude_propn", "requires_agent", "sentence", "context_filter"},
    "agent": {"targets"},
    "required_section": set(),
    "empty_section": {"min_words"},
    "timeline_timestamps": {"min_share"},
    "timeline_events": {"events", "ai_only"},
    "action_owner": set(),
    "whys_person": set(),
    "restatement": {"patterns"},
    "classifier": {"model", "threshold", "label"},
    "directive": set(),
    "action_contract": {"severities", "require"},
    "quantified_section": {"section", "numbers"},
    "timeline_order": {"check"},
    "cause_action": {"sections", "min_shared"},
}
SENTENCE_KINDS = {"phrase", "agent"}
# a phrase pattern is a string or {pattern, suggestion?, subject?, at_start?}; `subject: person`
# accepts the match only when the clause's subject (or, for a noun such as "fault", its owner:
# "Mike's mistake caused ...", "his fault") is a person, role, team or personal pronoun; `at_start:
# true` only when the match opens its sentence ("Had the runbook been followed, ..."); `keep_in:
# [HYPOTHETICAL, NEGATED]` keeps the match in a sentence of that context (a past counterfactual
# about people blames them; "nobody reads the runbook" is blame although it is negated); `object:
# person` only when a verb of the match has a person, role or team as its object or passive subject
# ("Retrain Ahmed on ...", "the owner is retrained", not "Retrain the model"); `asked: true` only
# when people are asked or promise to do it as a habit ("engineers must double-check configs",
# "Priya to double-check the thresholds next time"), not when it is narrated ("worked with Sam to
# double-check the issue"), thanked for, or set as a one-off task on a system
PATTERN_KEYS = {"pattern", "suggestion", "subject", "at_start", "keep_in", "object", "asked"}
KEEP_IN = {"HYPOTHETICAL", "NEGATED"}
_CODE = re.compile(r"^PM\d{3}$")
_NAME = re.compile(r"^[a-z]+(\.[a-z0-9-]+)+$")
SCOPE_SPECIAL = {"@future"}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    severity: Severity
    message: str
    suggestion: str = ""
    note: str = ""
    link: str = ""
    summary: str = ""  # what it catches, in one line (`pmlint rules`)
    scope: tuple[str, ...] = ()
    enabled: bool = True
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    def selected_by(self, selector: str) -> bool:
        """A rule is selected by its code, its name, a dotted prefix (`blame`, `blame.*`) or a glob."""
        sel = selector.strip()
        if not sel:
            return False
        if sel.upper() == self.code or sel == self.name:
            return True
        if sel.endswith(".*"):
            sel = sel[:-2]
        if self.name == sel or self.name.startswith(sel + "."):
            return True
        return fnmatch.fnmatchcase(self.name, sel) or fnmatch.fnmatchcase(self.code, sel.upper())

    def in_scope(self, section: str | None) -> bool:
        scope = [s for s in self.scope if s not in SCOPE_SPECIAL]
        if not scope:
            return True
        negated = [s[1:] for s in scope if s.startswith("~")]
        positive = [s for s in scope if not s.startswith("~")]
        if section in negated:
            return False
        return not positive or section in positive


def _parse_rule(raw: dict[str, Any], source: str) -> Rule:
    rid = str(raw.get("code") or raw.get("name") or "?")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RuleError(source, rid, f"unknown kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    unknown = set(raw) - COMMON_KEYS - KINDS[kind]
    if unknown:
        raise RuleError(source, rid, f"unknown key(s) {sorted(unknown)} for kind {kind!r}")
    for key in ("code", "name", "severity", "message"):
        if key not in raw:
            raise RuleError(source, rid, f"missing required key {key!r}")
    if not _CODE.match(str(raw["code"])):
        raise RuleError(source, rid, "code must look like PM123")
    if not _NAME.match(str(raw["name"])):
        raise RuleError(source, rid, "name must be dotted lower case, e.g. blame.named-individual")
    try:
        severity = Severity(raw["severity"])
    except ValueError:
        raise RuleError(source, rid, f"severity must be one of {[s.value for s in Severity]}") from None
    scope = tuple(raw.get("scope") or ())
    for s in scope:
        if s.lstrip("~") not in CANONICAL_SECTIONS and s not in SCOPE_SPECIAL:
            raise RuleError(source, rid, f"scope {s!r} is not a canonical section")
    examples = raw.get("examples") or {}
    if set(examples) - {"fail", "pass"}:
        raise RuleError(source, rid, "examples take only 'fail' and 'pass'")
    options = {k: raw[k] for k in KINDS[kind] if k in raw}
    for pat in options.get("patterns", []):
        if isinstance(pat, dict) and set(pat) - PATTERN_KEYS:
            raise RuleError(source, rid, f"unknown pattern key(s) {sorted(set(pat) - PATTERN_KEYS)} (known: {sorted(PATTERN_KEYS)})")
        if isinstance(pat, dict) and pat.get("subject", "person") != "person":
            raise RuleError(source, rid, "a pattern's 'subject' can only be 'person'")
        if isinstance(pat, dict) and pat.get("object", "person") != "person":
            raise RuleError(source, rid, "a pattern's 'object' can only be 'person'")
        for flag in ("at_start", "asked"):
            if isinstance(pat, dict) and not isinstance(pat.get(flag, False), bool):
                raise RuleError(source, rid, f"a pattern's '{flag}' is true or false")
        if isinstance(pat, dict) and not (isinstance(pat.get("keep_in", []), list) and set(pat.get("keep_in", [])) <= KEEP_IN):
            raise RuleError(source, rid, f"a pattern's 'keep_in' is a list of {sorted(KEEP_IN)}")
    if not isinstance(options.get("except", []), list):
        raise RuleError(source, rid, "'except' is a list of patterns")
    return Rule(
        code=raw["code"],
        name=raw["name"],
        kind=kind,
        severity=severity,
        message=str(raw["message"]),
        suggestion=str(raw.get("suggestion", "")),
        note=str(raw.get("note", "")),
        summary=" ".join(str(raw.get("summary", "")).split()),
        link=str(raw.get("link", "")),
        scope=scope,
        enabled=bool(raw.get("enabled", True)),
        examples={k: tuple(v or ()) for k, v in examples.items()},
        options=options,
        source=source,
    )


def parse_rules(text: str, source: str) -> list[Rule]:
    try:
        data = safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise RuleError(source, "-", f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(source, "-", "expected a top-level 'rules' list")
    return [_parse_rule(r, source) for r in data["rules"]]


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    folder = files("analyzer").joinpath("data/rules")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            rules.extend(parse_rules(entry.read_text(encoding="utf-8"), f"analyzer/data/rules/{entry.name}"))
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.code, rule.name):
            if key in seen:
                raise RuleError(rule.source, key, f"duplicate rule id (also in {seen[key]})")
            seen[key] = rule.source
    return tuple(rules)


def rule_by_code(code: str, rules: Iterable[Rule] | None = None) -> Rule:
    for rule in rules or default_rules():
        if rule.code == code:
            return rule
    raise KeyError(code)


def known_selector(selector: str, rules: Iterable[Rule] | None = None) -> bool:
    return any(r.selected_by(selector) for r in (rules or default_rules()))
