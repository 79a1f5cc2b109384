"""RQ jobs for datasets. They take ids and blob digests, never ORM objects."""

from typing import Any

from mireru.datasets import service
from mireru.jobs.runtime import JobContext, run_tracked


def run_import(job_id: str, project_id: int, blob: str, fmt: str, upload_name: str) -> dict[str, Any]:
    """Import an uploaded archive or CSV in committed batches, with progress on the job."""

    def body(ctx: JobContext) -> dict[str, Any]:
        rt = ctx.rt
        try:
            plan, archive = service.open_plan(rt.blobs.path(blob), upload_name, fmt)
            ctx.progress(0, len(plan.records), "starting", force=True)
            try:
                result = service.import_all(
                    rt.sessions,
                    rt.blobs,
                    rt.settings,
                    project_id,
                    plan,
                    archive,
                    lambda done, total: ctx.progress(done, total, f"imported {done} of {total}"),
                )
            finally:
                if archive is not None:
                    archive.close()
        finally:
            # Nothing retries a failed import, so its upload is not kept either.
            service.release_upload(rt.sessions, rt.blobs, blob, job_id)
        ctx.progress(result.records, result.records, "done", force=True)
        return result.model_dump()

    return run_tracked(job_id, body)
