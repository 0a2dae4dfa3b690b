"""The one loader for trained artifacts: every model directory carries a manifest.

    analyzer/models/<name>/model.joblib   the fitted scikit-learn Pipeline (vectorisers included)
    analyzer/models/<name>/linear/        the same linear model exported as plain data (JSON + .npy)
    analyzer/models/<name>/textcat/       a spaCy pipeline saved with nlp.to_disk (a trained textcat)
    analyzer/models/<name>/meta.yaml      format, version, task, labels, estimator, data hash, library
                                          versions, metrics, threshold, and the sha256 of every file

The models are package data: they ship inside the wheel and the sdist and are found through
`importlib.resources`, so a checkout, an editable install and `pip install pmlint` load the same
files.

`load_model` refuses a model whose files do not match their recorded hashes with a message that
says how to fix it. At run time pmlint reads the plain-data export, never the pickle; only
`load_model(..., sklearn=True)` unpickles model.joblib (and then also requires the scikit-learn
minor version it was trained with). A joblib file is executable code: only load models from the
directory pmlint ships or one your configuration names (`classifiers.models_dir`), never from a
path that came with a document.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analyzer.errors import ModelIntegrityError
from analyzer.yamlio import safe_load

MANIFEST = "meta.yaml"
_SHA256 = re.compile(r"[0-9a-f]{64}")
MODEL_FORMAT = 2  # 2: model.joblib + linear/ export + textcat/


def default_models_dir() -> Path | None:
    """The models shipped inside the package (`analyzer/models/`, package data), wherever the
    package is installed; None when they are missing (a build that left out the package data)."""
    from importlib.resources import files

    candidate = files("analyzer").joinpath("models")
    if not isinstance(candidate, Path):  # a zip import: the models must be on the file system
        return None
    return candidate if candidate.is_dir() else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


PARSE_CUES = {
    "fail_subject=person": "a named person is the subject of a failure verb",
    "fail_subject=role": "a role is the subject of a failure verb",
    "fail_subject=team": "a team is the subject of a failure verb",
    "fail_passive_agent=person": "a person is the passive agent of a failure",
    "fail_passive_agent=role": "a role is the passive agent of a failure",
    "passive_agent=person": "a person is the passive agent (\"by ...\")",
    "passive_agent=role": "a role is the passive agent (\"by ...\")",
    "subject=person": "a person is the subject",
    "subject=role": "a role is the subject",
    "subject=team": "a team is the subject",
    "future_subject=person": "a person is asked to do better (future or \"X to ...\")",
    "future_subject=role": "a role is asked to do better",
    "future_subject=team": "a team is asked to do better",
    "should_have_subject=person": "\"should have\" about a person",
    "should_have_subject=role": "\"should have\" about a role",
    "possessive=person": "a person's action or fault",
    "if_only": "an \"if only ...\" counterfactual",
    "question": "a rhetorical question",
    "instance": "fix-the-instance wording (re-run, update, remind, ...)",
    "hostlike": "names one host or version",
    "imperative": "an imperative about one thing",
}


class TaskModel:
    """A trained classifier: a scikit-learn pipeline over pmlint's sentence features, spaCy's
    textcat over the raw sentence, or both (their probabilities averaged)."""

    def __init__(self, linear: Any | None, textcat: Any | None) -> None:
        if linear is None and textcat is None:
            raise ValueError("a TaskModel needs at least one part")
        self.linear = linear
        self.textcat = textcat
        self._names: list[str] | None = None

    def predict_proba(self, texts: list[str], rows: list[dict[str, Any]]) -> list[float]:
        parts = []
        if self.linear is not None and rows:
            if hasattr(self.linear, "named_steps"):  # a scikit-learn pipeline (training, tests)
                parts.append([float(p) for p in self.linear.predict_proba(rows)[:, 1]])
            else:  # the exported LinearTextModel (run time)
                parts.append(self.linear.predict_proba(rows))
        if self.textcat is not None and texts:
            parts.append([float(d.cats.get("POS", 0.0)) for d in self.textcat.pipe(texts, batch_size=256)])
        if not parts:
            return []
        return [sum(ps) / len(ps) for ps in zip(*parts)]

    def explain(self, row: dict[str, Any], k: int = 3) -> list[str]:
        """The features that pushed this row towards the positive class the most, in words."""
        if self.linear is None or not hasattr(self.linear, "contributions"):
            return []
        cues: list[str] = []
        for value, full in self.linear.contributions(row):
            if value <= 0 or len(cues) >= k:
                break
            block, _, name = full.partition("__")
            if block != "parse":
                continue  # word and character n-grams are model internals, not reasons
            cue = PARSE_CUES.get(name) or (f"tone word \"{name.split('=', 1)[1]}\"" if name.startswith("tone=") else None)
            if cue is None:
                continue  # a parse feature without a reviewer's wording (rule codes, roots, context labels)
            if cue not in cues:
                cues.append(cue)
        return cues

    def save(self, folder: Path) -> None:
        import joblib

        from analyzer.judging.classifiers.linear import LinearTextModel

        if self.linear is not None:
            joblib.dump(self.linear, folder / "model.joblib", compress=3)
            LinearTextModel.export(self.linear, folder / "linear")
        if self.textcat is not None:
            self.textcat.to_disk(folder / "textcat")

    @classmethod
    def load(cls, folder: Path, *, sklearn: bool = False, host: Any = None) -> "TaskModel":
        """The run-time form (exported linear model, no unpickling), or with `sklearn=True` the
        fitted scikit-learn pipeline from model.joblib (provenance, tests)."""
        linear = textcat = None
        if sklearn and (folder / "model.joblib").is_file():
            import joblib

            linear = joblib.load(folder / "model.joblib")
        elif (folder / "linear" / "model.json").is_file():
            from analyzer.judging.classifiers.linear import LinearTextModel

            linear = LinearTextModel.load(folder / "linear")
        if (folder / "textcat").is_dir():
            textcat = load_textcat(folder / "textcat", host)
        return cls(linear, textcat)


class SharedTextcat:
    """A saved textcat pipeline's one component, run on a Language that every model of the same
    language shares: the analyser's own pipeline when it is given (`host`), else one blank
    Language. Loading each model with `spacy.load` would build a Language (and its tokenizer, a
    quarter of a second of a cold check) per model; the textcat reads only the tokens, which the
    host's tokenizer and a blank one of the same language make alike (`tests/test_models.py`
    checks the probabilities are the same either way)."""

    _languages: dict[str, Any] = {}

    def __init__(self, nlp: Any, component: Any) -> None:
        self.nlp = nlp
        self.component = component

    def pipe(self, texts: list[str], batch_size: int = 256):
        return self.component.pipe((self.nlp.make_doc(t) for t in texts), batch_size=batch_size)


def load_textcat(folder: Path, host: Any = None) -> Any:
    """The textcat of a pipeline saved by training: shared (SharedTextcat) when it is the plain
    layout training writes (a blank tokenizer and one `textcat`), else the whole pipeline. With
    `host` (a Language of the same language), the component is created on it, outside its
    pipeline, and the host's tokenizer makes the Docs (no second tokenizer is built)."""
    import spacy
    from spacy.util import load_config

    config = load_config(folder / "config.cfg", interpolate=True)
    nlp_cfg, components = config["nlp"], config["components"]
    plain = (list(nlp_cfg.get("pipeline", [])) == ["textcat"] and not nlp_cfg.get("before_creation")
             and not nlp_cfg.get("after_creation") and not nlp_cfg.get("after_pipeline_creation")
             and nlp_cfg.get("tokenizer", {}).get("@tokenizers") == "spacy.Tokenizer.v1"
             and components.get("textcat", {}).get("factory") == "textcat")
    if not plain:
        return spacy.load(folder)
    lang = nlp_cfg["lang"]
    nlp = host if host is not None and getattr(host, "lang", None) == lang else SharedTextcat._languages.get(lang)
    if nlp is None:
        nlp = SharedTextcat._languages[lang] = spacy.blank(lang)
    settings = {k: v for k, v in components["textcat"].items() if k != "factory"}
    component = nlp.create_pipe("textcat", name=f"pmlint_textcat_{folder.parent.name}", config=settings)
    component.from_disk(folder / "textcat", exclude=["vocab"])
    return SharedTextcat(nlp, component)


@dataclass(frozen=True)
class LoadedModel:
    name: str
    meta: dict[str, Any]
    model: TaskModel

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.5))


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelIntegrityError(f"{folder}: no {MANIFEST} manifest; retrain with `pmlint train`")
    try:
        meta = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelIntegrityError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ModelIntegrityError(f"{path}: the manifest must be a mapping; retrain with `pmlint train`")
    for key in ("name", "version", "labels", "files", "library_versions"):
        if key not in meta:
            raise ModelIntegrityError(f"{path}: manifest lacks {key!r}")
    files = meta["files"]
    if not isinstance(files, dict) or not files:
        raise ModelIntegrityError(f"{path}: 'files' must map each model file to its sha256 (it is {_kind(files)}); "
                                  "retrain with `pmlint train`")
    for name, digest in files.items():
        if not isinstance(name, str) or not isinstance(digest, str) or not _SHA256.fullmatch(digest) \
                or name.startswith("/") or ".." in Path(name).parts:
            raise ModelIntegrityError(f"{path}: 'files' entry {name!r}: {digest!r} is not a relative path and a sha256")
    if not isinstance(meta["library_versions"], dict):
        raise ModelIntegrityError(f"{path}: 'library_versions' must be a mapping")
    thr = meta.get("threshold", 0.5)
    if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 < thr < 1:
        raise ModelIntegrityError(f"{path}: 'threshold' must be a number between 0 and 1, not {thr!r}")
    return meta


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "an empty mapping"
    return f"a {type(value).__name__}"


def needed_files(folder: Path, *, sklearn: bool = False) -> list[str]:
    """Every file `TaskModel.load` would read from `folder`, relative to it (POSIX)."""
    names: list[str] = []
    if sklearn and (folder / "model.joblib").exists():
        names.append("model.joblib")
    elif (folder / "linear" / "model.json").exists():
        names += ["linear/model.json", *(f"linear/{p.name}" for p in sorted((folder / "linear").glob("*.npy")))]
    if (folder / "textcat").is_dir():
        names += [p.relative_to(folder).as_posix() for p in sorted((folder / "textcat").rglob("*"))
                  if not p.is_dir()]
    return names


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
    return meta


def check_sklearn_version(folder: Path, meta: dict[str, Any]) -> None:
    """Unpickling model.joblib needs the scikit-learn minor version it was trained with."""
    import sklearn

    trained = str(meta["library_versions"].get("scikit-learn", ""))
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelIntegrityError(
            f"{folder}: trained with scikit-learn {trained}, but {sklearn.__version__} is installed; "
            "install the version in pyproject.toml or retrain with `pmlint train`"
        )


def load_model(name: str, models_dir: str | Path | None = None, *, sklearn: bool = False,
               host: Any = None) -> LoadedModel:
    """The verified model `name`; `host`, the analyser's Language, runs its textcat (see SharedTextcat)."""
    base = Path(models_dir) if models_dir else default_models_dir()
    if base is None:
        raise ModelIntegrityError("no models directory: set classifiers.models_dir or run `pmlint train`")
    folder = base / name
    meta = verify(folder)
    if meta.get("format", 1) != MODEL_FORMAT:
        raise ModelIntegrityError(f"{folder}: model format {meta.get('format')} is not {MODEL_FORMAT}; retrain with `pmlint train`")
    if sklearn:
        check_sklearn_version(folder, meta)
    unlisted = [f for f in needed_files(folder, sklearn=sklearn) if f not in meta["files"]]
    if unlisted:
        raise ModelIntegrityError(
            f"{folder / unlisted[0]}: not listed in the manifest's files (so not verified); refusing to load it. "
            "Retrain with `pmlint train`" + (f" ({len(unlisted)} unlisted files)" if len(unlisted) > 1 else "")
        )
    try:
        return LoadedModel(name, meta, TaskModel.load(folder, sklearn=sklearn, host=host))
    except ModelIntegrityError:
        raise
    except Exception as exc:  # noqa: BLE001 - an object array, a truncated file, a bad shape
        raise ModelIntegrityError(f"{folder}: cannot load the model ({type(exc).__name__}: {exc}); "
                                  "retrain with `pmlint train`") from None
