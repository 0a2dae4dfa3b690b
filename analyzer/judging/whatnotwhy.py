"""What-not-why only where it belongs, named after the problem, explained in a reviewer's words.

- A sentence only the classifier flags is `action.what-not-why` (PM201) with `source: classifier`;
  its old name `action.classifier` (PM210) still selects it in `--disable` and suppressions.
- What-not-why findings stand only on action items (`Report.actions`) and on the statements of a
  conclusion (a lessons-learned section), never on narrative, timelines or past-tense remediation.
- An action item marked done is still an action item: a review lead judges the depth of a fix
  whether or not it is done, so a done item that fixes only the instance is flagged too, with a
  message that says so ("already done, and it fixes this instance ..."). An item done only by the
  past tense of its verb, with no status written on it, is left alone: in a list of what was done
  during the response ("Paused ingestion", "Resumed ingestion") it is narrative, not a tracked fix.
- A systemic fix (a gate, an automated check, a safer default, an alert with a threshold, a
  redesign) is not what-not-why, however the model scored it.
- The model learnt from action-item lines: a commitment told in narrative prose (outside an
  action-items section) is flagged only when a rule describes the instance fix.
- The explanation says what the item does and what it lacks, never model internals.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from analyzer.judging.actions import COMMITS, OPEN_WORDS, PAST_PROSE, PAST_START, STATUS_LEAD, WE, imperative_question, marked_done
from analyzer.judging.item_fields import TICKET_FORMS

WHAT_NOT_WHY = "PM201"
CLASSIFIER_ALIAS = "PM210"  # action.classifier: the old name of classifier-only what-not-why findings
CONCLUSIONS = ("lessons_learned",)
PRESCRIBES = re.compile(r"\b(?:should|must|need to|needs to|have to|has to|ought to|let's|make sure|always|never)\b|^(?:we|teams?)\s+\w+\s+(?:more|better)\b", re.I)
SYSTEMIC = re.compile(
    r"\b(?:automat\w*|alert\w*|monitor\w*|gate\w*|validat\w*|guardrail\w*|canary|staged|enforc\w*|block\w*|reject\w*|"
    r"lint\w*|policy|policies|default\w*|threshold\w*|redesign\w*|re-architect\w*|circuit breaker|rate limit\w*|"
    r"quota\w*|check\w*|test\w*|prevent\w*|detect\w*|slo\w*|so that|every|all future|any future|"
    r"runbook automation|self-heal\w*|idempotent|rollback automatically|automatic\w*|wait for|waits for|"
    r"only (?:when|if|after)|require\w*|refus\w*|markers?|fail\w* closed|fail the build|make \w+ impossible|"
    r"alarm\w*|telemetry|gradual\w*|isolat\w*|blast radius|tooling|dedicated|separate\w*|partition\w*|"
    r"never|resilien\w*|protect\w*|tolerant|tolerance|robust\w*|redundan\w*|trusted publish\w*|config(?:uration)? option|safeguard\w*|safety check\w*|limit (?:the )?(?:[\w-]+ ){0,3}(?:concurrency|parallelism|"
    r"rate|number)|concurrency limit\w*|throttl\w*|backpressure|back-pressure|backoff|back-off|jitter|retry budgets?)\b", re.I)


def place(hits: list[Any], ctx: Any, enabled: set[str]) -> list[Any]:
    """The hits with what-not-why findings renamed, placed and explained; other hits unchanged."""
    actions = [(a.start, a.end, a.status, marked_done(ctx.text, a)) for a in ctx.actions]
    out = []
    for h in hits:
        if h.code == CLASSIFIER_ALIAS:
            if WHAT_NOT_WHY not in enabled:
                continue
            h = replace(h, code=WHAT_NOT_WHY, source="classifier")
        if h.code != WHAT_NOT_WHY:
            out.append(h)
            continue
        text = ctx.text[h.start:h.end]
        # a sentence with its own open status ("... [In progress]") inside an item marked done: a
        # printed list that runs several items into one line
        items = [("open", False) if OPEN_WORDS.search(_own_part(ctx.text, h.start, h.end)) else (status, marked)
                 for s, e, status, marked in actions if s < h.end and h.start < e]
        done = bool(items) and all(marked for _, marked in items)
        if (text.rstrip().endswith("?") and not (items and imperative_question(text)) or EXPECTS.search(text)
                or len(_WORD.findall(TICKET_FORMS.sub(" ", STATUS_LEAD.sub("", text.strip(" -*•"))))) < 2):
            continue
        judged = (done or not _past(text) and (any(status != "done" for status, _ in items)
                                                 or not items and _conclusion(h, ctx, text)))
        if not judged:
            continue  # past-tense narrative, or an item done by its tense only
        if h.source == "classifier" and (SYSTEMIC.search(text) or ctx.category_at(h.start) != "action_items"):
            continue  # the model reads action-item lines; on narrative prose it needs a rule to agree
        out.append(replace(h, explanation=_explain(text, h.source, done)))
    return out


_WORD = re.compile(r"[^\W\d_]{2,}")  # a status and a ticket alone ("Status: Done bug T124835") say nothing to judge


def _own_part(text: str, start: int, end: int) -> str:
    """The hit's part of its line: up to the next run-on list number ("... [Done] 2. Add ...") or
    the end of the line, so a status written after the sentence ("[In progress]") is its own."""
    line_end = text.find("\n", end)
    rest = text[start:len(text) if line_end < 0 else line_end]
    nxt = re.search(r"\s\d{1,2}[.)]\s", rest[end - start:])
    return rest if nxt is None else rest[:end - start + nxt.start()]


def _conclusion(hit: Any, ctx: Any, text: str) -> bool:
    """A conclusion's own statement of what to do: in a lessons-learned section, and prescriptive
    ("we should ...", "we will ...", an imperative); an observation is not a fix to judge, and
    neither is advice or an explanation addressed to the reader ("you need to ...")."""
    return (ctx.category_at(hit.start) in CONCLUSIONS and not TO_READER.search(text)
            and bool(PRESCRIBES.search(text) or COMMITS.search(text) and WE.search(text)))


TO_READER = re.compile(r"\byou(?:'ll|'d|r)?\b", re.I)


def _past(text: str) -> bool:
    """Past-tense remediation or narrative ("Ran a backfill", "All new writes go to the new table"
    is a present-tense state, left to the item's status), never an action item to judge."""
    sentence = " ".join(text.split()).lstrip("-*• ")
    if PAST_START.match(sentence) or PAST_PROSE.search(sentence) or STATUS_UPDATE.search(sentence):
        return True
    return bool(re.search(r"\b(?:was|were|had)\b", sentence, re.I)) and not COMMITS.search(sentence)


# A forecast of the problem's fate ("then this issue will become irrelevant"): nothing to judge as a fix.
EXPECTS = re.compile(r"\b(?:this|the|that) (?:issue|problem|bug|risk|limitation) (?:will|would|should) (?:\w+ly )?"
                     r"(?:become|be|go away|disappear|no longer)\b", re.I)
STATUS_UPDATE = re.compile(r"\b(?:provide (?:another|an|a further|more) (?:status )?update|more detailed analysis|"
                           r"status update|will be updated)\b", re.I)


def _explain(text: str, source: str, done: bool = False) -> str:
    words = " ".join(text.split()).strip(" -*•✅✔☑").split()
    gist = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    agree = "; the what-not-why classifier agrees" if source == "both" else ""
    lead = "already done, and it fixes this instance" if done else "fixes this instance"
    return (f"{lead} (\"{gist}\"); no mechanism such as a gate, an automated check, a safer default "
            f"or an alert stops the next one{agree}")
