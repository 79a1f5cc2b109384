"""`mireru eval retrieval`: the embeddings domain's evaluation run in-process for the CLI, with no
bound on the number of items (the API evaluates at most 10,000 in a request)."""

import json
import math

import typer

from mireru.bench.report import Report
from mireru.config import Settings
from mireru.db import engine_for, session_factory, unit_of_work
from mireru.embeddings import evaluate, repository
from mireru.embeddings.schemas import RetrievalEvalRequest, RetrievalEvaluation
from mireru.errors import MireruError
from mireru.migrate import upgrade
from mireru.projects import repository as projects_repo
from mireru.services.stack import ServiceStack


def _table(result: RetrievalEvaluation, ks: list[int]) -> Report:
    cols = ["class", "queries", *[f"recall@{k}" for k in ks], *[f"precision@{k}" for k in ks], "map@r"]
    title = (
        f"retrieval on space {result.space_id} (splits {','.join(result.splits)}, target {result.target}): "
        f"{result.items} items, {result.queries} scored"
    )
    report = Report(title, cols)
    m = result.metrics
    overall = {f"recall@{k}": m.get(f"eval/recall@{k}", math.nan) for k in ks}
    overall |= {f"precision@{k}": m.get(f"eval/precision@{k}", math.nan) for k in ks}
    report.add(**{"class": "(all)", "queries": result.queries, **overall, "map@r": m.get("eval/map@r")})
    for c in result.per_class:
        row = {f"recall@{k}": c.recall.get(str(k), math.nan) for k in ks}
        row |= {f"precision@{k}": c.precision.get(str(k), math.nan) for k in ks}
        report.add(**{"class": c.name, "queries": c.queries, **row, "map@r": c.map_at_r})
    if result.written_to_model_version:
        report.notes.append(f"written to model version id {result.model_version_id}")
    return report


def run_cli_eval(
    settings: Settings,
    project_ref: str,
    space_id: int,
    splits: list[str],
    target: str,
    ks: list[int],
    write: bool,
    as_json: bool,
) -> None:
    try:
        request = RetrievalEvalRequest(
            splits=[s for s in splits if s],
            target=target,
            ks=ks,
            write_to_model_version=write,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with ServiceStack.start(settings) as stack:
        engine = engine_for(stack.database_url)
        upgrade(engine)
        try:
            with unit_of_work(session_factory(engine)) as session:
                project = (
                    projects_repo.get(session, int(project_ref))
                    if project_ref.isdigit()
                    else projects_repo.get_by_name(session, project_ref)
                )
                if project is None:
                    raise typer.BadParameter(f"no project {project_ref!r}")
                space = repository.get_space(session, project.id, space_id)
                if space is None:
                    raise typer.BadParameter(f"no embedding space {space_id} in project {project.id}")
                result = evaluate.evaluate_space(session, space, request, max_items=None)
        except MireruError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=1))
    else:
        typer.echo(_table(result, request.ks).table())
