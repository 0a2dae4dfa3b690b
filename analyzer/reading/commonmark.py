"""The CommonMark parser (markdown-it-py with front matter, tables, strikethrough and task lists),
and where the inline markup sits.

markdown-it-py gives block tokens with line maps but no positions for inline tokens. The few inline
rules whose markup must be blanked (code spans, links, images, autolinks, inline HTML, emphasis and
strikethrough delimiters) are wrapped so that each token they push records, in `token.meta["pos"]`,
where it sits in the inline content (`state.src`); `Segment` maps those back to the file.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

_WHOLE = ("backticks", "autolink", "html_inline")  # the whole construct is markup
_RUNS = ("emphasis", "strikethrough")  # one token per delimiter character (or pair)
_LINKS = ("link", "image")


@functools.cache
def parser() -> MarkdownIt:
    """One configured parser per process (markdown-it is linear-time on any input)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(tasklists_plugin)
    for rule in md.inline.ruler.__rules__:
        if rule.name in _WHOLE + _RUNS + _LINKS:
            rule.fn = _recording(rule.name, rule.fn)
    md.inline.ruler.__cache__ = None
    return md


def _recording(name: str, fn: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    def wrapped(state: StateInline, silent: bool) -> bool:
        if silent:
            return fn(state, silent)
        if state.pending:
            state.pushPending()  # so that every token from here on is this rule's own
        start, first = state.pos, len(state.tokens)
        if not fn(state, silent):
            return False
        pushed = state.tokens[first:]
        if name in _RUNS:
            pos = start
            for tok in pushed:
                tok.meta["pos"] = (pos, pos + len(tok.content))
                pos += len(tok.content)
        elif pushed:
            tok = pushed[0]
            tok.meta["pos"] = (start, state.pos)
            tok.meta["rule"] = name
            if name in _LINKS:
                label = state.md.helpers.parseLinkLabel(state, start + (name == "image"), name == "link")
                tok.meta["label"] = (start + 1 + (name == "image"), label if label > 0 else start + 1)
        return True

    return wrapped


def markup_ranges(children: list[Token]) -> list[tuple[int, int, str]]:
    """(start, end, kind) in inline-content coordinates of everything that is markup, not prose;
    kind is "comment" for an HTML comment, else "markup"."""
    out: list[tuple[int, int, str]] = []
    for tok in children:
        pos = tok.meta.get("pos") if tok.meta else None
        if pos is None:
            continue
        s, e = pos
        rule = tok.meta.get("rule")
        if rule in _WHOLE:
            out.append((s, e, "comment" if tok.content.startswith("<!--") else "markup"))
        elif rule in _LINKS:
            ls, le = tok.meta["label"]
            out += [(s, ls, "markup"), (le, e, "markup")]
        elif tok.type in ("strong_open", "em_open", "s_open", "strong_close", "em_close", "s_close"):
            width = len(tok.markup)
            if tok.type == "strong_open":  # the token is the second character of the pair
                s = max(s - 1, 0)
            out.append((s, s + width, "markup"))
    return out


@dataclass
class Segment:
    """Inline content of one block and where each of its lines sits in the file."""

    content: str
    starts: list[int]  # content offset of each line
    sources: list[int]  # file offset of each line
    lengths: list[int]

    @classmethod
    def locate(cls, content: str, text: str, line_spans: list[tuple[int, int]], first_line: int) -> "Segment":
        starts, sources, lengths = [], [], []
        pos = 0
        for k, raw in enumerate(content.split("\n")):
            ls, le = line_spans[min(first_line + k, len(line_spans) - 1)]
            at, length = _place(raw, text, ls, le)
            starts.append(pos)
            sources.append(at)
            lengths.append(length)
            pos += len(raw) + 1
        return cls(content, starts, sources, lengths)

    def to_source(self, i: int) -> int:
        k = max(bisect.bisect_right(self.starts, i) - 1, 0)
        return self.sources[k] + min(i - self.starts[k], self.lengths[k])

    def spans(self) -> list[tuple[int, int]]:
        """File ranges of the content's lines."""
        return [(s, s + n) for s, n in zip(self.sources, self.lengths)]


def _place(line: str, text: str, ls: int, le: int) -> tuple[int, int]:
    """Where a content line sits in its source line [ls, le): it is a suffix of it (container
    markers and indentation removed), but for trailing spaces and tabs the parser expanded."""
    src = text[ls:le]
    if line and src.endswith(line):
        return le - len(line), len(line)
    stripped = src.rstrip()
    if line and stripped.endswith(line):
        return ls + len(stripped) - len(line), len(line)
    words = line.strip()
    found = src.find(words) if words else -1
    if found < 0:
        return ls, 0
    return ls + found, len(words)
