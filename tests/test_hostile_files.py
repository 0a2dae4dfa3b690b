"""Regression tests for hostile files, streams, configurations and model folders (issue 14):
bounded reads, only regular files, UTF-16, unreadable folders, configuration type checks, the
model loader reading only what its manifest lists, and BrokenPipeError told apart."""

from __future__ import annotations

import io
import os
import sys

import numpy as np
import pytest
import yaml

from analyzer.cli import run
from analyzer.config import load_config
from analyzer.errors import ConfigError, InputError, ModelIntegrityError
from analyzer.findings import ExitStatus
from analyzer.judging.classifiers.models import default_models_dir, load_model, sha256_file
from analyzer.reading.inputs import decode, expand, read_draft, read_limited

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
DRAFT = "# Incident\n\n## Summary\nThe cache expired early because its TTL was set in seconds.\n"
MODELS = default_models_dir()


# ------------------------------------------------------------------ reads

def test_endless_input_is_refused_after_max_file_mb():
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            b[:] = b"a" * len(b)
            return len(b)

    with pytest.raises(InputError, match="too large"):
        read_limited(io.BufferedReader(Endless()), 0.01)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_devices_are_not_read():
    with pytest.raises(InputError, match="not a regular file"):
        read_draft("/dev/zero", 1)


def test_stdin_is_bounded(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 20_000)))
    with pytest.raises(InputError, match="too large"):
        read_draft("-", 0.01)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_skipped_with_a_message(tmp_path, capsys):
    (tmp_path / "ok.md").write_text(DRAFT, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    listed = dict(expand([str(tmp_path)]))
    assert "not a regular file (a FIFO)" in listed[str(tmp_path / "pipe.md")]
    status = run(["check", "--no-classifiers", "--no-fail", str(tmp_path / "pipe.md"), str(tmp_path / "ok.md")])
    captured = capsys.readouterr()  # per-file errors go to stderr in every format (issue 11)
    assert status == ExitStatus.USAGE and "not a regular file" in captured.err and "ok.md: score" in captured.out


def test_utf16_with_bom_is_decoded_and_without_named():
    assert decode(DRAFT.encode("utf-16")) == DRAFT
    assert decode(b"\xfe\xff" + DRAFT.encode("utf-16-be")) == DRAFT
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark"):
        decode(DRAFT.encode("utf-16-le"))
    with pytest.raises(InputError, match="binary file"):
        decode(b"\x00\x01\x02\xff" * 100)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_subfolder_is_named(tmp_path):
    (tmp_path / "ok.md").write_text(DRAFT, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.md").write_text(DRAFT, encoding="utf-8")
    locked.chmod(0)
    try:
        listed = dict(expand([str(tmp_path)]))
        assert "cannot read this folder" in listed[str(locked)]
        from analyzer.archive.discovery import discover

        problems: list = []
        discover(tmp_path, ["**/*.md"], [], problems)
        assert problems and problems[0][0] == str(locked)
    finally:
        locked.chmod(0o755)


# ------------------------------------------------------------------ configuration

@pytest.mark.parametrize("text, message", [
    ("archive:\n  include: '*'\n", "list of strings"),  # was iterated per character
    ("classifiers:\n  models_dir: 5\n", "path"),
    ("classifiers:\n  enabled: 'yes'\n", "true or false"),
    ("max_file_mb: true\n", "number"),
    ("systems: payments\n", "list of strings"),
])
def test_config_values_are_type_checked(tmp_path, text, message):
    cfg = tmp_path / ".pmlint.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(cfg)


@pytest.mark.parametrize("content", ["[tool.pmlint\nprofile = 'ai'\n", "[tool.pmlint]\nprofile = \n", "not = toml = at all"])
def test_broken_pyproject_is_a_configuration_error(tmp_path, capsys, content):
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    assert run(["check", "--no-classifiers", str(tmp_path / "a.md")]) == ExitStatus.USAGE
    assert "pyproject.toml" in capsys.readouterr().err


def test_missing_models_dir_and_unloadable_base_model_are_configuration_errors(tmp_path, capsys):
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    cfg = tmp_path / ".pmlint.yaml"
    cfg.write_text(f"classifiers:\n  models_dir: {tmp_path / 'nowhere'}\n", encoding="utf-8")
    assert run(["check", str(tmp_path / "a.md")]) == ExitStatus.USAGE
    assert "models_dir" in capsys.readouterr().err
    cfg.write_text(f"base_model: {tmp_path}\n", encoding="utf-8")
    assert run(["check", str(tmp_path / "a.md")]) == ExitStatus.USAGE
    assert "base_model" in capsys.readouterr().err


# ------------------------------------------------------------------ model folders

def _manifest(folder):
    path = folder / "blame" / "meta.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def test_unlisted_tampered_file_is_refused(model_copy):
    path, meta = _manifest(model_copy)
    del meta["files"]["linear/coef.npy"]
    path.write_text(yaml.safe_dump(meta), encoding="utf-8")
    np.save(model_copy / "blame" / "linear" / "coef.npy", np.zeros(3))
    with pytest.raises(ModelIntegrityError, match="coef.npy: not listed"):
        load_model("blame", model_copy)


@pytest.mark.parametrize("files", [None, [], {}, ["linear/model.json"], {"linear/model.json": 5}, {"../x": "0" * 64}])
def test_malformed_file_lists_are_refused(model_copy, files):
    path, meta = _manifest(model_copy)
    meta["files"] = files
    path.write_text(yaml.safe_dump(meta), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="meta.yaml"):
        load_model("blame", model_copy)


@pytest.mark.parametrize("threshold", ["high", None, True, 7])
def test_non_numeric_threshold_is_refused(model_copy, threshold):
    path, meta = _manifest(model_copy)
    meta["threshold"] = threshold
    path.write_text(yaml.safe_dump(meta), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="threshold"):
        load_model("blame", model_copy)


def test_object_array_is_a_clear_refusal_with_exit_2(model_copy, tmp_path, capsys):
    target = model_copy / "blame" / "linear" / "coef.npy"
    np.save(target, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    path, meta = _manifest(model_copy)
    meta["files"]["linear/coef.npy"] = sha256_file(target)
    path.write_text(yaml.safe_dump(meta), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="cannot load"):
        load_model("blame", model_copy)
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(f"classifiers:\n  models_dir: {model_copy}\n", encoding="utf-8")
    assert run(["check", "--config", str(cfg), str(tmp_path / "a.md")]) == ExitStatus.USAGE
    assert "blame" in capsys.readouterr().err


# ------------------------------------------------------------------ broken pipes

def test_broken_pipe_from_stdout_is_a_closed_reader(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")

    class Closed(io.StringIO):
        def write(self, s):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    monkeypatch.setattr("analyzer.cli._silence_stdout", lambda: None)
    assert run(["check", "--no-classifiers", "--no-fail", str(tmp_path / "a.md")]) == ExitStatus.OK


def test_broken_pipe_from_elsewhere_is_an_internal_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")

    def worker_died(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe (resource tracker)")

    monkeypatch.setattr("analyzer.cli.check.read_draft", worker_died)
    assert run(["check", "--no-classifiers", str(tmp_path / "a.md")]) == ExitStatus.ERROR
    assert "BrokenPipeError" in capsys.readouterr().err


# ------------------------------------------------------------------ the archive

def test_damaged_store_row_is_reanalysed_and_fifo_is_a_row(tmp_path):
    import sqlite3

    from analyzer.archive.scoring import score_archive

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.md").write_text(DRAFT, encoding="utf-8")
    (archive / "b.md").write_text(DRAFT.replace("seconds", "minutes"), encoding="utf-8")
    (archive / "c.md").write_text("---\na: &a [*a]\n---\n" + DRAFT + "Bob broke it.\n", encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(archive / "pipe.md")
    config = load_config(overrides={"classifiers": {"enabled": False}})
    first = score_archive(archive, config=config, jobs=1)
    assert {r["path"].rsplit("/", 1)[-1]: bool(r["error"]) for r in first.rows} == {
        "a.md": False, "b.md": False, "c.md": False, **({"pipe.md": True} if hasattr(os, "mkfifo") else {})}
    db = sqlite3.connect(first.store_path)
    db.execute("UPDATE reports SET report = '{not json' WHERE rowid = (SELECT min(rowid) FROM reports)")
    db.execute("UPDATE facts SET facts = '[broken' WHERE rowid = (SELECT min(rowid) FROM facts)")
    db.commit()
    db.close()
    second = score_archive(archive, config=config, jobs=1)
    assert second.analysed == 1 and second.reused == 2
    assert [bool(r["error"]) for r in second.rows] == [bool(r["error"]) for r in first.rows]


# ------------------------------------------------------------------ the app

@pytest.mark.parametrize("name", ["bad\x00name", "x" * 5000, "a/" * 3000])
def test_odd_archive_folder_names_get_a_message(tmp_path, name):
    from analyzer.app.render import resolve_archive_dir

    with pytest.raises(InputError):
        resolve_archive_dir(name, tmp_path.resolve())


def test_symlinked_file_outside_the_root_is_not_read(tmp_path):
    from analyzer.archive.scoring import score_archive

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret title\n\nBob caused it by human error.\n", encoding="utf-8")
    root = tmp_path / "root"
    (root / "archive" / "deep").mkdir(parents=True)
    (root / "archive" / "ok.md").write_text(DRAFT, encoding="utf-8")
    (root / "archive" / "deep" / "link.md").symlink_to(outside / "secret.md")
    (root / "archive" / "deep" / "hop").symlink_to(outside)
    config = load_config(overrides={"classifiers": {"enabled": False}, "archive": {"confine": str(root)}})
    result = score_archive(root / "archive", config=config, jobs=1, store=tmp_path / "store.sqlite")
    rows = {r["path"].rsplit("archive/", 1)[-1]: r for r in result.rows}
    assert rows["ok.md"]["error"] is None
    assert "outside" in rows["deep/link.md"]["error"] and rows["deep/link.md"]["title"] != "Secret title"
    assert all("Secret" not in str(r.get("title")) for r in result.rows)


def test_upload_limits_agree_in_unit():
    from analyzer.app.render import read_upload, streamlit_upload_mb

    assert streamlit_upload_mb(5) * 1_000_000 >= 5 * 1024 * 1024  # Streamlit never refuses what pmlint accepts
    text = read_upload("big.md", b"a " * int(4.9 * 1024 * 1024 / 2), 5)
    assert len(text) > 5_000_000


def test_analysis_time_limit_gives_a_message(monkeypatch):
    import threading

    from analyzer.app import state

    release = threading.Event()

    class Slow:
        def analyze(self, text, path=None):
            release.wait(10)
            return None

    monkeypatch.setattr(state, "get_analyzer", lambda fingerprint, config: Slow())
    config = load_config(overrides={"app": {"analysis_timeout_s": 0.2}})
    try:
        with pytest.raises(InputError, match="analysis_timeout_s"):
            state.analyze_text.__wrapped__("slow draft", "d.md", "fp", config)
    finally:
        release.set()


@pytest.mark.skipif(os.name != "posix", reason="POSIX re-parenting")
def test_worker_exits_when_its_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import time

    pidfile = tmp_path / "child.pid"
    child = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); "
             "from analyzer.archive.backends import watch_parent; watch_parent(0.1); "
             f"open({str(pidfile)!r}, 'w').write(str(__import__('os').getpid())); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c",
                               f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {child!r}]); time.sleep(60)"])
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    pid = int(pidfile.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("the worker outlived its killed parent")
