"""The archive: many post-mortems in, rows, clusters of recurring causes and similar incidents out.

Discovery of files, reading and dating documents, the incremental SQLite store, the parallel
backends, scoring (`pmlint score`), clustering (`pmlint cluster`) and similar incidents
(`pmlint similar`). Runs the engine per document; front ends see rows and clusters only.
"""
