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


@pytest.mark.parametrize("name", ["json", "jsonl", "github", "sarif", "csv", "text"])
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
