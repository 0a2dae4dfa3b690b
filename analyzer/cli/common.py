"""What every command shares: the options that build a configuration, the exit status from
reports and the fail level, and logging to stderr."""

from __future__ import annotations

import argparse
import sys

from analyzer.config import PROFILES, Config, load_config
from analyzer.findings import ExitStatus, Report

_FAIL_RANK = {"suggestion": 1, "warning": 2, "error": 3, "never": 99}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def config_from_args(args: argparse.Namespace, search_from: str | None = None) -> Config:
    overrides: dict = {}
    if getattr(args, "profile", None):
        overrides["profile"] = args.profile
    if getattr(args, "fail_on", None):
        overrides["fail_on"] = args.fail_on
    if getattr(args, "no_fail", False):
        overrides["fail_on"] = "never"
    if getattr(args, "disable", None):
        overrides["disable"] = [s for item in args.disable for s in item.split(",") if s]
    if getattr(args, "enable", None):
        overrides["enable"] = [s for item in args.enable for s in item.split(",") if s]
    if getattr(args, "base_model", None):
        overrides["base_model"] = args.base_model
    if getattr(args, "no_classifiers", False):
        overrides["classifiers"] = {"enabled": False}
    config = load_config(getattr(args, "config", None), search_from=search_from)
    if overrides:
        # list options extend what the config file says
        for key in ("disable", "enable"):
            if key in overrides:
                overrides[key] = list(config[key]) + overrides[key]
        config = config.with_overrides(overrides)
    return config


def require_base_model(config: Config) -> None:
    """Refuse a base model that is not installed before anything loads (a second, not five)."""
    from analyzer.errors import ModelNotFound
    from analyzer.nlp.install_hint import is_installed, missing_message

    if not is_installed(config.base_model):
        raise ModelNotFound(missing_message(config.base_model))


def exit_for(reports: list[Report], fail_on: str) -> ExitStatus:
    if any(r.error and r.error.startswith("internal error") for r in reports):
        return ExitStatus.ERROR
    if any(r.error for r in reports):
        return ExitStatus.USAGE
    threshold = _FAIL_RANK[fail_on]
    worst = max((f.severity.rank for r in reports for f in r.findings), default=0)
    return ExitStatus.FINDINGS if worst >= threshold else ExitStatus.OK


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .pmlint.yaml or [tool.pmlint])")
    p.add_argument("--profile", choices=PROFILES, help="required sections: ai, general, or auto (per document)")
    p.add_argument("--disable", action="append", metavar="RULES", help="rules to turn off: codes, names or prefixes (blame.*), comma-separated")
    p.add_argument("--enable", action="append", metavar="RULES", help="rules to turn on (e.g. PM001)")
    p.add_argument("--base-model", metavar="NAME", help="spaCy pipeline to use (config: base_model)")
    p.add_argument("--no-classifiers", action="store_true", help="rules only: do not run the trained classifiers")
