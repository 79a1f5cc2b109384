"""Turn item-listing query parameters into an ItemFilter, with errors that say what is wrong."""

from typing import Annotated, Literal

from fastapi import Query
from pydantic import ValidationError

from mireru.errors import InvalidInput
from mireru.items.schemas import ItemFilter, MetadataValue, NumericRange, Split


def _metadata_pairs(raw: list[str]) -> dict[str, MetadataValue]:
    out: dict[str, MetadataValue] = {}
    for entry in raw:
        key, sep, value = entry.partition(":")
        if not sep or not key:
            raise InvalidInput(f"metadata filter {entry!r} must look like key:value", field="metadata")
        if key in out:
            raise InvalidInput(f"metadata filter key {key!r} is given twice", field="metadata")
        out[key] = value
    return out


def _measurement_ranges(raw: list[str]) -> dict[str, NumericRange]:
    out: dict[str, NumericRange] = {}
    for entry in raw:
        parts = entry.split(":")
        if len(parts) != 3 or not parts[0]:
            raise InvalidInput(
                f"measurement filter {entry!r} must look like key:min:max (either bound may be empty)",
                field="measurement",
            )
        key, low, high = parts
        try:
            out[key] = NumericRange(
                gte=float(low) if low.strip() else None, lte=float(high) if high.strip() else None
            )
        except (ValueError, ValidationError) as exc:
            raise InvalidInput(
                f"measurement filter {entry!r}: bounds must be numbers and at least one given",
                field="measurement",
            ) from exc
    return out


def item_filter(
    label: Annotated[str | None, Query(max_length=200, description="has this class label")] = None,
    keyword: Annotated[str | None, Query(max_length=200, description="has this keyword")] = None,
    identity: Annotated[str | None, Query(max_length=200)] = None,
    split: Annotated[Split | Literal["none"] | None, Query(description='"none": items with no split')] = None,
    annotated: Annotated[bool | None, Query(description="has any annotation (true) or none")] = None,
    text: Annotated[str | None, Query(max_length=500, description="text contains")] = None,
    metadata: Annotated[list[str], Query(description="repeatable key:value, e.g. metadata=camera:A")] = [],  # noqa: B006  # FastAPI copies defaults per request
    measurement: Annotated[
        list[str], Query(description="repeatable key:min:max, e.g. measurement=strain:0.1:0.5")
    ] = [],  # noqa: B006
    pending_suggestions: Annotated[
        bool | None,
        Query(description="true: has a model's suggestion waiting for review (pending); false: none waiting"),
    ] = None,
    crop: Annotated[
        bool | None,
        Query(description="true: crops a detector cut from another item; false: every other item"),
    ] = None,
    source_item_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="crops cut from this item, e.g. source_item_id=12")
    ] = None,
) -> ItemFilter:
    return ItemFilter(
        label=label,
        keyword=keyword,
        identity=identity,
        split=split,
        annotated=annotated,
        text=text,
        metadata=_metadata_pairs(metadata),
        measurements=_measurement_ranges(measurement),
        pending_suggestions=pending_suggestions,
        crop=crop,
        source_item_id=source_item_id,
    )
