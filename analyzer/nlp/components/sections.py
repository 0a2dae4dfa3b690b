"""`pmlint_sections`: map heading candidates to canonical sections, driven by YAML data.

Strong headings (ATX, setext) are always headings; weak ones (numbered lines, bold
pseudo-headings, label lines) are accepted only when they map to a canonical section. Results go
to `Doc._.pm_headings` (accepted headings) and `Doc._.sections` (ranges, always at least one).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from analyzer.nlp.bodies import page_debris
from analyzer.nlp.sections import SectionClassifier, acceptable, build_sections, default_classifier


@dataclass(frozen=True)
class AcceptedHeading:
    title_start: int  # offsets in the original text
    title_end: int
    body_start: int
    level: int
    style: str
    heading: str
    category: str | None
    rule: str
    score: float


class SectionDetector:
    def __init__(self, classifier: SectionClassifier) -> None:
        self.classifier = classifier

    def __call__(self, doc: Doc) -> Doc:
        document = doc._.pm_document
        accepted: list[AcceptedHeading] = []
        if document is not None:
            offset = doc._.pm_offset
            starts = [t.idx for t in doc]
            end_of_doc = offset + len(doc.text)
            debris = page_debris(document, self.classifier)
            for cand in document.headings:
                if not (offset <= cand.title_start < end_of_doc) or cand.title_start in debris:
                    continue
                title = document.text[cand.title_start : cand.title_end]
                lo = bisect.bisect_left(starts, cand.title_start - offset)
                hi = bisect.bisect_left(starts, cand.title_end - offset)
                lemmas = [t.lemma_.lower() for t in doc[lo:hi] if not (t.is_punct or t.is_space)]
                match = self.classifier.classify(title, lemmas)
                if match is not None and _document_title(cand, document, match, title):
                    match = None  # "# Storage writes failed because of a full disk": the title, not a section
                if not acceptable(cand.style, match, title):
                    continue
                if cand.style in _LABEL_STYLES and _inside_mapped_section(accepted):
                    continue  # `- **Detection**: add an alert` under Action items is an action item (a table row too)
                accepted.append(
                    AcceptedHeading(
                        cand.title_start,
                        cand.title_end,
                        cand.body_start,
                        cand.level,
                        cand.style,
                        title.strip(),
                        match.category if match else None,
                        f"{match.method}:{match.rule}" if match else "",
                        match.score if match else 0.0,
                    )
                )
        doc._.pm_headings = accepted
        doc._.sections = build_sections(
            [(h.title_start, h.title_end, h.body_start, h.level, h.heading, h.category, h.rule) for h in accepted],
            doc._.pm_offset + len(doc.text),
        )
        return doc


def _document_title(cand, document, match, title: str) -> bool:
    """The first heading of a document with more headings, at level 1 and written as a phrase of
    five or more words that no section lists as a title, names the incident: it is not a section."""
    return (cand.level == 1 and cand.strong and len(document.headings) > 1 and document.headings[0] is cand
            and match.method != "literal" and len(title.split()) >= 5)


# Labels of a list, a table or a block of bold lines (`- **Impact**: ...`, `| Impact | ... |`,
# `**Impact:** ...` after another bold label line): sections only outside a mapped section.
_LABEL_STYLES = ("list_label", "cell", "bold_line")


def _inside_mapped_section(accepted: list[AcceptedHeading]) -> bool:
    """Bold list labels are sections of their own only in a list of labels or under a heading
    that is not a canonical section (a title); under a mapped heading they are its items."""
    if not accepted:
        return False
    last = accepted[-1]
    return last.style not in _LABEL_STYLES and last.category is not None


@Language.factory("pmlint_sections", assigns=["doc._.sections", "doc._.pm_headings"], requires=["token.lemma"])
def make_section_detector(nlp: Language, name: str) -> SectionDetector:
    return SectionDetector(default_classifier())
