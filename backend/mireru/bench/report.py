"""Bench output: one list of rows, printed as an aligned table or as JSON (same rows)."""

import json
import math
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

Row = dict[str, Any]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


@dataclass
class Report:
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, **row: Any) -> Row:
        self.rows.append(row)
        return row

    def table(self) -> str:
        cells = [[_cell(row.get(c)) for c in self.columns] for row in self.rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = [self.title, "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for r in cells:
            lines.append(
                "  ".join(
                    v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True))
                )
            )
        lines += self.notes
        return "\n".join(lines)

    def _clean_rows(self) -> list[dict[str, Any]]:
        """NaN (not measured) becomes null, which JSON has."""
        return [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in self.rows
        ]

    def emit(self, as_json: bool, out: TextIO | None = None, log: TextIO | None = None) -> None:
        """--json: rows as JSON on stdout (the table goes to stderr); else the table on stdout."""
        # The streams of the call, not of import time (test runners swap them).
        out, log = out or sys.stdout, log or sys.stderr
        if as_json:
            print(self.table(), file=log)
            json.dump({"bench": self.title, "rows": self._clean_rows(), "notes": self.notes}, out, indent=1)
            out.write("\n")
        else:
            print(self.table(), file=out)

    def emit_rows(self, as_json: bool, out: TextIO | None = None, log: TextIO | None = None) -> None:
        """--json: exactly the rows, as a JSON list, on stdout (the table and notes go to stderr),
        the shape the model benchmarks promise; else the table on stdout."""
        out, log = out or sys.stdout, log or sys.stderr
        if as_json:
            print(self.table(), file=log)
            json.dump(self._clean_rows(), out, indent=1)
            out.write("\n")
        else:
            print(self.table(), file=out)
