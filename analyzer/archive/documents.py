"""Reading one archive document (Markdown, plain text, an HTML export) and its facts: title, date
and the cause-bearing text that clustering works on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.archive.causes import cause_text
from analyzer.archive.statements import statements_and_evidence
from analyzer.errors import InputError
from analyzer.reading.describe import describe
from analyzer.reading.html import html_to_text, is_html
from analyzer.reading.inputs import read_draft


def read_document(path: str | Path, max_mb: float = 5) -> str:
    """The text of one archive document; an HTML export becomes Markdown-like text."""
    text = read_draft(str(path), max_mb)
    if is_html(str(path)):
        text = html_to_text(text)
        if not text.strip():
            raise InputError("no readable text in this HTML file")
    return text


def document_facts(text: str) -> dict[str, Any]:
    """What clustering and the rows need from a document, computed without spaCy."""
    title, when = describe(text)
    cause, source = cause_text(text)
    statements, statement_source, evidence = statements_and_evidence(text)
    return {"title": title, "date": when, "cause": cause, "cause_source": source,
            "statements": [list(s) for s in statements], "statement_source": statement_source,
            "evidence": evidence}
