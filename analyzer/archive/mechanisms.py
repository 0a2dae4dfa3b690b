"""Mechanisms within the systemic-cause classes: the project's catalogue (`analyzer/data/mechanisms.yaml`)
of the specific ways each class happens ("memory leak or memory exhaustion", "TLS certificate
expired", "synthetic media impersonating real people"), each named as a reviewer would write it,
with the cues that say a cause statement states it and, when more specific than the class's, the
guardrail that removes it.

`recurring.py` decides which of its class's mechanisms a document states (class-based TF-IDF over
the mechanisms found in the cause statements); this module only loads the catalogue and counts,
per mechanism, the statements that state it. No spaCy, no scikit-learn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Iterable, Sequence

import yaml

from analyzer.archive.taxonomy import OTHER
from analyzer.errors import ConfigError

_KEYS = {"id", "name", "cues", "guardrail", "open", "cause", "also"}


@dataclass(frozen=True)
class Mechanism:
    """One specific way a cause class happens."""

    id: str
    cause_class: str  # the taxonomy class it refines; `other` for mechanisms no class covers
    name: str  # as the label shows it
    pattern: re.Pattern[str]  # any cue, at a word start, on lower-cased text
    guardrail: str | None = None  # when more specific than the class's guardrail
    open: bool = False  # specific enough to place a document the taxonomy abstained on
    cause: str | None = None  # the label's cause, for mechanisms under `other`
    also: tuple[str, ...] = ()  # other classes whose documents state it as one of their own


def parse_mechanisms(data: dict, source: str) -> tuple[Mechanism, ...]:
    """The catalogue from its YAML form ({class id: [mechanism, ...]}); a bad entry is a ConfigError."""
    out: list[Mechanism] = []
    seen: set[str] = set()
    for cause_class, entries in (data or {}).items():
        for raw in entries or []:
            where = f"{source}: {cause_class}/{raw.get('id', '?') if isinstance(raw, dict) else '?'}"
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name") or not raw.get("cues"):
                raise ConfigError(f"{where}: a mechanism needs an id, a name and cues")
            if set(raw) - _KEYS:
                raise ConfigError(f"{where}: unknown keys {sorted(set(raw) - _KEYS)}")
            if raw["id"] in seen:
                raise ConfigError(f"{where}: the id is used twice")
            if cause_class == OTHER and not (raw.get("cause") and raw.get("guardrail")):
                raise ConfigError(f"{where}: a mechanism outside the classes needs its own cause and guardrail")
            try:
                # matched on lower-cased text: faster than re.I on long alternations
                pattern = re.compile(r"\b(?:" + "|".join(f"(?:{str(c).lower()})" for c in raw["cues"]) + ")")
            except re.error as exc:
                raise ConfigError(f"{where}: a cue is not a valid regular expression ({exc})") from exc
            seen.add(raw["id"])
            out.append(Mechanism(str(raw["id"]), str(cause_class), str(raw["name"]), pattern,
                                 raw.get("guardrail"), bool(raw.get("open", False)), raw.get("cause"),
                                 tuple(raw.get("also") or ())))
    return tuple(out)


@lru_cache(maxsize=1)
def load_mechanisms() -> tuple[Mechanism, ...]:
    """The packaged catalogue, in file order (the order breaks the last ties)."""
    text = files("analyzer").joinpath("data", "mechanisms.yaml").read_text(encoding="utf-8")
    return parse_mechanisms(yaml.safe_load(text), "mechanisms.yaml")


def own(m: Mechanism, cause_class: str) -> bool:
    """Whether `m` is one of the mechanisms of `cause_class`; for a document the taxonomy abstained
    on, every open one is (nothing else says what its cause is)."""
    if cause_class == OTHER:
        return m.open
    return m.cause_class == cause_class or cause_class in m.also


def own_mechanisms(mechanisms: Sequence[Mechanism], cause_class: str) -> list[Mechanism]:
    """The mechanisms a document of `cause_class` states first: its class's own (and those outside
    the classes that name it in `also`); for an abstained document, the open ones of every class."""
    return [m for m in mechanisms if own(m, cause_class)]


def foreign_mechanisms(mechanisms: Sequence[Mechanism], cause_class: str) -> list[Mechanism]:
    """The open mechanisms of the other classes (specific enough to say the cause alone: a document
    whose statements state none of its class's mechanisms but, say, a memory leak twice joins the
    memory leaks)."""
    return [m for m in mechanisms if m.open and not own(m, cause_class)]


def count_statements(mechanisms: Iterable[Mechanism], texts: Sequence[str]) -> dict[str, int]:
    """Mechanism id -> how many of `texts` (the title, the cause statements, the evidence) state it."""
    lowered = [t.lower() for t in texts]
    joined = "\n".join(lowered)
    out: dict[str, int] = {}
    for m in mechanisms:
        if m.pattern.search(joined):
            out[m.id] = sum(1 for t in lowered if m.pattern.search(t))
    return out
