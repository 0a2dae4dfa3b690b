"""Reading drafts safely: every way a file can be unreadable becomes an InputError with a clear
message, and directories expand to the drafts inside them."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from pathlib import Path
from typing import BinaryIO, Iterator

from analyzer.errors import InputError

DRAFT_SUFFIXES = (".md", ".markdown", ".txt")
SKIP_DIRS = {".git", ".pmlint", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def decode(data: bytes, name: str = "<input>") -> str:
    """UTF-8 (a BOM is dropped) or UTF-16 with a BOM; binary data, UTF-16 without a BOM and other
    encodings raise InputError naming what the file is."""
    if not data.strip():
        raise InputError("empty file: nothing to analyse")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"UTF-16 with a byte-order mark but not valid UTF-16 ({exc.reason}); save it as UTF-8") from None
        return _check_controls(text.lstrip("\ufeff"))
    head = data[:8192]
    if b"\x00" in head:
        if _looks_utf16(head):
            raise InputError("UTF-16 text without a byte-order mark: save the file as UTF-8 (or UTF-16 with a BOM)")
        raise InputError("binary file (contains NUL bytes): not a text draft")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 and run again"
        ) from None
    return _check_controls(text)


def _looks_utf16(head: bytes) -> bool:
    """Text in UTF-16 without a BOM: NULs in (nearly) every other byte, mostly ASCII around them."""
    even, odd = head[0::2], head[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if len(zeros) >= 2 and zeros.count(0) >= 0.9 * len(zeros) and sum(32 <= c < 127 or c in b"\n\r\t" for c in chars) >= 0.9 * len(chars):
            return True
    return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, newline, form feed, carriage return


def _check_controls(text: str) -> str:
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > 0.05 * min(len(text), 8192):
        raise InputError("binary file (mostly control characters): not a text draft")
    return text


def read_limited(stream: BinaryIO, max_mb: float) -> bytes:
    """At most `max_mb` MiB from a binary stream; one byte more is an InputError (so an endless
    input such as /dev/zero or `yes |` is refused, never read into memory)."""
    limit = int(max_mb * 1024 * 1024)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"input too large (more than max_file_mb {max_mb:g} MB); split it or raise max_file_mb in .pmlint.yaml"
        )
    return data


def read_draft(path: str, max_mb: float = 5) -> str:
    """Read one draft; `-` is standard input. Only regular files are opened: a FIFO, socket or
    device would block or never end. Whatever the file claims as its size, at most `max_mb` MiB
    are read."""
    if path == "-":
        return decode(read_limited(sys.stdin.buffer, max_mb), "<stdin>")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"not a regular file ({_kind(st.st_mode)}): skipped, never opened")
    _check_size(st.st_size, max_mb)
    try:
        with open(path, "rb") as fh:
            data = read_limited(fh, max_mb)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    return decode(data, path)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "a special file"


def _check_size(size: int, max_mb: float) -> None:
    if size > max_mb * 1024 * 1024:
        raise InputError(
            f"file too large ({size / 1024 / 1024:.1f} MB > max_file_mb {max_mb:g}); "
            "split it or raise max_file_mb in .pmlint.yaml"
        )


def expand(paths: list[str]) -> Iterator[tuple[str, str | None]]:
    """(path, problem): files as given, directories recursively (.md/.markdown/.txt, sorted).
    A directory with no drafts, a missing path, a folder that cannot be read and a draft-named
    entry that is not a regular file (FIFO, socket, device) yield a problem instead of a path."""
    for raw in paths:
        if raw == "-":
            yield raw, None
            continue
        p = Path(raw)
        if p.is_dir():
            found, problems = _walk(p)
            if not found and not problems:
                yield raw, f"no drafts ({', '.join(DRAFT_SUFFIXES)}) in this directory"
            yield from sorted([(str(f), None) for f in found] + problems)
        elif p.exists() or p.is_symlink():
            yield raw, None
        else:
            yield raw, "no such file or directory"


def _walk(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    found: list[Path] = []
    problems: list[tuple[str, str]] = []

    def unreadable(exc: OSError) -> None:
        problems.append((str(exc.filename or root), f"cannot read this folder: {exc.strerror or exc}"))

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in names:
            f = Path(folder) / name
            if f.suffix.lower() not in DRAFT_SUFFIXES:
                continue
            try:
                mode = f.stat().st_mode
            except OSError as exc:
                problems.append((str(f), f"cannot read: {exc.strerror or exc}"))
                continue
            if stat.S_ISREG(mode):
                found.append(f)
            else:
                problems.append((str(f), f"not a regular file ({_kind(mode)}): skipped, never opened"))
    return found, problems
