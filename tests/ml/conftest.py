"""Fixtures for the ML tests: tiny models saved on the fly, loaded through the real code."""

from pathlib import Path

import pytest

from tests.ml.models import save_tiny_clip


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The model name of a tiny random CLIP stored as an open_clip local-dir model."""
    return save_tiny_clip(Path(tmp_path_factory.mktemp("tiny-clip")))
