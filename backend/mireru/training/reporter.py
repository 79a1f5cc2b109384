"""The loop's callback in a job: progress onto the run's row (and the jobs row and RQ job meta),
metric points and log lines into their tables. Writes are batched and throttled, and fenced by the
attempt, so a fast loop does not flood the database and a superseded attempt writes nothing."""

import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from mireru.db import unit_of_work
from mireru.ml.train.callbacks import Callback, CheckpointInfo, LogLevel, Progress, StartInfo
from mireru.training import repository

log = logging.getLogger(__name__)

Within = Callable[[Session], None]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


class DbReporter(Callback):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        run_id: int,
        project_id: int,
        attempt: int,
        job_id: str | None,
        every_s: float,
        rq_job: Any = None,
    ) -> None:
        self.sessions = sessions
        self.run_id = run_id
        self.project_id = project_id
        self.attempt = attempt
        self.job_id = job_id
        self.every_s = every_s
        self.rq_job = rq_job
        self.progress: dict[str, Any] | None = None
        self.latest: dict[str, float] = {}
        self.values: dict[str, Any] = {}
        self._metrics: list[dict[str, Any]] = []
        self._logs: list[dict[str, Any]] = []
        self._last_flush = 0.0
        self.lost = False

    # --- buffering -------------------------------------------------------------------------------

    def log(self, level: LogLevel, message: str) -> None:
        self._logs.append(
            {
                "run_id": self.run_id,
                "project_id": self.project_id,
                "attempt": self.attempt,
                "level": level,
                "message": message,
            }
        )

    def _points(self, epoch: int, step: int, metrics: dict[str, float]) -> None:
        for name, value in metrics.items():
            if not math.isfinite(value):
                # Undefined on this data (e.g. a spread over one validation image): no point, and
                # JSON (the run's metrics column) has no NaN.
                continue
            self._metrics.append(
                {
                    "run_id": self.run_id,
                    "project_id": self.project_id,
                    "attempt": self.attempt,
                    "epoch": epoch,
                    "step": step,
                    "name": name,
                    "value": float(value),
                }
            )
            self.latest[name] = float(value)

    def set(self, **values: Any) -> None:
        """Columns to write with the next flush (device, dataset summary, ...)."""
        self.values.update(values)

    # --- callback hooks --------------------------------------------------------------------------

    def on_start(self, info: StartInfo) -> None:
        self.set(device=info.device, amp=info.amp)
        self.log(
            "info",
            f"attempt {self.attempt} training on {info.device} (mixed precision {info.amp}"
            f"{f', {info.world_size} processes' if info.world_size > 1 else ''}): "
            f"{info.train_items} training and {info.val_items} validation items, "
            f"{info.steps_per_epoch} steps per epoch, {info.total_steps} in all",
        )
        if info.resumed_from is not None:
            r = info.resumed_from
            self.log(
                "info",
                f"resumed from the checkpoint at epoch {r.epoch} step {r.step} "
                f"(global step {r.global_step}); finished steps are not repeated",
            )
        for note in info.notes:
            self.log("info", note)
        self.flush(force=True)

    def on_step(self, progress: Progress, metrics: dict[str, float]) -> None:
        self.progress = progress.as_dict()
        self._points(progress.epoch, progress.global_step, metrics)
        self.flush()

    def on_baseline(self, metrics: dict[str, float]) -> None:
        """The starting point, as points at epoch 0, step 0 beside the curves they are read with."""
        self._points(0, 0, metrics)
        shown = ", ".join(f"{k} {_fmt(v)}" for k, v in metrics.items())
        self.log("info", f"before training: {shown}")
        self.flush(force=True)

    def on_epoch(self, progress: Progress, metrics: dict[str, float]) -> None:
        self.progress = progress.as_dict()
        self._points(progress.epoch, progress.global_step, metrics)
        shown = ", ".join(f"{k} {_fmt(v)}" for k, v in metrics.items())
        self.log("info", f"epoch {progress.epoch}/{progress.epochs}: {shown}")
        self.flush(force=True)

    def on_checkpoint(self, info: CheckpointInfo) -> None:
        where = f"epoch {info.epoch}" if info.epoch_complete else f"epoch {info.epoch} step {info.step}"
        self.log("info", f"checkpoint kept ({where}, global step {info.global_step})")
        self.flush(force=True)

    def on_log(self, level: LogLevel, message: str) -> None:
        self.log(level, message)

    # --- writing ---------------------------------------------------------------------------------

    def flush(self, force: bool = False, within: Within | None = None, **final: Any) -> bool:
        """Write what is buffered (at most every `every_s` unless forced). `final` columns (status,
        finished_at, error...) and `within(session)` go in the same transaction. Returns False once
        the lease is lost (then nothing was written)."""
        if self.lost:
            return False
        now = time.monotonic()
        if not force and now - self._last_flush < self.every_s:
            return True
        self._last_flush = now
        values: dict[str, Any] = {**self.values, **final, "metrics": dict(self.latest)}
        values["metrics"] = {k: v for k, v in values["metrics"].items() if math.isfinite(v)}
        if self.progress is not None:
            values["progress"] = self.progress
        with unit_of_work(self.sessions) as session:
            if not repository.fenced_update(session, self.run_id, self.attempt, **values):
                self.lost = True
                session.rollback()
                return False
            if within is not None:
                within(session)
            repository.add_metrics(session, self._metrics)
            repository.add_logs(session, self._logs)
            if self.job_id is not None:
                job_values: dict[str, Any] = {}
                if self.progress is not None:
                    job_values["progress"] = self.progress
                if "status" in final:
                    job_values.update(
                        status=final["status"], finished_at=final.get("finished_at"), error=final.get("error")
                    )
                if job_values:
                    repository.sync_job(session, self.job_id, **job_values)
        self._metrics, self._logs, self.values = [], [], {}
        self._save_rq_meta()
        return True

    def finish(self, status: str, within: Within | None = None, **values: Any) -> bool:
        """The run's last write: status and finish time with whatever is still buffered."""
        return self.flush(force=True, within=within, status=status, finished_at=datetime.now(UTC), **values)

    def _save_rq_meta(self) -> None:
        if self.rq_job is None or self.progress is None:
            return
        try:
            self.rq_job.meta["progress"] = self.progress
            self.rq_job.save_meta()
        except Exception as exc:  # job meta is a convenience; the database has it all
            log.debug("could not save RQ job meta: %s", exc)
