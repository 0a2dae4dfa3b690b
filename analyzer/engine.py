"""The one orchestration: text -> Document -> spaCy Doc(s) -> hits -> Findings -> Report.

Nothing after this module touches spaCy objects: front ends see Reports only. `Analyzer` loads
the pipeline once; `analyze_many` runs `nlp.pipe` over many documents in batches.
"""

from __future__ import annotations

import string
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from spacy.tokens import Doc

from analyzer.judging.actions import find_action_items
from analyzer.judging.profile import front_matter_profile, is_ai_incident, is_near_miss
from analyzer.judging.whatnotwhy import place as place_what_not_why
from analyzer.judging.checks import DOCUMENT_CHECKS, Context, Hit
from analyzer.judging.duplicates import drop_title_duplicates, one_per_sentence
from analyzer.judging.evidence import INFERABLE, found_sections, infer_sections
from analyzer.judging.followup import FOLLOWUP_CHECKS
from analyzer.judging.rules.component import RuleHit
from analyzer.judging.rules.rewrite import QUESTION
from analyzer.config import Config, load_config
from analyzer.reading.document import Document, effective_blocks
from analyzer.reading.markdown import parse
from analyzer.errors import InputError
from analyzer.findings import Finding, LineIndex, Report, Severity, locate, with_fingerprints
from analyzer.nlp.lexicon import default_lexicon
from analyzer.nlp.tokenizable import mask_debris, tokenizable, unix_newlines
from analyzer.judging.pipeline import build_pipeline
from analyzer.judging.rules import Rule
from analyzer.nlp.sections import build_sections, default_classifier
from analyzer.judging.suppress import apply as apply_directives
from analyzer.judging.suppress import parse_directives

CHUNK_CHARS = 25_000  # a Doc never holds more than this (tok2vec and parser memory grow with its tokens:
# 25k characters of the densest text, "*a *a ...", are ~17k tokens and ~0.3 GB; 100k were 1.1 GB)
PIPE_CHARS = 25_000  # a batch with a Doc longer than half this goes through nlp.pipe one Doc at a time
PIPE_BATCH = 16  # Docs nlp.pipe processes at once otherwise (at most 16 x 12.5k characters)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, values: dict[str, Any]) -> str:
    try:
        return string.Formatter().vformat(template, (), _SafeDict(values))
    except (ValueError, IndexError):
        return template


@dataclass
class _Chunk:
    """What the report needs from one processed spaCy Doc; the Doc itself is dropped at once."""

    offset: int
    headings: list[Any]
    rule_hits: list[RuleHit]
    sentences: list[tuple[int, int]]
    words: int
    classifier_scores: dict[str, Any]
    lemmas: list[tuple[int, str]] = field(default_factory=list)  # (absolute offset, lemma) of content words


@dataclass
class _Pending:
    path: str
    text: str
    document: Document
    safe: str  # document.masked as the tokenizer can take it (same length)
    spans: list[tuple[int, int]]
    debris_words: int = 0  # words in markup debris, blanked in `safe` (see nlp.tokenizable.mask_debris)
    chunks: list[_Chunk] = field(default_factory=list)


class Analyzer:
    """Loads the pipeline once and analyses any number of texts with it."""

    def __init__(self, config: Config | None = None, *, nlp=None, classifiers=None) -> None:
        self.config = config or load_config()
        self.nlp = nlp if nlp is not None else build_pipeline(self.config.base_model, self.config.exclude_components)
        self.rules: tuple[Rule, ...] = self.config.rules
        self.enabled = [r for r in self.rules if self.config.rule_enabled(r)]
        self.section_classifier = default_classifier()
        self.lexicon = default_lexicon().with_systems(self.config["systems"])
        if classifiers is None:
            from analyzer.judging.classifiers.combine import load_classifiers

            classifiers = load_classifiers(self.config, self.nlp)
        self.classifiers = classifiers

    # ------------------------------------------------------------------ public
    def analyze(self, text: str, *, path: str | None = None) -> Report:
        return next(self.analyze_many([(path or "<text>", text)]))

    def analyze_many(self, items: Iterable[tuple[str, str]], *, batch_size: int = 16) -> Iterator[Report]:
        """Analyse (path, text) pairs in order; a failing document yields a Report with `error`
        (whatever the cause: one document never costs the others their reports)."""
        batch: list[_Pending] = []
        chars = 0
        for path, text in items:
            try:
                pending = self._prepare(path, text)
            except InputError as exc:
                yield from self._flush(batch)
                batch, chars = [], 0
                yield Report.failed(path, str(exc))
                continue
            except Exception:  # noqa: BLE001 - a reader bug on strange text is this document's error
                yield from self._flush(batch)
                batch, chars = [], 0
                yield Report.failed(path, f"internal error while reading: {_exc_summary()}")
                continue
            batch.append(pending)
            chars += len(pending.text)
            if len(batch) >= batch_size or chars >= PIPE_CHARS * 4:
                yield from self._flush(batch)
                batch, chars = [], 0
        yield from self._flush(batch)

    # ---------------------------------------------------------------- stages
    def _prepare(self, path: str, text: str) -> _Pending:
        if not isinstance(text, str):
            raise InputError(f"not text ({type(text).__name__}): nothing to analyse")
        if not text.strip():
            raise InputError("empty document: nothing to analyse")
        document = parse(unix_newlines(text))
        if len(document.text) != len(text):  # offsets must point into the caller's text
            raise InputError("internal error: the reader changed the length of the text")
        safe, debris_words = mask_debris(tokenizable(document.masked))
        return _Pending(path, text, document, safe, _chunks(document), debris_words)

    def _docs(self, batch: list[_Pending]) -> Iterator[Doc]:
        """Docs made one at a time, as nlp.pipe asks for them (never all chunks at once)."""
        for p in batch:
            for start, end in p.spans:
                doc = self.nlp.make_doc(p.safe[start:end])
                doc._.pm_document = p.document
                doc._.pm_offset = start
                doc._.pm_lexicon = self.lexicon
                yield doc

    def _flush(self, batch: list[_Pending]) -> Iterator[Report]:
        """Process the batch's chunks (PIPE_BATCH short Docs, or one long chunk, at a time),
        keeping only their _Chunk summaries: memory stays bounded whatever the length of a
        document, and short drafts keep the throughput of batching."""
        if not batch:
            return
        try:
            owners = (p for p in batch for _ in p.spans)
            longest = max(end - start for p in batch for start, end in p.spans)
            # short drafts batch as before (throughput); a long chunk goes through alone (memory)
            size = 1 if longest > PIPE_CHARS // 2 else PIPE_BATCH
            for doc, owner in zip(self.nlp.pipe(self._docs(batch), batch_size=size), owners):
                owner.chunks.append(_summarise(doc))
        except Exception:  # noqa: BLE001 - isolate the document that broke the batch
            if len(batch) > 1:
                for pending in batch:
                    pending.chunks = []
                    yield from self._flush([pending])
                return
            yield Report.failed(batch[0].path, f"internal error while parsing: {_exc_summary()}")
            return
        for pending in batch:
            try:
                yield self._report(pending)
            except Exception:  # noqa: BLE001 - one bad document never stops a batch
                yield Report.failed(pending.path, f"internal error: {_exc_summary()}")
            pending.chunks = []

    def _report(self, p: _Pending) -> Report:
        ctx, words, n_headings = self._context(p)
        hits = self._hits(p, ctx)
        index = LineIndex(p.text)
        findings = self._findings(hits, ctx, index)
        metadata = dict(p.document.metadata)
        if p.document.metadata_error:
            metadata["front_matter_error"] = p.document.metadata_error
        section_hits = found_sections(ctx, index)
        return Report(
            path=p.path,
            score=score(findings, self.config),
            ai_incident=ctx.ai_incident,
            sections=section_hits,
            findings=tuple(findings),
            stats={"words": words, "sentences": len(ctx.sentences), "headings": n_headings},
            profile=ctx.profile,
            metadata=metadata,
            actions=tuple(ctx.actions),
        )

    def _context(self, p: _Pending) -> tuple[Context, int, int]:
        """What the document checks see: sections, blocks, rule hits and sentences with offsets into
        the whole text, and the profile. Also the word and heading counts."""
        text, document = p.text, p.document
        headings = [h for c in p.chunks for h in c.headings]
        sections = build_sections(
            [(h.title_start, h.title_end, h.body_start, h.level, h.heading, h.category, h.rule) for h in headings],
            len(text),
        )
        blocks = effective_blocks(document, {h.title_start for h in headings})
        rule_hits: list[RuleHit] = []
        sentences: list[tuple[int, int]] = []
        lemmas: list[tuple[int, str]] = []
        words = p.debris_words
        for c in p.chunks:
            rule_hits.extend(replace(h, start=h.start + c.offset, end=h.end + c.offset) for h in c.rule_hits)
            sentences.extend(c.sentences)
            lemmas.extend(c.lemmas)
            words += c.words
        ai = front_matter_profile(dict(document.metadata))
        ai_incident = ai if ai is not None else is_ai_incident(document.masked, self.config["ai_detection"]["threshold"])
        profile = self.config.profile
        if profile == "auto":
            near_miss = is_near_miss(document.metadata if isinstance(document.metadata, dict) else {}, document.masked)
            profile = "near_miss" if near_miss else ("ai" if ai_incident else "general")
        ctx = Context(
            text=text,
            document=document,
            sections=sections,
            blocks=blocks,
            rule_hits=rule_hits,
            sentences=sentences,
            ai_incident=ai_incident,
            profile=profile,
            required=self.config.required_sections(profile),
            classifier=self.section_classifier,
            lemmas=lemmas,
        )
        ctx.actions = find_action_items(text, blocks, ctx.category_at, sentences, document.tables)
        ctx.inferred = infer_sections(text, document.masked, blocks, ctx.headed(), ctx.category_at, INFERABLE)
        return ctx, words, len(headings)

    def _hits(self, p: _Pending, ctx: Context) -> list[Hit]:
        """Rule hits of enabled rules, document checks, then the classifiers' combination."""
        hits: list[Hit] = []
        enabled_codes = {r.code for r in self.enabled}
        for h in ctx.rule_hits:
            if h.code in enabled_codes:
                hits.append(
                    Hit(h.code, h.start, h.end, {"cue": _short(h.cue), "rewrite": h.rewrite}, h.suggestion or None,
                        explanation=h.explanation(), at_most=Severity.SUGGESTION if h.debris else None, debris=h.debris)
                )
        for rule in self.enabled:
            check = DOCUMENT_CHECKS.get(rule.kind) or FOLLOWUP_CHECKS.get(rule.kind)
            if check is not None:
                hits.extend(check(rule, ctx))
        for clf in self.classifiers:
            hits = clf.combine(hits, [(c.offset, c.classifier_scores) for c in p.chunks], ctx, self.config)
        hits = drop_title_duplicates(hits, {r.code for r in self.rules if r.family == "blame"})
        return place_what_not_why([h for h in hits if h.code in enabled_codes], ctx, enabled_codes)

    def _findings(self, hits: list[Hit], ctx: Context, index: LineIndex) -> list[Finding]:
        """Findings from hits, with suppression comments applied (and PM000/PM001 for bad or unused ones)."""
        enabled_codes = {r.code for r in self.enabled}
        by_code = {r.code: r for r in self.rules}
        findings = [self._finding(by_code[h.code], h, ctx, index) for h in hits if h.code in by_code]
        directives, errors = parse_directives(ctx.document, self.rules)
        findings = one_per_sentence(apply_directives(findings, directives, self.rules), sorted(ctx.sentences),
                                    order=[r.name for r in self.rules])
        meta_rule = by_code.get("PM000")
        if meta_rule is not None and meta_rule.code in enabled_codes:
            for err in errors:
                findings.append(self._finding(meta_rule, Hit("PM000", err.start, err.end, {"detail": err.detail}), ctx, index))
        unused_rule = by_code.get("PM001")
        if unused_rule is not None and (self.config["report_unused_directives"] or unused_rule.code in enabled_codes):
            for d in directives:
                if not d.used and d.action != "enable":
                    findings.append(
                        self._finding(unused_rule, Hit("PM001", d.start, d.end, {"detail": ", ".join(d.selectors)}), ctx, index)
                    )
        findings.sort(key=lambda f: (f.start, f.code))
        return with_fingerprints(findings, ctx.text, ctx.sentences)

    def _finding(self, rule: Rule, hit: Hit, ctx: Context, index: LineIndex) -> Finding:
        values = dict(hit.fmt)
        message = _format(rule.message, values)
        suggestion = hit.suggestion if hit.suggestion is not None else _format(rule.suggestion, values)
        if values.get("rewrite") == QUESTION and "{rewrite}" in rule.suggestion:
            suggestion = QUESTION  # no rewrite could be built: the question alone, not "e.g. <question>"
        section = hit.section if hit.section is not None else ctx.category_at(hit.start)
        block = ctx.document.block_at(hit.start) if hit.end > hit.start else None
        kwargs = dict(
            rule=rule.name,
            code=rule.code,
            severity=_capped(self.config.severity(rule), hit.at_most),
            message=message,
            suggestion=suggestion,
            start=hit.start,
            end=hit.end,
            section=section,
            confidence=hit.confidence,
            source=hit.source,
            explanation=hit.explanation,
            quoted=bool(block and block.quoted),
        )
        return Finding(**locate(kwargs, ctx.text, index))


def _summarise(doc: Doc) -> _Chunk:
    """The parts of a processed Doc the report uses (sentence offsets absolute)."""
    off = doc._.pm_offset
    sentences = []
    for s in doc.sents:
        toks = [t for t in s if not t.is_space]
        if toks:
            sentences.append((toks[0].idx + off, toks[-1].idx + len(toks[-1]) + off))
    return _Chunk(
        offset=off,
        headings=list(doc._.pm_headings or []),
        rule_hits=list(doc._.rule_hits or ()),
        sentences=sentences,
        words=sum(1 for t in doc if t.is_alpha or t.like_num),
        classifier_scores=dict(doc._.classifier_scores or {}),
        lemmas=[(t.idx + off, t.lemma_.lower() or t.lower_) for t in doc if t.is_alpha and not t.is_stop],
    )


def _exc_summary() -> str:
    import sys
    import traceback

    exc = sys.exc_info()[1]
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc and exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _capped(severity: Severity, at_most: Severity | None) -> Severity:
    return at_most if at_most is not None and at_most.rank < severity.rank else severity


def _chunks(document: Document) -> list[tuple[int, int]]:
    """[start, end) spans of at most CHUNK_CHARS, cut at block starts where one is near enough, else
    at whitespace (a giant block anywhere in the document, not only at its end, is cut too)."""
    n = len(document.text)
    if n <= CHUNK_CHARS:
        return [(0, n)]
    cuts = [0]
    for block in document.blocks:
        if block.start - cuts[-1] >= CHUNK_CHARS * 0.8:
            _cut_within(cuts, block.start, document.masked)
            cuts.append(block.start)
    _cut_within(cuts, n, document.masked)
    cuts.append(n)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _cut_within(cuts: list[int], until: int, masked: str) -> None:
    """Add cuts (at the last space of each window where there is one) until `until` is at most
    CHUNK_CHARS after the last cut."""
    while until - cuts[-1] > CHUNK_CHARS:
        pos = masked.rfind(" ", cuts[-1] + 1, cuts[-1] + CHUNK_CHARS)
        cuts.append(pos if pos > cuts[-1] else cuts[-1] + CHUNK_CHARS)


def score(findings: Iterable[Finding], config: Config) -> int:
    """100 minus points per finding (error/warning/suggestion weights from config), counting at
    most `cap_per_rule` findings of each rule, floored at 0."""
    weights = config["score"]
    per_rule: dict[str, list[Severity]] = defaultdict(list)
    for f in findings:
        per_rule[f.code].append(f.severity)
    total = 0.0
    cap = int(weights["cap_per_rule"])
    for severities in per_rule.values():
        worst_first = sorted(severities, key=lambda s: -s.rank)[:cap]
        total += sum(weights[s.value] for s in worst_first)
    return max(0, round(100 - total))


_ANALYZERS: dict[str, Analyzer] = {}


def load_analyzer(config: Config | None = None) -> Analyzer:
    """A process-wide Analyzer per configuration (the pipeline is loaded once)."""
    config = config or load_config()
    key = config.fingerprint()
    if key not in _ANALYZERS:
        _ANALYZERS[key] = Analyzer(config)
    return _ANALYZERS[key]


def analyze(text: str, *, path: str | None = None, config: Config | None = None) -> Report:
    return load_analyzer(config).analyze(text, path=path)


__all__ = ["Analyzer", "analyze", "load_analyzer", "score"]
