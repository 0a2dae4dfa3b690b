"""Reading drafts safely: every way a file can be unreadable becomes an InputError with a clear
message, and directories expand to the drafts inside them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

from analyzer.errors import InputError

DRAFT_SUFFIXES = (".md", ".markdown", ".txt")
SKIP_DIRS = {".git", ".pmlint", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def decode(data: bytes, name: str = "<input>") -> str:
    """UTF-8 (a BOM is dropped); binary data or other encodings raise InputError."""
    if not data.strip():
        raise InputError("empty file: nothing to analyse")
    head = data[:8192]
    if b"\x00" in head:
        raise InputError("binary file (contains NUL bytes): not a text draft")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 and run again"
        ) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise InputError("binary file (mostly control characters): not a text draft")
    return text


def read_draft(path: str, max_mb: float = 5) -> str:
    """Read one draft; `-` is standard input."""
    if path == "-":
        data = sys.stdin.buffer.read()
        _check_size(len(data), max_mb)
        return decode(data, "<stdin>")
    p = Path(path)
    if not p.exists():
        raise InputError("no such file")
    if p.is_dir():
        raise InputError("is a directory")
    try:
        size = p.stat().st_size
        _check_size(size, max_mb)
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    return decode(data, path)


def _check_size(size: int, max_mb: float) -> None:
    if size > max_mb * 1024 * 1024:
        raise InputError(
            f"file too large ({size / 1024 / 1024:.1f} MB > max_file_mb {max_mb:g}); "
            "split it or raise max_file_mb in .pmlint.yaml"
        )


def expand(paths: list[str]) -> Iterator[tuple[str, str | None]]:
    """(path, problem): files as given, directories recursively (.md/.markdown/.txt, sorted).
    A directory with no drafts or a missing path yields a problem instead of a path."""
    for raw in paths:
        if raw == "-":
            yield raw, None
            continue
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in DRAFT_SUFFIXES and not (set(f.relative_to(p).parts[:-1]) & SKIP_DIRS)
            )
            if not found:
                yield raw, f"no drafts ({', '.join(DRAFT_SUFFIXES)}) in this directory"
            for f in found:
                yield str(f), None
        elif p.exists():
            yield raw, None
        else:
            yield raw, "no such file or directory"
