"""Sections stated without a heading: found from what the text says, with the offsets of the evidence.

Many published post-mortems are narratives (a cloud provider's summary of an event, a company blog
post, a status page) that give the timeline, the impact, the cause and the follow-ups without a
heading for each. A reader still sees those sections; so does pmlint, from the way post-mortems
state them in general (never tuned to particular documents):

- timeline: several entries (lines, list items, table rows or headings) that each open with a
  timestamp, in order; a status-page update log ("Update — Mar 13, 2017 11:18", "Posted ... 14:55")
  counts;
- impact: a paragraph whose sentences quantify who or what was affected and how much or how long
  (customers, requests, error rates, minutes);
- root cause: a sentence that states what caused the incident ("was caused by", "the trigger for
  this event was", "root cause", "due to a bug in");
- action items: commitments for the future by the authors ("we will ...", "we are adding ...",
  "to prevent this from recurring, we ...");
- summary: the opening paragraph that says what happened (when, to what, with what effect);
- five whys: a chain of three or more "why" questions, each answered in its own entry ("2. Why did
  the job stall? - The lock was never released").

Each inferred section is an `Inferred(name, start, end, evidence)`: `start`/`end` span the
evidence, `evidence` says in a reviewer's words what was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from analyzer.findings import LineIndex, SectionHit
from analyzer.judging.checks import covered
from analyzer.judging.item_fields import MONTH
from analyzer.nlp.sections import CANONICAL_SECTIONS
from analyzer.reading.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_CELL, Block

INFERABLE = ("summary", "impact", "timeline", "root_cause", "action_items", "resolution", "five_whys")


@dataclass(frozen=True)
class Inferred:
    name: str
    start: int
    end: int
    evidence: str


_MONTH = rf"{MONTH}\.?"
_CLOCK = r"\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?\b"
_DATE = (rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[-/]\d{{1,2}}[-/]\d{{2,4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s*\d{{4}})?"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s*\d{{4}})?")
# A timestamp opening an entry: optional status words ("Update —", "Posted ... ago."), weekday,
# date and/or clock time; a bare date counts only when a clock time follows it.
STAMP_START = re.compile(
    rf"^[\s>*_~`|#-]*(?:\[)?(?:(?:update[ds]?|posted|resolved|investigating|identified|monitoring)\b[^\n]{{0,30}}?)?"
    rf"(?:~|approx\.?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:(?:{_DATE})[\s,T@-]*(?:at\s+)?(?:{_CLOCK})|(?:{_CLOCK})|(?:{_DATE})\s*[-–—:|,]\s*(?=\S))",
    re.I,
)
STATUS_LOG = re.compile(r"^[\s>*_|#-]*(?:update[ds]?|posted|resolved|investigating|identified|monitoring)\b", re.I)
MAX_GAP = 1000  # characters between two timeline entries of one run
IMPACT_NOUN = re.compile(
    r"\b(?:customers?|users?|clients?|requests?|queries|calls|errors?|error rates?|latency|instances?|volumes?|"
    r"accounts?|projects?|sites?|websites?|pages?|builds?|jobs?|orders?|transactions?|messages?|emails?|"
    r"api|services?|availability|traffic|downtime|data loss)\b",
    re.I,
)
IMPACT_EFFECT = re.compile(
    r"\b(?:affected|impacted|unable to|could not|couldn't|unavailable|degraded|elevated|increased|failed|failing|"
    r"experienced|saw|returned|errors?|timed? out|timeouts?|outage|down|disrupt\w*|lost|delayed|slow(?:er|ness)?)\b",
    re.I,
)
_WHO = r"(?:customers?|users?|clients?|services|apps|applications|sites|projects|teams|accounts|tenants|packages|sdks?)"
AFFECTED = re.compile(rf"\b{_WHO}\b(?:[^.;]|\.(?=\S)){{0,60}}?\b(?:were|was|are) (?:\w+ )?(?:affected|impacted|unable to|unavailable|degraded)\b"
                      rf"|\b(?:affected|impacted) (?:our |all |some |many |most |the |several |multiple )?(?:[\w.-]+ ){{0,2}}{_WHO}\b",
                      re.I)
QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?\s*%|\bpercent\b|\b\d+(?:[.,]\d+)?\s*(?:k|m|million|thousand|hundred)?\s*"
    r"(?:customers?|users?|requests?|minutes?|mins?|hours?|hrs?|seconds?|days?|instances?|accounts?|projects?|errors?)\b"
    r"|\bfor (?:a duration of|approximately|about|roughly|around|over|nearly)\b|\b(?:all|most|many|some|a subset of|a (?:small|large) (?:number|percentage|fraction) of)\s+"
    r"(?:customers|users|requests|clients|instances|accounts|projects)\b",
    re.I,
)
STATED_CAUSE = re.compile(
    r"\broot[- ]cause (?:of (?:this|the) \w+ )?(?:was|is|were)\b|\b(?:was|were) (?:\w+ly )?caused by\b"
    r"|\b(?:was|were|is|are) (?:\w+ly )?to blame\b"
    r"|\b(?:identified|determined|confirmed|pinpointed)\b[^.;]{0,80}?\bas the (?:likely |probable |root |underlying |primary |main )?(?:cause|trigger|culprit)\b"
    r"|\bthe (?:underlying |proximate |immediate |primary |main )?(?:cause|trigger) (?:of|for) (?:this|the) (?:\w+ )?(?:was|is)\b"
    r"|\b(?:due to|caused by|because of|as a result of|triggered by)\b[^.;]{0,60}?\b(?:bugs?|defects?|misconfigur\w*|regression|"
    r"race condition|(?:memory |connection |resource )?leak|exhaustion|deadlock)\b",
    re.I,
)
CAUSE = re.compile(
    r"\broot[- ]cause (?:was|is)\b|\b(?:was|were|is|are) (?:\w+ly )?caused by\b|\bcaused (?:by|a|an)\b|\bcaus(?:ed|ing) (?:[\w-]+ ){1,6}?to (?:be |become )?(?!the\b|a\b|an\b)\w+"
    r"|\bthe (?:underlying |proximate |immediate |primary |main )?(?:cause|trigger|source) (?:of|for) (?:this|the)\b"
    r"|\b(?:was|were) (?:triggered|introduced) by\b|\btriggered (?:by|a|an)\b|\bdue to (?:a|an|the)\b"
    r"|\bresult(?:ed)? (?:in|from)\b|\bas a result of\b|\bstemm(?:ed|s) from\b|\b(?:a|the) (?:latent )?bug in\b"
    r"|\b(?:failing|failed|fail|crashed|stalled|broke|went down|timing out|timed out) because\b"
    r"|\bbecause (?:the|a|an|of|our|we|it|this|these|there)\b|\b(?:led|lead|leads|leading) to\b|\bcontributed to\b"
    r"|\b(?:exact |actual |real )?cause (?:is|was|of)\b|\bthe result was\b",
    re.I,
)
COMMIT = re.compile(
    r"\b(?:we|we've|our (?:\w+ )?teams?|the team)\s+(?:will|are going to|plan to|intend to|are (?:now )?(?:adding|building|"
    r"implementing|introducing|changing|making|working|improving|updating|reviewing|moving|investing|developing|deploying|"
    r"auditing|modifying|taking|rolling out|extending|expanding|evaluating)|have (?:also )?(?:begun|started) (?:work|working|to)|"
    r"are in the process of)\b|\bwe'll\b|\bwe're (?:adding|building|implementing|introducing|changing|making|working|improving|"
    r"updating|reviewing|moving|investing|developing|taking)\b|\bto prevent (?:this|a) (?:\w+ )?(?:from )?(?:recurr\w*|happening)",
    re.I,
)
MITIGATED = re.compile(
    r"\b(?:mitigated|resolved|restored|recovered|rolled back|reverted|remediated|fixed|stabili[sz]ed) (?:\w+ ){0,4}?by\b"
    r"|\b(?:to (?:mitigate|restore|recover|resolve|stop the bleeding)|mitigation|workaround|failover|failed over|rolled back|reverted|"
    r"restarted|rebooted|scaled up|re-?enabled|disabled|drained|redirected|restored|recovered|fully recovered|back to normal)\b",
    re.I,
)
NOT_COMMIT = re.compile(
    r"\b(?:provide (?:another|an|a further|more) (?:status )?update|status update|will be updated|more (?:detailed )?information|"
    r"further updates?|as (?:soon as )?(?:more|new) information|share (?:this|more|further|additional) information|"
    r"as soon as (?:it is|it's|we have)|provide (?:\w+ )?updates?|will (?:continue to )?(?:monitor|keep you|update|post))\b",
    re.I,
)
HAPPENED = re.compile(
    r"\b(?:outage|incident|disruption|degrad\w*|unavailab\w*|errors?|fail\w*|issue|problem|impact\w*|affected|"
    r"elevated|latency|down|event|interruption|breach|compromis\w*|attack|bug)\b",
    re.I,
)
PAST = re.compile(r"\b(?:was|were|had|experienced|occurred|happened|went|became|began|started|caused|failed|resulted)\b", re.I)
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")


def infer_sections(text: str, masked: str, blocks: list[Block], present: set[str],
                   category_at: Callable[[int], str | None], wanted: Iterable[str]) -> dict[str, Inferred]:
    """The wanted sections not in `present` that the text states without a heading."""
    finders = {"timeline": _timeline, "impact": _impact, "root_cause": _root_cause,
               "action_items": _action_items, "summary": _summary, "resolution": _resolution,
               "five_whys": _five_whys}
    prose = [b for b in blocks if b.kind in (PARAGRAPH, LIST_ITEM, TABLE_CELL) and not b.quoted]
    out: dict[str, Inferred] = {}
    for name in wanted:
        if name in present or name not in finders:
            continue
        found = finders[name](text, masked, blocks, prose, category_at)
        if found is not None:
            out[name] = found
    return out


def found_sections(ctx, index: LineIndex) -> dict[str, SectionHit | None]:
    """Report.sections: every canonical section, with the first heading that stands for it, else
    the evidence of a section stated without one, else None."""
    hits: dict[str, SectionHit | None] = {name: None for name in CANONICAL_SECTIONS}
    for s in ctx.sections:
        for name in covered(s, ctx.classifier):
            if hits.get(name) is None:
                hits[name] = SectionHit(s.heading, index.line_col(s.title_start)[0], "heading", s.title_start, s.title_end)
    for name, inf in ctx.inferred.items():
        if hits.get(name) is None:
            hits[name] = SectionHit("", index.line_col(inf.start)[0], "content", inf.start, inf.end, inf.evidence)
    return hits


def _paragraphs(masked: str, prose: list[Block]) -> list[Block]:
    """Prose blocks, with the items of one list joined (a cause is often given as a list), and the
    pieces of a line-broken paragraph joined back (a page printed from PDF or the web: one block
    stops mid-sentence, the next goes on in lower case)."""
    out: list[Block] = []
    for b in prose:
        last = out[-1] if out else None
        between = masked[last.end:b.start] if last is not None else "x"
        if (last is not None and b.kind == LIST_ITEM and last.kind == LIST_ITEM
                and not between.strip() and not last.task and not b.task):
            out[-1] = Block(LIST_ITEM, last.start, b.end, last.quoted)
        elif last is not None and not between.strip() and broken_off(masked, last, b):
            out[-1] = Block(last.kind, last.start, b.end, last.quoted)
        else:
            out.append(b)
    return out


_OPEN_END = re.compile(r"[^\W_],?\Z")


def broken_off(masked: str, last: Block, b: Block) -> bool:
    """`b` goes on with the sentence `last` stopped in (a printed line broken off its paragraph)."""
    head = masked[b.start:b.end].lstrip()
    return (b.kind == PARAGRAPH and head[:1].islower() and not last.task
            and bool(_OPEN_END.search(masked[last.start:last.end].rstrip())))


def _sentences(masked: str, block: Block) -> list[tuple[int, int]]:
    out, pos = [], block.start
    body = masked[block.start:block.end]
    for part in _SENT_END.split(body):
        i = masked.find(part, pos, block.end)
        if i < 0:
            continue
        if part.strip():
            out.append((i, i + len(part)))
        pos = i + len(part)
    return out


def _entries(text: str, blocks: list[Block]) -> list[tuple[int, int]]:
    """Lines of paragraphs, list items, table rows and headings, as (start, end)."""
    out: list[tuple[int, int]] = []
    rows: dict[tuple[int, int], tuple[int, int]] = {}
    for b in blocks:
        if b.quoted:
            continue
        if b.kind == TABLE_CELL and b.row:
            key = (b.table or 0, b.row)
            s, e = rows.get(key, (b.start, b.end))
            rows[key] = (min(s, b.start), max(e, b.end))
            continue
        if b.kind not in (PARAGRAPH, LIST_ITEM, HEADING):
            continue
        pos = b.start
        for line in text[b.start:b.end].split("\n"):
            if line.strip():
                out.append((pos, pos + len(line)))
            pos += len(line) + 1
    # a table row is one entry from its first cell
    out += sorted(rows.values())
    return sorted(out)


def _timeline(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    """Three or more entries opening with a timestamp, each close to the one before (a timeline is
    a run of short entries, not dates scattered over a narrative), or two status-page updates."""
    stamped = [(s, e) for s, e in _entries(text, blocks) if STAMP_START.match(text[s:min(e, s + 80)])]
    status = [(s, e) for s, e in stamped if STATUS_LOG.match(text[s:min(e, s + 80)])]
    if len(status) >= 2:
        return Inferred("timeline", status[0][0], status[-1][1], f"{len(status)} dated status updates")
    run = _first_run(stamped)
    if run is None:
        return None
    return Inferred("timeline", run[0][0], run[-1][1], f"{len(run)} entries in a row that open with a time or date")


def _first_run(entries: list[tuple[int, int]], minimum: int = 3) -> list[tuple[int, int]] | None:
    """The first run of at least `minimum` entries, each within MAX_GAP characters of the one before."""
    run: list[tuple[int, int]] = []
    for s, e in entries:
        if run and s - run[-1][1] > MAX_GAP:
            if len(run) >= minimum:
                break
            run = []
        run.append((s, e))
    return run if len(run) >= minimum else None


def _impact(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    """A paragraph whose sentences quantify who or what was affected, or a sentence whose main
    statement is who was affected; not a timeline entry, an action item or a lesson that mentions
    an effect in passing (a summary that quantifies the effect does state the impact)."""
    for b in prose:
        if category_at(b.start) in ("action_items", "timeline", "lessons_learned"):
            continue
        sents = _sentences(masked, b)
        hits = [(s, e) for s, e in sents
                if QUANTITY.search(masked[s:e]) and IMPACT_NOUN.search(masked[s:e]) and IMPACT_EFFECT.search(masked[s:e])]
        if hits and (len(hits) >= 2 or len(sents) <= 2):
            return Inferred("impact", hits[0][0], hits[-1][1], "sentences that quantify who or what was affected")
    for b in prose:  # or one that names who was affected ("multiple services were affected")
        if category_at(b.start) in ("action_items", "timeline", "lessons_learned"):
            continue
        for s, e in _sentences(masked, b):
            m = AFFECTED.search(masked[s:e])
            if m and not RELATIVE_AFFECTED.search(m.group(0)):
                return Inferred("impact", s, e, "a sentence that says who or what was affected")
    return None


# "the shards that were affected were drained first": the affected ones named in passing, in a
# relative clause; the sentence says something else about them.
RELATIVE_AFFECTED = re.compile(r"\b(?:that|which|who)\s+(?:were|was|are)\s+(?:\w+\s+)?(?:affected|impacted|unable to|unavailable|degraded)\b",
                               re.I)


def _root_cause(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    """A sentence that names the cause ("the trigger for this event was"), or a paragraph that
    explains one in two or more causal sentences (a passing "due to" is not a root cause section)."""
    for b in _paragraphs(masked, prose):
        if category_at(b.start) in ("action_items", "timeline"):
            continue
        causal = [(s, e) for s, e in _sentences(masked, b)
                  if (CAUSE.search(masked[s:e]) or STATED_CAUSE.search(masked[s:e])) and not masked[s:e].rstrip().endswith("?")]
        named = [(s, e) for s, e in causal if STATED_CAUSE.search(masked[s:e])]
        if named:
            return Inferred("root_cause", named[0][0], named[0][1], "a sentence that names the cause")
        if len(causal) >= 2:
            return Inferred("root_cause", causal[0][0], causal[-1][1], "a paragraph that explains what caused the incident")
    return None


def _action_items(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    hits = []
    for b in prose:
        if category_at(b.start) == "timeline":
            continue
        for s, e in _sentences(masked, b):
            sentence = masked[s:e]
            if COMMIT.search(sentence) and not NOT_COMMIT.search(sentence) and not sentence.rstrip().endswith("?"):
                hits.append((s, e))
    if not hits:
        return None
    return Inferred("action_items", hits[0][0], hits[-1][1], f"{len(hits)} commitment(s) for the future")


def _resolution(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    """A paragraph that tells how service was restored: two or more sentences of mitigation or
    recovery ("we rolled back", "traffic was redirected", "the service recovered"), outside a timeline."""
    for b in _paragraphs(masked, prose):
        if category_at(b.start) in ("action_items", "timeline"):
            continue
        hits = [(s, e) for s, e in _sentences(masked, b)
                if MITIGATED.search(masked[s:e]) and not COMMIT.search(masked[s:e])]
        if len(hits) >= 2:
            return Inferred("resolution", hits[0][0], hits[-1][1], "a paragraph that tells how service was restored")
    return None


def _summary(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    opening = [b for b in _paragraphs(masked, prose)
               if b.kind == PARAGRAPH and len(_WORD.findall(masked[b.start:b.end])) >= 12][:3]
    for b in opening:
        body = masked[b.start:b.end]
        if b.start <= len(text) // 2 and HAPPENED.search(body) and PAST.search(body):
            return Inferred("summary", b.start, b.end, "an opening paragraph that says what happened")
    return None


# "Why did the job stall? - The lock ...", "3. Why? Because ...": a why question and its answer.
WHY_ANSWERED = re.compile(r"^[\s>*_-]*(?:(?:\d{1,2}|[A-Z])[.)]\s*)?(?:\d{1,2}[.)]\s*)?why\b[^?\n]{0,200}\?[\s*_]*[-–—:]?\s*\w", re.I)


def _five_whys(text: str, masked: str, blocks: list[Block], prose: list[Block], category_at) -> Inferred | None:
    """Three or more entries in a row that each ask why and answer (a why chain without its heading)."""
    run = _first_run([(s, e) for s, e in _entries(text, blocks) if WHY_ANSWERED.match(text[s:e])])
    if run is None:
        return None
    return Inferred("five_whys", run[0][0], run[-1][1], f"{len(run)} why questions in a row, each answered")

