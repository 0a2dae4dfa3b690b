"""The one loader for trained artifacts: every model directory carries a manifest.

    models/<name>/model.joblib   a scikit-learn Pipeline (vectorisers included)
    models/<name>/meta.yaml      version, task, labels, estimator, data hash, library versions,
                                 metrics, threshold, and the sha256 of every file

`load_model` refuses a model whose files do not match their recorded hashes, or that was
trained with another scikit-learn minor version, with a message that says how to fix it. A
joblib file is executable code: only load models from the directory pmlint ships or one your
configuration names (`classifiers.models_dir`), never from a path that came with a document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ModelIntegrityError

MANIFEST = "meta.yaml"


def default_models_dir() -> Path | None:
    """`models/` beside the package (a checkout or an editable install)."""
    candidate = Path(__file__).resolve().parent.parent / "models"
    return candidate if candidate.is_dir() else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


@dataclass(frozen=True)
class LoadedModel:
    name: str
    meta: dict[str, Any]
    pipeline: Any

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.5))


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelIntegrityError(f"{folder}: no {MANIFEST} manifest; retrain with `pmlint train`")
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelIntegrityError(f"{path}: not valid YAML: {exc}") from exc
    for key in ("name", "version", "labels", "files", "library_versions"):
        if key not in (meta or {}):
            raise ModelIntegrityError(f"{path}: manifest lacks {key!r}")
    return meta


def verify(folder: Path) -> dict[str, Any]:
    """Check every file against the manifest; return the manifest."""
    meta = read_manifest(folder)
    for name, expected in meta["files"].items():
        path = folder / name
        if path.is_symlink() or not path.is_file():
            raise ModelIntegrityError(f"{path}: missing (or a symlink); retrain with `pmlint train`")
        actual = sha256_file(path)
        if actual != expected:
            raise ModelIntegrityError(
                f"{path}: sha256 {actual[:12]}... does not match the manifest ({expected[:12]}...); "
                "the file was changed after training. Refusing to load it; retrain with `pmlint train`."
            )
    import sklearn

    trained = str(meta["library_versions"].get("scikit-learn", ""))
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelIntegrityError(
            f"{folder}: trained with scikit-learn {trained}, but {sklearn.__version__} is installed; "
            "install the version in pyproject.toml or retrain with `pmlint train`"
        )
    return meta


def load_model(name: str, models_dir: str | Path | None = None) -> LoadedModel:
    base = Path(models_dir) if models_dir else default_models_dir()
    if base is None:
        raise ModelIntegrityError("no models directory: set classifiers.models_dir or run `pmlint train`")
    folder = base / name
    meta = verify(folder)
    import joblib

    pipeline = joblib.load(folder / "model.joblib")
    return LoadedModel(name, meta, pipeline)
