"""Only what a change added: the lines changed since a git ref, and a filter that keeps the
findings on them.

    pmlint check --diff-base origin/main postmortems/

The lines come from `git diff --unified=0` between the merge base of REF and HEAD and the working
tree (so a pull request's commits and any uncommitted edits count, and commits that landed on the
base branch since do not); a file git does not track yet is changed on every line. A finding is
kept when any line of its span changed. Git is run, never a library: the command is what CI has.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.errors import ConfigError
from analyzer.findings import Report

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = None  # a new (untracked or added) file: every line is changed


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise ConfigError("--diff-base needs git on PATH") from None
    if proc.returncode != 0:
        raise ConfigError(f"--diff-base: git {' '.join(args[:2])} failed: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


def parse_diff(diff: str) -> dict[str, set[int]]:
    """{path: added or changed line numbers (new side)} from `git diff --unified=0` output."""
    out: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = out.setdefault(target[2:], set()) if target.startswith("b/") else None
        elif current is not None and (m := _HUNK.match(line)):
            start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            current.update(range(start, start + count))
    return out


@dataclass(frozen=True)
class ChangedLines:
    root: Path
    files: dict[str, set[int] | None]  # repository-relative path -> changed lines (None: all)

    @classmethod
    def since(cls, ref: str, cwd: str | Path = ".") -> "ChangedLines":
        here = Path(cwd).resolve()
        root = Path(_git(["rev-parse", "--show-toplevel"], here).strip())
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
        base = _git(["merge-base", ref, "HEAD"], root).strip()
        diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", base, "--"], root)
        files: dict[str, set[int] | None] = dict(parse_diff(diff))
        added = _git(["diff", "--name-only", "--diff-filter=A", "--no-renames", base, "--"], root)
        untracked = _git(["ls-files", "--others", "--exclude-standard"], root)
        for name in (added + untracked).splitlines():
            if name.strip():
                files[name.strip()] = ALL_LINES
        return cls(root, files)

    def lines_of(self, path: str) -> set[int] | None | bool:
        """Changed lines of a file, None when all are, False when none are (or it is outside the repository)."""
        try:
            rel = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return False
        return self.files.get(rel, False)

    def only_changed(self, report: Report) -> tuple[Report, int]:
        """The report with only the findings on changed lines, and how many were dropped."""
        if report.error or report.path == "<stdin>":
            return report, 0
        lines = self.lines_of(report.path)
        if lines is ALL_LINES:
            return report, 0
        changed = lines or set()
        kept = tuple(f for f in report.findings
                     if any(n in changed for n in range(f.line, max(f.line, f.end_line) + 1)))
        return replace(report, findings=kept), len(report.findings) - len(kept)
