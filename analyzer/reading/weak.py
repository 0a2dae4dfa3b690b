"""Weak heading forms, found on the parse tree: a paragraph (or list item) that opens with a title.

- bold pseudo-headings: `**Impact:** 30% of users ...`, `**Root cause**` alone on its line;
- bold list labels: `- **Impact**: text` (style `list_label`);
- numbered headings: `3.1 Five whys`, `IV. Timeline`, and one-line titles of ordered items `2. Impact`;
- question headings: `What happened?` alone in its paragraph;
- label lines: `Timeline:` or `Root cause: the disk filled`, at the start of a paragraph or after
  another label line (plain-text e-mail drafts);
- capitalised title lines: `ROOT CAUSE` on the first line of a paragraph (status-page and e-mail
  reports, PDF exports);
- table labels: the short first cell of a two-column key-value table (`| Impact | ... |`), found by
  the Markdown reader over the table (style `cell`); they count only when the section data lists
  the title;
- bare title lines: `Root cause` alone in its paragraph (pages whose heading markup was lost in an
  export); these count only when the title is one the section data lists (style `line`);
- run-in titles: a heading line that a PDF or web printout joined to the text around it (`... in all
  regions. Impact The API failed ...`, `... two nodes. Timeline` at the end of a line), found by
  `run_in_headings`; they count only when the section data lists the title word for word (style
  `run_in`).

Weak headings count only when the section detector maps their title to a canonical section;
otherwise the text is ordinary text again. All positions here are in inline-content coordinates.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from markdown_it.token import Token

_NUMBERED = re.compile(r"((?:\d{1,2}\.)+\d{0,2}|\d{1,2}\)|[IVX]{1,4}\.)[ \t]+(\S[^\n]{1,69})")
_LABEL = re.compile(r"([A-Z][A-Za-z0-9'&/ ()-]{1,48}?)[ \t]*:(?:[ \t]+|$)")
_MAX_BOLD_TITLE = 60
_MAX_QUESTION_WORDS = 12
_MAX_CAPS_WORDS = 8
_MAX_STOP_WORDS = 8  # a bold run-in title that ends with a stop


@dataclass(frozen=True)
class Weak:
    style: str
    level: int
    title: tuple[int, int]
    body: int  # where the text under the title starts (content offset)


def weak_headings(content: str, children: list[Token], *, in_item: bool, ordered_depth: int,
                  list_follows: bool = False) -> list[Weak]:
    """The weak headings of this block: those that open it (several only for label lines), then
    any run-in titles after them (paragraphs only). `list_follows`: a list starts on the next line."""
    found = _opening(content, children, in_item=in_item, ordered_depth=ordered_depth, list_follows=list_follows)
    if in_item:
        return found
    return found + run_in_headings(content, found[-1].body if found else 0)


def _opening(content: str, children: list[Token], *, in_item: bool, ordered_depth: int,
             list_follows: bool = False) -> list[Weak]:
    bold = _bold(content, children, in_item)
    if bold:
        return [bold] if in_item else [bold, *_bold_lines(content, children, bold.body)]
    if in_item:
        return _ordered_title(content, ordered_depth)
    stop = _stop_title(content, list_follows)
    if stop:
        return [stop]
    first = content.split("\n", 1)[0]
    m = _NUMBERED.fullmatch(first.rstrip())
    if m and looks_like_title(m.group(2)):
        title = m.group(2).rstrip(" :")
        depth = m.group(1).strip(".").count(".") + 1
        return [Weak("numbered", min(depth + 1, 6), (m.start(2), m.start(2) + len(title)), len(first))]
    if _is_question(content):
        return [Weak("question", 7, (0, len(content.rstrip())), len(content))]
    labels = _labels(content)
    if labels:
        return labels
    if _is_caps_title(first):
        title = first.rstrip()
        return [Weak("caps", 7, (0, len(title)), len(first))]
    if "\n" not in content.strip() and _is_bare_title(content.strip()):
        return [Weak("line", 7, (0, len(content.rstrip())), len(content))]
    return []


def _bold(content: str, children: list[Token], in_item: bool) -> Weak | None:
    pairs = _strong_pairs(children)
    if not pairs:
        return None
    s, c = pairs[0]  # s: the second asterisk of the opening pair
    if content[: max(s - 1, 0)].strip():
        return None
    return _bold_at(content, s, c, in_item, first=True)


def _strong_pairs(children: list[Token]) -> list[tuple[int, int]]:
    """(opener, closer) positions of the bold runs, in order, paired in one pass."""
    pairs: list[tuple[int, int]] = []
    stack: list[int | None] = []
    for t in children:
        if t.type == "strong_open":
            stack.append(t.meta["pos"][0] if t.meta.get("pos") else None)
        elif t.type == "strong_close" and stack:
            s = stack.pop()
            c = t.meta.get("pos", (-1,))[0]
            if s is not None and c > s:
                pairs.append((s, c))
    return sorted(pairs)


def _bold_at(content: str, s: int, c: int, in_item: bool, *, first: bool) -> Weak | None:
    """The bold title between `s` and `c`: `**Impact:** text`, `**Impact**: text`, `**Impact**`
    alone on its line (only as the block's first title), or a run-in title that ends with a stop,
    `**What happened.** At 14:30 ...` (style `bold_run_in`: only a title the section data lists)."""
    inner = content[s + 1 : c]
    title = inner.strip().rstrip(":").rstrip()
    if "\n" in inner or not 2 <= len(title) <= _MAX_BOLD_TITLE:
        return None
    line_end = content.find("\n", c + 2)
    after = content[c + 2 : line_end if line_end >= 0 else len(content)]
    colon = inner.rstrip().endswith(":") or after.lstrip(" \t").startswith(":")
    alone = first and not after.strip()
    stop = (not in_item and inner.rstrip().endswith(".") and not inner.rstrip().endswith("..")
            and len(title.split()) <= _MAX_STOP_WORDS)
    if not (colon or alone or stop):
        return None
    ts = s + 1 + (len(inner) - len(inner.lstrip()))
    if stop and not colon:
        title = title.rstrip(".").rstrip()
        body = c + 2 + len(after) - len(after.lstrip(" \t"))
        return Weak("bold_run_in", 7, (ts, ts + len(title)), body)
    body = c + 2 + (len(after) - len(after.lstrip(" \t:")) if colon else 0)
    return Weak("list_label" if in_item else "bold", 7, (ts, ts + len(title)), body)


_INDENT = re.compile(r"[ \t]*")


def _bold_lines(content: str, children: list[Token], after: int) -> list[Weak]:
    """Further bold titles that open a line of the same paragraph: a header block written as
    `**Date:** ...` / `**Summary:** ...` / `**Impact:** ...` lines without blank lines between them
    (style `bold_line`: like a bold list label, a section only outside a mapped section)."""
    out: list[Weak] = []
    scanned, line_start = 0, 0  # the newest line start before the opener, found by scanning forward once
    for s, c in _strong_pairs(children):
        if s - 1 <= after:
            continue
        nl = content.rfind("\n", scanned, s - 1)
        if nl >= 0:
            line_start = nl + 1
        scanned = max(scanned, s - 1)
        if line_start == 0 or _INDENT.match(content, line_start).end() != s - 1:
            continue  # not at the start of a later line
        weak = _bold_at(content, s, c, False, first=False)
        if weak is not None and (not out or weak.title[0] >= out[-1].body):
            out.append(weak if weak.style != "bold" else Weak("bold_line", weak.level, weak.title, weak.body))
    return out


_ABBREVIATIONS = frozenset("mr ms mrs dr prof st jr sr inc ltd co corp no nr vs fig approx dept est gen gov sgt capt "
                           "mt ft ave blvd etc al eg ie".split())
_STOP_TITLE = re.compile(r"([A-Z][A-Za-z'’/-]*(?:[ \t]+[A-Za-z'’/-]+){0,3})\.(?:[ \t]+(?=[A-Z(\"'‘“])|[ \t]*(?=\n|$))")


def _stop_title(content: str, list_follows: bool = False) -> Weak | None:
    """A run-in title that opens a paragraph and ends with a stop, with text after it in the same
    paragraph: `Executive summary. Between 19:05 and ...`, `Next steps.` on its own line with the
    items below (memo style; alone in its paragraph when a list starts on the next line). Style
    `run_in`: it counts only when the section data lists the title word for word."""
    m = _STOP_TITLE.match(content)
    if not m or not _title_shaped(m.group(1).split()) or not (content[m.end():].strip() or list_follows):
        return None  # a short sentence alone in its paragraph ("Body text.") is a sentence
    if m.group(1).split()[-1].lower() in _ABBREVIATIONS:
        return None  # "Ms. Ada Obi failed ...", "St. Louis ...": an abbreviation, not a title
    first = content.split("\n", 1)[0]
    body = m.end() if m.end() <= len(first) else len(first)
    return Weak("run_in", 7, (0, m.end(1)), body)


def _ordered_title(content: str, ordered_depth: int) -> list[Weak]:
    """`2. Impact` on its own line in an ordered list: a numbered heading if the detector maps it."""
    if not ordered_depth:
        return []
    first = content.split("\n", 1)[0].rstrip()
    if not (first and len(first) <= 70 and looks_like_title(first)):
        return []
    title = first.rstrip(" :")
    return [Weak("numbered", min(ordered_depth + 1, 6), (0, len(title)), len(first))]


_REQUEST = re.compile(r"\b(?:could|can|would|will) you\b|^[A-Z][\w.-]*,\s", re.I)


def _is_question(content: str) -> bool:
    """A short question alone in its paragraph ("What happened?"), not a request to someone in a
    pasted conversation ("Sam, could you give us a summary?")."""
    text = content.strip()
    return ("\n" not in text and text.endswith("?") and text[:1].isupper()
            and len(text.split()) <= _MAX_QUESTION_WORDS and not _REQUEST.search(text))


def _is_caps_title(line: str) -> bool:
    """`ROOT CAUSE`, `DETAILED DESCRIPTION OF IMPACT`: every letter upper case, a few words."""
    t = line.strip().rstrip(":").rstrip()
    words = t.split()
    return (1 <= len(words) <= _MAX_CAPS_WORDS and len(t) <= 60 and t.upper() == t
            and sum(ch.isalpha() for ch in t) >= 4 and not t.endswith((".", ";", ",", "?", "!")))


def _is_bare_title(t: str) -> bool:
    words = t.split()
    return (1 <= len(words) <= 4 and t[:1].isupper() and not t.endswith((".", ";", ",", "!", "?"))
            and all(w[:1].isalpha() for w in words))


def _labels(content: str) -> list[Weak]:
    out: list[Weak] = []
    pos = 0
    for line in content.split("\n"):
        m = _LABEL.match(line)
        if not (m and len(m.group(1).split()) <= 5):
            break
        out.append(Weak("label", 7, (pos + m.start(1), pos + m.end(1)), pos + m.end()))
        pos += len(line) + 1
    return out


def is_cell_label(text: str) -> bool:
    """The first cell of a key-value table row that can name a section: a few words, not a sentence."""
    t = text.strip().rstrip(":").rstrip()
    return 1 <= len(t.split()) <= 5 and t[:1].isalpha() and not t.endswith((".", ";", ",", "!"))


def looks_like_title(title: str) -> bool:
    t = title.strip()
    if not t or t.endswith((".", ";", ",")) or len(t.split()) > 7:
        return False
    return t[0].isupper() or t[0].isdigit()


# A sentence end, then a capital: where a heading line joined to the text around it can start.
_SENTENCE_GAP = re.compile(r"(?<=[.!?])[\"'”’)]*[ \t]+(?=[A-Z])")
_WORD_GAP = re.compile(r"(?<=[a-z])[ \t]+(?=[A-Z])")  # in a flattened page, a list's lines run on without stops
_TOKEN = re.compile(r"\S+")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’/-]*|&")
# Words that open a sentence and never follow a title word in the middle of one: "Impact The API",
# "Timeline I had", "Next Steps We" are a title and a new sentence.
_OPENERS = frozenset(
    "the this these that those we our i it its there in on at after before since when while during a an as "
    "from for once following over by although however initially first then some all no on".split()
)
_NOT_TITLE = _OPENERS | frozenset("i however now but and so if yet still also".split())
_MAX_RUN_IN_WORDS = 4
FLAT_LINE = 1000  # characters: a printed page flattened into one line (a title may precede any capital)


def run_in_headings(content: str, after: int = 0) -> list[Weak]:
    """Titles run into the text (from `after` on): at a line start or after a sentence end, one to
    four title words followed by a sentence that opens with a capitalised function word, or alone at
    the end of the line. In a page flattened into one line, a title may also follow a word without
    a stop (its list lost its line breaks), and after a stop one title word may precede any capital."""
    out: list[Weak] = []
    pos = 0
    for line in content.split("\n"):
        flat = len(line) >= FLAT_LINE
        gaps = {0, *(m.end() for m in _SENTENCE_GAP.finditer(line))}
        starts = sorted(gaps | ({m.end() for m in _WORD_GAP.finditer(line)} if flat else set()))
        for at in starts:
            if pos + at < after or (out and pos + at < out[-1].body):
                continue
            title_end = _run_in_title(line, at, flat and at in gaps)
            if title_end:
                body = title_end + len(line[title_end:]) - len(line[title_end:].lstrip(" \t"))
                out.append(Weak("run_in", 7, (pos + at, pos + title_end), pos + body))
        pos += len(line) + 1
    return out


def _title_shaped(words: list[str]) -> bool:
    """"Root cause", "Next Steps", "Lessons learned": title words, none of them a sentence opener,
    and no capital after a word in lower case ("delete behavior Timeline" is text, then a title)."""
    if not all(_TITLE_WORD.fullmatch(w) and w.lower() not in _NOT_TITLE for w in words):
        return False
    return not any(a[:1].islower() and b[:1].isupper() for a, b in zip(words, words[1:]))


def _run_in_title(line: str, at: int, flat: bool) -> int:
    """End of the title that starts at `at` (0 if none)."""
    if not line[at : at + 1].isupper():
        return 0
    words = [(m.start(), m.end()) for m in itertools.islice(_TOKEN.finditer(line, at), _MAX_RUN_IN_WORDS + 1)]
    for k in range(1, min(len(words), _MAX_RUN_IN_WORDS) + 1):
        if not _title_shaped([line[s:e] for s, e in words[:k]]):
            return 0
        end = words[k - 1][1]
        if k == len(words):
            return end  # the title ends the line
        nxt = line[words[k][0] : words[k][1]]
        if nxt[:1].isupper() and (nxt.lower() in _OPENERS or (flat and k == 1)):
            return end
    return 0
