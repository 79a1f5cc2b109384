"""A run's live feed as Server-Sent Events, built by polling PostgreSQL (so any API process can
serve any run, whichever worker trains it).

Events: `status` (on connect and on every change), `progress` (when it changes), `metric` (one per
metric point), `log` (one per line), and `end` once the run has finished and everything was sent.
Every event's `id` is the cursor "<last metric id>.<last log id>": a browser that reconnects sends
it back as Last-Event-ID and gets only what it missed.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi.sse import format_sse_event
from sqlalchemy.orm import Session, sessionmaker

from mireru.models import FINISHED_STATUSES, TrainingLog, TrainingMetric, TrainingRun
from mireru.training import repository

BATCH = 500
RETRY_MS = 2000


@dataclass
class Cursor:
    metric_id: int = 0
    log_id: int = 0

    def encode(self) -> str:
        return f"{self.metric_id}.{self.log_id}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor":
        if not text:
            return cls()
        metric, _, log_id = text.strip().partition(".")
        try:
            return cls(max(0, int(metric or 0)), max(0, int(log_id or 0)))
        except ValueError:
            return cls()


@dataclass
class StreamState:
    cursor: Cursor
    status: dict[str, Any] | None = None
    progress: dict[str, Any] | None = None
    finished: bool = False
    sent: list[str] = field(default_factory=list)  # event names, for tests and debugging


def _event(state: StreamState, name: str, data: Any) -> bytes:
    state.sent.append(name)
    payload = json.dumps(data, default=str, separators=(",", ":"))
    return format_sse_event(data_str=payload, event=name, id=state.cursor.encode())


def _status(run: TrainingRun, model_version_id: int | None) -> dict[str, Any]:
    return {
        "status": run.status,
        "attempt": run.attempt,
        "max_attempts": run.max_attempts,
        "cancel_requested": run.cancel_requested,
        "device": run.device,
        "amp": run.amp,
        "worker": run.worker,
        "error": run.error,
        "model_version_id": model_version_id,
    }


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def poll(session: Session, project_id: int, run_id: int, state: StreamState) -> list[bytes]:
    """Everything new since the state's cursor, as encoded events, in the order it happened; sets
    `state.finished` once the run is over and fully sent (then the last events are `status` and
    `end`)."""
    run = repository.get_run(session, project_id, run_id)
    if run is None:
        state.finished = True
        return [_event(state, "end", {"status": "deleted"})]
    finished = run.status in FINISHED_STATUSES  # read before the rows, so none can be missed
    status = _status(run, repository.model_versions_of(session, [run.id]).get(run.id))
    out: list[bytes] = []
    if state.status is None or (status != state.status and not finished):
        state.status = status  # on connect, and when it changes while the run goes on
        out.append(_event(state, "status", status))
    while True:
        points = repository.metric_points(session, run.id, state.cursor.metric_id, BATCH)
        lines = repository.log_lines(session, run.id, state.cursor.log_id, BATCH)
        rows: list[tuple[datetime, int, TrainingMetric | TrainingLog]] = [
            *((p.created_at, 0, p) for p in points),
            *((line.created_at, 1, line) for line in lines),
        ]
        for _, _, row in sorted(rows, key=lambda r: (r[0], r[1], r[2].id)):
            if isinstance(row, TrainingMetric):
                state.cursor.metric_id = row.id
                out.append(
                    _event(
                        state,
                        "metric",
                        {
                            "name": row.name,
                            "value": row.value,
                            "step": row.step,
                            "epoch": row.epoch,
                            "attempt": row.attempt,
                        },
                    )
                )
            else:
                state.cursor.log_id = row.id
                out.append(
                    _event(
                        state,
                        "log",
                        {
                            "level": row.level,
                            "message": row.message,
                            "attempt": row.attempt,
                            "at": _iso(row.created_at),
                        },
                    )
                )
        if not finished or (len(points) < BATCH and len(lines) < BATCH):
            break
    if run.progress and run.progress != state.progress:
        state.progress = dict(run.progress)
        out.append(_event(state, "progress", {**run.progress, "status": run.status, "attempt": run.attempt}))
    if finished:
        if status != state.status:
            state.status = status
            out.append(_event(state, "status", status))
        state.finished = True
        out.append(_event(state, "end", {"status": run.status}))
    return out


def poll_once(
    sessions: sessionmaker[Session], project_id: int, run_id: int, state: StreamState
) -> list[bytes]:
    with sessions() as session:
        return poll(session, project_id, run_id, state)


def retry_hint() -> bytes:
    return f"retry: {RETRY_MS}\n\n".encode()
