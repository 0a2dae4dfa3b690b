"""Shared fixtures: one real pipeline per test session (loading spaCy takes about a second)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Callable

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Wait for a Streamlit server's health endpoint; fail if the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url}/_stcore/health did not answer in {timeout:.0f}s")


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """Gives a free TCP port on 127.0.0.1 (servers started by tests listen on loopback only)."""
    return _free_port


@pytest.fixture(scope="session")
def wait_healthy() -> Callable[[str, subprocess.Popen], None]:
    return _wait_healthy


@pytest.fixture()
def model_copy(tmp_path):
    """A copy of the shipped models folder that a test may damage."""
    import shutil

    from analyzer.judging.classifiers.models import default_models_dir

    models = default_models_dir()
    if models is None:
        pytest.skip("no shipped models")
    target = tmp_path / "models"
    shutil.copytree(models, target)
    return target
