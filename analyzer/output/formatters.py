"""Output formats: a registry of functions `list[Report] -> str`, each over `Report.to_dict()`.

    text   one line per finding: path:line:col: severity code message [rule], then the whole
           suggestion, indented (files that could not be read: only counted; the CLI writes
           their errors to stderr, as in every format)
    json   {"version": 1, "reports": [...]}
    jsonl  one Report per line
    github workflow annotation lines (::error file=...,line=...::...)
    sarif  SARIF 2.1.0 for GitHub code scanning (partialFingerprints: the finding's fingerprint)
    rdjson, rdjsonl  reviewdog's diagnostic format (analyzer/output/reviewdog.py)
    csv    one row per finding
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from analyzer.version import __version__
from analyzer.findings import Report
from analyzer.output.safe import json_safe, text_safe
from analyzer.judging.rules import default_rules
from analyzer.output.reviewdog import format_rdjson, format_rdjsonl

INFO_URI = "https://github.com/pmlint/pmlint"
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}
_RESET = "\033[0m"


def format_text(reports: list[Report], *, colour: bool = False) -> str:
    lines: list[str] = []
    total = {"error": 0, "warning": 0, "suggestion": 0}
    for report in reports:
        if report.error:
            continue  # the error itself goes to stderr (analyzer.cli.check)
        for f in report.findings:
            sev = str(f.severity)
            total[sev] += 1
            label = f"{_COLOURS[sev]}{sev}{_RESET}" if colour else sev
            quoted = " (quoted)" if f.quoted else ""
            lines.append(f"{report.path}:{f.line}:{f.column}: {label} {f.code} {f.message}{quoted} [{f.rule}]")
            if f.suggestion.strip() and f.code != "PM301":
                lines.extend(_suggestion_lines(f.suggestion))
        lines.append(
            f"{report.path}: score {report.score}/100, {'near-miss' if report.profile == 'near_miss' else 'AI/ML' if report.ai_incident else 'general'} profile, "
            f"{len(report.findings)} finding(s)"
        )
    failed = sum(1 for r in reports if r.error)
    lines.append(
        f"{len(reports)} file(s): {total['error']} error(s), {total['warning']} warning(s), "
        f"{total['suggestion']} suggestion(s)" + (f", {failed} could not be analysed" if failed else "")
    )
    return text_safe("\n".join(lines) + "\n")


def _suggestion_lines(suggestion: str) -> list[str]:
    """The whole suggestion: its first line after the label, the others indented under it."""
    first, *rest = suggestion.strip().splitlines()
    pad = " " * len("    suggestion: ")
    return [f"    suggestion: {first}"] + [f"{pad}{line}".rstrip() for line in rest]


def format_json(reports: list[Report]) -> str:
    return json_safe(json.dumps({"version": 1, "tool": "pmlint", "tool_version": __version__, "reports": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False)) + "\n"


def format_jsonl(reports: list[Report]) -> str:
    return "".join(json_safe(json.dumps(r.to_dict(), ensure_ascii=False)) + "\n" for r in reports)


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(reports: list[Report]) -> str:
    level = {"error": "error", "warning": "warning", "suggestion": "notice"}
    out: list[str] = []
    for report in reports:
        if report.error:
            out.append(f"::error file={_gh_escape(report.path, True)},title=pmlint::{_gh_escape(report.error)}")
            continue
        for f in report.findings:
            props = [f"file={_gh_escape(report.path, True)}", f"line={f.line}", f"col={f.column}"]
            if f.end_line:
                props.append(f"endLine={f.end_line}")
            if f.end_line == f.line and f.end_column > f.column:
                props.append(f"endColumn={f.end_column}")
            props.append(f"title={_gh_escape(f.code + ' ' + f.rule, True)}")
            msg = f"{f.code} {f.message} [{f.rule}]"
            if f.suggestion and f.code != "PM301":
                msg += f"\nSuggestion: {f.suggestion}"
            out.append(f"::{level[str(f.severity)]} {','.join(props)}::{_gh_escape(msg)}")
    return text_safe("\n".join(out) + ("\n" if out else ""))


def format_sarif(reports: list[Report]) -> str:
    rules = list(default_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    sarif_level = {"error": "error", "warning": "warning", "suggestion": "note"}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        uri = report.path.replace("\\", "/")
        if report.error:
            notifications.append(
                {"level": "error", "message": {"text": f"{report.path}: {report.error}"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]}
            )
            continue
        for f in report.findings:
            region: dict[str, Any] = {"startLine": max(1, f.line), "startColumn": max(1, f.column)}
            if f.end_line:
                region["endLine"] = max(region["startLine"], f.end_line)
                region["endColumn"] = max(1, f.end_column)
                if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
                    region["endColumn"] = region["startColumn"]
            if f.text:
                region["snippet"] = {"text": f.text}
            result: dict[str, Any] = {
                "ruleId": f.code,
                "level": sarif_level[str(f.severity)],
                "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
                "properties": {"rule": f.rule, "source": f.source, "section": f.section},
            }
            if f.fingerprint:
                result["partialFingerprints"] = {"pmlint/v1": f.fingerprint}
            if f.code in index:
                result["ruleIndex"] = index[f.code]
            if f.confidence is not None:
                result["properties"]["confidence"] = f.confidence
            results.append(result)
    driver_rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary or r.name},
            "fullDescription": {"text": (r.note or r.message.replace("{", "").replace("}", ""))},
            "defaultConfiguration": {"level": sarif_level[r.severity.value]},
            "help": {"text": r.suggestion.replace("{", "").replace("}", "") or r.name},
            "properties": {"tags": [r.family]},
        }
        for r in rules
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "pmlint", "version": __version__, "informationUri": INFO_URI, "rules": driver_rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if notifications:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


CSV_FIELDS = ["path", "line", "column", "end_line", "end_column", "severity", "code", "rule", "message",
              "suggestion", "section", "confidence", "source", "text"]


def format_csv(reports: list[Report]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS + ["error"], lineterminator="\n")
    writer.writeheader()
    for report in reports:
        if report.error:
            writer.writerow({"path": report.path, "error": report.error})
            continue
        for f in report.findings:
            row = {k: v for k, v in f.to_dict().items() if k in CSV_FIELDS}
            row["path"] = report.path
            writer.writerow(row)
    return text_safe(buf.getvalue())


FORMATTERS: dict[str, Callable[[list[Report]], str]] = {
    "text": format_text,
    "json": format_json,
    "jsonl": format_jsonl,
    "github": format_github,
    "sarif": format_sarif,
    "rdjson": format_rdjson,
    "rdjsonl": format_rdjsonl,
    "csv": format_csv,
}
