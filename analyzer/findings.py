"""The records every producer yields and every front end reads.

`Finding`, `SectionHit` and `Report` are frozen dataclasses with a `to_dict()` whose keys are the
contract in DESIGN.md. Offsets into the original text are the truth; line and column are derived
once, here, from a `LineIndex`.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Any


class Severity(StrEnum):
    SUGGESTION = "suggestion"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.SUGGESTION: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    ERROR = 3


class LineIndex:
    """1-based line/column of a character offset, by bisecting the line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


@dataclass(frozen=True)
class Finding:
    rule: str
    code: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    text: str = ""
    suggestion: str = ""
    section: str | None = None
    confidence: float | None = None
    source: str = "rule"  # "rule" | "classifier" | "both"
    explanation: str = ""  # the cues the finding was based on (extension of the contract)
    quoted: bool = False  # inside a block quote, e.g. a pasted chat message (extension)
    fingerprint: str = ""  # stable across edits elsewhere in the file (baselines, SARIF partialFingerprints)

    @property
    def family(self) -> str:
        return self.rule.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "suggestion": self.suggestion,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "section": self.section,
            "confidence": None if self.confidence is None else round(float(self.confidence), 4),
            "source": self.source,
            "explanation": self.explanation,
            "quoted": self.quoted,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        values = dict(data)
        values["severity"] = Severity(values["severity"])
        return cls(**{k: v for k, v in values.items() if k in _FINDING_FIELDS})


_FINDING_FIELDS = set(Finding.__dataclass_fields__)


def locate(finding_kwargs: dict[str, Any], text: str, index: LineIndex) -> dict[str, Any]:
    """Fill line/column and the flagged text from the offsets."""
    start, end = finding_kwargs["start"], finding_kwargs["end"]
    line, col = index.line_col(start)
    end_line, end_col = index.line_col(max(start, end))
    finding_kwargs.update(line=line, column=col, end_line=end_line, end_column=end_col)
    finding_kwargs.setdefault("text", text[start:end])
    return finding_kwargs


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


CONTEXT_CHARS = 2000  # of the sentence or line a fingerprint hashes, either side of the finding


def with_fingerprints(findings: list[Finding], text: str, sentences: list[tuple[int, int]]) -> list[Finding]:
    """Each finding with its fingerprint: `<16 hex>:<n>`, a hash of the rule code, the flagged text,
    the sentence it lies in (both lower-cased, whitespace collapsed; at most CONTEXT_CHARS either
    side of the finding) and the section, then the occurrence number of that hash in the file.
    Nothing else goes in (no line, no offset), so the fingerprint survives edits elsewhere in the
    file and re-wrapping of the sentence itself. A finding with no span (a missing section) hashes
    its message instead of a sentence."""
    sentences = sorted(sentences)
    starts = [s for s, _ in sentences]
    seen: dict[str, int] = {}
    out: list[Finding] = []
    for f in findings:
        if f.end > f.start:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0 and sentences[i][1] >= f.start:
                start, end = sentences[i][0], max(sentences[i][1], f.end)
            else:  # outside every sentence (a table cell, a heading): the line
                start = text.rfind("\n", 0, f.start) + 1
                line_end = text.find("\n", f.end)  # (no slice of the rest: linear in findings)
                end = max(f.end, line_end if line_end != -1 else len(text))
            # at most CONTEXT_CHARS either side: a megabyte-long line costs each finding a bounded slice
            start, end = max(start, f.start - CONTEXT_CHARS), min(end, f.end + CONTEXT_CHARS)
            flagged, context = text[f.start:f.end], text[start:end]
        else:
            flagged, context = "", f.message
        key = "\x1f".join((f.code, _normalised(flagged), _normalised(context), f.section or ""))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # lone surrogates too
        seen[digest] = seen.get(digest, 0) + 1
        out.append(replace(f, fingerprint=f"{digest}:{seen[digest]}"))
    return out


@dataclass(frozen=True)
class SectionHit:
    """Where a canonical section was found: its heading text and 1-based line, or, for a section
    the document states without a heading (`source: content`), the span of the evidence and what
    it is ("5 entries in a row that open with a time or date"); `heading` is then empty."""

    heading: str
    line: int
    source: str = "heading"  # heading | content
    start: int | None = None  # the heading title, or the evidence (character offsets)
    end: int | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"heading": self.heading, "line": self.line, "source": self.source, "start": self.start,
                "end": self.end, "evidence": self.evidence}


@dataclass(frozen=True)
class ActionItem:
    """One action item: a future commitment under an action-like section, an item listed there with
    its status, or a task-list checkbox anywhere. Owner, ticket, due and priority are as written."""

    start: int
    end: int
    text: str
    owner: str | None = None
    ticket: str | None = None
    due: str | None = None
    priority: str | None = None
    status: str = "unknown"  # done | open | unknown
    done_on: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Report:
    path: str
    score: int
    ai_incident: bool
    sections: dict[str, SectionHit | None]
    findings: tuple[Finding, ...]
    stats: dict[str, int] = field(default_factory=dict)
    profile: str = "general"  # the profile the required sections came from (extension)
    metadata: dict[str, Any] = field(default_factory=dict)  # front matter (extension)
    error: str | None = None  # why the input could not be analysed (extension)
    actions: tuple[ActionItem, ...] = ()

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[str(f.severity)] += 1
        return out

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "score": self.score,
            "ai_incident": self.ai_incident,
            "profile": self.profile,
            "sections": {k: (v.to_dict() if v else None) for k, v in self.sections.items()},
            "findings": [f.to_dict() for f in self.findings],
            "actions": [a.to_dict() for a in self.actions],
            "stats": dict(self.stats),
            "metadata": _jsonable(self.metadata),
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        return cls(
            path=data["path"],
            score=data["score"],
            ai_incident=data["ai_incident"],
            sections={k: (SectionHit(**v) if v else None) for k, v in data["sections"].items()},
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
            stats=data.get("stats", {}),
            profile=data.get("profile", "general"),
            metadata=data.get("metadata", {}),
            error=data.get("error"),
            actions=tuple(ActionItem(**a) for a in data.get("actions", [])),
        )

    @classmethod
    def failed(cls, path: str, error: str) -> "Report":
        return cls(path=path, score=0, ai_incident=False, sections={}, findings=(), error=error)


def _jsonable(value: Any, depth: int = 0) -> Any:
    """Front matter may hold dates and other YAML types; keep it JSON-serialisable. Nesting past
    32 levels (or a value that contains itself) is cut to its string form, never recursed into."""
    if depth > 32:
        return "…"
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and infinities are not JSON
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
