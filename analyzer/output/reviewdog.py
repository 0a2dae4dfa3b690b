"""reviewdog's diagnostic format (rdjson: one DiagnosticResult; rdjsonl: one Diagnostic a line).

    pmlint check --format rdjson postmortems/ | reviewdog -f=rdjson -reporter=github-pr-review

Severity: error -> ERROR, warning -> WARNING, suggestion -> INFO. Columns are 1-based UTF-8 byte
counts, as reviewdog expects, when the source text is given (`sources`), else character counts
(the same for ASCII). A finding whose rewrite replaces the sentence it flags (`rewrites`, from the
fixed-draft helper) carries it as a reviewdog suggestion, which `github-pr-review` shows as a
suggested change; other suggestions (advice, not replacement text) stay in the message. Files
that could not be read are not diagnostics: their errors go to stderr.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.output.safe import json_safe
from analyzer.findings import Finding, LineIndex, Report

INFO_URI = "https://github.com/pmlint/pmlint"
SOURCE = {"name": "pmlint", "url": INFO_URI}
SEVERITY = {"error": "ERROR", "warning": "WARNING", "suggestion": "INFO"}

# path -> {fingerprint: (start offset, end offset, replacement)}
Rewrites = dict[str, dict[str, tuple[int, int, str]]]


class _Columns:
    """1-based character columns -> 1-based UTF-8 byte columns of one file's lines."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.lines = text.split("\n") if text is not None else None
        self.index = LineIndex(text) if text is not None else None

    def byte_col(self, line: int, column: int) -> int:
        if self.lines is None or not 1 <= line <= len(self.lines):
            return max(1, column)
        return len(self.lines[line - 1][: max(0, column - 1)].encode("utf-8")) + 1

    def position(self, offset: int) -> dict[str, int]:
        assert self.index is not None
        line, col = self.index.line_col(offset)
        return {"line": line, "column": self.byte_col(line, col)}


def diagnostic(path: str, f: Finding, cols: _Columns, rewrite: tuple[int, int, str] | None) -> dict[str, Any]:
    start = {"line": max(1, f.line), "column": cols.byte_col(f.line, f.column)}
    end = {"line": max(start["line"], f.end_line or f.line), "column": cols.byte_col(f.end_line or f.line, f.end_column or f.column)}
    message = f"{f.message} [{f.rule}]"
    out: dict[str, Any] = {
        "message": message,
        "location": {"path": path, "range": {"start": start, "end": end}},
        "severity": SEVERITY[str(f.severity)],
        "source": SOURCE,
        "code": {"value": f.code, "url": f"{INFO_URI}#rules"},
    }
    if rewrite is not None and cols.text is not None:
        r_start, r_end, replacement = rewrite
        out["suggestions"] = [{"range": {"start": cols.position(r_start), "end": cols.position(r_end)}, "text": replacement}]
    elif f.suggestion and f.code != "PM301":
        out["message"] = f"{message}\nSuggestion: {f.suggestion}"
    return out


def diagnostics(reports: list[Report], sources: dict[str, str] | None, rewrites: Rewrites | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for report in reports:
        path = report.path.replace("\\", "/")
        if report.error:  # reviewdog diagnostics are findings; the CLI names unreadable files on stderr
            continue
        cols = _Columns((sources or {}).get(report.path))
        mine = (rewrites or {}).get(report.path, {})
        out.extend(diagnostic(path, f, cols, mine.get(f.fingerprint)) for f in report.findings)
    return out


def format_rdjson(reports: list[Report], *, sources: dict[str, str] | None = None, rewrites: Rewrites | None = None) -> str:
    result = {"source": SOURCE, "diagnostics": diagnostics(reports, sources, rewrites)}
    return json_safe(json.dumps(result, indent=2, ensure_ascii=False)) + "\n"


def format_rdjsonl(reports: list[Report], *, sources: dict[str, str] | None = None, rewrites: Rewrites | None = None) -> str:
    return "".join(json_safe(json.dumps(d, ensure_ascii=False)) + "\n" for d in diagnostics(reports, sources, rewrites))
