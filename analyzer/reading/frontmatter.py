"""YAML front matter read within a budget: no aliases, bounded nesting and size.

`yaml.safe_load` follows aliases, so `a: &a [*a]` builds a recursive list (every JSON encoder
then recurses forever) and nested aliases ("billion laughs") build exponentially large values.
Front matter is a few keys of metadata, so aliases are refused outright, nesting is limited to
MAX_DEPTH and the source to MAX_CHARS; any problem becomes a message, never an exception.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_CHARS = 64 * 1024
MAX_DEPTH = 32


class _BudgetLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and nodes nested deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in front matter", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"front matter is nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_front_matter(source: str) -> tuple[dict[str, Any], str | None]:
    """(metadata, error): a mapping (a non-mapping value is kept under `front_matter`), or an
    empty mapping and a one-line message saying why the front matter was not read."""
    if len(source) > MAX_CHARS:
        return {}, f"front matter is too large ({len(source):,} characters > {MAX_CHARS:,}); not read"
    try:
        data = yaml.load(source, Loader=_BudgetLoader) or {}  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {}, f"front matter is not valid YAML: {first}"
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:  # e.g. a date like 2024-02-30
        return {}, f"front matter could not be read: {type(exc).__name__}: {exc}"
    return (data if isinstance(data, dict) else {"front_matter": data}), None


__all__ = ["MAX_CHARS", "MAX_DEPTH", "load_front_matter"]
