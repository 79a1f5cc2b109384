"""The sample project of a fresh install: real images that ship inside installed packages
(scikit-image's and scikit-learn's sample photos, scikit-learn's handwritten digits) with labels,
keywords, splits and example sensor readings, so the platform is not empty on first start."""

import io
import logging
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from mireru.annotations import service as annotations
from mireru.annotations.schemas import AnnotationsPut
from mireru.config import Settings
from mireru.items import service as items
from mireru.models import Project
from mireru.projects import repository
from mireru.storage import BlobStore

log = logging.getLogger(__name__)

SAMPLE_NAME = "Sample: photos and handwritten digits"
DIGITS_PER_CLASS = 20
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# (scikit-image function, class label, keywords)
PHOTOS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("astronaut", "person", ("astronaut", "portrait", "space suit", "flag")),
    ("camera", "person", ("cameraman", "tripod", "black and white")),
    ("chelsea", "animal", ("cat", "tabby", "whiskers")),
    ("horse", "animal", ("horse", "silhouette", "black and white")),
    ("coffee", "object", ("coffee", "cup", "saucer", "drink")),
    ("coins", "object", ("coins", "money", "metal")),
    ("clock", "object", ("clock", "time")),
    ("rocket", "vehicle", ("rocket", "launch pad", "sky")),
    ("brick", "texture", ("brick", "wall", "masonry")),
    ("grass", "texture", ("grass", "lawn")),
    ("gravel", "texture", ("gravel", "stones")),
    ("moon", "astronomy", ("moon", "crater", "surface")),
    ("hubble_deep_field", "astronomy", ("galaxies", "deep field", "space")),
    ("page", "document", ("text", "page", "book")),
    ("text", "document", ("text", "printed", "letters")),
    ("immunohistochemistry", "microscopy", ("tissue", "stain", "cells")),
    ("cell", "microscopy", ("cell", "microscope")),
    ("retina", "medical", ("retina", "eye", "fundus")),
)
SKLEARN_PHOTOS = {
    "china.jpg": ("building", ("temple", "architecture", "trees", "china")),
    "flower.jpg": ("plant", ("flower", "dahlia", "petals")),
}


@dataclass
class SampleImage:
    filename: str
    data: bytes
    label: str
    keywords: tuple[str, ...]
    split: str
    measurements: dict[str, float]
    metadata: dict[str, str] = field(default_factory=dict)
    text: str | None = None


def _png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def _split(i: int) -> str:
    return ("train", "train", "train", "train", "train", "train", "train", "val", "val", "test")[i % 10]


def _photos(rng: np.random.Generator) -> Iterator[SampleImage]:
    import skimage.data
    from sklearn.datasets import load_sample_images

    for i, (name, label, keywords) in enumerate(PHOTOS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = getattr(skimage.data, name)()
        if array.dtype != np.uint8:
            array = (255 * (array.astype(np.float64) / max(float(array.max()), 1.0))).astype(np.uint8)
        yield SampleImage(
            filename=f"{name}.png",
            data=_png(array),
            label=label,
            keywords=keywords,
            split=_split(i),
            measurements={
                "temperature_c": round(float(rng.normal(21, 3)), 2),
                "humidity_pct": round(float(rng.uniform(30, 70)), 1),
                "lux": round(float(rng.uniform(50, 2000)), 0),
                "timestamp": 1_767_225_600 + 3600 * i,
            },
            metadata={"source": "scikit-image", "camera": "A" if i % 2 else "B"},
            text=f"{name.replace('_', ' ')}: " + ", ".join(keywords),
        )
    bundle = load_sample_images()
    for j, (path, array) in enumerate(zip(bundle.filenames, bundle.images, strict=True)):
        base = path.rsplit("/", 1)[-1]
        label, keywords = SKLEARN_PHOTOS[base]
        out = io.BytesIO()
        Image.fromarray(array).save(out, format="JPEG", quality=90)
        yield SampleImage(
            filename=base,
            data=out.getvalue(),
            label=label,
            keywords=keywords,
            split="train",
            measurements={
                "temperature_c": 24.5 + j,
                "humidity_pct": 55.0,
                "lux": 12_000.0,
                "timestamp": 1_767_312_000 + 3600 * j,
            },
            metadata={"source": "scikit-learn", "camera": "C"},
            text=", ".join(keywords),
        )


def _digits(rng: np.random.Generator) -> Iterator[SampleImage]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    taken = dict.fromkeys(range(10), 0)
    for index, (image, target) in enumerate(zip(digits.images, digits.target, strict=True)):
        digit = int(target)
        if taken[digit] >= DIGITS_PER_CLASS:
            continue
        n = taken[digit]
        taken[digit] += 1
        big = np.kron((image * (255 / 16)).astype(np.uint8), np.ones((4, 4), dtype=np.uint8))
        yield SampleImage(
            filename=f"digit-{digit}-{index:04d}.png",
            data=_png(255 - big),
            label=str(digit),
            keywords=("handwritten", "digit", DIGIT_WORDS[digit]),
            split=_split(n),
            measurements={
                "pen_pressure": round(float(rng.uniform(0.2, 1.0)), 3),
                "stroke_ms": round(float(rng.normal(900, 150)), 1),
                "timestamp": 1_767_398_400 + 60 * index,
            },
            metadata={"source": "scikit-learn digits", "writer": f"w{index % 13:02d}"},
        )


def sample_images() -> Iterator[SampleImage]:
    rng = np.random.default_rng(20261127)
    yield from _photos(rng)
    yield from _digits(rng)


def load_sample_project(
    session: Session, blobs: BlobStore, settings: Settings, progress: Callable[[int], None] | None = None
) -> Project | None:
    """Create the sample project unless one with its name exists; returns it, or None if skipped."""
    if repository.get_by_name(session, SAMPLE_NAME) is not None:
        return None
    project = repository.add(
        session,
        Project(
            name=SAMPLE_NAME,
            description="Photos from scikit-image and scikit-learn, and 200 "
            "handwritten digits, with labels, keywords and example sensor readings.",
        ),
    )
    for n, sample in enumerate(sample_images(), start=1):
        image = items.NewImage(
            filename=sample.filename,
            data=sample.data,
            metadata=sample.metadata,
            measurements=sample.measurements,
            text=sample.text,
        )
        [(item, _)] = items.add_images(session, blobs, settings, project, [image])
        annotations.put_annotations(
            session,
            item,
            AnnotationsPut(labels=[sample.label], keywords=list(sample.keywords), split=sample.split),
        )
        if progress is not None:
            progress(n)
    log.info("loaded the sample project %r", SAMPLE_NAME)
    return project
