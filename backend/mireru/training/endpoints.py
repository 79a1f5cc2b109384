"""HTTP routes for training: kinds, runs, their metrics and logs, a live event stream, cancel."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mireru.deps import DbId, DispatcherDep, SessionDep, SettingsDep, StateDep
from mireru.projects.service import get_project
from mireru.training import events, repository, service
from mireru.training.schemas import (
    KindRead,
    LogLine,
    LogPage,
    MetricPage,
    MetricPoint,
    TrainingPreflight,
    TrainingRunCreate,
    TrainingRunDetail,
    TrainingRunList,
    TrainingRunRead,
)

router = APIRouter(tags=["training"])

KEEPALIVE_S = 15.0
EVENTS_DOC = """Server-Sent Events (`text/event-stream`), for `new EventSource(url)` in a browser.
Events: `status` (on connect and on change: status, attempt, device, error, model_version_id),
`progress` (epoch, step, items_per_s, eta_s, fraction), `metric` (name, value, step, epoch),
`log` (level, message), and `end` when the run has finished — then the stream closes. Each event
id is a cursor; reconnecting with `Last-Event-ID` (browsers do it themselves) or `?after=` resumes
after it. History stays in PostgreSQL: a finished run's stream replays it and ends."""


@router.get("/training/kinds", response_model=list[KindRead], summary="List model kinds")
def list_kinds() -> list[KindRead]:
    """The model kinds a run can train, each with the JSON Schema (with defaults) of its
    `params`, so a client can draw the form, and its named `presets` (fast, accurate: the
    parameters each sets over the defaults). Common parameters keep common names: epochs,
    batch_size, image_size, lr, device. Backbone kinds start from ImageNet MobileNetV2 by default."""
    return service.list_kinds()


@router.post(
    "/projects/{project_id}/training-runs",
    response_model=TrainingRunRead,
    status_code=201,
    summary="Start a training run",
)
def start_run(
    project_id: DbId,
    data: TrainingRunCreate,
    session: SessionDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
) -> TrainingRunRead:
    """Validate `params` against the kind's schema (over the values of `preset`, if one is named:
    see `presets` in GET /training/kinds) and check the dataset selection (the item filters of
    item listing, then train/val splits), then queue the run on the `training` queue. A selection
    that cannot train the kind (no boxes for a detector, fewer than 2 classes, no validation item,
    no active word model for keywords, ...) is a 422 whose `detail` holds `counts` and `problems`
    as .../training-runs/preflight gives them. Follow the run at `.../training-runs/{id}` or its
    `/events` stream."""
    project = get_project(session, project_id)
    run = service.start_run(session, dispatcher, project, data, settings.training_max_attempts)
    return service.to_read(session, run)


@router.post(
    "/projects/{project_id}/training-runs/preflight",
    response_model=TrainingPreflight,
    summary="Check a training run before starting it",
)
def preflight_run(project_id: DbId, data: TrainingRunCreate, session: SessionDep) -> TrainingPreflight:
    """The checks POST .../training-runs makes, without starting anything: the same body, and
    `ok` with the selection's `counts` (items, train/val items, classes, and per kind boxes,
    identities, positive pairs or keywords with word vectors) and the `problems` that would
    refuse it, each naming what to add. Invalid `kind`, `preset` or `params` are a 422 as there."""
    return service.preflight(session, get_project(session, project_id), data)


@router.get(
    "/projects/{project_id}/training-runs", response_model=TrainingRunList, summary="List training runs"
)
def list_runs(
    project_id: DbId,
    session: SessionDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TrainingRunList:
    """Runs, newest first, with status, progress and latest metrics. A run whose worker stopped
    sending heartbeats is retried (or failed) before it is shown."""
    project = get_project(session, project_id)
    service.reap_stale_runs(session, dispatcher, settings.training_stale_after_s, project.id)
    runs, total = service.list_runs(session, project, limit, offset)
    return TrainingRunList(runs=runs, total=total, limit=limit, offset=offset)


@router.get(
    "/projects/{project_id}/training-runs/{run_id}",
    response_model=TrainingRunDetail,
    summary="Get a training run",
)
def get_run(
    project_id: DbId, run_id: DbId, session: SessionDep, dispatcher: DispatcherDep, settings: SettingsDep
) -> TrainingRunDetail:
    """Status, progress (epoch, step, items/s, ETA), every metric point, the log's tail, the
    last checkpoint's position, and the model version it made."""
    project = get_project(session, project_id)
    service.reap_stale_runs(session, dispatcher, settings.training_stale_after_s, project.id)
    return service.to_detail(session, service.get_run(session, project, run_id))


@router.get(
    "/projects/{project_id}/training-runs/{run_id}/metrics",
    response_model=MetricPage,
    summary="Page metric points",
)
def run_metrics(
    project_id: DbId,
    run_id: DbId,
    session: SessionDep,
    after_id: Annotated[int, Query(ge=0, description="only points after this id")] = 0,
    name: Annotated[str | None, Query(max_length=100, description="only this metric")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> MetricPage:
    """Metric points in recording order, a page at a time."""
    run = service.get_run(session, get_project(session, project_id), run_id)
    points = [
        MetricPoint.model_validate(p)
        for p in repository.metric_points(session, run.id, after_id, limit, name)
    ]
    return MetricPage(points=points, next_after_id=points[-1].id if len(points) == limit else None)


@router.get(
    "/projects/{project_id}/training-runs/{run_id}/logs", response_model=LogPage, summary="Page log lines"
)
def run_logs(
    project_id: DbId,
    run_id: DbId,
    session: SessionDep,
    after_id: Annotated[int, Query(ge=0, description="only lines after this id")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> LogPage:
    """The run's whole log, a page at a time, oldest first."""
    run = service.get_run(session, get_project(session, project_id), run_id)
    lines = [LogLine.model_validate(line) for line in repository.log_lines(session, run.id, after_id, limit)]
    return LogPage(lines=lines, next_after_id=lines[-1].id if len(lines) == limit else None)


@router.get(
    "/projects/{project_id}/training-runs/{run_id}/events",
    summary="Follow a training run live (SSE)",
    description=EVENTS_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
def run_events(
    project_id: DbId,
    run_id: DbId,
    session: SessionDep,
    state: StateDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header(description="sent by browsers on reconnect")] = None,
    after: Annotated[str | None, Query(max_length=50, description="resume after this event id")] = None,
) -> StreamingResponse:
    run = service.get_run(session, get_project(session, project_id), run_id)
    stream = events.StreamState(cursor=events.Cursor.parse(last_event_id or after))
    poll_s = settings.training_events_poll_s
    sessions, pid, rid = state.sessions, run.project_id, run.id

    async def feed() -> AsyncIterator[bytes]:
        yield events.retry_hint()
        idle = 0.0
        while True:
            chunks = await run_in_threadpool(events.poll_once, sessions, pid, rid, stream)
            for chunk in chunks:
                yield chunk
            if stream.finished:
                return
            idle = 0.0 if chunks else idle + poll_s
            if idle >= KEEPALIVE_S:
                idle = 0.0
                yield b": keep-alive\n\n"
            await anyio.sleep(poll_s)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(feed(), media_type="text/event-stream", headers=headers)


@router.post(
    "/projects/{project_id}/training-runs/{run_id}/cancel",
    response_model=TrainingRunRead,
    summary="Cancel a run",
)
def cancel_run(
    project_id: DbId, run_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> TrainingRunRead:
    """A queued run is cancelled at once. A running one stops after its current step, keeps a
    checkpoint there and ends `cancelled` (`cancel_requested` is true until then). 409 if the
    run has already finished."""
    run = service.get_run(session, get_project(session, project_id), run_id)
    return service.to_read(session, service.cancel_run(session, dispatcher, run))


@router.post(
    "/projects/{project_id}/training-runs/{run_id}/resume",
    response_model=TrainingRunRead,
    summary="Resume a run",
)
def resume_run(
    project_id: DbId, run_id: DbId, session: SessionDep, dispatcher: DispatcherDep
) -> TrainingRunRead:
    """Queue a cancelled or failed run again as a new attempt that continues from its last
    checkpoint (finished epochs are not trained again). 409 without a checkpoint."""
    run = service.get_run(session, get_project(session, project_id), run_id)
    return service.to_read(session, service.resume_run(session, dispatcher, run))
