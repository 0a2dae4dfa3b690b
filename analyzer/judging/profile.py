"""Is this post-mortem about an AI/ML incident? A weighted count of ML vocabulary.

Strong terms (retraining, model drift, LLM, embeddings, feature store, ...) weigh 3; weaker ones
that also occur in ordinary infrastructure write-ups (model, training, features, labels, prompt)
weigh 1, and "feature flag", "data model" or "threat model" do not count. The default threshold
(8, in defaults.yaml) means a couple of strong mentions, or one and several weak ones.
"""

from __future__ import annotations

import re

STRONG = re.compile(
    r"\b(re-?train(?:ed|ing|s)?|model drift|data drift|concept drift|feature drift|drift(?:ed|ing)?|llms?|large language models?"
    r"|hallucinat\w*|embeddings?|inference|fine-?tun\w*|training (?:data|set|run|job|pipeline)|feature store|machine learning"
    r"|ml (?:model|pipeline|platform|engineer\w*|team|system)s?|mlops|model (?:registry|version|serving|weights|card|release|rollout)"
    r"|prompt injection|neural|recommend(?:er|ation) (?:model|system|engine)s?|ranking model|classifier|gpt-?\d*|chatbot"
    r"|training-serving skew|train(?:ing)?/serv(?:e|ing) skew|psi|covariate shift|label noise|annotation|ai model|generative ai|genai)\b",
    re.I,
)
WEAK = re.compile(
    r"\b(models?|training|features?|labels?|labell?ing|prompts?|datasets?|predictions?|accuracy|precision|recall|f1"
    r"|ai|agents?|evaluation|eval|scor(?:e|es|ing)|vectors?|tokens?)\b",
    re.I,
)
NOT_ML = re.compile(
    r"\b(feature (?:flags?|toggles?|requests?|branch(?:es)?|freeze)|data models?|threat models?|object models?|security models?"
    r"|pricing models?|business models?|operating models?|mental models?|access tokens?|api tokens?|auth tokens?"
    r"|kubernetes labels?|pod labels?|labels? selectors?)\b",
    re.I,
)


def ai_score(text: str) -> int:
    cleaned = NOT_ML.sub(" ", text)
    strong = len(STRONG.findall(cleaned))
    weak = len(WEAK.findall(cleaned))
    return 3 * strong + weak


def is_ai_incident(text: str, threshold: float = 8) -> bool:
    return ai_score(text) >= threshold
