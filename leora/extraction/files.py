"""Uploaded images: the real type read from the bytes (never the name), size and pixel limits, storage
under MEDIA_ROOT per tenant, and opening them again for OCR and for the review page."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from leora.errors import DomainError, InvalidInput

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# 40 megapixels: more than any phone camera takes, far less than a decompression bomb.
MAX_PIXELS = 40_000_000
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class TooLarge(DomainError):
    """An upload over the size limit: 413."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, status=413)


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str
    width: int
    height: int


def sniff_type(content: bytes) -> str | None:
    """Return the image type the bytes begin with (JPEG, PNG, WebP or HEIC), or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and (content[8:12] in _HEIF_BRANDS or any(
        content[i : i + 4] in _HEIF_BRANDS for i in range(16, min(len(content), 64), 4)
    )):  # fmt: skip
        return "image/heic"
    return None


def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def image_check(content: bytes, *, field: str = "image") -> CheckedImage:
    """Check an upload and return its type and size; 413 over MAX_UPLOAD_BYTES, 422 naming ``field``
    for anything that is not a JPEG, PNG, WebP or HEIC image of at most MAX_PIXELS pixels."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"the image is {len(content) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB"
        )
    if not content:
        raise InvalidInput.on(field, "the file is empty")
    content_type = sniff_type(content)
    if content_type is None:
        raise InvalidInput.on(field, "this file is not a JPEG, PNG, WebP or HEIC image")
    if content_type == "image/heic":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput.on(
                        field,
                        f"the image is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
                        f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels",
                    )
                image.verify()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):  # fmt: skip
        raise InvalidInput.on(field, "the image could not be read; it may be damaged or cut short") from None
    return CheckedImage(content=content, content_type=content_type, width=width, height=height)


def image_store(*, tenant_id: int, checked: CheckedImage) -> str:
    """Write the image under MEDIA_ROOT/extractions/<tenant>/ and return its path relative to MEDIA_ROOT."""
    relative = Path("extractions") / str(tenant_id) / f"{uuid.uuid4().hex}.{EXTENSIONS[checked.content_type]}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(checked.content)
    return relative.as_posix()


def image_file(relative: str) -> Path:
    """Return the stored file of ``relative``, refusing any path that leaves MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"{relative!r} is outside MEDIA_ROOT")
    return path


def image_open(relative: str) -> Image.Image:
    """Open a stored image fully loaded (HEIC through pillow-heif)."""
    path = image_file(relative)
    if path.suffix == ".heic":
        _register_heif()
    with Image.open(path) as image:
        image.load()
        return image.copy()


def image_for_browser(relative: str, content_type: str) -> tuple[bytes, str]:
    """Return the bytes to show in a browser: the file itself, or a JPEG copy of a HEIC (browsers can't)."""
    path = image_file(relative)
    if content_type != "image/heic":
        return path.read_bytes(), content_type
    from PIL import ImageOps

    picture = ImageOps.exif_transpose(image_open(relative)) or image_open(relative)
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue(), "image/jpeg"
