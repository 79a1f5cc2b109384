"""The ImageFolder layout, read and written by the same rules: `[wrapper/][split/]class/image`,
optionally with a CSV beside the images (mireru.csv) that carries everything folders cannot."""

import posixpath

from mireru.datasets.archive import SafeZip
from mireru.datasets.csv_reader import parse_csv
from mireru.datasets.records import SPLITS, ImportRecord
from mireru.errors import InvalidInput

SPLIT_DIRS = set(SPLITS)
UNLABELED_DIR = "_unlabeled"
SIDECAR_CSV = "mireru.csv"
MAX_SIDECAR_BYTES = 512 * 1024 * 1024


def folder_for_label(label: str | None) -> str:
    """The class folder an exporter may write for a label. A name the reader would take for
    something else (a split, a nested path, a hidden or Windows path) goes to `_unlabeled/`:
    the sidecar CSV still carries the label."""
    if label is None or label in SPLIT_DIRS or label == UNLABELED_DIR or label.startswith("."):
        return UNLABELED_DIR
    if any(c in label for c in "/\\:") or "__MACOSX" in label:
        return UNLABELED_DIR
    return label


def _wrapper_depth(parts: list[list[str]]) -> int:
    # A single wrapper folder (dataset/cat/1.jpg) is not a class: drop it when all images are at
    # least two folders below it. A lone split folder (train/cat/1.jpg) is not a wrapper.
    tops = {p[0] for p in parts}
    if all(len(p) >= 3 for p in parts) and len(tops) == 1 and not tops <= SPLIT_DIRS:
        return 1
    return 0


def parse_imagefolder(archive: SafeZip) -> list[ImportRecord]:
    images = archive.images()
    if not images:
        raise InvalidInput("the archive holds no images (jpg, png, gif, bmp, tiff, webp)")
    split_paths = [p.split("/") for p in images]
    strip = _wrapper_depth(split_paths)
    records = []
    for path, parts in zip(images, split_paths, strict=True):
        folders = parts[strip:-1]
        rec = ImportRecord(filename=parts[-1], path=path)
        if folders and folders[0] in SPLIT_DIRS:
            rec.split = folders[0]
            folders = folders[1:]
        if folders and folders[-1] != UNLABELED_DIR:
            rec.labels = [folders[-1]]
        records.append(rec)
    sidecar = _sidecar_name(archive)
    if sidecar is not None:
        rows = parse_csv(archive.read(sidecar, MAX_SIDECAR_BYTES))
        _apply_sidecar(records, rows, posixpath.dirname(sidecar))
    return records


def _sidecar_name(archive: SafeZip) -> str | None:
    """mireru.csv wherever it is, else the first CSV in the archive."""
    csvs = [n for n in archive.names() if n.lower().endswith(".csv")]
    named = [n for n in csvs if posixpath.basename(n) == SIDECAR_CSV]
    candidates = named or csvs
    return candidates[0] if candidates else None


def _apply_sidecar(records: list[ImportRecord], rows: list[ImportRecord], base_dir: str) -> None:
    """Merge the CSV's rows into the image records, matched by path in the archive, by path
    relative to the CSV, or by a file name that only one image has."""
    by_path = {r.path: r for r in records}
    by_name: dict[str, list[ImportRecord]] = {}
    for r in records:
        by_name.setdefault(r.filename, []).append(r)

    def image_named(name: str) -> ImportRecord | None:
        relative = posixpath.normpath(posixpath.join(base_dir, name))
        found = by_path.get(name) or by_path.get(relative)
        if found is None:
            named = by_name.get(posixpath.basename(name), [])
            found = named[0] if len(named) == 1 else None
        return found

    for row in rows:
        target = image_named(row.filename)
        if target is None:
            raise InvalidInput(
                f"the CSV names {row.filename!r}, which is not an image in the archive (or is not unique)"
            )
        # Positives name images the way rows do; the importer knows images by archive path.
        row.positives = [found.path if (found := image_named(p)) and found.path else p for p in row.positives]
        row_filename = target.filename
        target.merge(row)
        target.filename = row_filename
