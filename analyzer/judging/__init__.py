"""Stage 3, judging: annotated `Doc`s in, hits (what is wrong, where, why) out.

Rule kinds and their YAML, the rule component, the document checks, the trained classifiers and
their combination with rule hits, suppression comments and the profile (AI/ML or general) that
decides which sections are required. The engine turns hits into `Finding`s.
"""
