"""Canonical sections: the YAML data, heading-title classification and section ranges.

The data lives in `analyzer/data/sections.yaml` (read as a package resource). Classification is
layered: exact literal, regular-expression pattern, weighted lemma keywords, then a character
trigram similarity fallback, so that headings nobody listed ("Why did this happen to us?",
"Input-distribution shifts", "Root casue") still map by meaning.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

import yaml

from analyzer.errors import ConfigError
from analyzer.yamlio import safe_load


CANONICAL_SECTIONS: tuple[str, ...] = (
    "summary",
    "impact",
    "potential_impact",
    "timeline",
    "root_cause",
    "five_whys",
    "contributing_factors",
    "action_items",
    "lessons_learned",
    "detection",
    "resolution",
    "cost_of_incident",
    "model_metadata",
    "feature_drift_analysis",
    "data_quality_thresholds",
)
AI_SECTIONS = ("model_metadata", "feature_drift_analysis", "data_quality_thresholds")

_SECTION_KEYS = {"title", "literals", "patterns", "keywords", "skeleton"}
_NUMBERING = re.compile(r"^\s*(?:(?:\d{1,2}\.)+\d{0,2}|\d{1,2}\)|[ivx]{1,4}\.|[a-h]\))\s*")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STOP = frozenset(
    "a an the of and or to in on for our we us it this that is was were be did do does what how"
    " with from by at as its their about incident s".split()
)

_CONJUNCTION = re.compile(r"\s+(?:and|&|\+)\s+|\s*/\s*", re.I)
SIMILARITY_THRESHOLD = 0.72
KEYWORD_THRESHOLD = 1.0
EDIT_THRESHOLD = 0.86


@dataclass(frozen=True)
class SectionMatch:
    category: str
    method: str  # literal | pattern | keywords | similarity
    score: float
    rule: str  # the literal, pattern or keywords that decided it


@dataclass(frozen=True)
class SectionSpec:
    name: str
    title: str
    literals: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    keywords: dict[str, float]
    skeleton: str


_CONTRACTIONS = ((re.compile(r"\b(we|you|they|i)'ll\b"), r"\1 will"), (re.compile(r"\b(we|you|they)'re\b"), r"\1 are"),
                 (re.compile(r"\b(we|you|they|i)'ve\b"), r"\1 have"), (re.compile(r"\bcan't\b"), "cannot"),
                 (re.compile(r"\bwon't\b"), "will not"), (re.compile(r"n't\b"), " not"),
                 (re.compile(r"\b(what|that|it|here|there|who|how|where)'s\b"), r"\1 is"))


def normalise_title(title: str) -> str:
    """Lower case; numbering, emphasis and punctuation removed; `5 Whys:` -> `5 whys`; contractions
    spelt out (`What we're doing` -> `what we are doing`, `What's next` -> `what is next`)."""
    t = title.strip().lower().replace("’", "'")
    t = _NUMBERING.sub("", t)
    for pattern, repl in _CONTRACTIONS:
        t = pattern.sub(repl, t)
    t = t.replace("'", "")
    t = _NON_WORD.sub(" ", t)
    return " ".join(t.split())


def _forms(word: str) -> tuple[str, ...]:
    """The word and crude stems of it, for titles matched without a lemmatizer."""
    out = [word]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)] + repl)
    return tuple(out)


def _trigrams(text: str) -> Counter[str]:
    padded = f"  {text} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    common = set(a) & set(b)
    num = sum(a[k] * b[k] for k in common)
    den = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return num / den if den else 0.0


class SectionClassifier:
    """Maps a heading title (and optionally its lemmas) to a canonical section."""

    def __init__(self, specs: Iterable[SectionSpec], combined: dict[str, tuple[str, ...]] | None = None,
                 unmapped: tuple[re.Pattern[str], ...] = ()) -> None:
        self.specs = {s.name: s for s in specs}
        self.unmapped = unmapped  # titles that name no canonical section, whatever their words
        self.combined = {normalise_title(k): v for k, v in (combined or {}).items()}
        self.literal_map: dict[str, str] = {}
        for spec in self.specs.values():
            for lit in spec.literals:
                norm = normalise_title(lit)
                other = self.literal_map.get(norm)
                if other and other != spec.name:
                    raise ConfigError(f"sections.yaml: literal {lit!r} is listed for both {other} and {spec.name}")
                self.literal_map[norm] = spec.name
        self._literal_grams = [(lit, cat, _trigrams(lit)) for lit, cat in self.literal_map.items()]

    @classmethod
    def from_yaml_text(cls, text: str, source: str = "sections.yaml") -> "SectionClassifier":
        try:
            data = safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
        sections = data.get("sections")
        if not isinstance(sections, dict):
            raise ConfigError(f"{source}: expected a mapping under 'sections'")
        specs = []
        for name, body in sections.items():
            if name not in CANONICAL_SECTIONS:
                raise ConfigError(f"{source}: unknown canonical section {name!r}")
            unknown = set(body) - _SECTION_KEYS
            if unknown:
                raise ConfigError(f"{source}: section {name}: unknown key(s) {sorted(unknown)}")
            try:
                patterns = tuple(re.compile(p) for p in body.get("patterns", []))
            except re.error as exc:
                raise ConfigError(f"{source}: section {name}: bad pattern: {exc}") from exc
            specs.append(
                SectionSpec(
                    name=name,
                    title=body.get("title", name.replace("_", " ").capitalize()),
                    literals=tuple(body.get("literals", [])),
                    patterns=patterns,
                    keywords={str(k): float(v) for k, v in (body.get("keywords") or {}).items()},
                    skeleton=body.get("skeleton", ""),
                )
            )
        missing = set(CANONICAL_SECTIONS) - {s.name for s in specs}
        if missing:
            raise ConfigError(f"{source}: canonical section(s) without data: {sorted(missing)}")
        try:
            unmapped = tuple(re.compile(p) for p in data.get("not_sections") or [])
        except re.error as exc:
            raise ConfigError(f"{source}: not_sections: bad pattern: {exc}") from exc
        return cls(specs, _combined(data.get("combined") or {}, source), unmapped)

    def classify(self, title: str, lemmas: Iterable[str] | None = None) -> SectionMatch | None:
        # archives repeat the same few headings thousands of times: cache by title and lemmas
        return self._classify(title, tuple(lemmas) if lemmas is not None else None)

    @lru_cache(maxsize=4096)  # noqa: B019 - one classifier per process, kept for its lifetime
    def _classify(self, title: str, lemmas: tuple[str, ...] | None) -> SectionMatch | None:
        norm = normalise_title(title)
        if not norm or any(p.search(norm) for p in self.unmapped):
            return None
        cat = self.literal_map.get(norm)
        if cat:
            return SectionMatch(cat, "literal", 1.0, norm)
        words = [w for w in (lemmas if lemmas is not None else norm.split())]
        words = [w.lower() for w in words if w and w.lower() not in _STOP]
        words += [w for w in norm.split() if w not in _STOP and w not in words]
        forms = [_forms(w) for w in set(words)]
        scores = {
            name: sum(max(spec.keywords.get(f, 0.0) for f in fs) for fs in forms) for name, spec in self.specs.items()
        }
        # Patterns: when several sections' patterns match ("Recovery actions"), the keyword
        # score decides; file order breaks a tie.
        pattern_hits = []
        for order, spec in enumerate(self.specs.values()):
            pat = next((p for p in spec.patterns if p.search(norm)), None)
            if pat is not None:
                pattern_hits.append((-scores[spec.name], order, spec.name, pat.pattern))
        if pattern_hits:
            _, _, name, pattern = min(pattern_hits)
            return SectionMatch(name, "pattern", 0.9, pattern)
        if words:
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])
            best, runner = ranked[0], ranked[1]
            if best[1] >= KEYWORD_THRESHOLD and best[1] > runner[1]:
                return SectionMatch(best[0], "keywords", min(0.85, 0.5 + best[1] / 4), "+".join(sorted(set(words))))
        if all(w in _STOP or w.isdigit() for w in norm.split()):
            return None  # "Incident 1", "The incident": nothing to guess a section from
        grams = _trigrams(norm)
        best_sim, best_cat, best_lit = 0.0, None, ""
        for lit, cat, lg in self._literal_grams:
            sim = _cosine(grams, lg)
            if sim > best_sim:
                best_sim, best_cat, best_lit = sim, cat, lit
        if best_cat and best_sim >= SIMILARITY_THRESHOLD:
            return SectionMatch(best_cat, "similarity", round(best_sim * 0.8, 3), best_lit)
        # transposed letters in one word ("impcat")
        if " " not in norm and len(norm) >= 5:
            for lit, cat in self.literal_map.items():
                if len(lit) == len(norm) and sorted(lit) == sorted(norm) and sum(a != b for a, b in zip(lit, norm)) == 2:
                    return SectionMatch(cat, "similarity", 0.7, lit)
        # edit-distance fallback for typos ("root casue", "timline")
        close = difflib.get_close_matches(norm, self.literal_map.keys(), n=1, cutoff=EDIT_THRESHOLD)
        if close:
            ratio = difflib.SequenceMatcher(None, norm, close[0]).ratio()
            return SectionMatch(self.literal_map[close[0]], "similarity", round(ratio * 0.8, 3), close[0])
        return None

    def covers(self, title: str, category: str | None = None) -> tuple[str, ...]:
        """Every canonical section a heading stands for: its own, those listed under `combined`
        ("Summary of impact" is the summary and the impact), and each part of a conjunction
        ("Root cause and mitigation", "Recovery and remediation"), unless `combined` lists the heading
        itself ("Detection & Response": GitLab's template asks there how the incident was detected and
        how long detection and response took, not how service was restored)."""
        if category is None:
            match = self.classify(title)
            category = match.category if match else None
        if category is None:
            return ()
        listed = self.combined.get(normalise_title(title))
        if listed is not None:  # the section data says what this heading stands for
            return tuple(dict.fromkeys([category, *listed]))
        out = [category]
        parts = _CONJUNCTION.split(title)
        if len(parts) > 1:  # each part must name a section outright, not by a guess ("service/feature")
            out += [m.category for m in (self.classify(p) for p in parts if p.strip())
                    if m and m.method in ("literal", "pattern")]
        return tuple(dict.fromkeys(out))

    def skeleton(self, name: str) -> str:
        return self.specs[name].skeleton.rstrip() + "\n"

    def title(self, name: str) -> str:
        return self.specs[name].title


def _combined(data: dict, source: str) -> dict[str, tuple[str, ...]]:
    out = {}
    for title, names in data.items():
        bad = [n for n in names if n not in CANONICAL_SECTIONS]
        if bad:
            raise ConfigError(f"{source}: combined heading {title!r}: unknown section(s) {bad}")
        out[str(title)] = tuple(names)
    return out


_LEAD_IN = re.compile(r"\b(?:to|are|is|were|was|be|include|includes|including|as follows|following)\W*$", re.I)


def acceptable(style: str, match: SectionMatch | None, title: str = "") -> bool:
    """Strong headings (ATX, setext) are headings whatever their title; weak forms only when the
    title maps to a section, and a bare title line (`Root cause` alone in its paragraph) only when
    the section data lists that title (a literal or a pattern, not a guess by similarity). A weak
    title that ends as a lead-in to a list ("Our recommendations are to:") is a sentence, not a title."""
    if style in ("atx", "setext"):
        return True
    if match is None or _LEAD_IN.search(title):
        return False
    if style == "run_in":  # a title run into the text: only one the section data lists word for word
        return match.method == "literal"
    # a bare title line, a bold run-in title ending with a stop (`**What happened.** At ...`) or a
    # key-value table's label cell (`| Impact | ... |`): listed titles only
    return style not in ("line", "bold_run_in", "cell") or match.method in ("literal", "pattern")


@lru_cache(maxsize=1)
def default_classifier() -> SectionClassifier:
    text = files("analyzer").joinpath("data/sections.yaml").read_text(encoding="utf-8")
    return SectionClassifier.from_yaml_text(text, "analyzer/data/sections.yaml")


@dataclass(frozen=True)
class Section:
    """A section of the document: its heading (if any), its body range and canonical category."""

    category: str | None
    title_start: int
    title_end: int
    body_start: int
    body_end: int
    level: int
    parent: str | None
    rule: str  # how the heading was mapped (method:rule), "" for unmapped or the preamble
    heading: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class SectionList(list):
    """The sections `build_sections` returns: a list that answers `innermost_section` in
    O(log n + depth) by bisecting the heading starts and walking up the enclosing sections."""

    _index: tuple[int, list[int], list[int]] | None = None

    def _built(self) -> tuple[list[int], list[int]]:
        if self._index is None or self._index[0] != len(self):
            order = sorted(range(len(self)), key=lambda i: self[i].title_start)  # stable: ties keep list order
            starts = [self[i].title_start for i in order]
            parents: list[int] = []  # position (in `order`) of the enclosing section, -1 for none
            stack: list[int] = []
            for pos, i in enumerate(order):
                while stack and (self[order[stack[-1]]].level >= self[i].level or _ends_before(self[order[stack[-1]]], self[i])):
                    stack.pop()
                parents.append(stack[-1] if stack else -1)
                stack.append(pos)
            self._index = (len(self), starts, parents)
            self._order = order
        return self._index[1], self._index[2]

    def innermost(self, offset: int) -> Section | None:
        starts, parents = self._built()
        pos = bisect.bisect_right(starts, offset) - 1
        while pos >= 0:
            s = self[self._order[pos]]
            if s.body_start <= offset < s.body_end or s.title_start <= offset < s.title_end:
                return s
            pos = parents[pos]
        return None


def _ends_before(outer: Section, inner: Section) -> bool:
    return max(outer.body_end, outer.title_end) <= inner.title_start


def innermost_section(sections: Iterable[Section], offset: int) -> Section | None:
    """The innermost section whose heading or body contains `offset` (the one that starts last)."""
    if isinstance(sections, SectionList):
        return sections.innermost(offset)
    best = None
    for s in sections:
        if s.body_start <= offset < s.body_end or s.title_start <= offset < s.title_end:
            if best is None or s.title_start >= best.title_start:
                best = s
    return best


# Sections whose sub-headings group their content: such a sub-heading keeps the parent's category
# ("Immediate actions", "Monitoring" or "Short-term" under Action items), unless it opens a section
# of its own kind (dated updates, a summary: the document's headings are flat).
NESTING = {"action_items": (None, "resolution", "detection", "contributing_factors", "cost_of_incident")}


def build_sections(headings: list[tuple[int, int, int, int, str, str | None, str]], text_len: int) -> list[Section]:
    """Sections from accepted headings `(title_start, title_end, body_start, level, heading,
    category, rule)`, sorted by position. A section runs until the next heading of the same or a
    higher level; an unmapped sub-heading inherits its parent's category (a `### 14:05 update`
    under `## Timeline` is still timeline), and every sub-heading of an action-items section is
    action items (NESTING). Text before the first heading is a preamble section
    with no category. Always yields at least one section (a SectionList: fast innermost lookup)."""
    out = SectionList()
    first = headings[0][0] if headings else text_len
    out.append(Section(None, 0, 0, 0, first, 0, None, "", ""))
    ends = [text_len] * len(headings)  # start of the next heading of the same or a higher level
    waiting: list[int] = []  # headings still looking for their end, levels strictly increasing
    for idx, h in enumerate(headings):
        while waiting and headings[waiting[-1]][3] >= h[3]:
            ends[waiting.pop()] = h[0]
        waiting.append(idx)
    stack: list[tuple[int, str | None]] = []  # (level, category)
    for idx, (ts, te, bs, level, heading, category, rule) in enumerate(headings):
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = next((c for _, c in reversed(stack) if c), None)
        effective = category or parent
        if parent in NESTING and category in NESTING[parent]:  # "### Monitoring" under "## Action items"
            effective = parent
        out.append(Section(effective, ts, te, bs, max(bs, min(ends[idx], text_len)), level, parent, rule, heading))
        stack.append((level, effective))
    return out
