"""The common shape every import format is read into, and every export is written from."""

import json
import math
from dataclasses import dataclass, field
from typing import Any

from mireru.errors import InvalidInput

LIST_SEPARATOR = ";"
CORE_COLUMNS = (
    "filename",
    "labels",
    "keywords",
    "identity",
    "split",
    "text",
    "metadata",
    "measurements",
    "boxes",
    "positives",
)
SPLITS = ("train", "val", "test")


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
    # Names (as in the same file) of the images that show the same thing: explicit positive pairs.
    positives: list[str] = field(default_factory=list)

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
        self.positives += [x for x in other.positives if x not in self.positives]


def split_list(value: str) -> list[str]:
    """A list cell: `a;b;c`, or a JSON list of strings for terms that themselves contain `;`."""
    stripped = value.strip()
    if stripped.startswith("["):
        try:
            parsed = json.loads(stripped)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(v, str) for v in parsed):
            return [v.strip() for v in parsed if v.strip()]
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def join_list(values: list[str]) -> str:
    """The inverse of split_list: plain `a;b` unless a term would be misread that way."""
    if any(LIST_SEPARATOR in v for v in values) or (values and values[0].lstrip().startswith("[")):
        return json.dumps(values, ensure_ascii=False)
    return LIST_SEPARATOR.join(values)


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity, which PostgreSQL's jsonb refuses.
    raise ValueError(f"{name} is not valid JSON")


def _json_cell(value: str, column: str, row: int) -> Any:
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError is a ValueError
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise InvalidInput(f"CSV row {row}, column {column}: malformed JSON ({message})") from exc


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def checked_split(value: str | None, where: str) -> str | None:
    split = (value or "").strip() or None
    if split not in (None, *SPLITS):
        raise InvalidInput(f"{where}: split must be train, val or test, not {split!r}")
    return split


def checked_metadata(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where}: metadata must be a JSON object")
    return value


def checked_measurements(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where}: measurements must be a JSON object")
    out: dict[str, float] = {}
    for key, reading in value.items():
        if isinstance(reading, bool) or not isinstance(reading, (int, float)) or not math.isfinite(reading):
            raise InvalidInput(f"{where}: measurement {key!r} is not a finite number")
        out[str(key)] = reading
    return out


def checked_boxes(value: Any, where: str) -> list[BoxRecord]:
    try:
        return [BoxRecord(str(b["label"]), *(float(b[k]) for k in "xywh")) for b in value]
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidInput(f"{where}: boxes must be a JSON list of {{label,x,y,w,h}}") from exc


def record_from_row(row: dict[str, str], line: int) -> ImportRecord:
    """A CSV row: the core columns by name; any other column is a measurement if numeric,
    otherwise metadata (so a plain sensor log `filename,strain,temperature` just works)."""
    where = f"CSV row {line}"
    filename = (row.get("filename") or row.get("file_name") or "").strip()
    if not filename:
        raise InvalidInput(f"{where}: the filename column is empty")
    rec = ImportRecord(filename=filename)
    rec.labels = split_list(row.get("labels") or "")
    rec.keywords = split_list(row.get("keywords") or "")
    rec.identity = (row.get("identity") or "").strip() or None
    rec.split = checked_split(row.get("split"), where)
    rec.text = row.get("text") or None
    if row.get("metadata"):
        rec.metadata.update(checked_metadata(_json_cell(row["metadata"], "metadata", line), where))
    if row.get("measurements"):
        readings = _json_cell(row["measurements"], "measurements", line)
        rec.measurements.update(checked_measurements(readings, where))
    if row.get("boxes"):
        rec.boxes = checked_boxes(_json_cell(row["boxes"], "boxes", line), where)
    rec.positives = split_list(row.get("positives") or "")
    for column, value in row.items():
        if column is None or column in CORE_COLUMNS or column == "file_name" or value in (None, ""):
            continue
        number = _number(value)
        if number is not None:
            rec.measurements[column] = number
        else:
            rec.metadata[column] = value
    return rec
