"""One typed configuration: packaged defaults <- .pmlint.yaml / [tool.pmlint] <- CLI flags.

Unknown keys are errors that name the key and the file. `Config.dump()` is what
`pmlint config --dump` prints.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from analyzer.errors import ConfigError
from analyzer.findings import Severity
from analyzer.judging.rules import Rule, default_rules, known_selector
from analyzer.nlp.sections import CANONICAL_SECTIONS
from analyzer.yamlio import safe_load


PROFILES = ("auto", "ai", "general", "near_miss")
FAIL_LEVELS = ("error", "warning", "suggestion", "never")
CONFIG_NAMES = (".pmlint.yaml", ".pmlint.yml")


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return safe_load(files("analyzer").joinpath("data/defaults.yaml").read_text(encoding="utf-8"))


def defaults() -> dict[str, Any]:
    return copy.deepcopy(_defaults())


@dataclass(frozen=True)
class Config:
    data: dict[str, Any]
    sources: tuple[str, ...] = ("(defaults)",)
    rules: tuple[Rule, ...] = field(default_factory=default_rules)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def base_model(self) -> str:
        return self.data["base_model"]

    @property
    def exclude_components(self) -> tuple[str, ...]:
        return tuple(self.data["exclude_components"])

    @property
    def profile(self) -> str:
        return self.data["profile"]

    @property
    def fail_on(self) -> str:
        return self.data["fail_on"]

    def required_sections(self, profile: str) -> list[str]:
        return list(self.data["required_sections"][profile])

    def rule_enabled(self, rule: Rule) -> bool:
        enabled = rule.enabled
        override = self._override(rule)
        if "enabled" in override:
            enabled = bool(override["enabled"])
        if any(rule.selected_by(s) for s in self.data["disable"]):
            enabled = False
        if any(rule.selected_by(s) for s in self.data["enable"]):
            enabled = True
        return enabled

    def severity(self, rule: Rule) -> Severity:
        override = self._override(rule)
        return Severity(override["severity"]) if "severity" in override else rule.severity

    def _override(self, rule: Rule) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.data["rules"].items():
            if rule.selected_by(key):
                out.update(value)
        return out

    def fingerprint(self) -> str:
        """A hash of everything that changes analysis results (for caches and the archive store)."""
        relevant = {k: v for k, v in self.data.items() if k not in ("fail_on", "archive", "app")}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def dump(self) -> str:
        header = "# effective pmlint configuration, from: " + " <- ".join(self.sources) + "\n"
        return header + yaml.safe_dump(self.data, sort_keys=False)

    def with_overrides(self, overrides: dict[str, Any], source: str = "(command line)") -> "Config":
        data = _merge(copy.deepcopy(self.data), overrides, source, _defaults())
        _validate(data, source)
        return Config(data, self.sources + (source,), self.rules)


def _merge(base: dict[str, Any], layer: dict[str, Any], source: str, schema: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(f"{source}: unknown configuration key {dotted!r} (known: {', '.join(sorted(schema))})")
        if key in ("rules", "required_sections") or not isinstance(schema[key], dict):
            if key == "required_sections" and isinstance(value, dict):
                merged = dict(base.get(key) or {})
                for profile, sections in value.items():
                    if profile not in PROFILES[1:]:
                        raise ConfigError(f"{source}: unknown profile {profile!r} in required_sections "
                                          f"({', '.join(PROFILES[1:])})")
                    merged[profile] = sections
                base[key] = merged
            elif key == "rules" and isinstance(value, dict):
                merged = dict(base.get(key) or {})
                merged.update(value)
                base[key] = merged
            else:
                base[key] = value
        else:
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {dotted!r} must be a mapping")
            base[key] = _merge(dict(base.get(key) or {}), value, source, schema[key], dotted + ".")
    return base


def _check_types(data: dict[str, Any], schema: dict[str, Any], fail: Any, prefix: str = "") -> None:
    """Every value has the type of its default: a string where a list belongs is an error (it
    would be iterated per character), a path is a non-empty string, a number is not a bool."""
    for key, default in schema.items():
        if key in ("rules", "required_sections") or key not in data:
            continue
        value, dotted = data[key], prefix + key
        if isinstance(default, dict):
            if not isinstance(value, dict):
                fail(f"'{dotted}' must be a mapping")
            _check_types(value, default, fail, dotted + ".")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                fail(f"'{dotted}' must be true or false, not {value!r}")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(f"'{dotted}' must be a number, not {value!r}")
        elif isinstance(default, list):
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                fail(f"'{dotted}' must be a list of strings, not {value!r}")
        elif isinstance(default, str):
            if not isinstance(value, str):
                fail(f"'{dotted}' must be a string, not {value!r}")
        elif default is None and value is not None and (not isinstance(value, str) or not value.strip()):
            fail(f"'{dotted}' must be a path (a non-empty string) or null, not {value!r}")


def _validate(data: dict[str, Any], source: str) -> None:
    def fail(msg: str) -> None:
        raise ConfigError(f"{source}: {msg}")

    _check_types(data, _defaults(), fail)
    if not isinstance(data.get("base_model"), str) or not data["base_model"]:
        fail("'base_model' must be the name of an installed spaCy pipeline")
    if data["profile"] not in PROFILES:
        fail(f"'profile' must be one of {', '.join(PROFILES)}, not {data['profile']!r}")
    if data["fail_on"] not in FAIL_LEVELS:
        fail(f"'fail_on' must be one of {', '.join(FAIL_LEVELS)}, not {data['fail_on']!r}")
    for profile, sections in data["required_sections"].items():
        if not isinstance(sections, list):
            fail(f"'required_sections.{profile}' must be a list")
        for s in sections:
            if s not in CANONICAL_SECTIONS:
                fail(f"'required_sections.{profile}': unknown section {s!r} (known: {', '.join(CANONICAL_SECTIONS)})")
    for key in ("disable", "enable", "systems", "exclude_components"):
        if not isinstance(data[key], list) or not all(isinstance(x, str) for x in data[key]):
            fail(f"'{key}' must be a list of strings")
    for sel in data["disable"] + data["enable"]:
        if not known_selector(sel):
            fail(f"no rule matches {sel!r} (use a code like PM101, a name, or a prefix like blame.*)")
    if not isinstance(data["rules"], dict):
        fail("'rules' must be a mapping of rule code or name to {severity, enabled}")
    for sel, override in data["rules"].items():
        if not known_selector(str(sel)):
            fail(f"rules: no rule matches {sel!r}")
        if not isinstance(override, dict) or set(override) - {"severity", "enabled"}:
            fail(f"rules.{sel}: only 'severity' and 'enabled' can be set")
        if "severity" in override and override["severity"] not in [s.value for s in Severity]:
            fail(f"rules.{sel}.severity must be error, warning or suggestion")
    thr = data["ai_detection"]["threshold"]
    if not isinstance(thr, (int, float)) or thr <= 0:
        fail("'ai_detection.threshold' must be a positive number")
    for key in ("blame_threshold", "action_threshold", "blame_training_rate", "blame_base_rate", "blame_veto"):
        v = data["classifiers"][key]
        if not isinstance(v, (int, float)) or not 0 < v < 1:
            fail(f"'classifiers.{key}' must be between 0 and 1")
    for key in ("error", "warning", "suggestion", "cap_per_rule"):
        if not isinstance(data["score"][key], (int, float)) or data["score"][key] < 0:
            fail(f"'score.{key}' must be a non-negative number")
    if not isinstance(data["max_file_mb"], (int, float)) or data["max_file_mb"] <= 0:
        fail("'max_file_mb' must be a positive number")
    for key in ("max_upload_mb", "analysis_timeout_s"):
        if data["app"][key] <= 0:
            fail(f"'app.{key}' must be a positive number")


def find_project_config(start: Path) -> Path | None:
    """The nearest .pmlint.yaml, or a pyproject.toml with [tool.pmlint], searching upward."""
    here = start if start.is_dir() else start.parent
    for folder in [here, *here.parents]:
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
                # it may hold [tool.pmlint]: running on defaults without a word would hide that
                raise ConfigError(f"{pyproject}: cannot be read as TOML ({exc}); pmlint looks for [tool.pmlint] "
                                  "here: fix the file or pass --config") from None
            if isinstance(tool, dict) and "pmlint" in tool:
                return pyproject
    return None


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("pmlint", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    else:
        try:
            data = safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of keys to values")
    return data


def load_config(
    path: str | Path | None = None,
    *,
    search_from: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Config:
    """Defaults, then `path` (or the nearest project config above `search_from`), then overrides."""
    base = defaults()
    _validate(base, "analyzer/data/defaults.yaml")
    config = Config(base)
    cfg_path: Path | None = None
    if path is not None:
        cfg_path = Path(path)
        if not cfg_path.is_file():
            raise ConfigError(f"{cfg_path}: configuration file not found")
    elif search_from is not None:
        cfg_path = find_project_config(Path(search_from).resolve())
    if cfg_path is not None:
        config = config.with_overrides(read_config_file(cfg_path), str(cfg_path))
    if overrides:
        config = config.with_overrides(overrides)
    return config
