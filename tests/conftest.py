"""Shared fixtures: one real pipeline per test session (loading spaCy takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import load_config
from analyzer.engine import Analyzer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def general_analyzer() -> Analyzer:
    """Rules only, general profile: the behaviour the rule examples document."""
    return Analyzer(load_config(overrides={"profile": "general", "classifiers": {"enabled": False}}))


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The default configuration (auto profile, classifiers on when shipped)."""
    return Analyzer(load_config())


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "documents").is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
