"""RQ jobs for word models and keyword vectors. They take ids, never ORM objects."""

from typing import Any

from mireru.jobs.runtime import JobContext, run_tracked
from mireru.words import building, keyword_vectors


def _reporter(ctx: JobContext) -> building.Progress:
    def progress(done: int, total: int, message: str) -> None:
        ctx.progress(done, total, message, force=done == 0 or done == total)

    return progress


def run_train(job_id: str, word_model_id: int) -> dict[str, Any]:
    """Train word2vec on the project's text (and corpus upload), store the words, index them."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt
        return building.train_model(rt.sessions, rt.blobs, rt.settings, word_model_id, _reporter(ctx))

    return run_tracked(job_id, body)


def run_import(job_id: str, word_model_id: int) -> dict[str, Any]:
    """Read an uploaded word vector file, store the words, index them."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt
        return building.import_model(rt.sessions, rt.blobs, rt.settings, word_model_id, _reporter(ctx))

    return run_tracked(job_id, body)


def run_drop_orphaned_indexes(job_id: str) -> dict[str, Any]:
    """Drop the vector indexes of deleted word models (CONCURRENTLY, outside any request)."""
    return run_tracked(job_id, lambda ctx: building.drop_orphaned_indexes(ctx.rt.sessions))


def fill_keyword_vectors(
    job_id: str, project_id: int, model_version_id: int, item_ids: list[int] | None = None
) -> dict[str, Any]:
    """Store a deployed keywords model's output vectors for every item of its project (or for
    `item_ids`, items uploaded after the deploy)."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt
        return keyword_vectors.fill(
            rt.sessions, rt.blobs, rt.settings, project_id, model_version_id, _reporter(ctx), item_ids
        )

    return run_tracked(job_id, body)
