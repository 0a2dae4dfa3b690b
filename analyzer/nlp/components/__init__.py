"""spaCy components of pmlint, and the one table of the extensions they use.

Importing this package registers the factories of the NLP layer (`pmlint_blocks`,
`pmlint_sections`, `pmlint_context`). The judging stage registers its own (`pmlint_rules` in
`analyzer.judging.rules.component`, `pmlint_classifiers` in `analyzer.judging.classifiers.component`);
the extension table below is shared, so every Doc attribute is declared in one place.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

# name -> (class, default). Defaults are None: components always assign fresh lists.
EXTENSIONS = {
    Doc: {
        "pm_document": None,  # analyzer.document.Document the Doc was made from
        "pm_offset": 0,  # offset of this Doc's text in the original (for chunked documents)
        "pm_headings": None,  # list[AcceptedHeading]: headings the section detector accepted
        "sections": None,  # list[analyzer.sections.Section]
        "context": None,  # list[Modifier]
        "classifier_scores": None,  # {"blame": [(start_char, end_char, p, cues)], "actions": [...]}
    },
    Span: {},
}


def register_extensions() -> None:
    for cls, table in EXTENSIONS.items():
        for name, default in table.items():
            if not cls.has_extension(name):
                cls.set_extension(name, default=default)


register_extensions()

from analyzer.nlp.components import blocks, context, sections  # noqa: E402,F401  (register factories)
