"""pmlint: an NLP-assisted linter for incident post-mortem drafts.

    from analyzer import analyze
    report = analyze(open("postmortem.md").read(), path="postmortem.md")
    for finding in report.findings:
        print(finding.line, finding.code, finding.message)
"""

from __future__ import annotations

from analyzer.config import Config, load_config
from analyzer.errors import ConfigError, InputError, PmlintError
from analyzer.findings import ExitStatus, Finding, Report, SectionHit, Severity

from analyzer.version import __version__


def analyze(text: str, *, path: str | None = None, config: Config | None = None) -> Report:
    """Analyse one draft (Markdown or plain text) and return its Report."""
    from analyzer.engine import analyze as _analyze

    return _analyze(text, path=path, config=config)


def load_analyzer(config: Config | None = None):
    """The process-wide Analyzer for `config` (loads the spaCy pipeline once)."""
    from analyzer.engine import load_analyzer as _load

    return _load(config)


__all__ = [
    "Config",
    "ConfigError",
    "ExitStatus",
    "Finding",
    "InputError",
    "PmlintError",
    "Report",
    "SectionHit",
    "Severity",
    "analyze",
    "load_analyzer",
    "load_config",
    "__version__",
]
