"""The distribution: the trained classifiers ship inside the wheel and the sdist, and a wheel
installed into a fresh virtual environment produces the classifier findings an editable install
produces. The app's libraries are an extra, never needed by `check`. The pre-commit hook, built by
pre-commit from a repository holding this working tree, blocks a blameful draft and passes a
clean one (that test installs the hook's dependencies from the package index, as users do).

The wheel is built offline from a copy of the checkout (PEP 517 hooks of the setuptools already
installed) and installed with `pip --python` into a new venv without network access; the new venv
reuses this environment's site-packages for the dependencies through a `.pth` line (which, unlike
a site directory, does not run this environment's editable-install hooks), so the `analyzer` it
imports is the installed wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DRAFT = (
    "## Summary\n"
    "Priya pushed the broken config to production without testing it.\n\n"
    "Funny how the release calendar is always a surprise to the mobile folks.\n\n"
    "The job failed to start because the queue was full.\n"
)
MODEL_FILES = ("blame/meta.yaml", "blame/linear/model.json", "blame/textcat/config.cfg",
               "actions/meta.yaml", "actions/linear/coef.npy", "actions/textcat/textcat/model", "README.md")


def _copy_checkout(dest: Path) -> Path:
    anywhere = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    top = {".git", ".ci", "build", "dist", ".venv", "bench", "tests", "data", "docs"}  # not in the distribution

    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(anywhere(folder, names)) | (top & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _build(src: Path, hook: str, out: Path) -> Path:
    out.mkdir(exist_ok=True)
    code = f"import setuptools.build_meta as b; print(b.{hook}({str(out)!r}))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("dist")
    src = _copy_checkout(base / "src")
    return {"wheel": _build(src, "build_wheel", base / "wheel"), "sdist": _build(src, "build_sdist", base / "sdist")}


def test_wheel_and_sdist_carry_the_models_and_their_manifests(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for rel in MODEL_FILES:
        assert f"analyzer/models/{rel}" in names, rel
    with tarfile.open(built["sdist"]) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    for rel in MODEL_FILES:
        assert f"analyzer/models/{rel}" in members, rel


def test_wheel_metadata_keeps_the_app_libraries_in_an_extra(built):
    with zipfile.ZipFile(built["wheel"]) as whl:
        meta = next(whl.read(n).decode() for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    core = [r for r in requires if "extra ==" not in r]
    for heavy in ("streamlit", "pandas", "altair", "pyarrow"):
        assert not [r for r in core if r.lower().startswith(heavy)], f"{heavy} is a core dependency"
        assert [r for r in requires if r.lower().startswith(heavy)], f"{heavy} is in no extra"
    assert any(r.startswith("streamlit") and 'extra == "app"' in r for r in requires)


@pytest.mark.slow
def test_installed_wheel_finds_the_classifiers(built, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_NO_INDEX"] = "1"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                           "--no-index", str(built["wheel"])], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the dependencies: this environment's site-packages, after the venv's own
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, env=env).stdout.strip()
    parents = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(site, "_pmlint_test_deps.pth").write_text("\n".join(parents) + "\n", encoding="utf-8")

    where = subprocess.run([str(py), "-c", "import analyzer; from analyzer.judging.classifiers.models import "
                            "default_models_dir as d; print(analyzer.__file__); print(d())"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert where.returncode == 0, where.stderr
    module, models = where.stdout.split()
    assert module.startswith(str(venv)) and models.startswith(str(venv)), where.stdout

    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    run = subprocess.run([str(venv / "bin" / "pmlint"), "check", "--format", "json", "--no-fail", str(draft)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "no trained classifiers" not in run.stderr
    installed = json.loads(run.stdout)["reports"][0]["findings"]
    assert {f["source"] for f in installed} & {"classifier", "both"}
    assert any(f["code"] == "PM110" and f["source"] == "classifier" for f in installed)

    from analyzer.engine import load_analyzer

    here = load_analyzer().analyze(DRAFT, path=str(draft)).to_dict()["findings"]
    key = lambda f: (f["code"], f["start"], f["end"], f["source"], f["confidence"])  # noqa: E731
    assert sorted(map(key, installed)) == sorted(map(key, here))  # the same as this (editable) install


# ------------------------------------------------------------------ CI front ends: pre-commit and the Action

def test_pre_commit_hook_lints_only_post_mortem_folders():
    import re

    import yaml

    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    assert hook["entry"] == "pmlint check" and hook["language"] == "python"
    files = re.compile(hook["files"])
    for path in ("postmortems/2024-03-db.md", "docs/post-mortems/a.md", "incidents/b.txt"):
        assert files.search(path), path
    for path in ("README.md", "docs/guide.md", "src/incidentsdb/notes.md"):
        assert not files.search(path), path


def test_action_offers_reporters_filter_modes_fail_on_and_baseline():
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert {"paths", "reporter", "filter-mode", "fail-on", "baseline", "args", "version"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install pmlint")["run"]
    assert "[app]" not in install  # the light install
    reviewdog = next(s for s in steps if s.get("name") == "Check post-mortems (reviewdog)")["run"]
    assert "--format rdjson" in reviewdog and "reviewdog -f=rdjson" in reviewdog
    assert "-filter-mode=" in reviewdog and "-fail-level=" in reviewdog and "--baseline" in reviewdog
    annotations = next(s for s in steps if s.get("name") == "Check post-mortems (annotations)")["run"]
    assert "--format github" in annotations and "--diff-base" in annotations


# ------------------------------------------------------------------ the light install

BLOCK_APP_LIBRARIES = """
import sys
class _NoAppExtra:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("streamlit", "pandas", "altair", "pyarrow"):
            raise ImportError(f"{name} is not installed (the app extra)")
sys.meta_path.insert(0, _NoAppExtra())
from analyzer.cli import run
sys.exit(int(run(sys.argv[1:])))
"""


@pytest.mark.slow
def test_every_command_but_app_works_without_the_app_extra(tmp_path):
    archive = tmp_path / "postmortems"
    archive.mkdir()
    (archive / "a.md").write_text(DRAFT, encoding="utf-8")
    (archive / "b.md").write_text(DRAFT.replace("Priya", "Sam").replace("queue", "disk"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    store = str(tmp_path / "s.sqlite")

    def pmlint(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", BLOCK_APP_LIBRARIES, *argv], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=600)

    for argv, ok in [
        (["check", "--no-fail", str(archive)], 0),
        (["baseline", str(archive), "--out", str(tmp_path / "b.json")], 0),
        (["score", str(archive), "--store", store, "--jobs", "1", "--format", "jsonl"], 0),
        (["cluster", str(archive), "--store", store, "--k", "1"], 0),
        (["similar", str(archive / "a.md"), "--archive", str(archive), "--store", store], 0),
        (["rules"], 0),
        (["config"], 0),
    ]:
        proc = pmlint(*argv)
        assert proc.returncode == ok, (argv, proc.stderr[-2000:])
    app = pmlint("app", "--headless")
    assert app.returncode == 2 and 'pip install "pmlint[app]"' in app.stderr


# ------------------------------------------------------------------ the pre-commit hook, as users install it

CLEAN_DRAFT = (
    "# Checkout outage\n\n## Summary\nCheckout failed for 40 minutes after a deploy removed every instance.\n\n"
    "## Root cause\nThe deploy script accepted an empty target list and removed every instance.\n"
)
BLAMEFUL_DRAFT = CLEAN_DRAFT + "\nThe outage was caused by human error.\n"


def _git(repo: Path, *args: str) -> str:
    ident = ["-c", "user.name=pmlint tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *ident, *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.slow
def test_pre_commit_hook_blocks_a_blameful_draft_and_passes_a_clean_one(tmp_path):
    """pre-commit (from the package index) installs the hook from a repository holding this
    working tree, into its own environment, as a user's `.pre-commit-config.yaml` would."""
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_repo = _copy_checkout(tmp_path / "pmlint")
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-q", "-m", "pmlint as a hook repository")
    rev = _git(hook_repo, "rev-parse", "HEAD")

    project = tmp_path / "project"
    (project / "postmortems").mkdir(parents=True)
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: pmlint\n", encoding="utf-8")
    (project / "README.md").write_text("# Notes\n\nThe outage was caused by human error.\n", encoding="utf-8")  # not a post-mortem
    (project / "postmortems" / "checkout.md").write_text(CLEAN_DRAFT, encoding="utf-8")
    _git(project, "add", "-A")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")

    def hook() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=1800)

    clean = hook()
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    assert "README.md" not in clean.stdout  # the files: pattern keeps other Markdown out

    (project / "postmortems" / "checkout.md").write_text(BLAMEFUL_DRAFT, encoding="utf-8")
    _git(project, "add", "-A")
    blamed = hook()
    assert blamed.returncode == 1, blamed.stdout[-3000:]
    assert "PM103" in blamed.stdout and "postmortems/checkout.md" in blamed.stdout
    assert "no trained classifiers" not in blamed.stdout + blamed.stderr  # the hook's install has the models
