"""The compact token-pattern syntax of `phrase` rules, compiled to spaCy Matcher patterns.

A pattern is space-separated tokens:

    word        the token's lower-case text is `word`
    a|b|c       one of these texts
    ~lemma      the token's lemma (`~hold` matches hold, holds, held); for the first token of a
                pattern also its lower-case text (a sentence-initial "Retrain" keeps its case)
    ~a|~b|c     mixed alternatives (expanded into several Matcher patterns)
    ?tok        the token is optional
    #num        a number ("2.4", "1.270.1", "300")
    ...         up to six tokens of anything

Example: `~hold ... accountable|responsible`.
"""

from __future__ import annotations

import itertools
from typing import Any

WILDCARD = {"OP": "{0,6}"}


def _token_variants(tok: str, first: bool = False) -> list[dict[str, Any]]:
    optional = tok.startswith("?") and len(tok) > 1
    if optional:
        tok = tok[1:]
    if tok == "#num":
        return [{"LIKE_NUM": True, "OP": "?"} if optional else {"LIKE_NUM": True}]
    alts = [a for a in tok.split("|") if a]
    lemmas = [a[1:].lower() for a in alts if a.startswith("~")]
    texts = [a.lower() for a in alts if not a.startswith("~")]
    variants: list[dict[str, Any]] = []
    if lemmas:
        variants.append({"LEMMA": {"IN": lemmas}} if len(lemmas) > 1 else {"LEMMA": lemmas[0]})
        if first:  # a sentence-initial "Retrain" may keep its case as its lemma
            texts = sorted(set(texts) | set(lemmas))
    if texts:
        variants.append({"LOWER": {"IN": texts}} if len(texts) > 1 else {"LOWER": texts[0]})
    if optional:
        for v in variants:
            v["OP"] = "?"
    return variants


def compile_pattern(pattern: str) -> list[list[dict[str, Any]]]:
    """One compact pattern -> a list of spaCy Matcher token patterns."""
    slots: list[list[dict[str, Any]]] = []
    for i, tok in enumerate(pattern.split()):
        if tok == "...":
            slots.append([dict(WILDCARD)])
        else:
            slots.append(_token_variants(tok, first=i == 0))
    if not slots:
        raise ValueError("empty pattern")
    return [[dict(t) for t in combo] for combo in itertools.product(*slots)]
