"""Cleaning and encoding a checked image, and making its renditions.

Nothing is stored as sent: ``cleaned`` applies the orientation a camera
recorded, converts the colours to sRGB and drops EXIF, GPS and every other kind
of metadata; ``encode`` writes the result as JPEG, PNG (when it has
transparency) or WebP; ``renditions`` makes the sized copies that pages show.
"""

from __future__ import annotations

import io
from contextlib import suppress

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from entries.models import Picture

from .checks import refusal

# Rendition widths in CSS pixels x density; an image narrower than one is not
# enlarged, its own width is the largest rendition instead.
RENDITION_WIDTHS = (160, 320, 640, 1280)
JPEG_QUALITY = 85
WEBP_QUALITY = 80


def cleaned(image: Image.Image) -> Image.Image:
    """The image in RGB or RGBA and sRGB, turned the way the camera said, with no
    metadata. May change ``image`` itself."""
    # In place: a 40-megapixel image is 160 MB in Pillow, and every copy counts. A broken
    # EXIF block leaves the image as it is: the pixels are still good.
    with suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    converted = _to_srgb(image, mode)
    if converted is not None:
        image = converted
    elif image.mode != mode:
        try:
            image = image.convert(mode)
        except (OSError, ValueError):
            raise refusal(_("The image's colour format is not supported."), "colours") from None
    if has_alpha and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # fully opaque after all: a JPEG is smaller
    # Only the pixels go on. Pillow's encoders write the metadata they are given
    # (we give none) and what ``info`` holds (comments, colour profiles): with
    # ``info`` empty they write none. Cheaper than a fresh copy, which costs 160 MB
    # more at 40 megapixels; tests/pictures/test_upload.py checks the stored files.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, mode: str) -> Image.Image | None:
    """``image`` in sRGB and ``mode`` through its embedded colour profile, or None when
    it has none (or one we cannot use: then a plain conversion is the best we have)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def renditions(image: Image.Image, out_format: str) -> list[tuple[int, int, bytes, bytes]]:
    """``image``'s renditions, smallest first: (width, height, WebP bytes, bytes in
    ``out_format``) for each of ``rendition_widths``."""
    made = []
    # Largest first, each made from the one before: shrinking a 40-megapixel image
    # four times over costs seconds, shrinking it once and then 1280 px ones does not.
    source = image
    for width in reversed(rendition_widths(image.width)):
        height = max(1, round(image.height * width / image.width))
        if width != source.width:
            source = source.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        made.append((width, height, encode(source, "webp"), encode(source, out_format)))
    made.reverse()
    return made


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    elif fmt == Picture.Format.PNG:
        image.save(out, "PNG", optimize=image.width * image.height <= 1_000_000)
    else:
        # Optimised and progressive coding hold every coefficient of the image in
        # memory (some 120 MB at 40 megapixels); past 12 megapixels plain coding, a
        # fifth larger, streams instead. Renditions are always small enough.
        small = image.width * image.height <= 12_000_000
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=small, progressive=small)
    return out.getvalue()


def rendition_widths(width: int) -> list[int]:
    """The standard widths below ``width``, and ``width`` itself when it is not
    wider than the largest: an image is never enlarged, nor made twice at 1280."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths
