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
    """``frames`` frames of different colours (red first); Pillow would merge equal ones."""
    out = io.BytesIO()
    colours = [(220, 20, 20), (20, 220, 20), (20, 20, 220), (220, 220, 20)]
    images = [Image.new("RGB", (width, height), colours[index % 4]) for index in range(frames)]
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100)
    return out.getvalue()


def png_with_metadata(width=640, height=480) -> bytes:
    """A PNG carrying text chunks and an eXIf chunk with the camera make and GPS."""
    from PIL import PngImagePlugin

    image = Image.new("RGB", (width, height), (240, 200, 10))
    exif = image.getexif()
    exif[0x010F] = CAMERA_MAKE
    exif.get_ifd(0x8825)[2] = GPS_LATITUDE
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", CAMERA_MAKE)
    text.add_text("Comment", "taken at home", zip=True)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=text, exif=exif.tobytes())
    return out.getvalue()


def cmyk_jpeg(width=300, height=200) -> bytes:
    """A print shop's JPEG: CMYK, as browsers show badly or not at all."""
    out = io.BytesIO()
    Image.new("CMYK", (width, height), (0, 255, 255, 0)).save(out, "JPEG", quality=95)
    return out.getvalue()


def srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_icc_profile(fmt="JPEG", mode="RGB", width=320, height=240) -> bytes:
    """An image with an embedded colour profile (sRGB: Pillow can make no other)."""
    colour = (30, 160, 90, 200) if mode == "RGBA" else (30, 160, 90)
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, fmt, icc_profile=srgb_profile())
    return out.getvalue()


def mpo(width=400, height=300) -> bytes:
    """A multi-picture JPEG (stereo cameras; phones add depth or gain maps this way):
    a second JPEG follows the first, declared in the first one's MPF header."""
    out = io.BytesIO()
    left = Image.new("RGB", (width, height), (250, 0, 0))
    left.save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (width, height))])
    return out.getvalue()


def sized(width, height, fmt="PNG", colour=(90, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
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


def jpeg_with_html() -> bytes:
    return jpeg_with_exif(200, 100) + b"<html><script>alert(1)</script></html>"


def mpo_with_html() -> bytes:
    return mpo() + b"<html><script>alert(1)</script></html>"


def gif_with_html() -> bytes:
    return animated_gif() + b"<script>alert(1)</script>"


def webp_with_html() -> bytes:
    return webp() + b"<script>alert(1)</script>"


def truncated_jpeg() -> bytes:
    data = jpeg_with_exif()
    return data[: len(data) * 2 // 3]


def long_strip() -> bytes:
    """1 x 40,000 pixels: within the pixel limit, but too long a side for a WebP."""
    return sized(1, 40_000, colour=(0, 0, 0))


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

# More refused files, beyond the list: other formats with something
# appended, a cut-off JPEG, a side too long for renditions.
REFUSED_MORE = [
    ("jpeg-with-html", "photo.jpg", jpeg_with_html, "appended_data"),
    ("mpo-with-html", "stereo.jpg", mpo_with_html, "appended_data"),
    ("gif-with-html", "anim.gif", gif_with_html, "appended_data"),
    ("webp-with-html", "still.webp", webp_with_html, "appended_data"),
    ("truncated-jpeg", "cut.jpg", truncated_jpeg, "damaged"),
    ("1x40000", "strip.png", long_strip, "too_many_pixels"),
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
