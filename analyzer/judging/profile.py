"""Is this post-mortem about an AI/ML incident? A weighted count of ML vocabulary.

Strong terms (retraining, model drift, LLM, embeddings, feature store, ...) weigh 3; weaker ones
that also occur in ordinary infrastructure write-ups (model, training, features, labels, prompt)
weigh 1, and "feature flag", "data model" or "threat model" do not count. The default threshold
(8, in defaults.yaml) means a couple of strong mentions, or one and several weak ones; and the
incident must be about ML: two distinct strong terms, or one and two distinct ML subjects (weak words alone,
one acronym or one phrase in an infrastructure write-up do not make an AI incident). Bare "drift" (config drift,
clock drift) is weak; "annotation" counts only as data annotation; an ML library, framework or
tooling (a dependency, e.g. in a supply-chain attack) is no ML system, and a sentence that says the
ML system was not involved does not count. Front matter overrides all of
this (`profile: ai|general`, tags).
"""

from __future__ import annotations

import re

STRONG = re.compile(
    r"\b(re-?train(?:ed|ing|s)?|model drift|data drift|concept drift|feature drift|prediction drift|llms?|large language models?"
    r"|hallucinat\w*|embeddings?|inference|fine-?tun\w*|training (?:data|set|run|job|pipeline)|feature store|machine learning"
    r"|ml (?:model|pipeline|platform|engineer\w*|team|system)s?|mlops|model (?:registry|version|serving|weights|card|release|rollout)"
    r"|prompt injection|neural|recommend(?:er|ation) (?:model|system|engine)s?|ranking model|classifier|gpt-?\d*|chatbot"
    r"|training-serving skew|train(?:ing)?/serv(?:e|ing) skew|psi|covariate shift|label noise|data annotation|annotation (?:team|tool|job|pipeline|guideline)s?|ai model|generative ai|genai"
    r"|training window|retrieval[- ]augmented|retriever|forecasting (?:models?|pipelines?)|language models?|learning[- ]to[- ]rank"
    r"|(?:acoustic|vision|(?:defect|object|anomaly)[- ]detection|classification|(?:lead|credit|risk|fraud)[- ]scoring|scoring"
    r"|fraud|churn|propensity|recognition|speech|transcription|translation|moderation|extraction) models?"
    r"|models?(?:'s|s')? (?:predictions?|outputs?|accuracy|precision|recall|performance|confidence)"
    r"|model (?:was |is |were |had been |has been )?(?:re-?)?trained|(?:re-?)?trained (?:on|with) (?:\w+ ){0,3}?(?:data|images|examples|"
    r"samples|clicks|logs|labels|audio|text|transactions|interactions|records)"
    r"|system prompts?|prompt (?:templates?|changes?|versions?)|eval(?:uation)? (?:suites?|sets?|harness(?:es)?|datasets?))\b",
    re.I,
)
WEAK = re.compile(
    r"\b(models?|training|features?|labels?|labell?ing|prompts?|datasets?|predictions?|accuracy|precision|recall|f1"
    r"|ai|agents?|evaluation|eval|scor(?:e|es|ing)|vectors?|tokens?|drift(?:ed|ing|s)?)\b",
    re.I,
)
NOT_ML = re.compile(
    r"\b(feature (?:flags?|toggles?|requests?|branch(?:es)?|freeze)|data models?|threat models?|object models?|security models?"
    r"|pricing models?|business models?|operating models?|mental models?|access tokens?|api tokens?|auth tokens?"
    r"|kubernetes labels?|pod labels?|labels? selectors?"
    r"|(?:cloud|firebase)\s+machine\s+learning(?:\s+engine)?|machine learning engine|prediction api"
    r"|ai platform(?: predictions?| training)?"  # product names in a list of affected services
    r"|(?:machine learning|ml|ai|deep learning|tensor)\s+(?:librar(?:y|ies)|tooling|packages?|dependenc(?:y|ies)|frameworks?|sdks?))\b",
    re.I,
)


# A sentence that says the ML system had no part in it ("No model, training job or prediction service
# was involved.", "This has nothing to do with the score."): its words are not what the incident is about.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_DENIAL = re.compile(r"\b(?:no|neither|none of)\b.*\b(?:was|were)\s+(?:involved|implicated)\b|\bnothing to do with\b"
                     r"|\b(?:was|were|is|are)\s+not\s+(?:involved|implicated)\b", re.I)
_MAX_DENIAL = 400  # characters: a denial is one ordinary sentence


def _without_denials(text: str) -> str:
    return _SENTENCE.sub(lambda m: " " if len(m.group()) <= _MAX_DENIAL and _DENIAL.search(m.group()) else m.group(), text)


def _cleaned(text: str) -> str:
    return NOT_ML.sub(" ", _without_denials(text))


def ai_score(text: str) -> int:
    cleaned = _cleaned(text)
    strong = len(STRONG.findall(cleaned))
    weak = len(WEAK.findall(cleaned))
    return 3 * strong + weak


def ml_subjects(text: str) -> tuple[set[str], set[str]]:
    """The distinct strong ML terms, and the distinct weak ones that name an ML subject (a model,
    its training, prompts, predictions, evaluation, labels, features)."""
    cleaned = _cleaned(text)
    strong = {_stem(m.lower()) for m in STRONG.findall(cleaned)}
    weak = {_stem(m.lower()) for m in WEAK.findall(cleaned)} & SUBJECTS
    return strong, weak


SUBJECTS = {"model", "training", "prompt", "prediction", "dataset", "eval", "evaluation", "accuracy", "label",
            "labelling", "labeling", "feature", "precision", "recall"}


def _stem(term: str) -> str:
    term = term.replace("-", "")
    for suffix in ("ing", "es", "ed", "s"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 4 and term not in SUBJECTS:
            return term[: -len(suffix)]
    return term


def is_ai_incident(text: str, threshold: float = 8) -> bool:
    """Enough ML vocabulary, and about ML: two distinct strong terms, or one and two ML subjects
    (one subject is enough when the vocabulary is half as dense again as the threshold).
    One acronym ("LLM" for a network monitor), one phrase ("data drift" between two databases) or
    weak words alone ("agents", "labels") in an infrastructure incident do not make it one."""
    score = ai_score(text)
    if score < threshold:
        return False
    strong, weak = ml_subjects(text)
    if len(strong) >= 2:
        return True
    return len(strong) == 1 and (len(weak) >= 2 or (len(weak) == 1 and score >= 1.5 * threshold))


def front_matter_profile(metadata: dict) -> bool | None:
    """True or False when the front matter says which profile (`profile:` or AI/ML `tags:`), else None."""
    value = str(metadata.get("profile", "")).strip().lower()
    if value in ("ai", "ml", "ai/ml"):
        return True
    if value == "general":
        return False
    tags = metadata.get("tags")
    if isinstance(tags, list) and {str(t).lower() for t in tags} & {"ai", "ml", "ai/ml", "machine-learning", "llm"}:
        return True
    return None


_NEAR_MISS = re.compile(r"\bnear[- ]miss(es)?\b", re.I)
_CAUGHT_BEFORE = re.compile(
    r"\b(caught|stopped|blocked|detected|found|spotted)\b[^.\n]{0,60}\bbefore\b[^.\n]{0,40}"
    r"\b(any (customer|user) impact|(it|they|this|the change) (reached|hit|affected) (production|customers|users)|"
    r"impact(ing)? (any )?(customers|users)|customers (were|could be) affected|any impact)\b", re.I)
_NEGATION = re.compile(r"\b(not|never|no|n't|wasn't|weren't|didn't)\b", re.I)
NEAR_MISS_WINDOW = 3000  # a near miss says so in its title or summary


def is_near_miss(metadata: dict, text: str) -> bool:
    """Front matter `type: near-miss` (or `near_miss: true`), else a document that says it was a
    near miss or that it was caught before impact."""
    kind = str(metadata.get("type", "")).strip().lower().replace("_", "-").replace(" ", "-")
    if kind in ("near-miss", "nearmiss", "near-misses"):
        return True
    if metadata.get("near_miss") is True:
        return True
    if kind in ("incident", "outage"):
        return False
    head = text[:NEAR_MISS_WINDOW]
    if _NEAR_MISS.search(head):
        return True
    # the sentence up to the match: searched from the cue, not from every character (no backtracking)
    return any(not _NEGATION.search(head, max(head.rfind(".", 0, m.start()), head.rfind("\n", 0, m.start())) + 1, m.end())
               for m in _CAUGHT_BEFORE.finditer(head))
