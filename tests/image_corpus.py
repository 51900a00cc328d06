"""Files to upload in tests: good images, and every kind of bad one the site must refuse.

Built in memory with Pillow (and by hand where Pillow would refuse to write
the file), so the corpus is small, readable and needs no binary fixtures.
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# --- Good images -----------------------------------------------------------------------

CAMERA_MAKE = "FandexTestCam"
GPS_LATITUDE = (35.0, 39.0, 29.64)  # Tokyo


def png(width=800, height=600, colour=(200, 30, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def transparent_png(width=400, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 40, 120)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif(width=1600, height=900, orientation=1) -> bytes:
    """A JPEG a phone might send: camera make, GPS position and an orientation."""
    image = Image.new("RGB", (width, height), (20, 120, 200))
    # A mark in the top-left corner, to check the orientation was applied.
    image.paste((255, 255, 0), (0, 0, width // 4, height // 4))
    exif = image.getexif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def webp(width=500, height=400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (1, 150, 3)).save(out, "WEBP")
    return out.getvalue()


def animated_gif(width=300, height=200, frames=3) -> bytes:
    out = io.BytesIO()
    images = [Image.new("P", (width, height), index * 40) for index in range(frames)]
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100)
    return out.getvalue()


# --- Bad files -------------------------------------------------------------------------


def truncated_png() -> bytes:
    data = png()
    return data[: len(data) // 2]


def png_with_html() -> bytes:
    """A valid PNG with a web page after it: a "polyglot" a browser might sniff as HTML."""
    return png() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def svg_with_script() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<script type="text/javascript">alert(document.domain)</script>'
        b'<rect width="100" height="100" fill="red"/></svg>'
    )


def eps() -> bytes:
    """PostScript: Pillow would hand it to Ghostscript if it were allowed to open it."""
    return (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n"
        b"newpath 0 0 moveto 100 100 lineto stroke\nshowpage\n%%EOF\n"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def pixel_bomb(width=20000, height=20000) -> bytes:
    """A 1-bit PNG of ``width`` x ``height`` (400 megapixels): some 60 kB on disk,
    hundreds of megabytes once decoded. Written by hand: Pillow won't make one."""
    row = b"\0" + b"\0" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def oversized(limit: int) -> bytes:
    """A real PNG padded past ``limit`` bytes with an ancillary chunk."""
    data = png(64, 64)
    filler = _chunk(b"zzZz", b"\0" * (limit + 1))
    return data[:-12] + filler + data[-12:]


# Every refused file: (test id, uploaded name, content maker, error code).
REFUSED = [
    ("truncated-png", "truncated.png", truncated_png, "damaged"),
    ("png-with-html", "polyglot.png", png_with_html, "appended_data"),
    ("html-as-jpg", "page.jpg", html, "not_an_image"),
    ("empty", "empty.png", lambda: b"", "empty"),
    ("svg-with-script", "drawing.svg", svg_with_script, "not_an_image"),
    ("eps-as-png", "poster.png", eps, "not_an_image"),
    ("20000x20000", "huge.png", pixel_bomb, "too_many_pixels"),
]

# Names that are accepted, and stored under a generated name.
AWKWARD_NAMES = [
    "../../x.png",
    "a:b.png",
    ("n" * 296) + ".png",
    "メタリックルージュ・キービジュアル.png",
]


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
