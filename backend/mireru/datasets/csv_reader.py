"""Read a CSV of items (one row per image, by file name) into ImportRecords."""

import csv
import io

from mireru.datasets.records import ImportRecord, record_from_row
from mireru.errors import InvalidInput

MAX_CSV_ROWS = 1_000_000


def parse_csv(data: bytes) -> list[ImportRecord]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV is not UTF-8 text") from exc
    reader = csv.DictReader(io.StringIO(text))
    try:
        fields = reader.fieldnames or []
        if "filename" not in fields and "file_name" not in fields:
            raise InvalidInput(f"the CSV needs a 'filename' column; it has {fields}")
        records = []
        for line, row in enumerate(reader, start=2):
            if line > MAX_CSV_ROWS:
                raise InvalidInput(f"the CSV has more than {MAX_CSV_ROWS} rows")
            records.append(record_from_row(row, line))
    except csv.Error as exc:
        raise InvalidInput(f"malformed CSV: {exc}") from exc
    return records
