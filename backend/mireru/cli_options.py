"""What every command of the `mireru` CLI (and `mireru bench`) shares: the data-dir option,
settings read afresh, logging, and comma-separated numbers."""

import logging
from pathlib import Path
from typing import Annotated

import typer

from mireru.config import Settings

DataDir = Annotated[Path | None, typer.Option(help="Mireru data dir (default ./data or MIRERU_DATA_DIR)")]


def settings_for(data_dir: Path | None = None, **overrides: object) -> Settings:
    """Settings from the environment, read afresh (each command is its own process in real use,
    and tests run several commands with different environments in one process)."""
    base = Settings()
    updates: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        updates["data_dir"] = data_dir
    return base.model_copy(update=updates) if updates else base


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def ints(csv: str) -> list[int]:
    """ "1,8" -> [1, 8]; blanks are skipped."""
    return [int(v) for v in csv.split(",") if v.strip()]
