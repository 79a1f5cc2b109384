"""Decode and check uploaded images, and make thumbnails. Pure Pillow, no web or database."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from mireru.errors import InvalidInput, TooManyPixels, UnsupportedMedia

MEDIA_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
}


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    width: int
    height: int
    thumbnail: bytes


def open_checked(data: bytes, filename: str, max_pixels: int) -> Image.Image:
    """The image fully decoded (so truncation is caught now, not at training time), within the
    pixel limit and in a supported format. Raises a client error that names the file and the
    problem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise TooManyPixels(
                    f"{filename}: {width}x{height} = {width * height} pixels is over the limit of "
                    f"{max_pixels}",
                    filename=filename,
                    width=width,
                    height=height,
                    max_pixels=max_pixels,
                )
            fmt = image.format or ""
            if fmt not in MEDIA_TYPES:
                raise UnsupportedMedia(
                    f"{filename}: image format {fmt or 'unknown'} is not supported; use "
                    + ", ".join(MEDIA_TYPES),
                    filename=filename,
                )
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise UnsupportedMedia(f"{filename}: not an image file", filename=filename) from exc
        raise TooManyPixels(f"{filename}: image is too large to decode safely", filename=filename) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(
            f"{filename}: the image is corrupt or truncated ({exc})", filename=filename
        ) from exc
    return image


def inspect_image(data: bytes, filename: str, max_pixels: int, thumb_size: int) -> ImageInfo:
    """Check and fully decode the image (see `open_checked`) and make a thumbnail."""
    image = open_checked(data, filename, max_pixels)
    return ImageInfo(
        MEDIA_TYPES[image.format or ""], image.width, image.height, _thumbnail(image, thumb_size)
    )


def _thumbnail(image: Image.Image, size: int) -> bytes:
    thumb = ImageOps.exif_transpose(image.copy())
    if thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    thumb.thumbnail((size, size))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=85)
    return out.getvalue()
