"""Text the spaCy tokenizer can take in linear time, with every offset kept.

spaCy's tokenizer cuts prefixes and suffixes off each whitespace-free substring one at a time,
re-searching the rest each time, so a long run without whitespace (`(` x 8,000: 11 s; emoji
x 8,000: 15 s) costs quadratic time or worse. It also hashes every token as UTF-8, so a lone
surrogate (which a `str` from the Python API may hold) raises UnicodeEncodeError.

Even cut into tokens, such a run is one sentence of thousands of punctuation tokens, and the
parser and the rule matcher's open-ended patterns grow faster than linearly with sentence length.

`tokenizable` returns a copy of the same length: every lone surrogate becomes U+FFFD; a run of
punctuation, symbols or emoji (no letter, digit or space) keeps its first MAX_PUNCT characters
and the rest become spaces (one whitespace token); then every whitespace-free run longer than
MAX_RUN characters gets a space in place of every MAX_RUN-th character. Only the masked text
given to spaCy changes; findings quote the original text.

`mask_debris` then blanks markup debris: a run of at least DEBRIS_PIECES whitespace-separated
pieces none of which holds a word (two letters in a row) or a digit, such as unclosed emphasis
(`*a *a ...`), unclosed reference definitions (`[a]: <[a]: <...`) or stray backticks. Such a run
holds no sentence a rule or a classifier could judge, yet it is the densest text there is (two
or more tokens per three characters, three times plain prose), so the tagger, the parser and
the matchers would spend most of a draft's time on it. Its non-space characters become spaces
(line breaks stay), and the letters it held are still counted as words.
"""

from __future__ import annotations

import re

MAX_RUN = 100  # no English word comes close; a URL or a hash this long carries no finding
MAX_PUNCT = 32  # a "-----" rule or "!!!" keeps its look; thousands of "(" carry no meaning
DEBRIS_PIECES = 24  # prose never has this many pieces in a row without a two-letter word or a number

_SURROGATE = re.compile("[\ud800-\udfff]")
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))
_PUNCT_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_PUNCT + 1))
_PIECE = re.compile(r"\S+")
_WORDY = re.compile(r"[^\W\d_]{2}|\d")
_WORD = re.compile(r"[^\W\d_]+|\d+")
_NON_SPACE = re.compile(r"\S")


def _break(match: re.Match[str]) -> str:
    run = match.group()
    step = MAX_RUN
    return "".join(run[i : i + step - 1] + (" " if i + step - 1 < len(run) else "") for i in range(0, len(run), step))


def unix_newlines(text: str) -> str:
    """Same length, only `\n` line breaks: CRLF becomes space + LF, a lone CR becomes LF. The
    reader sees the lines the author saw and every offset still points into the original text."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def tokenizable(text: str) -> str:
    """Same length as `text`; safe for `nlp.make_doc` (see the module docstring)."""
    text = _SURROGATE.sub("\ufffd", text)
    text = _PUNCT_RUN.sub(lambda m: m.group()[:MAX_PUNCT] + " " * (len(m.group()) - MAX_PUNCT), text)
    return _LONG_RUN.sub(_break, text)


def debris_runs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every run of DEBRIS_PIECES or more pieces without a word or a number."""
    runs: list[tuple[int, int]] = []
    start = end = count = 0
    for m in _PIECE.finditer(text):
        if _WORDY.search(m.group()):
            if count >= DEBRIS_PIECES:
                runs.append((start, end))
            count = 0
            continue
        if count == 0:
            start = m.start()
        end, count = m.end(), count + 1
    if count >= DEBRIS_PIECES:
        runs.append((start, end))
    return runs


def mask_debris(text: str) -> tuple[str, int]:
    """`text` (same length) with its debris runs blanked, and the number of words they held."""
    runs = debris_runs(text)
    if not runs:
        return text, 0
    parts, words, last = [], 0, 0
    for a, b in runs:
        parts.append(text[last:a])
        parts.append(_NON_SPACE.sub(" ", text[a:b]))
        words += sum(1 for _ in _WORD.finditer(text, a, b))
        last = b
    parts.append(text[last:])
    return "".join(parts), words


__all__ = ["DEBRIS_PIECES", "MAX_PUNCT", "MAX_RUN", "debris_runs", "mask_debris", "tokenizable", "unix_newlines"]
