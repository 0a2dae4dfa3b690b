"""Loading front matter: the one place YAML from a document is read (easy to swap or harden)."""

from __future__ import annotations

from typing import Any

import yaml


def load_front_matter(source: str) -> tuple[dict[str, Any], str | None]:
    """The front matter's mapping and, when it is not valid YAML, an error message instead."""
    try:
        data = yaml.safe_load(source or "") or {}
    except yaml.YAMLError as exc:
        return {}, f"front matter is not valid YAML: {str(exc).splitlines()[0]}"
    return (data if isinstance(data, dict) else {"front_matter": data}), None
