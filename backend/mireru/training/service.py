"""Training rules on the request side: start, read, cancel, resume, and retry runs whose worker
died. Never commits: the request (or the reaper's unit of work) does."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mireru import kinds
from mireru.db import after_commit
from mireru.errors import Conflict, InvalidInput, NotFound
from mireru.jobs import repository as jobs_repo
from mireru.jobs.queue import TRAINING_QUEUE, Dispatcher
from mireru.models import FINISHED_STATUSES, Project, TrainingRun
from mireru.training import repository
from mireru.training.dataset import resolve
from mireru.training.schemas import (
    KindRead,
    LogLine,
    MetricPoint,
    TrainingRunCreate,
    TrainingRunDetail,
    TrainingRunRead,
)

log = logging.getLogger(__name__)

RUN_JOB = "mireru.training.jobs.run_training"
LOG_TAIL = 50
CANCEL_KEY_TTL_S = 7 * 24 * 3600


def cancel_key(run_id: int) -> str:
    """The Redis key a running job checks after every step."""
    return f"mireru:training:{run_id}:cancel"


def rq_job_id(job_id: str, attempt: int) -> str:
    """The RQ job id of one attempt: the jobs row's id, suffixed for retries."""
    return job_id if attempt == 1 else f"{job_id}-a{attempt}"


def list_kinds() -> list[KindRead]:
    return [
        KindRead(
            kind=k.kind,
            title=k.title,
            description=k.description,
            produces=k.produces,
            params_schema=k.params_schema(),
        )
        for k in kinds.all_kinds()
    ]


def _enqueue(session: Session, dispatcher: Dispatcher, run: TrainingRun) -> None:
    if run.job_id is None:
        raise RuntimeError(f"training run {run.id} has no job row")
    kwargs: dict[str, Any] = {"run_id": run.id, "attempt": run.attempt}
    dispatcher.enqueue_after_commit(
        session, TRAINING_QUEUE, RUN_JOB, rq_job_id(run.job_id, run.attempt), kwargs
    )


def start_run(
    session: Session, dispatcher: Dispatcher, project: Project, data: TrainingRunCreate, max_attempts: int
) -> TrainingRun:
    """Check the kind, its parameters and that the selection has something to learn from, then
    queue the run on the `training` queue (enqueued once the request commits)."""
    spec = kinds.get_kind(data.kind)
    params = spec.validate(data.params)
    target = spec.target(params)
    selection = data.dataset
    items, targets = repository.count_candidates(
        session, project.id, selection.filters, [*selection.train_splits, *selection.val_splits], target
    )
    if getattr(params, "use_positive_pairs", False) and (items == 0 or targets < spec.min_targets):
        # Pairs can give untargeted items a group; the counts come from the real grouping then.
        grouped = resolve(session, project.id, selection, target, params.seed, positive_pairs=True)
        rows = grouped.train + grouped.val
        items, targets = len(rows), len({row[2] for row in rows})
    if items == 0:
        raise InvalidInput(
            f"the dataset selection has no items with a {target} in splits "
            f"{[*selection.train_splits, *selection.val_splits]}; annotate some or widen the filters",
            field="dataset",
        )
    if targets < spec.min_targets:
        raise InvalidInput(
            f"a {spec.kind} run needs items of at least {spec.min_targets} different {target}s; "
            f"the selection has {targets}",
            field="dataset",
        )
    keys: list[str] = list(getattr(params, "measurement_keys", None) or [])
    if keys:
        splits = [*selection.train_splits, *selection.val_splits]
        present = repository.measurement_keys_present(session, project.id, selection.filters, splits, keys)
        if missing := [k for k in keys if k not in present]:
            raise InvalidInput(
                f"measurement_keys {missing} are on none of the selected items; add those readings or "
                "choose other keys",
                field="params.measurement_keys",
            )
    if spec.needs_word_vectors:
        from mireru.words.queries import active_model

        active_model(session, project.id)  # 409 saying how to get word vectors, before queueing
    job = jobs_repo.create(session, "training", TRAINING_QUEUE, project.id, {"kind": spec.kind})
    run = repository.add_run(
        session,
        TrainingRun(
            project_id=project.id,
            job_id=job.id,
            kind=spec.kind,
            base_model=params.base,
            params=params.model_dump(mode="json"),
            dataset=selection.model_dump(mode="json"),
            dataset_summary={},
            status="queued",
            progress={},
            metrics={},
            attempt=1,
            max_attempts=max_attempts,
            cancel_requested=False,
        ),
    )
    job.params = {"kind": spec.kind, "run_id": run.id}
    what = f"{items} selected items with {targets} {target} values"
    repository.add_log(
        session, run, "info", f"queued: {spec.kind} from {run.base_model or 'scratch'}, {what}"
    )
    _enqueue(session, dispatcher, run)
    return run


def get_run(session: Session, project: Project, run_id: int) -> TrainingRun:
    run = repository.get_run(session, project.id, run_id)
    if run is None:
        raise NotFound(f"training run {run_id} does not exist in project {project.id}")
    return run


def to_read(session: Session, run: TrainingRun) -> TrainingRunRead:
    versions = repository.model_versions_of(session, [run.id])
    return TrainingRunRead.model_validate(run).model_copy(update={"model_version_id": versions.get(run.id)})


def to_detail(session: Session, run: TrainingRun) -> TrainingRunDetail:
    base = to_read(session, run)
    points = [MetricPoint.model_validate(p) for p in repository.metric_points(session, run.id)]
    tail = [LogLine.model_validate(line) for line in repository.log_tail(session, run.id, LOG_TAIL)]
    return TrainingRunDetail(**base.model_dump(), metric_points=points, log_tail=tail)


def list_runs(
    session: Session, project: Project, limit: int, offset: int
) -> tuple[list[TrainingRunRead], int]:
    runs, total = repository.list_runs(session, project.id, limit, offset)
    versions = repository.model_versions_of(session, [r.id for r in runs])
    reads = [
        TrainingRunRead.model_validate(r).model_copy(update={"model_version_id": versions.get(r.id)})
        for r in runs
    ]
    return reads, total


def _mirror_job(session: Session, run: TrainingRun, now: datetime) -> None:
    """Keep the run's row in the jobs table in step (GET /jobs/{id} shows training too)."""
    if run.job_id is None:
        return
    if run.status in FINISHED_STATUSES:
        jobs_repo.mark_finished(session, run.job_id, run.status, now, error=run.error)
    else:
        repository.sync_job(session, run.job_id, status=run.status)


def cancel_run(session: Session, dispatcher: Dispatcher, run: TrainingRun) -> TrainingRun:
    """A queued run is cancelled at once; a running one stops after its current step, saving a
    checkpoint first (the job sees a Redis flag every step, and the database flag on heartbeats)."""
    if run.status in FINISHED_STATUSES:
        raise Conflict(f"training run {run.id} has already {run.status}", status=run.status)
    now = datetime.now(UTC)
    if run.status == "queued":
        run.status, run.finished_at, run.cancel_requested = "cancelled", now, True
        repository.add_log(session, run, "info", "cancelled before it started")
        _mirror_job(session, run, now)
        job_id = rq_job_id(run.job_id, run.attempt) if run.job_id else None
        if job_id is not None:
            after_commit(session, lambda: _cancel_queued(dispatcher, job_id))
    elif not run.cancel_requested:
        run.cancel_requested = True
        repository.add_log(session, run, "info", "cancel requested; stopping after the current step")
        run_id = run.id
        after_commit(session, lambda: _flag_cancel(dispatcher, run_id))
    session.flush()
    return run


def _flag_cancel(dispatcher: Dispatcher, run_id: int, on: bool = True) -> None:
    if on:
        dispatcher.connection.set(cancel_key(run_id), b"1", ex=CANCEL_KEY_TTL_S)
    else:
        dispatcher.connection.delete(cancel_key(run_id))


def _cancel_queued(dispatcher: Dispatcher, rq_id: str) -> None:
    """Take a queued attempt off RQ (best effort: the job would find its run cancelled anyway)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    try:
        RQJob.fetch(rq_id, connection=dispatcher.connection).cancel()
    except (NoSuchJobError, ValueError) as exc:
        log.info("RQ job %s not cancelled: %s", rq_id, exc)


def resume_run(session: Session, dispatcher: Dispatcher, run: TrainingRun) -> TrainingRun:
    """Continue a cancelled or failed run from its last checkpoint, as a new attempt."""
    if run.status not in ("cancelled", "failed"):
        raise Conflict(f"training run {run.id} is {run.status}; only cancelled or failed runs resume")
    if run.checkpoint_sha256 is None:
        raise Conflict(f"training run {run.id} has no checkpoint to resume from; start a new run")
    now = datetime.now(UTC)
    run.status, run.attempt, run.cancel_requested = "queued", run.attempt + 1, False
    run.max_attempts = max(run.max_attempts, run.attempt)
    run.error, run.finished_at, run.worker, run.heartbeat_at = None, None, None, None
    repository.add_log(
        session,
        run,
        "info",
        f"resume requested: attempt {run.attempt} continues from {_checkpoint_text(run)}",
    )
    _mirror_job(session, run, now)
    run_id = run.id
    after_commit(session, lambda: _flag_cancel(dispatcher, run_id, on=False))
    _enqueue(session, dispatcher, run)
    session.flush()
    return run


def _checkpoint_text(run: TrainingRun) -> str:
    if not run.checkpoint:
        return "the start (no checkpoint yet)"
    c = run.checkpoint
    return (
        f"the checkpoint at epoch {c.get('epoch')} step {c.get('step')} (global step {c.get('global_step')})"
    )


def reap_stale_runs(
    session: Session,
    dispatcher: Dispatcher,
    stale_after_s: float,
    project_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Runs still "running" whose heartbeat stopped: their worker died (kill -9, power, OOM).
    Each is queued again as a new attempt that resumes from its last checkpoint, or failed once it
    used up its attempts. Row locks make this safe to call from many workers and API processes."""
    now = now or datetime.now(UTC)
    reaped: list[int] = []
    for run in repository.stale_runs(session, now - timedelta(seconds=stale_after_s), project_id):
        age = (now - run.heartbeat_at).total_seconds() if run.heartbeat_at else float("nan")
        lost = f"worker {run.worker or '?'} stopped sending heartbeats ({age:.0f}s ago)"
        if run.attempt < run.max_attempts:
            run.status, run.attempt, run.worker, run.heartbeat_at = "queued", run.attempt + 1, None, None
            retry = f"retrying as attempt {run.attempt} of {run.max_attempts} from {_checkpoint_text(run)}"
            repository.add_log(session, run, "warning", f"{lost}; {retry}")
            _enqueue(session, dispatcher, run)
        else:
            run.status, run.finished_at = "failed", now
            run.error = f"{lost}, and the run has used all {run.max_attempts} attempts"
            repository.add_log(session, run, "error", run.error)
        _mirror_job(session, run, now)
        reaped.append(run.id)
        log.warning("training run %s: %s -> %s (attempt %s)", run.id, lost, run.status, run.attempt)
    session.flush()
    return reaped
