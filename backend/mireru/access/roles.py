"""Roles on a project, from least to most trusted; each includes the rights of those below it."""

from enum import IntEnum
from typing import Literal

RoleName = Literal["viewer", "annotator", "trainer", "admin"]


class Role(IntEnum):
    viewer = 1  # reads everything in the project
    annotator = 2  # + uploads, edits items and annotations, imports
    trainer = 3  # + training runs, spaces, deploys, predictions that write back
    admin = 4  # + deletes the project, manages members and API keys

    @classmethod
    def parse(cls, name: str) -> "Role":
        return cls[name]
