"""Prediction tests train real models through the platform: reuse the training fixtures."""

from tests.training.conftest import job_env, live, training_settings

__all__ = ["job_env", "live", "training_settings"]
