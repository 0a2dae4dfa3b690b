"""Which files of an archive folder are post-mortems: `archive.include` / `archive.exclude` globs."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A `**`-aware glob as a regular expression over POSIX relative paths: `**/` is any number
    of directories (zero included), `*` and `?` stay inside one path segment, `[a-c]` and `[!x]`
    are character classes."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("(?:/.*)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + re.escape(body[1:]) if body[0] == "!" else re.escape(body).replace("\\-", "-")) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)


def _inside(path: Path, boundary: Path) -> bool:
    try:
        return path.resolve().is_relative_to(boundary)
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name the OS refuses
        return False


def discover(root: str | Path, include: Sequence[str], exclude: Sequence[str] = (),
             unreadable: list[tuple[str, str]] | None = None, confine: str | Path | None = None) -> tuple[list[Path], int]:
    """(the files under `root` selected by the globs, sorted; how many other files were seen).
    Directories an exclude glob matches are not descended into. Folders that cannot be listed
    are appended to `unreadable` as (path, reason), never skipped without a word; so is a file
    that resolves (through symbolic links at any depth) outside `confine`, which is never read."""
    root = Path(root)
    inc = [_glob_regex(p) for p in include]
    exc = [_glob_regex(p) for p in exclude]
    selected: list[Path] = []
    skipped = 0
    def failed(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append((str(exc.filename or root), f"cannot read this folder: {exc.strerror or exc}"))

    boundary = Path(confine).expanduser().resolve() if confine else None
    for folder, dirs, names in os.walk(root, onerror=failed):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not any(r.match(prefix + d) or r.match(prefix + d + "/") for r in exc))
        for name in names:
            rel = prefix + name
            if any(r.match(rel) for r in inc) and not any(r.match(rel) for r in exc):
                if boundary is not None and not _inside(Path(folder) / name, boundary):
                    if unreadable is not None:
                        unreadable.append((str(Path(folder) / name), f"resolves outside {boundary}: not read"))
                    continue
                selected.append(Path(folder) / name)
            else:
                skipped += 1
    return sorted(selected), skipped
