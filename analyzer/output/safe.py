"""Output every consumer can read: no lone surrogates, no Unicode line breaks inside a JSON line.

A file name that is not valid UTF-8 reaches Python as a `str` with lone surrogates (U+DC80..
U+DCFF, one per undecodable byte, PEP 383), and the Python API accepts any `str`; neither can be
written as UTF-8. JSON allows U+2028, U+2029 and U+0085 raw inside strings, but a consumer that
splits lines the Unicode way (`str.splitlines`, many editors) cuts a JSONL record in two there.

`text_safe` turns each undecodable byte into `\\xNN` and any other lone surrogate into U+FFFD;
`json_safe` does the same inside serialised JSON (with the backslash escaped) and writes the
three line breaks as `\\u2028`, `\\u2029` and `\\u0085`.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_BREAKS = re.compile("[\u2028\u2029\u0085]")


def _surrogate(match: re.Match[str], backslash: str) -> str:
    code = ord(match.group())
    return f"{backslash}x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def text_safe(value: str) -> str:
    """`value` encodable as UTF-8 (undecodable bytes of a file name shown as \\xNN)."""
    return _SURROGATE.sub(lambda m: _surrogate(m, "\\"), value) if _SURROGATE.search(value) else value


def json_safe(serialised: str) -> str:
    """Serialised JSON (written with ensure_ascii=False) made safe for every consumer. The three
    line breaks and lone surrogates can only occur inside string literals, so this stays valid."""
    if _SURROGATE.search(serialised):
        serialised = _SURROGATE.sub(lambda m: _surrogate(m, "\\\\"), serialised)
    return _JSON_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)


__all__ = ["json_safe", "text_safe"]
