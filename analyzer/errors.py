"""Exceptions with messages meant for the user (no traceback is shown for these)."""


class PmlintError(Exception):
    """Base class: the CLI prints the message and exits with the matching status."""


class ConfigError(PmlintError):
    """A broken configuration, rule file or section file (exit status 2)."""


class RuleError(ConfigError):
    def __init__(self, source: str, rule_id: str, message: str) -> None:
        super().__init__(f"{source}: rule {rule_id}: {message}")
        self.source, self.rule_id = source, rule_id


class ModelNotFound(ConfigError):
    """The configured base spaCy model is not installed."""


class InputError(PmlintError):
    """One input file cannot be analysed (binary, empty, not UTF-8, too large, missing)."""


class ModelIntegrityError(ConfigError):
    """A trained artifact does not match its manifest."""
