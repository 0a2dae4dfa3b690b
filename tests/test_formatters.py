"""Every output format against a golden file; SARIF also against the 2.1.0 structure.

Regenerate the golden files after an intended change with:
    PMLINT_UPDATE_GOLDEN=1 pytest tests/test_formatters.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from analyzer.findings import Report
from analyzer.output.formatters import FORMATTERS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
SOURCE = "examples/problematic-llm-support-bot.md"


@pytest.fixture(scope="module")
def reports(general_analyzer):
    text = (ROOT / SOURCE).read_text(encoding="utf-8")
    return [general_analyzer.analyze(text, path=SOURCE), Report.failed("examples/missing.md", "no such file")]


@pytest.mark.parametrize("name", ["json", "jsonl", "github", "sarif", "rdjson", "rdjsonl", "csv", "text"])
def test_golden(reports, name):
    out = FORMATTERS[name](reports)
    out = out.replace(f'"tool_version": "{__import__("analyzer").__version__}"', '"tool_version": "X"')
    path = GOLDEN / f"problematic.{name}"
    if os.environ.get("PMLINT_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"{name} output changed; see the module docstring"


def test_json_contract_keys(reports):
    data = json.loads(FORMATTERS["json"](reports))
    assert data["version"] == 1
    report = data["reports"][0]
    assert {"path", "score", "ai_incident", "sections", "findings", "stats"} <= set(report)
    finding = report["findings"][0]
    contract = {"rule", "code", "severity", "message", "suggestion", "start", "end", "line", "column",
                "end_line", "end_column", "text", "section", "confidence", "source"}
    assert contract <= set(finding)
    assert data["reports"][1]["error"] == "no such file"


def test_jsonl_round_trips(reports):
    lines = FORMATTERS["jsonl"](reports).splitlines()
    assert len(lines) == 2
    back = Report.from_dict(json.loads(lines[0]))
    assert back == reports[0]


def test_github_annotations(reports):
    lines = FORMATTERS["github"](reports).splitlines()
    assert any(l.startswith("::error file=examples/problematic-llm-support-bot.md,line=7,col=20,") for l in lines)
    assert all(l.startswith(("::error ", "::warning ", "::notice ")) for l in lines)
    assert all("\n" not in l for l in lines)


SARIF_SUBSET_SCHEMA = {
    # The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that GitHub code scanning reads.
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": {"$ref": "#/$defs/level"}},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                            "endLine": {"type": "integer", "minimum": 1},
                                                            "endColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}]},
    },
}


def test_sarif_structure(reports):
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(FORMATTERS["sarif"](reports))
    jsonschema.validate(data, SARIF_SUBSET_SCHEMA)
    run = data["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    try:  # an independent object model of SARIF 2.1.0, when installed
        from sarif_pydantic import Sarif
    except ImportError:
        return
    Sarif.model_validate(data)


def test_sarif_partial_fingerprints_are_the_findings_fingerprints(reports):
    data = json.loads(FORMATTERS["sarif"](reports))
    results = data["runs"][0]["results"]
    assert [r["partialFingerprints"]["pmlint/v1"] for r in results] == [f.fingerprint for f in reports[0].findings]
    assert len({r["partialFingerprints"]["pmlint/v1"] for r in results}) == len(results)


def test_text_prints_multi_line_suggestions_whole_and_indented(reports):
    out = FORMATTERS["text"](reports)
    multi = next(f for f in reports[0].findings if f.code != "PM301" and len(f.suggestion.strip().splitlines()) > 1)
    lines = out.splitlines()
    first = lines.index(f"    suggestion: {multi.suggestion.strip().splitlines()[0]}")
    for i, expected in enumerate(multi.suggestion.strip().splitlines()[1:], 1):
        assert lines[first + i] == (" " * 16 + expected).rstrip()
    assert "no such file" not in out  # errors go to stderr (the CLI), never into the report


# ------------------------------------------------------------------ reviewdog

REVIEWDOG = Path(__file__).parent / "data" / "reviewdog"  # reviewdog's published schema (MIT), see README there


def _schema(name: str) -> dict:
    return json.loads((REVIEWDOG / f"{name}.json").read_text(encoding="utf-8"))


def _rd_inputs(general_analyzer):
    from analyzer.output.fixer import propose

    text = (ROOT / SOURCE).read_text(encoding="utf-8")
    text = text.replace("the on-call ignored", "the on-call — café team — ignored")  # non-ASCII before a span
    report = general_analyzer.analyze(text, path=SOURCE)
    rewrites = {SOURCE: {r.finding.fingerprint: (r.start, r.end, r.replacement) for r in propose(text, report.findings)}}
    return [report, Report.failed("examples/missing.md", "no such file")], {SOURCE: text}, rewrites, text


def test_rdjson_validates_against_reviewdogs_schema(general_analyzer):
    import jsonschema

    reports, sources, rewrites, text = _rd_inputs(general_analyzer)
    data = json.loads(FORMATTERS["rdjson"](reports, sources=sources, rewrites=rewrites))
    jsonschema.Draft4Validator.check_schema(_schema("DiagnosticResult"))
    jsonschema.Draft4Validator(_schema("DiagnosticResult")).validate(data)
    diagnostics = data["diagnostics"]
    assert len(diagnostics) == len(reports[0].findings)  # the unreadable file is not a diagnostic
    assert {d["severity"] for d in diagnostics} <= {"ERROR", "WARNING", "INFO"}
    with_fix = [d for d in diagnostics if d.get("suggestions")]
    assert with_fix and all(d["code"]["value"] in ("PM101", "PM102", "PM110") for d in with_fix)
    # the suggestion replaces the sentence that holds the flagged span
    lines = text.split("\n")
    for d in with_fix:
        rng, span = d["suggestions"][0]["range"], d["location"]["range"]
        assert (rng["start"]["line"], rng["start"]["column"]) <= (span["start"]["line"], span["start"]["column"])
        assert (rng["end"]["line"], rng["end"]["column"]) >= (span["end"]["line"], span["end"]["column"])
        line = lines[span["start"]["line"] - 1].encode("utf-8")
        flagged = line[span["start"]["column"] - 1: span["end"]["column"] - 1].decode("utf-8")
        assert flagged and flagged in text  # byte columns cut the line at the flagged span


def test_rdjson_columns_are_utf8_bytes(general_analyzer):
    reports, sources, rewrites, text = _rd_inputs(general_analyzer)
    data = json.loads(FORMATTERS["rdjson"](reports, sources=sources, rewrites=rewrites))
    role = next(d for d in data["diagnostics"] if d["code"]["value"] == "PM102")
    finding = next(f for f in reports[0].findings if f.code == "PM102")
    line = text.split("\n")[finding.line - 1]
    assert role["location"]["range"]["start"]["column"] == len(line[: finding.column - 1].encode("utf-8")) + 1
    end = role["location"]["range"]["end"]["column"]
    assert line.encode("utf-8")[end - 2: end - 1] == finding.text.encode("utf-8")[-1:]


def test_rdjsonl_lines_validate_as_diagnostics(general_analyzer):
    import jsonschema

    reports, sources, rewrites, _ = _rd_inputs(general_analyzer)
    lines = FORMATTERS["rdjsonl"](reports, sources=sources, rewrites=rewrites).splitlines()
    assert len(lines) == len(reports[0].findings)
    schema = _schema("Diagnostic")
    for line in lines:
        jsonschema.Draft4Validator(schema).validate(json.loads(line))
