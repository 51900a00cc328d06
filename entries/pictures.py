"""Uploaded images: checked, cleaned, re-encoded and stored with their renditions.

Nothing an uploader sends is stored as sent. ``prepare(upload)`` decides what
the file is from its content (never its name or declared type), refuses
anything but a whole, plain JPEG, PNG, WebP or GIF within the byte and pixel
limits, and re-encodes it: EXIF, GPS and every other kind of metadata are
dropped, the orientation a camera recorded is applied, colours are converted
to sRGB, and an animation keeps its first frame. It makes the renditions
(WebP, and JPEG or PNG for browsers without WebP) in memory and writes
nothing, so a form can check an upload and still be refused for another
reason without leaving a file behind.

``store(prepared)`` then writes the files through Django's storage API under
generated names (``pictures/ab/<uuid>.jpg``) and creates the ``Picture`` row.
Use ``discarding_on_error()`` around a request that stores pictures and may
still fail afterwards (an admin save): files written inside it are deleted
again if the block raises, so a rolled-back save leaves no orphan file.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import re
import struct
import unicodedata
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .models import Picture

# What Pillow may parse: the four formats we accept and nothing else. Without
# this list Image.open would also try EPS (Ghostscript), PSD, ICO, TIFF...
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_TEXT = "JPEG, PNG, WebP or GIF"

# Rendition widths in CSS pixels x density; an image narrower than one is not
# enlarged, its own width is the largest rendition instead.
RENDITION_WIDTHS = (160, 320, 640, 1280)
# WebP cannot hold a side longer than this; a longer image (a 1 x 40,000 strip is
# within the pixel limit) could not have renditions, so it is refused up front.
MAX_SIDE = 16383
JPEG_QUALITY = 85
WEBP_QUALITY = 80


def max_bytes() -> int:
    return settings.FANDEX_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.FANDEX_IMAGE_MAX_PIXELS


@dataclass
class Prepared:
    """A checked, re-encoded upload, in memory: what ``store`` writes."""

    width: int
    height: int
    format: str  # Picture.Format: the full-size image's and the fallback renditions'
    full: bytes
    # (width, height, webp bytes, fallback bytes), smallest first
    renditions: list[tuple[int, int, bytes, bytes]]
    sha256: str
    original_name: str
    files: int = field(init=False)

    def __post_init__(self):
        self.files = 1 + 2 * len(self.renditions)


# --- Checking -------------------------------------------------------------------------


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def prepare(upload, *, name: str | None = None) -> Prepared:
    """Check ``upload`` (a Django ``UploadedFile`` or any binary file object) and
    re-encode it. Raises ``ValidationError`` with a message for the uploader."""
    name = name if name is not None else getattr(upload, "name", "") or ""
    data = _read_limited(upload)
    # Image.open reads the header only: the size is checked before any pixel is
    # decoded. (Pillow itself refuses over 2 x Image.MAX_IMAGE_PIXELS at open.)
    image = _open(data)
    _check_size(*image.size)
    _check_ends(data, image)
    _check_whole(data)
    image = _cleaned(_decoded(data))
    has_alpha = image.mode == "RGBA"
    out_format = Picture.Format.PNG if has_alpha else Picture.Format.JPEG
    full = _encode(image, out_format)
    renditions = []
    # Largest first, each made from the one before: shrinking a 40-megapixel image
    # four times over costs seconds, shrinking it once and then 1280 px ones does not.
    source = image
    for width in reversed(_rendition_widths(image.width)):
        height = max(1, round(image.height * width / image.width))
        if width != source.width:
            source = source.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        renditions.append((width, height, _encode(source, "webp"), _encode(source, out_format)))
    renditions.reverse()
    return Prepared(
        width=image.width,
        height=image.height,
        format=out_format,
        full=full,
        renditions=renditions,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=clean_name(name),
    )


def _read_limited(upload) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(size, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    # Read one byte more than allowed: a file that lies about its size is caught too.
    data = upload.read(limit + 1)
    if not data:
        raise _error(_("The file is empty."), "empty")
    if len(data) > limit:
        raise _too_big(size or len(data), limit)
    return data


def _too_big(size: int, limit: int) -> ValidationError:
    return _error(
        _("The file is too large: %(size)s (%(bytes)s bytes); images may be at most %(limit)s.")
        % {"size": filesizeformat(size), "bytes": f"{size:,}", "limit": filesizeformat(limit)},
        "too_big",
    )


def _not_an_image() -> ValidationError:
    return _error(
        _(
            "This file is not a %(formats)s image. Its content decides, not its name: "
            "save it as one of those formats and upload it again."
        )
        % {"formats": ACCEPTED_TEXT},
        "not_an_image",
    )


def _damaged() -> ValidationError:
    return _error(_("The image is damaged or incomplete; it cannot be read to the end."), "damaged")


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    # Past Image.MAX_IMAGE_PIXELS Pillow warns (an exception where warnings are
    # errors, as in the tests), past twice that it refuses: both are over our limit.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error(
            _("The image has too many pixels; the limit is %(limit)s megapixels.")
            % {"limit": _megapixels(max_pixels())},
            "too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise _not_an_image() from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError):
        raise _damaged() from None


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > max_pixels():
        raise _error(
            _(
                "The image is %(width)d × %(height)d pixels (%(mp)s megapixels); "
                "the limit is %(limit)s megapixels."
            )
            % {
                "width": width,
                "height": height,
                "mp": _megapixels(round(width * height, -5)),
                "limit": _megapixels(max_pixels()),
            },
            "too_many_pixels",
        )
    if max(width, height) > MAX_SIDE:
        raise _error(
            _(
                "The image is %(width)d × %(height)d pixels; neither side may be longer "
                "than %(side)s pixels."
            )
            % {"width": width, "height": height, "side": f"{MAX_SIDE:,}"},
            "too_many_pixels",
        )


def _check_whole(data: bytes) -> None:
    """Pillow's own consistency check (chunk CRCs for PNG); a truncated or corrupt
    file that passes it still fails when ``_decoded`` decodes every pixel."""
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            image.verify()
    except Image.DecompressionBombError:
        raise _error(_("The image has too many pixels."), "too_many_pixels") from None
    except Exception:  # Pillow's decoders raise many kinds; all mean "cannot be read"
        raise _damaged() from None


def _decoded(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        image.seek(0)  # an animation keeps its first frame
        image.load()
    except Image.DecompressionBombError:
        raise _error(_("The image has too many pixels."), "too_many_pixels") from None
    except Exception:
        raise _damaged() from None
    return image


# --- Nothing after the end -----------------------------------------------------------------
#
# Browsers and Pillow ignore bytes after an image's end, which is how "polyglot"
# files hide HTML or a script behind a valid picture. We re-encode anyway, so
# nothing appended would be stored, but such a file is refused outright: it is not
# an honest image, and the uploader should know.


def _appended() -> ValidationError:
    return _error(
        _(
            "The file has other data after the end of the image (for example a web page "
            "or a script hidden behind it). Save the image again on its own and upload that."
        ),
        "appended_data",
    )


def _check_ends(data: bytes, image: Image.Image) -> None:
    if image.format in ("JPEG", "MPO"):
        end = _jpeg_end(data)
        # A multi-picture JPEG (MPO: stereo cameras, phones' depth or gain maps)
        # declares in its MPF header that more JPEG images follow the first one.
        if "mp" in image.info or image.format == "MPO":
            while end is not None and data[end : end + 2] == b"\xff\xd8":
                end = _jpeg_end(data, end)
    else:
        end = {"PNG": _png_end, "GIF": _gif_end, "WEBP": _webp_end}[image.format](data)
    if end is None:
        raise _damaged()
    # Some cameras and editors pad files with zero bytes; that is not content.
    tail = data[end:].strip(b"\0")
    if not tail:
        return
    # Phones put their own data after a photo's end (Samsung's trailer, HDR gain
    # maps that Pillow does not list as pictures): a JPEG is refused only when what
    # follows it is something a browser could take for a page or a script.
    if image.format in ("JPEG", "MPO") and not _looks_like_markup(tail):
        return
    raise _appended()


# Openings of what a browser would run or render if it sniffed the file as text.
MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|iframe|object|embed|img|a\s|\?php|\?xml|style)"
    rb"|javascript:",
    re.IGNORECASE,
)


def _looks_like_markup(tail: bytes) -> bool:
    return MARKUP.search(tail) is not None


def _png_end(data: bytes) -> int | None:
    position = 8  # the signature
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return position if position <= len(data) else None
    return None


def _webp_end(data: bytes) -> int | None:
    if len(data) < 12:
        return None
    (size,) = struct.unpack("<I", data[4:8])
    end = 8 + size
    return end if end <= len(data) else None


def _gif_end(data: bytes) -> int | None:
    """Walk the GIF's blocks to its trailer (0x3B)."""

    def skip_sub_blocks(position: int) -> int:
        while position < len(data):
            size = data[position]
            position += 1
            if size == 0:
                return position
            position += size
        raise IndexError

    try:
        flags = data[10]
        position = 13
        if flags & 0x80:
            position += 3 * (2 << (flags & 7))
        while True:
            block = data[position]
            if block == 0x3B:
                return position + 1
            if block == 0x21:  # extension: label, then sub-blocks
                position = skip_sub_blocks(position + 2)
            elif block == 0x2C:  # image descriptor, local colour table, LZW size, data
                flags = data[position + 9]
                position += 10
                if flags & 0x80:
                    position += 3 * (2 << (flags & 7))
                position = skip_sub_blocks(position + 1)
            else:
                return None
    except IndexError:
        return None


def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Walk the JPEG starting at ``start`` through its segments to the end of the
    (last) scan's image (FFD9)."""
    position = start + 2  # SOI
    try:
        while True:
            while data[position] == 0xFF and data[position + 1] == 0xFF:
                position += 1  # fill bytes
            if data[position] != 0xFF:
                return None
            marker = data[position + 1]
            if marker == 0xD9:
                return position + 2
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                position += 2
                continue
            (length,) = struct.unpack(">H", data[position + 2 : position + 4])
            position += 2 + length
            if marker == 0xDA:  # entropy-coded data runs to the next marker
                while True:
                    position = data.index(b"\xff", position)
                    following = data[position + 1]
                    if following == 0 or 0xD0 <= following <= 0xD7:
                        position += 2
                    else:
                        break
    except (IndexError, ValueError, struct.error):
        return None


# --- Cleaning and encoding ----------------------------------------------------------------


def _cleaned(image: Image.Image) -> Image.Image:
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
            raise _error(_("The image's colour format is not supported."), "colours") from None
    if has_alpha and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # fully opaque after all: a JPEG is smaller
    # Only the pixels go on. Pillow's encoders write the metadata they are given
    # (we give none) and what ``info`` holds (comments, colour profiles): with
    # ``info`` empty they write none. Cheaper than a fresh copy, which costs 160 MB
    # more at 40 megapixels; tests/test_pictures.py checks the stored files.
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


def _encode(image: Image.Image, fmt: str) -> bytes:
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


def _rendition_widths(width: int) -> list[int]:
    """The standard widths below ``width``, and ``width`` itself when it is not
    wider than the largest: an image is never enlarged, nor made twice at 1280."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths


def clean_name(name: str) -> str:
    """The uploader's file name, kept for editors to recognise: no folders, no control
    characters, at most 255 characters. Never used as a storage name."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[-255:]


# --- Storing ---------------------------------------------------------------------------------

_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "fandex_pictures_written", default=None
)


@contextmanager
def discarding_on_error():
    """Delete the files ``store`` writes inside the block if the block raises."""
    names: list[str] = []
    token = _written.set(names)
    try:
        yield
    except BaseException:
        _delete(names)
        raise
    finally:
        _written.reset(token)


def _delete(names: list[str]) -> None:
    for name in names:
        with suppress(OSError):
            default_storage.delete(name)


def store(prepared: Prepared, *, user=None) -> Picture:
    """Write ``prepared``'s files under generated names and create its ``Picture``.

    The same upload stored before is not stored twice: its existing Picture
    comes back (pictures never change, so sharing one is safe).
    """
    existing = Picture.objects.filter(sha256=prepared.sha256).first()
    if existing is not None:
        return existing
    stem = uuid.uuid4().hex
    base = f"pictures/{stem[:2]}/{stem}"
    ext = "png" if prepared.format == Picture.Format.PNG else "jpg"
    written: list[str] = []
    outer = _written.get()

    def save(name: str, content: bytes) -> str:
        saved = default_storage.save(name, ContentFile(content))
        written.append(saved)
        if outer is not None:
            outer.append(saved)
        return saved

    try:
        full_name = save(f"{base}.{ext}", prepared.full)
        renditions = [
            {
                "width": width,
                "height": height,
                "webp": save(f"{base}-{width}.webp", webp),
                "fallback": save(f"{base}-{width}.{ext}", fallback),
            }
            for width, height, webp, fallback in prepared.renditions
        ]
        with transaction.atomic():
            return Picture.objects.create(
                file=full_name,
                width=prepared.width,
                height=prepared.height,
                format=prepared.format,
                renditions=renditions,
                sha256=prepared.sha256,
                original_name=prepared.original_name,
                uploaded_by=user if user is not None and user.is_authenticated else None,
            )
    except BaseException:
        _delete(written)
        raise


def store_upload(upload, *, user=None) -> Picture:
    """``prepare`` then ``store``: for code with no form in between (commands, demo)."""
    return store(prepare(upload), user=user)


def delete_files(picture: Picture) -> None:
    """Delete a picture's files (after its row is gone; see ``prune_pictures``)."""
    _delete(picture.storage_names())
