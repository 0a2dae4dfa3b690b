"""Character-level helpers of the block reader: the first and last non-space character of a range,
the cells of a table row, and blanking a row's pipes (all in place on the list of characters)."""

from __future__ import annotations


def _first_nonspace(chars: list[str], s: int, e: int) -> int | None:
    for k in range(s, e):
        if not chars[k].isspace():
            return k
    return None


def _last_nonspace(chars: list[str], s: int, e: int) -> int | None:
    for k in range(e - 1, s - 1, -1):
        if not chars[k].isspace():
            return k
    return None


def _table_cells(chars: list[str], s: int, e: int) -> list[tuple[int, int]]:
    cells: list[tuple[int, int]] = []
    line = "".join(chars[s:e])
    bounds = [k for k, ch in enumerate(line) if ch == "|" and (k == 0 or line[k - 1] != "\\")]
    edges = ([-1] if not line.lstrip().startswith("|") else []) + bounds
    if not line.rstrip().endswith("|"):
        edges.append(len(line))
    for a, b in zip(edges, edges[1:]):
        cs = _first_nonspace(chars, s + a + 1, s + b)
        ce = _last_nonspace(chars, s + a + 1, s + b)
        if cs is not None and ce is not None:
            cells.append((cs, ce + 1))
    return cells


def _blank_pipes(chars: list[str], s: int, e: int) -> None:
    for k in range(s, e):
        if chars[k] == "|":
            chars[k] = " "
