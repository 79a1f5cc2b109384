"""RQ jobs for training. They take ids, never ORM objects; the `training` queue runs them."""

from typing import Any

from rq import get_current_job

from mireru.training.runner import run_attempt


def run_training(run_id: int, attempt: int) -> dict[str, Any]:
    """Run one attempt of a training run (a retry after a dead worker is a later attempt that
    resumes from the run's last checkpoint)."""
    return run_attempt(run_id, attempt, get_current_job())
