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
from mireru.kinds.base import Target
from mireru.models import FINISHED_STATUSES, Project, TrainingRun
from mireru.training import repository
from mireru.training.dataset import MULTI_VALUED, _held_out
from mireru.training.positive_pairs import group_targets
from mireru.training.schemas import (
    DatasetSelection,
    KindRead,
    LogLine,
    MetricPoint,
    PreflightCounts,
    PreflightProblem,
    PresetRead,
    TrainingPreflight,
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
            presets=[PresetRead(name=p.name, description=p.description, params=p.params) for p in k.presets],
            min_val_items=k.min_val_items,
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


def _kind_and_params(data: TrainingRunCreate) -> tuple[kinds.KindSpec, kinds.CommonParams]:
    """The kind and its checked parameters: the preset's values under the request's own."""
    spec = kinds.get_kind(data.kind)
    return spec, spec.validate(spec.with_preset(data.preset, data.params))


# --- pre-flight checks -----------------------------------------------------------------------------

# What to add, per target, when a selection has none of it.
_ADD: dict[Target, str] = {
    "label": "label some items",
    "identity": "give some items an identity",
    "identity_or_label": "give some items an identity or a label",
    "keyword": "add keywords to some items",
    "box": "draw boxes on some items",
}


def preflight(session: Session, project: Project, data: TrainingRunCreate) -> TrainingPreflight:
    """Whether a run with this body could train, and the counts that say so: what POST
    .../training-runs checks before it queues anything."""
    spec, params = _kind_and_params(data)
    return _preflight(session, project.id, spec, params, data.dataset)


def _split_counts(
    chosen: dict[int, tuple[str | None, str]], selection: DatasetSelection, seed: int
) -> tuple[int, int]:
    """(train, val) items as the run's snapshot will divide them (training.dataset.resolve):
    by split, else a held-out share of at least 4 training items."""
    val_splits = set(selection.val_splits)
    val = [i for i, (split, _) in chosen.items() if (split or "none") in val_splits]
    train = [i for i, (split, _) in chosen.items() if (split or "none") not in val_splits]
    if not val and selection.val_fraction > 0 and len(train) >= 4:
        held = sum(1 for i in train if _held_out(i, seed, selection.val_fraction))
        if 0 < held < len(train):
            return len(train) - held, held
    return len(train), len(val)


def _grouped_by_pairs(
    session: Session,
    chosen: dict[int, tuple[str | None, str]],
    left_out: set[int],
    pairs: list[tuple[int, int]],
) -> dict[int, tuple[str | None, str]]:
    """The chosen items regrouped by explicit pairs, plus paired items without a target, as the
    snapshot does (training.dataset); multi-label items stay out."""
    targets: dict[int, str | None] = {i: value for i, (_, value) in chosen.items()}
    split_of = {i: split for i, (split, _) in chosen.items()}
    untargeted = {i for pair in pairs for i in pair} - targets.keys() - left_out
    for item_id, (_, split) in repository.sha_and_split(session, list(untargeted)).items():
        targets[item_id], split_of[item_id] = None, split
    return {i: (split_of[i], group) for i, group in group_targets(targets, pairs).items()}


def _preflight(
    session: Session,
    project_id: int,
    spec: kinds.KindSpec,
    params: kinds.CommonParams,
    selection: DatasetSelection,
) -> TrainingPreflight:
    target = spec.target(params)
    f, splits = selection.filters, [*selection.train_splits, *selection.val_splits]
    rows = repository.item_targets(session, project_id, f, splits, target)
    multi = target in MULTI_VALUED
    chosen = {r.item_id: (r.split, r.value) for r in rows if multi or r.values == 1}
    skipped = len(rows) - len(chosen)
    extra: dict[str, int] = {}
    uses_pairs = bool(getattr(params, "use_positive_pairs", False)) and not multi
    if uses_pairs:
        pairs = repository.selected_pairs(session, project_id, f, splits)
        extra["pairs"] = len(pairs)
        if pairs:
            left_out = {r.item_id for r in rows if r.values > 1}
            chosen = _grouped_by_pairs(session, chosen, left_out, pairs)
    if multi:
        classes = len(repository.distinct_targets(session, project_id, f, splits, target))
    else:
        classes = len({value for _, value in chosen.values()})
    train, val = _split_counts(chosen, selection, params.seed)
    if target == "box":
        extra["boxes"] = repository.count_boxes(session, project_id, f, splits)
    if target in ("identity", "identity_or_label"):
        extra["labelled_items"], extra["identities"] = repository.labels_and_identities(
            session, project_id, f, splits
        )
    counts = PreflightCounts(
        selected_items=repository.count_selected(session, project_id, f, splits),
        items=len(chosen),
        train_items=train,
        val_items=val,
        classes=classes,
        skipped_multi_label=skipped,
        min_classes=spec.min_targets,
        min_val_items=spec.min_val_items,
        **extra,
    )
    problems = _selection_problems(spec, target, selection, counts, uses_pairs)
    if spec.needs_word_vectors:
        problems += _word_problems(session, project_id, counts, selection, target)
    problems += _measurement_problems(session, project_id, params, selection)
    return TrainingPreflight(ok=not problems, kind=spec.kind, counts=counts, problems=problems)


def _selection_problems(
    spec: kinds.KindSpec,
    target: Target,
    selection: DatasetSelection,
    counts: PreflightCounts,
    uses_pairs: bool,
) -> list[PreflightProblem]:
    splits = [*selection.train_splits, *selection.val_splits]
    if counts.items == 0:
        add = _ADD[target] + (", or join items by positive pairs" if uses_pairs else "")
        message = (
            f"the dataset selection has no items with a {target} in splits {splits} "
            f"({counts.selected_items} selected items); {add}, or widen the filters"
        )
        return [PreflightProblem(code="no_items", message=message, field="dataset")]
    problems: list[PreflightProblem] = []
    if counts.classes < spec.min_targets:
        message = (
            f"a {spec.kind} run needs items of at least {spec.min_targets} different {target}s; "
            f"the selection has {counts.classes}: {_ADD[target]} with another {target}"
        )
        problems.append(PreflightProblem(code="too_few_classes", message=message, field="dataset"))
    if counts.train_items == 0:
        message = (
            f"none of the {counts.items} items with a {target} is in the training splits "
            f"{selection.train_splits}; move some there or train on more splits"
        )
        problems.append(PreflightProblem(code="no_train_items", message=message, field="dataset"))
    elif counts.val_items < spec.min_val_items:
        message = (
            f"a {spec.kind} run needs at least {spec.min_val_items} validation item(s) with a "
            f"{target} to measure what it learnt; the selection has {counts.val_items}: put some in "
            f"split(s) {selection.val_splits}, or hold out a share (val_fraction, of at least 4 "
            "training items when none is in a validation split)"
        )
        problems.append(PreflightProblem(code="too_few_val_items", message=message, field="dataset"))
    return problems


def _word_problems(
    session: Session, project_id: int, counts: PreflightCounts, selection: DatasetSelection, target: Target
) -> list[PreflightProblem]:
    """The keywords kind learns word vectors: the project's active word model must have some of
    the selection's keywords."""
    from mireru.words.queries import active_model, resolve_texts

    try:
        model = active_model(session, project_id)
    except Conflict as exc:
        return [PreflightProblem(code="no_word_model", message=exc.message, field=None)]
    splits = [*selection.train_splits, *selection.val_splits]
    keywords = repository.distinct_targets(session, project_id, selection.filters, splits, target)
    counts.keywords_with_vectors = len(resolve_texts(session, model, keywords, strict=False))
    if keywords and counts.keywords_with_vectors == 0:
        shown = ", ".join(keywords[:10]) + (", ..." if len(keywords) > 10 else "")
        message = (
            f"none of the selection's {len(keywords)} keywords ({shown}) has a vector in the active "
            f"word model {model.id} ({model.name}); use keywords the model knows, or train or import "
            "a word model that knows them"
        )
        return [PreflightProblem(code="no_word_vectors", message=message, field="dataset")]
    return []


def _measurement_problems(
    session: Session, project_id: int, params: kinds.CommonParams, selection: DatasetSelection
) -> list[PreflightProblem]:
    keys: list[str] = list(getattr(params, "measurement_keys", None) or [])
    if not keys:
        return []
    splits = [*selection.train_splits, *selection.val_splits]
    present = repository.measurement_keys_present(session, project_id, selection.filters, splits, keys)
    if missing := [k for k in keys if k not in present]:
        message = (
            f"measurement_keys {missing} are on none of the selected items; add those readings or "
            "choose other keys"
        )
        return [
            PreflightProblem(
                code="missing_measurement_keys", message=message, field="params.measurement_keys"
            )
        ]
    return []


def start_run(
    session: Session, dispatcher: Dispatcher, project: Project, data: TrainingRunCreate, max_attempts: int
) -> TrainingRun:
    """Check the kind, its parameters (a preset's under the request's) and that the selection can
    train it (the pre-flight checks: a 422 with the counts and problems), then queue the run on
    the `training` queue (enqueued once the request commits)."""
    spec, params = _kind_and_params(data)
    selection = data.dataset
    check = _preflight(session, project.id, spec, params, selection)
    if check.problems:
        raise InvalidInput(
            "; ".join(p.message for p in check.problems),
            field=check.problems[0].field or "dataset",
            counts=check.counts.model_dump(),
            problems=[p.model_dump() for p in check.problems],
        )
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
    counts, target = check.counts, spec.target(params)
    preset = f" with the {data.preset} preset" if data.preset else ""
    what = (
        f"{counts.items} selected items with {counts.classes} {target} values "
        f"({counts.train_items} train, {counts.val_items} val)"
    )
    repository.add_log(
        session, run, "info", f"queued: {spec.kind} from {run.base_model or 'scratch'}{preset}, {what}"
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
