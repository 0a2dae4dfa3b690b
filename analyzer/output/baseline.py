"""Adopting pmlint on an existing archive: a baseline of today's findings, and a filter that keeps
only the findings not in it.

    pmlint baseline postmortems/ --out .pmlint-baseline.json
    pmlint check --baseline .pmlint-baseline.json postmortems/

A finding's identity is its fingerprint (`Finding.fingerprint`: rule code, flagged text, sentence,
section, occurrence), never its line, so an edit above an old finding does not make it new. Paths
are stored relative to the baseline file's folder, so the check finds them from any working
directory. The file is JSON:

    {"version": 1, "tool": "pmlint", "tool_version": "0.1.0",
     "files": {"postmortems/a.md": [{"fingerprint": "...", "code": "PM101", "rule": "...",
                                     "line": 12, "message": "..."}]}}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.findings import Report
from analyzer.version import __version__

BASELINE_VERSION = 1


def baseline_key(path: str, base_dir: Path) -> str:
    """A report's path as the baseline stores it: relative to the baseline's folder, with `/`."""
    if path in ("-", "<stdin>"):
        return "<stdin>"
    return Path(os.path.relpath(Path(path).resolve(), base_dir.resolve())).as_posix()


def make_baseline(reports: list[Report], out: Path) -> dict[str, Any]:
    """The baseline document for these reports (reports that could not be read are left out)."""
    files: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        if report.error:
            continue
        files[baseline_key(report.path, out.parent)] = [
            {"fingerprint": f.fingerprint, "code": f.code, "rule": f.rule, "line": f.line, "message": f.message}
            for f in report.findings
        ]
    return {"version": BASELINE_VERSION, "tool": "pmlint", "tool_version": __version__, "files": dict(sorted(files.items()))}


def write_baseline(reports: list[Report], out: Path) -> int:
    """Write the baseline file; the number of findings it records."""
    doc = make_baseline(reports, out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)  # never a half-written baseline
    return sum(len(v) for v in doc["files"].values())


@dataclass(frozen=True)
class Baseline:
    path: Path
    files: dict[str, frozenset[str]]

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        p = Path(path)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: no such baseline file (create it with `pmlint baseline PATH... --out {p}`)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{p}: not a pmlint baseline ({exc})") from None
        if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION or not isinstance(doc.get("files"), dict):
            raise ConfigError(f"{p}: not a pmlint baseline (version {BASELINE_VERSION} with a 'files' object expected)")
        try:
            files = {str(k): frozenset(str(e["fingerprint"]) for e in v) for k, v in doc["files"].items()}
        except (TypeError, KeyError) as exc:
            raise ConfigError(f"{p}: a baseline entry lacks its fingerprint ({exc})") from None
        return cls(p, files)

    def new_only(self, report: Report) -> tuple[Report, int]:
        """The report with only the findings not in the baseline, and how many were dropped."""
        if report.error:
            return report, 0
        known = self.files.get(baseline_key(report.path, self.path.parent), frozenset())
        kept = tuple(f for f in report.findings if f.fingerprint not in known)
        return replace(report, findings=kept), len(report.findings) - len(kept)
