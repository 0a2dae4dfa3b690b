"""`pmlint train` reproduces the shipped models: the same data and the same code give the same
run-time files, byte for byte (issue 9's "done when").

The classifiers' features come from the pipeline itself (who acts, the rule layer's hits, the
context scopes), so a change to a rule, the person detector or the reader can change what the
models were trained on without anyone noticing: the shipped model would then no longer be the one
`pmlint train` builds from this checkout. This test trains both tasks on the full data (a few
minutes on two cores) and compares every file the analyser reads with the shipped manifest.
When it fails, run `pmlint train` and commit the models it writes (and re-measure them).
`model.joblib` is left out: its pickle bytes differ between processes (see analyzer/models/README.md).
"""

from __future__ import annotations

import pytest

from analyzer.config import load_config
from analyzer.judging.classifiers.models import default_models_dir, verify
from analyzer.training.data import default_data_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    from analyzer.training.train import make_nlp

    config = load_config()
    return make_nlp(config.base_model, config.exclude_components)


def _run_time_files(meta: dict) -> dict[str, str]:
    return {name: digest for name, digest in meta["files"].items() if name != "model.joblib"}


@pytest.mark.parametrize("task", ["blame", "actions"])
def test_pmlint_train_reproduces_the_shipped_model(task, nlp, tmp_path):
    data, models = default_data_dir(), default_models_dir()
    if models is None or not (data / task).is_dir():
        pytest.skip("needs a checkout: the training data (data/) and the shipped models (analyzer/models/)")
    from analyzer.training.train import train_task

    shipped = verify(models / task)
    trained = verify(train_task(task, tmp_path / task, base_model=load_config().base_model, data_dir=data,
                                nlp=nlp, log=lambda message: None))
    assert trained["data_sha256"] == shipped["data_sha256"], "the training data changed: run `pmlint train`"
    differ = sorted(name for name, digest in _run_time_files(trained).items()
                    if _run_time_files(shipped).get(name) != digest)
    assert not differ, (f"{task}: `pmlint train` on this checkout no longer gives the shipped model "
                        f"({', '.join(differ)} differ): the features changed; run `pmlint train` and commit the models")
