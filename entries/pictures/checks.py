"""Checking an upload: what it is, whether it is whole, and whether it is within limits.

``checked(upload)`` reads the file (never more than the byte limit), decides
what it is from its content alone (never its name or declared type), and
refuses anything but a whole, plain JPEG, PNG, WebP or GIF within the byte and
pixel limits, with nothing hidden after the image's end. Every refusal is a
``ValidationError`` with a message the uploader can act on and a ``code``.
"""

from __future__ import annotations

import io
import re
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# What Pillow may parse: the four formats we accept and nothing else. Without
# this list Image.open would also try EPS (Ghostscript), PSD, ICO, TIFF...
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_TEXT = "JPEG, PNG, WebP or GIF"
# WebP cannot hold a side longer than this; a longer image (a 1 x 40,000 strip is
# within the pixel limit) could not have renditions, so it is refused up front.
MAX_SIDE = 16383


def max_bytes() -> int:
    return settings.FANDEX_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.FANDEX_IMAGE_MAX_PIXELS


def refusal(message: str, code: str) -> ValidationError:
    """A refused upload: ``message`` for the uploader, ``code`` naming the reason."""
    return ValidationError(message, code=code)


def checked(upload) -> tuple[bytes, Image.Image]:
    """The bytes of ``upload`` (a Django ``UploadedFile`` or any binary file object)
    and its first frame decoded, once every check has passed. Raises
    ``ValidationError`` with a message for the uploader."""
    data = _read_limited(upload)
    # Image.open reads the header only: the size is checked before any pixel is
    # decoded. (Pillow itself refuses over 2 x Image.MAX_IMAGE_PIXELS at open.)
    image = _open(data)
    _check_size(*image.size)
    _check_ends(data, image)
    _check_whole(data)
    return data, _decoded(data)


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
        raise refusal(_("The file is empty."), "empty")
    if len(data) > limit:
        raise _too_big(size or len(data), limit)
    return data


def _too_big(size: int, limit: int) -> ValidationError:
    return refusal(
        _("The file is too large: %(size)s (%(bytes)s bytes); images may be at most %(limit)s.")
        % {"size": filesizeformat(size), "bytes": f"{size:,}", "limit": filesizeformat(limit)},
        "too_big",
    )


def _not_an_image() -> ValidationError:
    return refusal(
        _(
            "This file is not a %(formats)s image. Its content decides, not its name: "
            "save it as one of those formats and upload it again."
        )
        % {"formats": ACCEPTED_TEXT},
        "not_an_image",
    )


def _damaged() -> ValidationError:
    return refusal(
        _("The image is damaged or incomplete; it cannot be read to the end."), "damaged"
    )


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    # Past Image.MAX_IMAGE_PIXELS Pillow warns (an exception where warnings are
    # errors, as in the tests), past twice that it refuses: both are over our limit.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refusal(
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
        raise refusal(
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
        raise refusal(
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
        raise refusal(_("The image has too many pixels."), "too_many_pixels") from None
    except Exception:  # Pillow's decoders raise many kinds; all mean "cannot be read"
        raise _damaged() from None


def _decoded(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        image.seek(0)  # an animation keeps its first frame
        image.load()
    except Image.DecompressionBombError:
        raise refusal(_("The image has too many pixels."), "too_many_pixels") from None
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
    return refusal(
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
