"""The learning report of an archive: scores it (from the store: nothing unchanged is analysed
again), clusters it into recurring causes, reads each document's action items, near-miss status
and stated cost, joins a tracker export, and builds the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Mapping

from analyzer.archive.cause_report import cause_groups
from analyzer.archive.documents import read_document
from analyzer.archive.learning.cost import stated_cost
from analyzer.archive.learning.recurrence import Incident
from analyzer.archive.learning.report import build
from analyzer.archive.learning.state import from_record, with_tracker
from analyzer.judging.timeline import ttd_ttr
from analyzer.archive.learning.tracker import TrackerItem, read_tracker
from analyzer.judging.profile import is_near_miss
from analyzer.archive.scoring import score_archive
from analyzer.config import Config, load_config
from analyzer.errors import InputError


def _day(value: str | None) -> date | None:
    """A row date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) as a day; partial dates take the first day."""
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")[:3] if p.isdigit()]
    try:
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (IndexError, ValueError):
        return None


def _action_records(report: Any) -> list[dict[str, Any]]:
    out = []
    for a in getattr(report, "actions", None) or ():
        out.append(a if isinstance(a, dict) else a.to_dict())
    return out


def learn_archive(root: str | Path, *, today: date, config: Config | None = None, store: Any = None,
                  tracker: str | Path | None = None, jobs: int | None = None) -> dict[str, Any]:
    """The learning report (JSON contract version 1) of the archive at `root`."""
    root_path = Path(root)
    if not root_path.is_dir():
        raise InputError(f"{root}: not a directory")
    config = config or load_config(search_from=root_path)
    scored = score_archive(root_path, config=config, store=store, jobs=jobs)
    clusters = cause_groups(root_path, config=config, store=store, jobs=jobs)
    return learn_from(scored, clusters, config=config, today=today, tracker=tracker)


def learn_from(scored: Any, clusters: Any, *, config: Config, today: date,
               tracker: str | Path | None = None) -> dict[str, Any]:
    """The learning report from a scoring result and a clustering of the same archive (the app
    has both already)."""
    items: Mapping[str, TrackerItem] = {}
    if tracker:
        settings = config["learning"]
        items = read_tracker(tracker, columns=settings["tracker_columns"], done=settings["done_statuses"],
                             declined=settings["declined_statuses"])
    labels = {str(c.id): c.label for c in clusters.clusters} if clusters is not None else {}
    # -1: the document's cause is not a recurring one, so it belongs to no cause of the report
    cause_of = {path: str(cid) for path, cid in clusters.assignments.items() if cid != -1} if clusters is not None else {}
    incidents, costs = [], {}
    for row in scored.rows:
        path = row["path"]
        report = scored.reports.get(path)
        if report is None or report.error:
            continue
        try:
            text = read_document(path, config["max_file_mb"])
        except InputError:
            continue
        actions = tuple(with_tracker(from_record(path, a), items) for a in _action_records(report))
        day = _day(row["date"])
        ttd, ttr = ttd_ttr(text, day)
        incidents.append(Incident(path, day, cause_of.get(path), is_near_miss(report.metadata or {}, text),
                                  actions, ttd, ttr))
        money, hours = stated_cost(text)
        if money is not None or hours is not None:
            costs[path] = (money, hours)
    return build(incidents, today=today, labels=labels, costs=costs)
