"""Sections of a document without spaCy (batch work on an archive), and the heading candidates
that are debris of a page printed from PDF or the web (shared with the pipeline component)."""

from __future__ import annotations

from analyzer.nlp.sections import (SectionClassifier, Section, acceptable, build_sections, default_classifier,
                                   normalise_title)
from analyzer.reading.markdown import parse
from analyzer.reading.printout import printout_debris


def page_debris(document, clf: SectionClassifier) -> set[int]:
    """Heading candidates that are debris of a page printed from PDF or the web (reading.printout)."""
    def literal(t: str) -> bool:
        return normalise_title(t) in clf.literal_map or normalise_title(t) in clf.combined
    return printout_debris(document.text, document.headings, literal, lambda t: clf.classify(t) is not None)


def section_bodies(text: str) -> tuple[list[tuple[Section, int]], str]:
    """Each section of a document, without spaCy, with where its own body ends (before its first
    sub-section), and the masked text. The same heading rules as the pipeline component, minus the
    lemma keywords (titles are matched on their words): fast enough for batch work on an archive."""
    document = parse(text)
    clf = default_classifier()
    accepted = []
    debris = page_debris(document, clf)
    for cand in document.headings:
        title = document.text[cand.title_start : cand.title_end]
        if cand.title_start in debris:
            continue
        match = clf.classify(title)
        if not acceptable(cand.style, match, title):
            continue
        accepted.append(
            (cand.title_start, cand.title_end, cand.body_start, cand.level, title.strip(),
             match.category if match else None, f"{match.method}:{match.rule}" if match else "")
        )
    sections = build_sections(accepted, len(document.text))
    out = []
    for i, s in enumerate(sections):
        nxt = next((o.title_start for o in sections[i + 1 :] if o.title_start >= s.body_start), s.body_end)
        out.append((s, min(s.body_end, nxt)))
    return out, document.masked


def split_sections(text: str) -> list[tuple[str | None, str, str]]:
    """(category, heading, body text) for each section of a document, without spaCy."""
    bodies, masked = section_bodies(text)
    return [(s.category, s.heading, " ".join(masked[s.body_start:end].split())) for s, end in bodies]
