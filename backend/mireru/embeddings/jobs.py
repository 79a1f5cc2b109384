"""RQ jobs for embedding spaces. They take ids, never ORM objects."""

from typing import Any

from mireru.embeddings import building
from mireru.jobs.runtime import JobContext, run_tracked


def run_embed(job_id: str, space_id: int, item_ids: list[int] | None = None) -> dict[str, Any]:
    """Embed a space's items (all missing ones, or `item_ids`), with items/s and ETA on the job."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt

        def progress(done: int, total: int, message: str) -> None:
            ctx.progress(done, total, message, force=done == 0 or done == total)

        return building.embed_space(rt.sessions, rt.blobs, rt.settings, space_id, item_ids, progress)

    return run_tracked(job_id, body)


def run_build_index(job_id: str, space_id: int, index: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build a space's vector index (or a new one to replace it), then switch to it."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt

        def progress(done: int, total: int, message: str) -> None:
            ctx.progress(done, total, message, force=True)

        return building.build_index(rt.sessions, rt.settings, space_id, index, progress)

    return run_tracked(job_id, body)
