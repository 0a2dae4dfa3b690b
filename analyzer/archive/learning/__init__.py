"""The learning loop over an archive: action items joined with tracker exports, their state on a
given day, and whether incidents of a cause recur after its fixes or while they are still open.

Takes the archive's per-document records (date, near miss or not, cause, action items) and an
optional tracker export; gives the learning report (`pmlint learn`). Pure functions over
records: no spaCy, no store.
"""
