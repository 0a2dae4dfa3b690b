"""The one place where trained classifiers and the rule layer are combined.

The `pmlint_classifiers` component scores sentences; `ClassifierCombiner.combine` turns the
scores into findings next to the rule hits:

- a rule hit (blame.* or action.what-not-why) inside a sentence the classifier also flags keeps
  its rule and becomes `source: both`, with the classifier's probability as `confidence`;
- a sentence only the classifier flags becomes `blame.classifier` (PM110) or
  `action.classifier` (PM210), `source: classifier`, with the cues that drove the score as its
  explanation and a rewrite of that sentence (blame) or the systemic version (actions). A
  classifier-only blame finding also needs a human in the sentence (a name, a role, a team, or a
  word such as "someone" or "they"): blame is about someone, and on real documents the model's
  confident flags on sentences about systems alone were false alarms (analyzer/models/README.md);
- a rule hit the classifier does not confirm stays `source: rule`, and its explanation notes
  the classifier's probability; a blame rule hit it scores below `classifiers.blame_veto` is
  capped at a suggestion, with the reason.

A rule hit counts as confirmed at the model's own decision threshold (0.5, in its manifest). A
sentence no rule flagged becomes a blame finding only when the model's probability, moved from
the share of blame in its training data to the share in real post-mortems (`prior_shift`),
reaches `classifiers.blame_threshold`; what-not-why uses `classifiers.action_threshold` as is.
"""

from __future__ import annotations

import bisect
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence


from analyzer.errors import ConfigError, ModelIntegrityError
from analyzer.findings import Severity

BLAME_RULES = {"PM101", "PM102", "PM103", "PM104", "PM105", "PM106", "PM108", "PM109"}
ACTION_RULES = {"PM201"}
GENERIC_ACTION = ("Turn this into a mechanism that removes the class of failure: an automated check, a gate, a "
                  "safer default or an alert with a threshold and an owner, so that the next instance cannot recur.")


WHOLE_SENTENCE = {  # the explanation when no single cue stands out
    "blame": "the blame model reads the whole sentence as pointing at people (p={p:.2f})",
    "actions": "the model reads the whole item as fixing this instance only (p={p:.2f})",
}


def prior_shift(training_rate: float, base_rate: float) -> float:
    """The odds factor that moves a probability learnt at `training_rate` positives to a world
    where `base_rate` of the sentences are positive (Saerens et al.'s prior-shift correction)."""
    return (base_rate / (1 - base_rate)) / (training_rate / (1 - training_rate))


def calibrated(p: float, factor: float) -> float:
    """`p` with its odds multiplied by `factor`."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    odds = p / (1 - p) * factor
    return odds / (1 + odds)


class ClassifierCombiner:
    name = "classifiers"

    def __init__(self, confirm: dict[str, float]) -> None:
        self.confirm = confirm  # the models' own decision thresholds (from their manifests)

    def combine(self, hits: list[Any], chunks: Sequence[tuple[int, dict[str, list[Any]]]], ctx: Any, config: Any) -> list[Any]:
        """`chunks` holds `(offset, classifier_scores)` for each processed chunk of the document.
        The rule hits a sentence holds are found by bisecting them by start: O(log n) a sentence."""
        from analyzer.judging.checks import Hit

        settings = config["classifiers"]
        thresholds = {"blame": settings["blame_threshold"], "actions": settings["action_threshold"]}
        prior = {"blame": prior_shift(settings["blame_training_rate"], settings["blame_base_rate"])}
        spec = {"blame": (BLAME_RULES, "PM110"), "actions": (ACTION_RULES, "PM210")}
        out = list(hits)
        by_start = {task: sorted((h.start, i) for i, h in enumerate(out) if h.code in codes)
                    for task, (codes, _) in spec.items()}
        for offset, chunk_scores in chunks:
            for task, scores in (chunk_scores or {}).items():
                rule_codes, code = spec[task]
                threshold = thresholds[task]
                starts = by_start[task]
                for sc in scores:
                    start, end = sc.start + offset, sc.end + offset
                    lo = bisect.bisect_left(starts, (start, -1))
                    hi = bisect.bisect_left(starts, (end, -1))
                    inside = sorted(i for _, i in starts[lo:hi])
                    cues = "; ".join(sc.cues)
                    if inside:
                        for i in inside:
                            if sc.p >= self.confirm.get(task, 0.5):
                                note = f"classifier agrees (p={sc.p:.2f}{': ' + cues if cues else ''})"
                                out[i] = replace(out[i], source="both", confidence=sc.p,
                                                 explanation=f"{out[i].explanation}; {note}".strip("; "))
                            elif task == "blame" and sc.p < settings["blame_veto"]:
                                note = (f"the blame model reads this sentence as blameless (p={sc.p:.2f}), "
                                        "so it is only a suggestion: check whether a person is really the cause")
                                out[i] = replace(out[i], at_most=Severity.SUGGESTION,
                                                 explanation=f"{out[i].explanation}; {note}".strip("; "))
                            else:
                                note = f"classifier does not confirm it (p={sc.p:.2f})"
                                out[i] = replace(out[i], explanation=f"{out[i].explanation}; {note}".strip("; "))
                        continue
                    p = calibrated(sc.p, prior[task]) if task in prior else sc.p
                    if p >= threshold and (task != "blame" or sc.human and sc.failing):
                        text = " ".join(ctx.text[start:end].split())
                        out.append(Hit(
                            code, start, end,
                            {"cue": text if len(text) <= 90 else text[:89] + "…", "cues": cues or "the sentence as a whole"},
                            suggestion=sc.suggestion or (GENERIC_ACTION if task == "actions" else ""),
                            confidence=sc.p, source="classifier",
                            explanation=cues or WHOLE_SENTENCE[task].format(p=sc.p),
                        ))
        return out


def load_classifiers(config: Any, nlp: Any) -> list[ClassifierCombiner]:
    """Add the classifier component to `nlp` (once) and return the combiner.

    With `classifiers.enabled: false` the engine runs on rules alone. When no models are shipped
    or installed, pmlint says so on stderr and runs on rules alone; a model that fails its
    manifest check is an error (exit status 2), never silently used."""
    settings = config["classifiers"]
    if not settings["enabled"] or nlp.lang != "en" or "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        return []
    from analyzer.judging.classifiers import component  # noqa: F401  (registers pmlint_classifiers)
    from analyzer.judging.classifiers.models import default_models_dir

    configured = settings["models_dir"]
    if configured and not Path(configured).is_dir():
        raise ConfigError(f"classifiers.models_dir: {configured!r} is not a folder (set it to a folder made by "
                          "`pmlint train`, or to null for the shipped models)")
    if configured and not all((Path(configured) / t / "meta.yaml").is_file() for t in ("blame", "actions")):
        raise ConfigError(f"classifiers.models_dir: {configured!r} holds no trained models (blame/meta.yaml and "
                          "actions/meta.yaml); run `pmlint train --out` there or set it to null")
    models_dir = configured or default_models_dir()
    if models_dir is None or not all((Path(models_dir) / t / "meta.yaml").is_file() for t in ("blame", "actions")):
        print(f"pmlint: no trained classifiers in {models_dir or 'the installed package (analyzer/models/)'}; using rules "
              "only (reinstall pmlint, or run `pmlint train` in a checkout)", file=sys.stderr)
        return []
    if "pmlint_classifiers" not in nlp.pipe_names:
        try:
            nlp.add_pipe("pmlint_classifiers", config={"models_dir": str(models_dir)})
        except Exception as exc:  # spaCy may wrap errors from a factory: surface ours as they are
            cause = exc if isinstance(exc, ModelIntegrityError) else (exc.__cause__ or exc.__context__)
            if isinstance(cause, ModelIntegrityError):
                raise cause from None
            raise
    models = nlp.get_pipe("pmlint_classifiers").models
    return [ClassifierCombiner({task: m.threshold for task, m in models.items()})]
