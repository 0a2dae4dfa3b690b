"""The systemic-cause taxonomy as data: the packaged classes (`analyzer/data/causes.yaml`) plus an
organisation's own (`archive.cause_classes`). Each class has a guardrail and `terms`: the lemmas and
phrases that name its mechanism or its guardrail, which the judging stage uses to tell whether an
action item addresses a cause (`judging/cause_action.py`). The learnt classifier over the same
taxonomy lives in the archive stage (`archive/taxonomy.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Sequence

from analyzer.errors import ConfigError
from analyzer.yamlio import safe_load

OTHER = "other"


@dataclass(frozen=True)
class CauseClass:
    id: str
    name: str
    description: str
    guardrail: str
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # lemmas or lemma phrases of the mechanism and its guardrail
    cues: tuple[str, ...] = ()  # regular expressions naming the mechanism specifically (`cause_cues.yaml`)


CUES = "cause_cues.yaml"  # analyzer/data: cue evidence per packaged class
AUTHORED = ("cause_statements.yaml", "cause_statements_registers.yaml", "cause_statements_plain.yaml")  # analyzer/data: the training statements


def _packaged(name: str) -> Any:
    return safe_load(files("analyzer").joinpath("data", name).read_text(encoding="utf-8"))


def _parse_class(raw: Any, origin: str) -> CauseClass:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
        raise ConfigError(f"{origin}: every cause class needs an `id` (got {raw!r})")
    pos, neg = raw.get("positive") or [], raw.get("negative") or []
    if not all(isinstance(x, str) for x in [*pos, *neg]):
        raise ConfigError(f"{origin}: cause class {raw['id']}: examples must be strings")
    terms = raw.get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(x, str) and x.strip() for x in terms):
        raise ConfigError(f"{origin}: cause class {raw['id']}: `terms` must be a list of words or phrases")
    cues = raw.get("cues") or []
    if not isinstance(cues, list) or not all(isinstance(x, str) and x.strip() for x in cues):
        raise ConfigError(f"{origin}: cause class {raw['id']}: `cues` must be a list of regular expressions")
    for cue in cues:
        try:
            re.compile(cue, re.I)
        except re.error as exc:
            raise ConfigError(f"{origin}: cause class {raw['id']}: cue {cue!r} is not a regular expression ({exc})") from None
    return CauseClass(raw["id"].strip(), str(raw.get("name") or raw["id"]).strip(), str(raw.get("description") or ""),
                      str(raw.get("guardrail") or ""), tuple(pos), tuple(neg), tuple(t.strip().lower() for t in terms),
                      tuple(cues))


_ESCAPE = re.compile(r"\\.")


def cue_pattern(cues: Sequence[str]) -> tuple[re.Pattern[str], bool]:
    """One pattern for any of `cues` (case-insensitive regular expressions), and whether it is to
    be matched on lower-cased text: when no cue has an upper-case letter (escapes aside), matching
    case-sensitively on the lower-cased sentence finds the same sentences as `re.I` at about half
    the cost (cue evidence is most of the time `cluster` spends on a warm store)."""
    pattern = "|".join(f"(?:{c})" for c in cues)
    if any(ch.isupper() for ch in _ESCAPE.sub("", pattern)):
        return re.compile(pattern, re.I), False
    return re.compile(pattern), True


def cue_search(cue: tuple[re.Pattern[str], bool], sentence: str, lowered: str | None = None) -> bool:
    """Whether a `cue_pattern` matches `sentence` (`lowered`: its lower-case form, when known)."""
    pattern, lower = cue
    return pattern.search((sentence.lower() if lowered is None else lowered) if lower else sentence) is not None


def load_taxonomy(extra: Sequence[Any] = ()) -> list[CauseClass]:
    """The packaged classes, then the organisation's (`archive.cause_classes`); an extra class
    with a packaged id replaces it. An extra class needs positive examples to be learnt."""
    cues = _packaged(CUES)["cues"]
    classes = {c.id: c for c in (_parse_class({**r, "cues": cues.get(r.get("id")) or r.get("cues")}, "causes.yaml")
                                 for r in _packaged("causes.yaml")["classes"])}
    for raw in extra or ():
        c = _parse_class(raw, "archive.cause_classes")
        if c.id not in classes and len(c.positive) < 3:
            raise ConfigError(f"archive.cause_classes: {c.id} needs at least three positive example statements")
        classes[c.id] = c
    ordered = [c for cid, c in classes.items() if cid != OTHER] + [classes[OTHER]]
    return ordered


def training_statements(taxonomy: Sequence[CauseClass]) -> tuple[list[str], list[str]]:
    """(statements, class ids): the authored statements and every class's positive examples."""
    texts, labels = [], []
    known = {c.id for c in taxonomy}
    for name in AUTHORED:
        for cid, statements in _packaged(name).items():
            if cid in known:
                texts += statements
                labels += [cid] * len(statements)
    for c in taxonomy:
        texts += list(c.positive)
        labels += [c.id] * len(c.positive)
    return texts, labels


@lru_cache(maxsize=1)
def packaged_taxonomy() -> tuple[CauseClass, ...]:
    return tuple(load_taxonomy(()))
