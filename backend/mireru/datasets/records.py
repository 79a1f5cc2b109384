"""The common shape every import format is read into, and every export is written from."""

import json
import math
from dataclasses import dataclass, field
from typing import Any

from mireru.errors import InvalidInput

LIST_SEPARATOR = ";"
CORE_COLUMNS = (
    "filename", "labels", "keywords", "identity", "split", "text", "metadata", "measurements", "boxes",
)  # fmt: skip


@dataclass
class BoxRecord:
    label: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class ImportRecord:
    """One image (by its path in the archive) or, for CSV-only imports, one existing item by name."""

    filename: str
    path: str | None = None
    labels: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    identity: str | None = None
    split: str | None = None
    text: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    boxes: list[BoxRecord] = field(default_factory=list)

    def merge(self, other: "ImportRecord") -> None:
        """Fold annotations from another source (e.g. a CSV beside the images) into this one."""
        self.labels += [x for x in other.labels if x not in self.labels]
        self.keywords += [x for x in other.keywords if x not in self.keywords]
        self.identity = other.identity or self.identity
        self.split = other.split or self.split
        self.text = other.text if other.text is not None else self.text
        self.metadata.update(other.metadata)
        self.measurements.update(other.measurements)
        self.boxes += other.boxes


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def _json_cell(value: str, column: str, row: int) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"CSV row {row}, column {column}: malformed JSON ({exc.msg})") from exc


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def record_from_row(row: dict[str, str], line: int) -> ImportRecord:
    """A CSV row: the core columns by name; any other column is a measurement if numeric,
    otherwise metadata (so a plain sensor log `filename,strain,temperature` just works)."""
    filename = (row.get("filename") or row.get("file_name") or "").strip()
    if not filename:
        raise InvalidInput(f"CSV row {line}: the filename column is empty")
    rec = ImportRecord(filename=filename)
    rec.labels = split_list(row.get("labels") or "")
    rec.keywords = split_list(row.get("keywords") or "")
    rec.identity = (row.get("identity") or "").strip() or None
    split = (row.get("split") or "").strip() or None
    if split not in (None, "train", "val", "test"):
        raise InvalidInput(f"CSV row {line}: split must be train, val or test, not {split!r}")
    rec.split = split
    rec.text = row.get("text") or None
    if row.get("metadata"):
        meta = _json_cell(row["metadata"], "metadata", line)
        if not isinstance(meta, dict):
            raise InvalidInput(f"CSV row {line}: metadata must be a JSON object")
        rec.metadata.update(meta)
    if row.get("measurements"):
        readings = _json_cell(row["measurements"], "measurements", line)
        if not isinstance(readings, dict):
            raise InvalidInput(f"CSV row {line}: measurements must be a JSON object")
        for key, value in readings.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInput(f"CSV row {line}: measurement {key!r} is not a number")
            rec.measurements[key] = value
    if row.get("boxes"):
        boxes = _json_cell(row["boxes"], "boxes", line)
        try:
            rec.boxes = [BoxRecord(str(b["label"]), *(float(b[k]) for k in "xywh")) for b in boxes]
        except (TypeError, KeyError, ValueError) as exc:
            raise InvalidInput(f"CSV row {line}: boxes must be a JSON list of {{label,x,y,w,h}}") from exc
    for column, value in row.items():
        if column is None or column in CORE_COLUMNS or column == "file_name" or value in (None, ""):
            continue
        number = _number(value)
        if number is not None:
            rec.measurements[column] = number
        else:
            rec.metadata[column] = value
    return rec
