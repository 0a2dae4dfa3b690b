"""Loading the project's labelled data (data/blame/*.jsonl, data/actions/*.jsonl).

Each line is `{"text", "label", "kind", "domain", "voice", "group"}`; the file name is the
authoring pass (`source`). Group ids name a batch written together (one domain, one voice);
evaluation holds out whole groups. See data/README.md for the labelling guide.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ConfigError

TASKS = {
    "blame": {"labels": ("blameless", "blame"), "kinds": {"blame": {"explicit", "subtle"}, "blameless": {"neutral", "hard_negative"}}},
    "actions": {"labels": ("why", "what"), "kinds": {"what": {"plain", "hard"}, "why": {"plain", "hard"}}},
}
KEYS = {"text", "label", "kind", "domain", "voice", "group"}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str
    domain: str
    voice: str
    group: str
    source: str  # authoring pass (file stem)

    @property
    def y(self) -> int:
        """1 for the positive class (blame / what)."""
        return int(self.label in ("blame", "what"))


def default_data_dir() -> Path:
    """data/ at the repository root (training runs from a checkout, not an installed wheel)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "data" / "blame").is_dir():
            return parent / "data"
    return Path.cwd() / "data"


def load_task(task: str, data_dir: Path | None = None) -> list[Example]:
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r} (blame, actions)")
    folder = (data_dir or default_data_dir()) / task
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise ConfigError(f"{folder}: no *.jsonl training files")
    spec = TASKS[task]
    out: list[Example] = []
    seen: set[str] = set()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
            if set(row) != KEYS:
                raise ConfigError(f"{path}:{n}: expected keys {sorted(KEYS)}, got {sorted(row)}")
            if row["label"] not in spec["labels"]:
                raise ConfigError(f"{path}:{n}: label {row['label']!r} is not one of {spec['labels']}")
            if row["kind"] not in spec["kinds"][row["label"]]:
                raise ConfigError(f"{path}:{n}: kind {row['kind']!r} does not fit label {row['label']!r}")
            text = " ".join(str(row["text"]).split())
            if not text or text.lower() in seen:
                continue  # exact duplicates across passes count once
            seen.add(text.lower())
            out.append(Example(text, row["label"], row["kind"], row["domain"], row["voice"], row["group"], path.stem))
    return out


def data_hash(task: str, data_dir: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(((data_dir or default_data_dir()) / task).glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def group_split(examples: list[Example], test_share: float = 0.2, seed: int = 13) -> tuple[list[int], list[int]]:
    """Indices of train and test examples; whole groups go to one side, each pass contributes
    about `test_share` of its groups to the test side."""
    import random

    rng = random.Random(seed)
    by_source: dict[str, list[str]] = {}
    for ex in examples:
        groups = by_source.setdefault(ex.source, [])
        if ex.group not in groups:
            groups.append(ex.group)
    test_groups: set[str] = set()
    for source in sorted(by_source):
        groups = sorted(by_source[source])
        rng.shuffle(groups)
        test_groups.update(groups[: max(1, round(len(groups) * test_share))])
    train = [i for i, ex in enumerate(examples) if ex.group not in test_groups]
    test = [i for i, ex in enumerate(examples) if ex.group in test_groups]
    return train, test
