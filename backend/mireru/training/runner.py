"""One attempt of a training run, inside a worker's work horse: claim the run, resolve (or
reload) its dataset snapshot, resume from its checkpoint if it has one, run the shared loop with
callbacks that report to PostgreSQL, then register the model version or record how it ended.

Torch and the ml code are imported here, in the job, never in the API. The device is chosen here
too (after RQ forked the work horse), so a worker's parent process never initialises CUDA.
"""

import contextlib
import logging
import os
import socket
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
import torch
from sqlalchemy.orm import Session

from mireru import kinds
from mireru.db import unit_of_work
from mireru.jobs.queue import redis_connection
from mireru.jobs.runtime import Runtime, runtime
from mireru.kinds.base import CommonParams, KindSpec
from mireru.ml.eval.baseline import BASELINE
from mireru.ml.train.callbacks import Callback, CallbackList, Progress
from mireru.ml.train.distributed import DistContext
from mireru.ml.train.loop import FitResult, fit
from mireru.registry import service as registry
from mireru.training import repository
from mireru.training.checkpoints import BlobCheckpointStore, temp_path
from mireru.training.dataset import Snapshot, resolve
from mireru.training.lease import LEASE_LOST, Lease
from mireru.training.reporter import DbReporter
from mireru.training.schemas import DatasetSelection
from mireru.training.service import cancel_key
from mireru.training.space_baseline import active_space_baseline, below_space

log = logging.getLogger(__name__)

TRACEBACK_LINES = 20


class StepDelay(Callback):
    """Sleeps after every step (the `training_step_delay_s` setting: demos and failure tests)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_step(self, progress: Progress, metrics: dict[str, float]) -> None:  # noqa: ARG002
        time.sleep(self.seconds)


@dataclass
class Claimed:
    run_id: int
    project_id: int
    attempt: int
    job_id: str | None
    spec: KindSpec
    params: CommonParams
    selection: DatasetSelection
    dataset_sha256: str | None
    checkpoint_sha256: str | None


def _claim(rt: Runtime, run_id: int, attempt: int) -> Claimed | str:
    worker = f"{socket.gethostname()}:{os.getpid()}"
    now = datetime.now(UTC)
    with unit_of_work(rt.sessions) as session:
        run = repository.claim(session, run_id, attempt, worker, now)
        if run is None:
            current = repository.get_run_by_id(session, run_id)
            if current is None:
                return "the run was deleted"
            if current.status == "queued" and current.cancel_requested and current.attempt == attempt:
                current.status, current.finished_at = "cancelled", now
                repository.add_log(session, current, "info", "cancelled before it started")
                if current.job_id is not None:
                    repository.sync_job(session, current.job_id, status="cancelled", finished_at=now)
            return f"the run is {current.status} at attempt {current.attempt}; attempt {attempt} has no work"
        if run.job_id is not None:
            repository.sync_job(session, run.job_id, status="running", started_at=run.started_at)
        spec = kinds.get_kind(run.kind)
        return Claimed(
            run_id=run.id,
            project_id=run.project_id,
            attempt=attempt,
            job_id=run.job_id,
            spec=spec,
            params=spec.validate(run.params),
            selection=DatasetSelection.model_validate(run.dataset),
            dataset_sha256=run.dataset_sha256,
            checkpoint_sha256=run.checkpoint_sha256,
        )


def _snapshot(rt: Runtime, claimed: Claimed, reporter: DbReporter) -> Snapshot:
    """The first attempt resolves the selection and keeps it; later attempts reload it."""
    if claimed.dataset_sha256 is not None:
        return Snapshot.from_json(rt.blobs.read(claimed.dataset_sha256))
    target = claimed.spec.target(claimed.params)
    with unit_of_work(rt.sessions) as session:
        pairs = bool(getattr(claimed.params, "use_positive_pairs", False))
        snapshot = resolve(session, claimed.project_id, claimed.selection, target, claimed.params.seed, pairs)
        if claimed.spec.needs_word_vectors:
            # Kept in the snapshot, so a resumed run uses the same vectors if the words change.
            from mireru.words.queries import word_vectors_for

            snapshot.word_vectors = word_vectors_for(session, claimed.project_id, snapshot.classes)
    if not snapshot.train:
        raise ValueError("the dataset selection has no training items any more")
    digest, _ = rt.blobs.put(snapshot.to_json())
    reporter.set(
        dataset_sha256=digest, dataset_summary={**snapshot.summary(), "class_names": snapshot.classes[:100]}
    )
    if snapshot.skipped_multi:
        reporter.log("warning", f"{snapshot.skipped_multi} items have several labels and were left out")
    reporter.log(
        "info",
        f"dataset: {len(snapshot.train)} training and {len(snapshot.val)} validation items, "
        f"{len(snapshot.classes)} classes",
    )
    return snapshot


def _resume_state(rt: Runtime, claimed: Claimed, reporter: DbReporter) -> dict[str, Any] | None:
    if claimed.checkpoint_sha256 is None:
        return None
    store = BlobCheckpointStore(rt.sessions, rt.blobs, claimed.run_id, claimed.attempt)
    state = store.load(claimed.checkpoint_sha256)
    with unit_of_work(rt.sessions) as session:
        dropped = repository.delete_metrics_after(session, claimed.run_id, int(state["global_step"]))
    if dropped:
        reporter.log(
            "info",
            f"{dropped} metric points recorded after the checkpoint were dropped; "
            "they are recorded again as the run redoes those steps",
        )
    return state


def _measure_space_baseline(rt: Runtime, claimed: Claimed, snapshot: Snapshot, reporter: DbReporter) -> None:
    """Embedding kinds must beat what search serves now: score the active space on this run's
    validation items before training (fresh runs only: a resume keeps the first measurement)."""
    if claimed.spec.produces != "embedding" or claimed.checkpoint_sha256 is not None:
        return
    with unit_of_work(rt.sessions) as session:
        found = active_space_baseline(session, claimed.project_id, snapshot)
    if found is not None:
        reporter.log("info", found.note)
        reporter.on_baseline(found.metrics)


def _warnings(result: FitResult, task: Any, reporter: DbReporter) -> list[str]:
    """What the model version is registered with for people to see: the loop's (collapse, worse
    than the untrained network) and, for embedding kinds, worse than the active search space."""
    found = list(result.warnings)
    monitor = getattr(task, "monitor", None)
    if monitor is not None:
        message = below_space(result.metrics, reporter.latest, monitor)
        if message is not None:
            found.append(message)
            reporter.log("warning", message)
    return found


def _succeed(rt: Runtime, claimed: Claimed, result: FitResult, task: Any, reporter: DbReporter) -> int | None:
    """Save the model file, then register its version in the same transaction that marks the
    run succeeded (fenced: a superseded attempt registers nothing)."""
    warnings = _warnings(result, task, reporter)
    bundle = task.export(result.model, result.metrics)
    path = temp_path(".pt")
    try:
        torch.save(bundle, path)
        size = path.stat().st_size
        digest, _ = rt.blobs.put_file(path)
    finally:
        path.unlink(missing_ok=True)
    config = {
        "params": claimed.params.model_dump(mode="json"),
        "model": bundle.get("config", {}),
        "best_epoch": result.best_epoch,
        "epochs_completed": result.epochs_completed,
        "warnings": warnings,
    }
    registered: list[int] = []

    def register(session: Session) -> None:
        run = repository.get_run_by_id(session, claimed.run_id)
        if run is None:
            return
        # The starting points travel with the version, so it shows what training gained.
        baselines = {k: v for k, v in reporter.latest.items() if k.startswith(BASELINE)}
        version = registry.register_version(
            session, run, claimed.spec.produces, digest, size, {**baselines, **result.metrics}, config
        )
        registered.append(version.id)
        shown = ", ".join(f"{k} {v:.4g}" for k, v in result.metrics.items())
        repository.add_log(
            session, run, "info", f"registered model version {version.version} (id {version.id}); {shown}"
        )

    if not reporter.finish("succeeded", within=register, metrics={**reporter.latest, **result.metrics}):
        return None
    return registered[0] if registered else None


def run_attempt(run_id: int, attempt: int, rq_job: Any = None) -> dict[str, Any]:
    rt = runtime()
    claimed = _claim(rt, run_id, attempt)
    if isinstance(claimed, str):
        log.info("training run %s attempt %s skipped: %s", run_id, attempt, claimed)
        return {"run_id": run_id, "attempt": attempt, "skipped": claimed}
    settings = rt.settings
    connection = redis_connection(settings.redis_url) if settings.redis_url else None
    reporter = DbReporter(
        rt.sessions,
        run_id,
        claimed.project_id,
        attempt,
        claimed.job_id,
        settings.training_progress_every_s,
        rq_job,
    )
    lease = Lease(
        rt.sessions, run_id, attempt, settings.training_heartbeat_s, connection, cancel_key(run_id)
    ).start()
    callbacks: list[Callback] = [reporter, lease]
    if settings.training_step_delay_s > 0:
        callbacks.append(StepDelay(settings.training_step_delay_s))
    try:
        snapshot = _snapshot(rt, claimed, reporter)
        resume = _resume_state(rt, claimed, reporter)
        _measure_space_baseline(rt, claimed, snapshot, reporter)
        task = claimed.spec.build_task(claimed.params, snapshot.training_data(rt.blobs.path))
        store = BlobCheckpointStore(rt.sessions, rt.blobs, run_id, attempt)
        result = fit(
            task, claimed.params.loop_config(), CallbackList(callbacks), store, resume, DistContext()
        )
        if result.status == "stopped" and result.reason == LEASE_LOST:
            return {"run_id": run_id, "attempt": attempt, "outcome": "superseded by a later attempt"}
        if result.status == "stopped":
            reporter.log("info", f"cancelled after {result.global_step} steps; the last checkpoint is kept")
            reporter.finish("cancelled")
            return {"run_id": run_id, "attempt": attempt, "outcome": "cancelled"}
        version_id = _succeed(rt, claimed, result, task, reporter)
        if version_id is None:
            return {"run_id": run_id, "attempt": attempt, "outcome": "superseded by a later attempt"}
        return {"run_id": run_id, "attempt": attempt, "outcome": "succeeded", "model_version_id": version_id}
    except Exception as exc:
        if lease.lost.is_set() or reporter.lost:
            log.warning("training run %s attempt %s ended after losing its lease: %s", run_id, attempt, exc)
            return {"run_id": run_id, "attempt": attempt, "outcome": "superseded by a later attempt"}
        message = f"{type(exc).__name__}: {exc}"
        tail = "".join(traceback.format_exception(exc)).strip().splitlines()[-TRACEBACK_LINES:]
        reporter.log("error", f"failed: {message}")
        reporter.log("debug", "\n".join(tail))
        reporter.finish("failed", error=message)
        raise
    finally:
        lease.stop()
        if connection is not None:
            with contextlib.suppress(redis.RedisError):
                connection.delete(cancel_key(run_id))
