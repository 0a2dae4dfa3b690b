"""The rows of `pmlint score`: one per document (title, date, score, finding counts per family,
missing sections, error), written as CSV, JSONL or Parquet by the file extension."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Sequence

from analyzer.errors import PmlintError
from analyzer.findings import Report
from analyzer.output.safe import json_safe, text_safe
from analyzer.reading.describe import path_date, path_title

FAMILIES = ("blame", "action", "section", "timeline", "whys")  # finding counts per row
ROW_FIELDS = ("path", "title", "date", "score", "ai_incident", *FAMILIES, "missing_sections", "words", "error")


def make_row(report: Report, facts: dict[str, Any] | None) -> dict[str, Any]:
    """One output row: title and date from the document's facts, else from the file path."""
    facts = facts or {}
    meta = report.metadata or {}
    title = facts.get("title") or (meta.get("title") if isinstance(meta.get("title"), str) else None)
    when = facts.get("date") or path_date(report.path)
    counts = {fam: 0 for fam in FAMILIES}
    missing = []
    for f in report.findings:
        if f.family in counts:
            counts[f.family] += 1
        if f.rule == "section.missing" and f.section:
            missing.append(f.section)
    failed = report.error is not None
    return {
        "path": report.path,
        "title": title or path_title(report.path),
        "date": when,
        "score": None if failed else report.score,
        "ai_incident": None if failed else report.ai_incident,
        **({fam: None for fam in FAMILIES} if failed else counts),
        "missing_sections": sorted(set(missing)),
        "words": None if failed else int(report.stats.get("words", 0)),
        "error": report.error,
    }


def write_rows(rows: Sequence[dict[str, Any]], out_path: str | Path) -> None:
    """Write rows as CSV, JSONL or Parquet, chosen by the file extension."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise PmlintError(f"{out}: unknown output format {suffix or '(none)'!r}; use .csv, .jsonl or .parquet")
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    writer(rows, out)


def _clean(value: Any) -> Any:
    """Strings writable as UTF-8 (a file name that is not UTF-8 shows its bytes as \\xNN)."""
    if isinstance(value, str):
        return text_safe(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def rows_to_csv(rows: Sequence[dict[str, Any]], stream) -> None:  # noqa: ANN001 - any text stream
    writer = csv.DictWriter(stream, fieldnames=list(ROW_FIELDS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["missing_sections"] = ";".join(row.get("missing_sections") or [])
        writer.writerow({k: "" if v is None else _clean(v) for k, v in flat.items()})


def rows_to_jsonl(rows: Sequence[dict[str, Any]], stream) -> None:  # noqa: ANN001
    for row in rows:
        stream.write(json_safe(json.dumps({k: row.get(k) for k in ROW_FIELDS}, ensure_ascii=False)) + "\n")


def _write_csv(rows: Sequence[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        rows_to_csv(rows, fh)


def _write_jsonl(rows: Sequence[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        rows_to_jsonl(rows, fh)


def _write_parquet(rows: Sequence[dict[str, Any]], out: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise PmlintError("Parquet output needs pyarrow: pip install 'pmlint[parquet]'") from None
    schema = pa.schema(
        [("path", pa.string()), ("title", pa.string()), ("date", pa.string()), ("score", pa.int32()),
         ("ai_incident", pa.bool_()), *((fam, pa.int32()) for fam in FAMILIES),
         ("missing_sections", pa.list_(pa.string())), ("words", pa.int64()), ("error", pa.string())]
    )
    table = pa.Table.from_pylist([{k: _clean(row.get(k)) for k in ROW_FIELDS} for row in rows], schema=schema)
    pq.write_table(table, out)


_WRITERS = {".csv": _write_csv, ".jsonl": _write_jsonl, ".ndjson": _write_jsonl, ".parquet": _write_parquet}
