"""`pmlint train` and `pmlint evaluate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analyzer.findings import ExitStatus
from analyzer.training.data import TASKS

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models"  # analyzer/models/: the package data the loader reads


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def in_checkout() -> bool:
    """True when the package is the `analyzer/` of a repository checkout (data/ beside it)."""
    return (DEFAULT_OUT.parents[1] / "data" / "blame").is_dir()


def training_data_problem(data: str | None, tasks: list[str]) -> str | None:
    """Why training cannot start (no labelled data where it looks), in words; None when it can.
    The labelled data lives in the repository's data/ and is not part of the installed package."""
    from analyzer.training.data import default_data_dir

    folder = Path(data) if data else default_data_dir()
    missing = [t for t in tasks if not any((folder / t).glob("*.jsonl"))]
    if not missing:
        return None
    where = f"{folder}/{missing[0]}/*.jsonl"
    if data:
        return f"no training data at {where}; --data must name a folder with blame/ and actions/ JSONL files"
    return (f"no training data at {where}. Training needs the repository's data/ folder, which an installed "
            "pmlint does not include: run it from a checkout (git clone the pmlint repository, then `pmlint train` "
            "there) or pass --data DIR. The installed package already ships trained classifiers.")


def cmd_train(args: argparse.Namespace) -> ExitStatus:
    from analyzer.cli.common import config_from_args
    from analyzer.training.data import group_split, load_task
    from analyzer.training.evaluate import score
    from analyzer.training.train import ESTIMATORS, featurize, fit, make_nlp, train_task

    config = config_from_args(args, search_from=".")
    if args.estimator not in ESTIMATORS:
        _log(f"pmlint train: unknown estimator {args.estimator!r} (known: {', '.join(ESTIMATORS)})")
        return ExitStatus.USAGE
    tasks = list(TASKS) if args.task == "all" else [args.task]
    problem = training_data_problem(args.data, tasks)
    if problem:
        _log(f"pmlint train: {problem}")
        return ExitStatus.USAGE
    if args.out is None and not in_checkout():
        _log("pmlint train: this pmlint is installed, not a checkout; refusing to overwrite the installed models. "
             "Pass --out DIR and point classifiers.models_dir at it.")
        return ExitStatus.USAGE
    args.out = args.out or str(DEFAULT_OUT)
    nlp = make_nlp(config.base_model, config.exclude_components)
    data_dir = Path(args.data) if args.data else None
    for task in tasks:
        # held-out figures for the manifest: whole groups held out, as `pmlint evaluate` does
        examples = load_task(task, data_dir)
        if args.limit:
            examples = examples[: args.limit]
        rows = featurize(examples, nlp)
        train_idx, test_idx = group_split(examples)
        model = fit(args.estimator, [examples[i] for i in train_idx], [rows[i] for i in train_idx])
        test_ex = [examples[i] for i in test_idx]
        proba = model.predict_proba([e.text for e in test_ex], [rows[i] for i in test_idx])
        metrics = {"held_out_groups": score(args.estimator, test_ex, [int(p >= 0.5) for p in proba]).to_dict()}
        _log(f"pmlint train: {task}: held-out F1 {metrics['held_out_groups']['f1']:.3f}")
        train_task(task, Path(args.out), base_model=config.base_model, estimator=args.estimator, data_dir=data_dir,
                   nlp=nlp, metrics=metrics, limit=args.limit, log=_log)
    return ExitStatus.OK


def cmd_evaluate(args: argparse.Namespace) -> ExitStatus:
    from analyzer.cli.common import config_from_args
    from analyzer.training.evaluate import evaluate_task, format_result
    from analyzer.training.train import ESTIMATORS, make_nlp

    if getattr(args, "clusters", False):
        try:
            from analyzer.cli.archive import cmd_evaluate_clusters
        except ImportError:
            _log("pmlint evaluate --clusters: the archive module is not available")
            return ExitStatus.USAGE
        return cmd_evaluate_clusters(args)
    config = config_from_args(args, search_from=".")
    if args.test_file:
        return _evaluate_shipped(args, config)
    designs = tuple(args.designs.split(",")) if args.designs else tuple(ESTIMATORS)
    unknown = [d for d in designs if d not in ESTIMATORS]
    if unknown:
        _log(f"pmlint evaluate: unknown design(s) {unknown} (known: {', '.join(ESTIMATORS)})")
        return ExitStatus.USAGE
    tasks = list(TASKS) if args.task == "all" else [args.task]
    problem = training_data_problem(args.data, tasks)
    if problem:
        _log(f"pmlint evaluate: {problem.replace('Training needs', 'Evaluation needs')}")
        return ExitStatus.USAGE
    nlp = make_nlp(config.base_model, config.exclude_components)
    data_dir = Path(args.data) if args.data else None
    splits = ["groups", "passes"] if args.split == "both" else [args.split]
    results = []
    for task in tasks:
        for split in splits:
            results.append(evaluate_task(task, base_model=config.base_model, data_dir=data_dir, nlp=nlp,
                                         designs=designs, split=split, log=_log))
    real = _real_prose(args, config) if "blame" in tasks else None
    if args.json:
        print(json.dumps(results + ([real] if real else []), indent=2))
    else:
        print("\n".join(format_result(r) for r in results))
        if real:
            print(_format_real(real))
    return ExitStatus.OK


def _real_prose(args: argparse.Namespace, config) -> dict | None:
    """Blame precision and recall of the shipped pipeline on real post-mortems labelled by
    reference (`--real`, default bench/real in a checkout; `--corpus`, default ../shared/corpus)."""
    from analyzer.training.real import PRIMARY, analyse, blame_figures, load_labels, sources

    folder = Path(args.real) if args.real else Path("bench/real")
    corpus = Path(args.corpus) if args.corpus else Path("../shared/corpus")
    if not (folder / "sample.tsv").is_file() or not (corpus / "index.csv").is_file():
        if args.real or args.corpus:
            _log(f"pmlint evaluate: no real-prose labels in {folder} or no corpus in {corpus}; skipped")
        return None
    labels = load_labels(PRIMARY, folder)
    _log(f"pmlint evaluate: real prose: analysing {len(labels)} labelled documents")
    figures = blame_figures(labels, analyse(sorted(labels), corpus, config=config), sources(folder))
    figures.pop("false_alarms", None)
    figures.pop("missed", None)
    return {"task": "blame", "split": "real-prose", **figures}


def _format_real(real: dict) -> str:
    rows = [f"blame, real prose ({real['documents']} documents, {real['sentences']} sentences): "
            f"{real['flags_per_1000_sentences']} flags per 1,000 sentences; recall {real['recall_any_severity']} "
            f"(warning and error {real['recall_warning_or_error']}) of {real['labelled_blame']} labelled blame sentences"]
    for sev, c in real["precision_by_severity"].items():
        rows.append(f"  precision {sev:<10} {c['precision']}  ({c['tp']} right, {c['fp']} wrong, {c['uncertain']} debatable)")
    return "\n".join(rows)


def _evaluate_shipped(args: argparse.Namespace, config) -> ExitStatus:
    """Score the shipped models on an external labelled file (e.g. an independent test set)."""
    from analyzer.judging.classifiers.models import load_model
    from analyzer.training.data import Example
    from analyzer.training.evaluate import keyword_baseline, score
    from analyzer.training.train import featurize, make_nlp

    if args.task == "all":
        _log("pmlint evaluate --test-file: name the task with --task blame or --task actions")
        return ExitStatus.USAGE
    examples = []
    for n, line in enumerate(Path(args.test_file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(Example(" ".join(str(row["text"]).split()), row["label"], row.get("kind", ""),
                                    row.get("domain", ""), row.get("voice", ""), row.get("group", ""), "test-file"))
        except (json.JSONDecodeError, KeyError) as exc:
            _log(f"pmlint evaluate: {args.test_file}:{n}: expected JSON with 'text' and 'label' ({exc})")
            return ExitStatus.USAGE
    model = load_model(args.task, config["classifiers"]["models_dir"])
    rows = featurize(examples, make_nlp(config.base_model, config.exclude_components))
    proba = model.model.predict_proba([e.text for e in examples], rows)
    result = {
        "task": args.task, "file": args.test_file, "examples": len(examples), "threshold": model.threshold,
        "model": score("shipped model", examples, [int(p >= model.threshold) for p in proba]).to_dict(),
        "keyword-baseline": score("keyword-baseline", examples, keyword_baseline(args.task, examples)).to_dict(),
    }
    print(json.dumps(result, indent=2))
    return ExitStatus.OK


def register(sub: argparse._SubParsersAction) -> None:
    from analyzer.cli.common import _common

    p = sub.add_parser("train", help="train the classifiers from data/ into analyzer/models/ (in a checkout; reproducible)")
    p.add_argument("--task", choices=[*TASKS, "all"], default="all")
    p.add_argument("--out", help="models directory (default in a checkout: analyzer/models/, the models pmlint ships)")
    p.add_argument("--data", help="data directory (default: the repository's data/)")
    p.add_argument("--estimator", default="ensemble", help="design from the estimator registry (default: ensemble)")
    p.add_argument("--limit", type=int, help="train on the first N examples only (for quick checks)")
    _common(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="held-out evaluation of the classifier designs and a keyword baseline")
    p.add_argument("--task", choices=[*TASKS, "all"], default="all")
    p.add_argument("--split", choices=["groups", "passes", "both"], default="both",
                   help="hold out 20%% of each pass's groups, or one whole authoring pass at a time")
    p.add_argument("--designs", help="comma-separated designs (default: all in the registry)")
    p.add_argument("--data", help="data directory (default: the repository's data/)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--test-file", help="score the shipped model on a labelled JSONL file ({text, label[, kind]}) instead")
    p.add_argument("--clusters", action="store_true", help="evaluate archive clustering instead (see the archive docs)")
    p.add_argument("--real", metavar="DIR", help="real-prose labels by reference (default: bench/real, when present)")
    p.add_argument("--corpus", metavar="DIR", help="the corpus those labels point into (default: ../shared/corpus)")
    _common(p)
    p.set_defaults(func=cmd_evaluate)
