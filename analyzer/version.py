"""The version of pmlint (shared by every stage: reports, SARIF, the archive store, model manifests)."""

__version__ = "0.1.0"
