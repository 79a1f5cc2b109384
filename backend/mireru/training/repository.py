"""Every query on training runs, their metric points and log lines.

Writes a job makes while it runs are *fenced*: they only apply while the run is still "running"
under the job's attempt number, so a worker that lost its run to a retry (it was presumed dead)
cannot overwrite what the retry does.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from mireru.items.repository import filter_conditions, split_condition
from mireru.items.schemas import ItemFilter
from mireru.kinds.base import Target
from mireru.models import (
    Box,
    Item,
    ItemKeyword,
    ItemLabel,
    Job,
    LabelClass,
    ModelVersion,
    TrainingLog,
    TrainingMetric,
    TrainingRun,
)
from mireru.pairs.repository import pairs_among


def add_run(session: Session, run: TrainingRun) -> TrainingRun:
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, project_id: int, run_id: int) -> TrainingRun | None:
    stmt = select(TrainingRun).where(TrainingRun.project_id == project_id, TrainingRun.id == run_id)
    return session.scalars(stmt).first()


def get_run_by_id(session: Session, run_id: int) -> TrainingRun | None:
    return session.get(TrainingRun, run_id, populate_existing=True)


def list_runs(session: Session, project_id: int, limit: int, offset: int) -> tuple[list[TrainingRun], int]:
    total = session.scalar(
        select(func.count()).select_from(TrainingRun).where(TrainingRun.project_id == project_id)
    )
    stmt = (
        select(TrainingRun)
        .where(TrainingRun.project_id == project_id)
        .order_by(TrainingRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt)), int(total or 0)


def model_versions_of(session: Session, run_ids: Sequence[int]) -> dict[int, int]:
    if not run_ids:
        return {}
    stmt = select(ModelVersion.run_id, ModelVersion.id).where(ModelVersion.run_id.in_(list(run_ids)))
    return {run_id: version_id for run_id, version_id in session.execute(stmt) if run_id is not None}


def sync_job(session: Session, job_id: str, **values: Any) -> None:
    """Mirror a run's status/progress onto its row in the jobs table."""
    session.execute(update(Job).where(Job.id == job_id).values(**values))


# --- dataset selection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    item_id: int
    sha256: str
    split: str | None
    target: str


def _candidate_query(project_id: int, f: ItemFilter, splits: Sequence[str], target: Target) -> Any:
    conds = [*filter_conditions(project_id, f), split_condition(splits)]
    # Aliases: the filters' EXISTS subqueries must not correlate with these joins.
    item_label, label_class = aliased(ItemLabel), aliased(LabelClass)
    if target == "identity":
        return select(Item.id, Item.sha256, Item.split, Item.identity.label("target")).where(
            and_(*conds), Item.identity.is_not(None)
        )
    if target == "identity_or_label":
        # Prefixed so an identity and a class that share a name stay different targets.
        value = func.coalesce("identity:" + Item.identity, "label:" + label_class.name)
        return (
            select(Item.id, Item.sha256, Item.split, value.label("target"))
            .outerjoin(item_label, and_(item_label.item_id == Item.id, Item.identity.is_(None)))
            .outerjoin(label_class, label_class.id == item_label.label_class_id)
            .where(and_(*conds), value.is_not(None))
        )
    if target == "keyword":
        item_keyword = aliased(ItemKeyword)
        return (
            select(Item.id, Item.sha256, Item.split, item_keyword.keyword.label("target"))
            .join(item_keyword, item_keyword.item_id == Item.id)
            .where(and_(*conds))
        )
    if target == "box":
        box = aliased(Box)
        return (
            select(Item.id, Item.sha256, Item.split, label_class.name.label("target"))
            .join(box, box.item_id == Item.id)
            .join(label_class, label_class.id == box.label_class_id)
            .where(and_(*conds))
        )
    return (
        select(Item.id, Item.sha256, Item.split, label_class.name.label("target"))
        .join(item_label, item_label.item_id == Item.id)
        .join(label_class, label_class.id == item_label.label_class_id)
        .where(and_(*conds))
    )


def candidates(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str], target: Target
) -> list[Candidate]:
    """Selected items with their target, one row per (item, target value), in item order."""
    stmt = _candidate_query(project_id, f, splits, target).order_by(Item.id)
    return [Candidate(i, sha, split, t) for i, sha, split, t in session.execute(stmt)]


@dataclass(frozen=True)
class ItemFacts:
    """What kinds may need of an item besides its target: its size, readings and boxes."""

    width: int
    height: int
    measurements: dict[str, float]
    boxes: list[tuple[float, float, float, float, str]]


def item_facts(session: Session, item_ids: Sequence[int], with_boxes: bool) -> dict[int, ItemFacts]:
    facts: dict[int, ItemFacts] = {}
    ids = list(item_ids)
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        rows = session.execute(
            select(Item.id, Item.width, Item.height, Item.measurements).where(Item.id.in_(chunk))
        )
        for item_id, width, height, measurements in rows:
            facts[item_id] = ItemFacts(width, height, dict(measurements or {}), [])
        if with_boxes:
            boxes = session.execute(
                select(Box.item_id, Box.x, Box.y, Box.w, Box.h, LabelClass.name)
                .join(LabelClass, LabelClass.id == Box.label_class_id)
                .where(Box.item_id.in_(chunk))
                .order_by(Box.item_id, Box.id)
            )
            for item_id, x, y, w, h, name in boxes:
                facts[item_id].boxes.append((x, y, w, h, name))
    return facts


def measurement_keys_present(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str], keys: Sequence[str]
) -> set[str]:
    """Which of `keys` at least one selected item has a reading for."""
    conds = [*filter_conditions(project_id, f), split_condition(splits)]
    present = set()
    for key in keys:
        found = session.scalar(select(Item.id).where(*conds, Item.measurements.has_key(key)).limit(1))
        if found is not None:
            present.add(key)
    return present


def selected_pairs(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str]
) -> list[tuple[int, int]]:
    """Explicit positive pairs between selected items."""
    return pairs_among(session, [*filter_conditions(project_id, f), split_condition(splits)])


def sha_and_split(session: Session, item_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    ids = sorted(item_ids)
    facts: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        for item_id, sha, split in session.execute(
            select(Item.id, Item.sha256, Item.split).where(Item.id.in_(chunk))
        ):
            facts[item_id] = (sha, split)
    return facts


def count_candidates(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str], target: Target
) -> tuple[int, int]:
    """(distinct items, distinct target values) a selection would train on."""
    sub = _candidate_query(project_id, f, splits, target).subquery()
    row = session.execute(
        select(func.count(func.distinct(sub.c.id)), func.count(func.distinct(sub.c.target)))
    )
    items, targets = row.one()
    return int(items), int(targets)


# --- pre-flight counts -----------------------------------------------------------------------------
# What a selection holds, counted in SQL without reading blobs, readings or boxes: the API checks
# it before queueing a run and answers the SPA's live counts with it.


@dataclass(frozen=True)
class ItemTarget:
    item_id: int
    split: str | None
    values: int  # distinct target values the item has
    value: str  # the smallest of them (the only one for a single-valued item)


def item_targets(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str], target: Target
) -> list[ItemTarget]:
    """One row per selected item that has the target, in item order."""
    sub = _candidate_query(project_id, f, splits, target).subquery()
    stmt = (
        select(sub.c.id, sub.c.split, func.count(func.distinct(sub.c.target)), func.min(sub.c.target))
        .group_by(sub.c.id, sub.c.split)
        .order_by(sub.c.id)
    )
    return [ItemTarget(int(i), split, int(n), str(value)) for i, split, n, value in session.execute(stmt)]


def distinct_targets(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str], target: Target
) -> list[str]:
    """The distinct target values of the selected items, sorted."""
    sub = _candidate_query(project_id, f, splits, target).subquery()
    stmt = select(sub.c.target).distinct().order_by(sub.c.target)
    return [str(value) for value in session.scalars(stmt)]


def count_selected(session: Session, project_id: int, f: ItemFilter, splits: Sequence[str]) -> int:
    """Items the filters and splits select, whatever they are annotated with."""
    conds = [*filter_conditions(project_id, f), split_condition(splits)]
    return int(session.scalar(select(func.count()).select_from(Item).where(*conds)) or 0)


def count_boxes(session: Session, project_id: int, f: ItemFilter, splits: Sequence[str]) -> int:
    """Boxes on the selected items (what a detector learns from)."""
    conds = [*filter_conditions(project_id, f), split_condition(splits)]
    box = aliased(Box)
    stmt = select(func.count(box.id)).select_from(Item).join(box, box.item_id == Item.id).where(*conds)
    return int(session.scalar(stmt) or 0)


def labels_and_identities(
    session: Session, project_id: int, f: ItemFilter, splits: Sequence[str]
) -> tuple[int, int]:
    """(selected items with a class label, distinct identities among the selected items)."""
    conds = [*filter_conditions(project_id, f), split_condition(splits)]
    item_label = aliased(ItemLabel)  # the filters' EXISTS must not correlate with this one
    labelled = func.count(Item.id).filter(exists().where(item_label.item_id == Item.id))
    stmt = select(labelled, func.count(func.distinct(Item.identity))).select_from(Item).where(*conds)
    n_labelled, identities = session.execute(stmt).one()
    return int(n_labelled), int(identities)


# --- job-side, fenced writes -----------------------------------------------------------------------


def _fence(run_id: int, attempt: int) -> ColumnElement[bool]:
    return and_(TrainingRun.id == run_id, TrainingRun.attempt == attempt, TrainingRun.status == "running")


def claim(session: Session, run_id: int, attempt: int, worker: str, now: datetime) -> TrainingRun | None:
    """queued -> running for this attempt; None if the run was cancelled or taken by another try."""
    stmt = (
        update(TrainingRun)
        .where(
            TrainingRun.id == run_id,
            TrainingRun.attempt == attempt,
            TrainingRun.status == "queued",
            TrainingRun.cancel_requested.is_(False),
        )
        .values(
            status="running",
            worker=worker,
            heartbeat_at=now,
            started_at=func.coalesce(TrainingRun.started_at, now),
        )
        .returning(TrainingRun)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return session.scalars(stmt).first()


def fenced_update(session: Session, run_id: int, attempt: int, **values: Any) -> bool:
    stmt = (
        update(TrainingRun)
        .where(_fence(run_id, attempt))
        .values(**values)
        .returning(TrainingRun.id)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(stmt).first() is not None


def heartbeat(session: Session, run_id: int, attempt: int, now: datetime) -> bool | None:
    """Refresh the lease. Returns cancel_requested, or None if this attempt no longer owns the run."""
    stmt = (
        update(TrainingRun)
        .where(_fence(run_id, attempt))
        .values(heartbeat_at=now)
        .returning(TrainingRun.cancel_requested)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(stmt).first()


def add_metrics(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(TrainingMetric), rows)


def add_logs(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(TrainingLog), rows)


def add_log(session: Session, run: TrainingRun, level: str, message: str) -> None:
    add_logs(
        session,
        [
            {
                "run_id": run.id,
                "project_id": run.project_id,
                "attempt": run.attempt,
                "level": level,
                "message": message,
            }
        ],
    )


def swap_checkpoint(
    session: Session, run_id: int, attempt: int, sha256: str, info: dict[str, Any]
) -> tuple[bool, str | None]:
    """Record a new checkpoint (fenced); returns (kept, the previous checkpoint's digest)."""
    stmt = select(TrainingRun.checkpoint_sha256).where(_fence(run_id, attempt)).with_for_update()
    found = session.execute(stmt).first()
    if found is None:
        return False, None
    fenced_update(session, run_id, attempt, checkpoint_sha256=sha256, checkpoint=info)
    return True, found[0]


def delete_metrics_after(session: Session, run_id: int, global_step: int) -> int:
    """Drop points past a checkpoint: a resumed run records them again."""
    result = session.execute(
        delete(TrainingMetric).where(TrainingMetric.run_id == run_id, TrainingMetric.step > global_step)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def stale_runs(session: Session, cutoff: datetime, project_id: int | None = None) -> list[TrainingRun]:
    """Running runs whose heartbeat is older than `cutoff`, locked (skipping rows another reaper
    holds) so only one reaper retries each."""
    stmt = select(TrainingRun).where(TrainingRun.status == "running", TrainingRun.heartbeat_at < cutoff)
    if project_id is not None:
        stmt = stmt.where(TrainingRun.project_id == project_id)
    return list(session.scalars(stmt.with_for_update(skip_locked=True)))


# --- reading metric points and logs ----------------------------------------------------------------


def metric_points(
    session: Session, run_id: int, after_id: int = 0, limit: int = 10_000, name: str | None = None
) -> list[TrainingMetric]:
    stmt = select(TrainingMetric).where(TrainingMetric.run_id == run_id, TrainingMetric.id > after_id)
    if name is not None:
        stmt = stmt.where(TrainingMetric.name == name)
    return list(session.scalars(stmt.order_by(TrainingMetric.id).limit(limit)))


def log_lines(session: Session, run_id: int, after_id: int = 0, limit: int = 1000) -> list[TrainingLog]:
    stmt = (
        select(TrainingLog)
        .where(TrainingLog.run_id == run_id, TrainingLog.id > after_id)
        .order_by(TrainingLog.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def log_tail(session: Session, run_id: int, lines: int) -> list[TrainingLog]:
    stmt = (
        select(TrainingLog).where(TrainingLog.run_id == run_id).order_by(TrainingLog.id.desc()).limit(lines)
    )
    return list(reversed(list(session.scalars(stmt))))
