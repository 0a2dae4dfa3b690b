"""Cost stated in a post-mortem: money (USD, with k/m suffixes and words) and engineer-hours.

`stated_cost(text)` sums what a document quantifies; a document that states none gives
(None, None). Other currencies are read as stated amounts without conversion only when marked
in USD ("$", "USD", "dollars").
"""

from __future__ import annotations

import re

_MONEY = re.compile(
    r"(?:\$|USD\s?|US\$)\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|thousand|million|billion)?\b"
    r"|\b(\d[\d,]*(?:\.\d+)?)\s*(k|m|thousand|million|billion)?\s*(?:USD|US dollars|dollars)\b",
    re.I,
)
_HOURS = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?)\s*(?:engineer|engineering|person|people|staff|man|developer|on-call)[- ]?hours?\b", re.I)
_ANY_MONEY = re.compile(r"\$|usd|dollar", re.I)  # a cheap look before the full patterns
_ANY_HOURS = re.compile(r"hour", re.I)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def stated_cost(text: str) -> tuple[float | None, float | None]:
    """(USD, engineer-hours) that the text states, each None when it states none."""
    money = 0.0
    found_money = False
    for m in (_MONEY.finditer(text) if _ANY_MONEY.search(text) else ()):
        value, scale = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        money += _number(value) * _SCALE.get((scale or "").lower(), 1.0)
        found_money = True
    hours = [_number(m.group(1)) for m in _HOURS.finditer(text)] if _ANY_HOURS.search(text) else []
    return (round(money, 2) if found_money else None, sum(hours) if hours else None)
