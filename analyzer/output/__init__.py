"""Stage 5, output: `Report`s in, text for people and machines out.

The formatters (text, json, jsonl, github, sarif, csv) behind one registry, and the per-document
rows that `pmlint score` writes (CSV, JSONL, Parquet).
"""
