"""Safe reading of uploaded zip archives: no path traversal, no zip bombs."""

import posixpath
import zipfile
import zlib
from pathlib import Path

from mireru.errors import InvalidInput, PayloadTooLarge

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
# A local file header, or the end record of an empty archive.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_MEMBERS = 200_000
MAX_UNCOMPRESSED = 20 * 1024**3
MAX_RATIO = 200


def looks_like_zip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) in ZIP_MAGIC


def safe_name(name: str) -> str:
    """The member's normalised path, or an error if it could escape the archive."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise InvalidInput(f"archive member {name!r} has an absolute or Windows path; refused")
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../") or "/../" in f"/{normal}/":
        raise InvalidInput(f"archive member {name!r} points outside the archive; refused")
    return normal


class SafeZip:
    """A zip whose member list was checked once on opening."""

    def __init__(self, path: Path) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InvalidInput(f"the upload is not a readable zip archive ({exc})") from exc
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PayloadTooLarge(f"the archive has {len(infos)} entries; the limit is {MAX_MEMBERS}")
        total = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = safe_name(info.filename)
            if info.is_dir() or posixpath.basename(name).startswith(".") or "__MACOSX" in name:
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise InvalidInput(f"archive member {info.filename!r} is a symbolic link; refused")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise PayloadTooLarge(f"archive member {info.filename!r} is suspiciously compressed")
            total += info.file_size
            self.members[name] = info
        if total > MAX_UNCOMPRESSED:
            raise PayloadTooLarge(f"the archive unpacks to {total} bytes; the limit is {MAX_UNCOMPRESSED}")

    def names(self) -> list[str]:
        return sorted(self.members)

    def images(self) -> list[str]:
        return [n for n in self.names() if posixpath.splitext(n)[1].lower() in IMAGE_SUFFIXES]

    def read(self, name: str, limit: int) -> bytes:
        info = self.members[name]
        if info.file_size > limit:
            raise PayloadTooLarge(f"{name}: {info.file_size} bytes is over the limit of {limit}")
        try:
            with self.zf.open(info) as f:
                data = f.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            # A damaged member (bad CRC, truncated data, unknown compression, encrypted) is that member's
            # problem: the caller skips it and imports the rest.
            raise InvalidInput(f"{name}: the archive member is damaged ({exc})", member=name) from exc
        if len(data) > limit:
            raise PayloadTooLarge(f"{name}: larger than the limit of {limit} bytes")
        return data

    def close(self) -> None:
        self.zf.close()
