"""Read an uploaded ImageFolder zip, COCO zip or CSV into an ImportPlan. Everything structural is
checked here, before any job runs, so a malformed upload is refused with a 4xx at once."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mireru.datasets.archive import SafeZip, looks_like_zip
from mireru.datasets.coco import find_coco, parse_coco
from mireru.datasets.csv_reader import parse_csv
from mireru.datasets.imagefolder import parse_imagefolder
from mireru.datasets.records import ImportRecord
from mireru.errors import InvalidInput

Format = Literal["imagefolder", "coco", "csv"]


@dataclass
class ImportPlan:
    format: Format
    records: list[ImportRecord]
    # Label classes the dataset declares (COCO categories), created even if nothing uses them.
    classes: list[str] = field(default_factory=list)


def _plan_archive(archive: SafeZip, fmt: str | None) -> ImportPlan:
    if fmt in (None, "coco"):
        found = find_coco(archive)
        if found is not None:
            records, classes = parse_coco(archive, *found)
            return ImportPlan("coco", records, classes)
        if fmt == "coco":
            raise InvalidInput("no COCO JSON (with 'images' and 'annotations') in the archive")
    return ImportPlan("imagefolder", parse_imagefolder(archive))


def plan_import(path: Path, upload_name: str, fmt: str | None) -> tuple[ImportPlan, SafeZip | None]:
    """Read and check an upload; the returned archive (if any) must be closed by the caller."""
    is_zip = looks_like_zip(path)
    if fmt == "csv" or (fmt is None and not is_zip):
        if is_zip:
            raise InvalidInput("format=csv was given but the upload is a zip archive")
        if fmt is None and not upload_name.lower().endswith(".csv"):
            raise InvalidInput(
                f"{upload_name}: the upload is neither a zip archive nor a .csv file "
                "(send an ImageFolder or COCO zip, or a CSV)"
            )
        return ImportPlan("csv", parse_csv(path.read_bytes())), None
    if not is_zip:
        raise InvalidInput(f"format={fmt} needs a zip archive")
    archive = SafeZip(path)
    try:
        return _plan_archive(archive, fmt), archive
    except BaseException:
        archive.close()
        raise
