"""Training, offline: labelled sentences in `data/` in, the model files in `analyzer/models/` out.

Loads and validates the authored data, featurises it with the run-time pipeline, trains and
compares estimators on held-out groups and passes, and writes the manifest-checked artifacts that
`analyzer.judging.classifiers` loads at run time. Never imported by `pmlint check`.
"""
