"""Pages printed from PDF or the web, read back as text: where their structure went.

A post-mortem saved from a browser or a PDF viewer and converted back to text loses its layout in a
few general ways, whatever the site:

- line-broken paragraphs: every printed line is its own paragraph, so a sentence runs over several
  blocks, and a converter sometimes marks a piece of a sentence as a heading (`## the same rack.
  Then we`);
- page chrome: the site's navigation, sign-in and menu words before the article's title, and
  running headers spliced into the text;
- run-in headings: a heading line joined to the text around it (`... all clusters. Impact Three
  services were down ...`), see `weak.run_in_headings`.

This module tells a heading candidate that is debris of such a page from a real one, and joins the
pieces of a line-broken paragraph back, so that the later stages see the sections a reader sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analyzer.reading.document import HeadingCandidate

# Words a title never ends with but a broken line often does: articles, prepositions,
# conjunctions, subject pronouns and auxiliaries waiting for their verb.
_DANGLING = frozenset(
    "a an the of to in into on at by for from with without and or but nor as than that which who whose "
    "we i our their its this these those is are was were will would can could has have had be been".split()
)
_INNER_STOP = re.compile(r"[a-z0-9)][.!?][\"'”’)]?\s+[A-Z]")
_LONG_TITLE = 8  # words: a heading this long that goes on in lower case below is a sentence
_OPEN_END = re.compile(r"[\w,–-]\Z")  # text that stops mid-sentence
_WORD = re.compile(r"[^\W_][\w'’-]*")
_NEXT_CHAR = re.compile(r"[ \t\n#*_]*(\S)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PROSE_WORDS = 10  # a line this long before the title is prose, not a page's chrome


def fragment_shaped(title: str, lower_case_style: bool = False) -> bool:
    """A heading title that reads as a piece of a sentence: it starts in lower case (unless the
    document writes its headings in lower case), ends on a word that waits for more ("... the",
    "... and we") or has a sentence end inside it."""
    t = title.strip().strip("*_ ")
    lower = t[:1].islower() and not lower_case_style
    return bool(_WORD.search(t)) and (lower or _dangles(t) or bool(_INNER_STOP.search(t)))


def _dangles(title: str) -> bool:
    words = _WORD.findall(title)
    return bool(words) and words[-1].lower() in _DANGLING


def broken_line(text: str, cand: HeadingCandidate, lower_case_style: bool = False) -> bool:
    """A strong heading that is a piece of a line-broken sentence: fragment-shaped, and the text
    before it stops mid-sentence or the text after it goes on in lower case; or as long as a
    sentence and going on in lower case below."""
    if not cand.strong:
        return False
    end = cand.line_start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    before = text[text.rfind("\n", 0, end) + 1 : end]
    if before.lstrip().startswith("#") and not fragment_shaped(before.lstrip(" #")):
        before = ""  # a heading of its own, not a sentence left open
    after = _NEXT_CHAR.match(text, cand.body_start)
    open_before = bool(_OPEN_END.search(before.rstrip(" *_")))
    goes_on = bool(after) and after.group(1).islower()
    title = text[cand.title_start : cand.title_end]
    if goes_on and len(_WORD.findall(title)) >= _LONG_TITLE:
        return True
    if not fragment_shaped(title):
        return False
    if lower_case_style and not fragment_shaped(title, True):
        # in a document that writes its headings in lower case, a lower-case start is a sign only
        # when the line before stops mid-sentence and the text after goes on in lower case
        return open_before and goes_on
    return open_before or goes_on


def page_title_at(document_text: str, headings: list[HeadingCandidate],
                  names_section: Callable[[str], bool]) -> int:
    """Where the article's title is when a page's chrome comes before it: the first strong
    heading, at level 1 and naming no section, with only short lines before it (menu words,
    buttons, counters; never a sentence of prose); else 0."""
    first = next((c for c in headings if c.strong), None)
    if first is None or first.level != 1 or not any(c.title_start < first.title_start for c in headings):
        return 0  # nothing stands before the title that it could set apart
    if names_section(document_text[first.title_start : first.title_end]):
        return 0
    before = _COMMENT.sub(" ", document_text[: first.line_start])
    if any(len(line.split()) >= _PROSE_WORDS for line in before.split("\n")):
        return 0
    return first.title_start


def printout_debris(document_text: str, headings: list[HeadingCandidate],
                    literal: Callable[[str], bool], names_section: Callable[[str], bool]) -> set[int]:
    """`title_start` of the heading candidates that are debris of a printed page: pieces of
    line-broken sentences marked as headings (unless their title is one the section data lists
    word for word), and weak headings (menu words, bold navigation) before the article's title."""
    title_at = page_title_at(document_text, headings, names_section)
    chrome = {document_text[c.title_start : c.title_end] for c in headings if not c.strong and c.title_start < title_at}
    lower = lower_case_headings(document_text, headings, literal)
    out: set[int] = set()
    for cand in headings:
        title = document_text[cand.title_start : cand.title_end]
        if not cand.strong and (title in chrome or _dangles(title)):  # the menu, and the running header
            out.add(cand.title_start)  # that repeats it on each page; a bold teaser cut mid-phrase
        elif broken_line(document_text, cand, lower) and not literal(title):
            out.add(cand.title_start)
    return out


def lower_case_headings(document_text: str, headings: list[HeadingCandidate], literal: Callable[[str], bool]) -> bool:
    """The document writes its headings in lower case (`## timeline`, `## root cause`: a terse or
    chatty house style): at least half of its strong headings, two or more, start in lower case, and
    one of them is a section title the section data lists word for word. Then a lower-case start
    alone is a weaker sign of a broken line (see `broken_line`)."""
    titles = [document_text[c.title_start : c.title_end].strip().strip("*_ ") for c in headings if c.strong]
    lower = [t for t in titles if t[:1].islower()]
    return len(lower) >= 2 and 2 * len(lower) >= len(titles) and any(literal(t) for t in lower)
