"""The upload pipeline (entries/pictures/) with real files, real storage and a real
database: what is refused and why, what is stored, under which names, and that a
failure leaves nothing behind."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from entries import pictures
from entries.models import Picture
from tests import factories
from tests import image_corpus as corpus

pytestmark = pytest.mark.django_db

NAME_PATTERN = re.compile(r"^pictures/([0-9a-f]{2})/\1[0-9a-f]{30}(-\d+)?\.(jpg|png|webp)$")

# What each refusal tells the uploader, in words they can act on.
MESSAGE_SAYS = {
    "empty": "empty",
    "too_big": "too large",
    "not_an_image": "JPEG, PNG, WebP or GIF",
    "damaged": "damaged or incomplete",
    "appended_data": "after the end of the image",
    "too_many_pixels": "pixels",
}


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def store(name: str, content: bytes, **kwargs) -> Picture:
    return pictures.store_upload(corpus.upload(name, content), **kwargs)


def open_stored(name: str) -> Image.Image:
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


# --- Refused ------------------------------------------------------------------------------


def assert_refused(upload, code: str, media_root: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        pictures.store_upload(upload)
    error = caught.value
    assert error.code == code
    [message] = error.messages
    assert MESSAGE_SAYS[code] in message
    assert "Traceback" not in message and "Error" not in message
    assert files_in(media_root) == []
    assert not Picture.objects.exists()
    return error


@pytest.mark.parametrize(
    ("name", "maker", "code"),
    [case[1:] for case in corpus.REFUSED + corpus.REFUSED_MORE],
    ids=[case[0] for case in corpus.REFUSED + corpus.REFUSED_MORE],
)
def test_refused_files_store_nothing(media_root, name, maker, code):
    assert_refused(corpus.upload(name, maker()), code, media_root)


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(media_root):
    limit = settings.FANDEX_IMAGE_MAX_BYTES
    assert limit == 15 * 1024 * 1024  # the shipped default
    data = corpus.oversized(limit)
    assert len(data) > limit
    Image.open(io.BytesIO(data)).verify()  # a real PNG, only too big

    error = assert_refused(corpus.upload("big.png", data), "too_big", media_root)
    assert "15.0\xa0MB" in error.messages[0]


def test_a_file_that_does_not_say_its_size_is_still_cut_off_at_the_limit(media_root, settings):
    settings.FANDEX_IMAGE_MAX_BYTES = 50_000
    stream = io.BytesIO(corpus.oversized(50_000))  # no .size: read up to the limit only
    with pytest.raises(ValidationError) as caught:
        pictures.prepare(stream)
    assert caught.value.code == "too_big"
    assert files_in(media_root) == []


def test_the_pixel_limit_is_a_setting(media_root, settings):
    settings.FANDEX_IMAGE_MAX_PIXELS = 100 * 100
    assert pictures.prepare(io.BytesIO(corpus.sized(100, 100))).width == 100
    with pytest.raises(ValidationError) as caught:
        pictures.prepare(io.BytesIO(corpus.sized(101, 100)))
    assert caught.value.code == "too_many_pixels"
    assert "101 × 100 pixels" in caught.value.messages[0]


# --- Content decides -------------------------------------------------------------------------


def test_a_png_named_jpg_is_stored_as_a_png():
    picture = store("photo.jpg", corpus.transparent_png())
    assert picture.format == Picture.Format.PNG
    assert picture.file.name.endswith(".png")
    assert open_stored(picture.file.name).format == "PNG"
    assert picture.original_name == "photo.jpg"


def test_a_jpeg_named_gif_is_stored_as_a_jpeg():
    picture = store("animation.gif", corpus.jpeg_with_exif(400, 300))
    assert picture.format == Picture.Format.JPEG
    assert picture.file.name.endswith(".jpg")
    assert open_stored(picture.file.name).format == "JPEG"


def test_the_declared_content_type_is_ignored():
    upload = corpus.upload("page.png", corpus.html(), content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        pictures.prepare(upload)
    assert caught.value.code == "not_an_image"


# --- Metadata, orientation, colours --------------------------------------------------------


def all_files(picture: Picture) -> list[str]:
    return picture.storage_names()


def test_exif_and_gps_are_stripped_from_every_stored_file():
    upload = corpus.jpeg_with_exif(1600, 900)
    assert corpus.CAMERA_MAKE.encode() in upload  # there is something to strip
    picture = store("phone.jpg", upload)

    assert len(all_files(picture)) == 9  # full size, 4 renditions x (WebP + JPEG)
    for name in all_files(picture):
        data = stored_bytes(name)
        assert corpus.CAMERA_MAKE.encode() not in data, name
        assert b"Exif\0\0" not in data, name
        image = open_stored(name)
        assert dict(image.getexif()) == {}, name
        assert "exif" not in image.info and "icc_profile" not in image.info, name


def test_png_text_chunks_and_exif_are_stripped():
    picture = store("scan.png", corpus.png_with_metadata())
    for name in all_files(picture):
        data = stored_bytes(name)
        assert corpus.CAMERA_MAKE.encode() not in data, name
        assert b"taken at home" not in data, name
        image = open_stored(name)
        assert dict(image.getexif()) == {}, name
        assert not getattr(image, "text", {}), name


def is_yellow(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green > 200 and blue < 80


def test_the_camera_orientation_is_applied():
    # Orientation 6: the camera was turned; the picture must be turned 90° clockwise,
    # which moves the mark from the top-left corner to the top-right one.
    picture = store("turned.jpg", corpus.jpeg_with_exif(1600, 900, orientation=6))
    assert (picture.width, picture.height) == (900, 1600)
    for name in [picture.file.name, picture.renditions[-1]["fallback"]]:
        image = open_stored(name).convert("RGB")
        width, height = image.size
        assert is_yellow(image.getpixel((width - 10, 10))), name
        assert not is_yellow(image.getpixel((10, 10))), name
        assert not is_yellow(image.getpixel((width - 10, height - 10))), name


def test_transparency_is_kept_as_png_and_webp_with_alpha():
    picture = store("logo.png", corpus.transparent_png(400, 300))
    assert picture.format == Picture.Format.PNG
    full = open_stored(picture.file.name)
    assert full.format == "PNG" and full.mode == "RGBA"
    assert full.getpixel((5, 5))[3] == 120
    for rendition in picture.renditions:
        assert open_stored(rendition["fallback"]).format == "PNG"
        webp = open_stored(rendition["webp"])
        assert webp.format == "WEBP" and webp.mode == "RGBA"
        assert 110 <= webp.getpixel((5, 5))[3] <= 130


@pytest.mark.parametrize(
    ("name", "maker"),
    [("flat.png", corpus.png), ("still.webp", corpus.webp), ("anim.gif", corpus.animated_gif)],
)
def test_opaque_images_become_jpeg(name, maker):
    picture = store(name, maker())
    assert picture.format == Picture.Format.JPEG
    assert open_stored(picture.file.name).format == "JPEG"
    assert all(r["fallback"].endswith(".jpg") for r in picture.renditions)


def test_a_partly_transparent_image_with_a_profile_stays_png():
    picture = store("glass.png", corpus.with_icc_profile("PNG", "RGBA"))
    assert picture.format == Picture.Format.PNG
    full = open_stored(picture.file.name)
    assert full.mode == "RGBA" and "icc_profile" not in full.info
    assert 190 <= full.getpixel((3, 3))[3] <= 210


def test_an_alpha_channel_with_nothing_transparent_becomes_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (10, 20, 30, 255)).save(out, "PNG")
    picture = store("opaque-rgba.png", out.getvalue())
    assert picture.format == Picture.Format.JPEG


def test_an_animated_gif_keeps_its_first_frame():
    data = corpus.animated_gif(300, 200, frames=3)
    animation = Image.open(io.BytesIO(data))
    assert animation.n_frames == 3
    first = animation.convert("RGB").getpixel((10, 10))
    animation.seek(1)
    second = animation.convert("RGB").getpixel((10, 10))
    assert first != second

    picture = store("anim.gif", data)
    assert picture.format == Picture.Format.JPEG
    for name in all_files(picture):
        image = open_stored(name)
        assert getattr(image, "n_frames", 1) == 1, name
        pixel = image.convert("RGB").getpixel((10, 10))
        assert all(abs(a - b) <= 6 for a, b in zip(pixel, first, strict=True)), name


def test_a_cmyk_jpeg_comes_out_rgb():
    picture = store("print.jpg", corpus.cmyk_jpeg())
    for name in all_files(picture):
        image = open_stored(name)
        assert image.mode == "RGB", name
    red, green, blue = open_stored(picture.file.name).getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60  # C0 M100 Y100 K0 is red


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_an_image_with_a_colour_profile_comes_out_rgb_without_it(fmt):
    data = corpus.with_icc_profile(fmt)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    picture = store(f"profiled.{fmt.lower()}", data)
    for name in all_files(picture):
        image = open_stored(name)
        assert image.mode == "RGB", name
        assert "icc_profile" not in image.info, name
        pixel = image.getpixel((10, 10))
        assert all(abs(a - b) <= 6 for a, b in zip(pixel, (30, 160, 90), strict=True)), name


def test_a_multi_picture_jpeg_stores_its_first_picture():
    picture = store("stereo.jpg", corpus.mpo(400, 300))
    assert picture.format == Picture.Format.JPEG
    red, green, blue = open_stored(picture.file.name).getpixel((10, 10))
    assert red > 200 and green < 40 and blue < 40


@pytest.mark.parametrize(
    "trailer",
    [
        b"SEFHdata from the phone's camera app" + b"\x00" * 40 + b"SEFT",
        corpus.sized(64, 48, "JPEG"),  # a gain map or preview: another JPEG after it
    ],
    ids=["samsung-trailer", "second-jpeg"],
)
def test_a_phone_photo_with_its_makers_trailer_is_accepted(media_root, trailer):
    # Phones write data of their own after a photo's end. That is not an attack: the
    # photo is re-encoded without it (only markup after an image is refused).
    picture = store("phone.jpg", corpus.jpeg_with_exif(640, 480) + trailer)
    stored = (media_root / picture.file.name).read_bytes()
    assert b"SEFH" not in stored
    assert open_stored(picture.file.name).size == (640, 480)


# --- Renditions ---------------------------------------------------------------------------


def assert_renditions_decode(picture: Picture):
    for rendition in picture.renditions:
        webp = open_stored(rendition["webp"])
        fallback = open_stored(rendition["fallback"])
        size = (rendition["width"], rendition["height"])
        assert webp.format == "WEBP" and webp.size == size
        assert fallback.format == picture.format.upper() and fallback.size == size
    full = open_stored(picture.file.name)
    assert full.size == (picture.width, picture.height)


def test_a_large_image_gets_every_rendition():
    picture = store("wide.jpg", corpus.sized(2000, 1200, "JPEG"))
    assert (picture.width, picture.height) == (2000, 1200)
    assert [(r["width"], r["height"]) for r in picture.renditions] == [
        (160, 96),
        (320, 192),
        (640, 384),
        (1280, 768),
    ]
    assert_renditions_decode(picture)
    assert len(set(picture.storage_names())) == 9


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((1280, 720), [160, 320, 640, 1280]),
        ((500, 400), [160, 320, 500]),
        ((160, 90), [160]),
        ((100, 80), [100]),
        ((1, 1), [1]),
    ],
)
def test_a_small_image_is_never_enlarged(size, widths):
    picture = store("small.png", corpus.sized(*size))
    assert [r["width"] for r in picture.renditions] == widths
    assert (picture.width, picture.height) == size
    assert all(
        r["width"] <= picture.width and r["height"] <= picture.height for r in picture.renditions
    )
    assert_renditions_decode(picture)


def test_a_tall_image_keeps_its_aspect_ratio():
    picture = store("tall.png", corpus.sized(300, 3000))
    assert [(r["width"], r["height"]) for r in picture.renditions] == [
        (160, 1600),
        (300, 3000),
    ]
    assert_renditions_decode(picture)


# --- Names ------------------------------------------------------------------------------


def assert_safe_names(picture: Picture, media_root: Path):
    root = Path(media_root).resolve()
    for name in picture.storage_names():
        assert NAME_PATTERN.match(name), name
        path = Path(default_storage.path(name)).resolve()
        assert path.is_relative_to(root) and path.is_file(), name
    assert sorted(files_in(media_root)) == sorted(
        Path(default_storage.path(name)).resolve() for name in picture.storage_names()
    )


def test_stored_names_are_generated_inside_the_media_root(media_root):
    user = factories.make_editor(username="hana")
    picture = store("hana-holiday.png", corpus.png(), user=user)
    assert_safe_names(picture, media_root)
    assert picture.uploaded_by == user
    assert all("hana" not in name for name in picture.storage_names())
    # One folder per picture's first two hex digits, full size and renditions side by side.
    stem = picture.file.name.removesuffix(".jpg")
    assert picture.renditions[0]["webp"] == f"{stem}-160.webp"
    assert picture.renditions[0]["fallback"] == f"{stem}-160.jpg"


@pytest.mark.parametrize(
    "name", corpus.AWKWARD_NAMES, ids=["dotdot", "colon", "300-chars", "japanese"]
)
def test_awkward_names_are_accepted_and_renamed(media_root, name):
    picture = store(name, corpus.png(320, 200))
    assert_safe_names(picture, media_root)
    original = picture.original_name
    assert "/" not in original and "\\" not in original
    assert 0 < len(original) <= 255
    assert original.endswith(".png")
    picture.refresh_from_db()
    assert picture.original_name == original


def test_cleaned_original_names():
    assert pictures.clean_name("../../x.png") == "x.png"
    assert pictures.clean_name("C:\\Users\\hana\\x.png") == "x.png"
    assert pictures.clean_name("a:b.png") == "a:b.png"
    assert pictures.clean_name("bell\x07\n.png") == "bell.png"
    assert pictures.clean_name("メタリックルージュ.png") == "メタリックルージュ.png"
    assert len(pictures.clean_name("n" * 296 + ".png")) == 255


def test_the_same_file_twice_is_stored_once(media_root):
    data = corpus.png(321, 200)
    first = store("one.png", data)
    second = store("two.png", data)
    assert second.pk == first.pk
    assert Picture.objects.count() == 1
    assert len(files_in(media_root)) == len(first.storage_names())


# --- Failures leave nothing behind ------------------------------------------------------------


class FailingStorage(FileSystemStorage):
    """A real file-system storage whose ``fail_on``-th save fails, as a full disk would."""

    def __init__(self, *, fail_on: int, **kwargs):
        super().__init__(**kwargs)
        self.fail_on = fail_on
        self.saves = 0

    def _save(self, name, content):
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError(28, "No space left on device")
        return super()._save(name, content)


def storages(default: dict) -> dict:
    return {"default": default, "staticfiles": settings.STORAGES["staticfiles"]}


def test_a_storage_failure_halfway_leaves_no_file_and_no_row(media_root):
    prepared = pictures.prepare(corpus.upload("a.png", corpus.png(1400, 900)))
    backend = {
        "BACKEND": f"{__name__}.FailingStorage",
        "OPTIONS": {"location": str(media_root), "fail_on": 3},
    }
    with override_settings(STORAGES=storages(backend)):
        with pytest.raises(OSError, match="No space left"):
            pictures.store(prepared)
        assert default_storage.saves == 3  # two files were written before it failed
    assert files_in(media_root) == []
    assert not Picture.objects.exists()


def test_discarding_on_error_deletes_files_when_the_block_fails(media_root):
    with pytest.raises(RuntimeError), pictures.discarding_on_error(), transaction.atomic():
        picture = store("a.png", corpus.png())
        assert len(files_in(media_root)) == 9
        raise RuntimeError("the admin form failed after the upload")
    assert files_in(media_root) == []
    assert not Picture.objects.filter(pk=picture.pk).exists()


def test_discarding_on_error_keeps_files_when_the_block_succeeds(media_root):
    with pictures.discarding_on_error(), transaction.atomic():
        picture = store("a.png", corpus.png())
    assert len(files_in(media_root)) == 9
    assert_safe_names(picture, media_root)


def test_discarding_on_error_keeps_an_earlier_picture_reused_inside_it(media_root):
    data = corpus.png(333, 222)
    earlier = store("earlier.png", data)
    with pytest.raises(RuntimeError), pictures.discarding_on_error(), transaction.atomic():
        assert store("again.png", data).pk == earlier.pk
        raise RuntimeError
    assert Picture.objects.filter(pk=earlier.pk).exists()
    assert len(files_in(media_root)) == len(earlier.storage_names())


def test_delete_files_removes_every_file(media_root):
    picture = store("a.png", corpus.png())
    pictures.delete_files(picture)
    assert files_in(media_root) == []


# --- Any Django storage -------------------------------------------------------------------


def test_pictures_go_through_the_storage_api(media_root):
    memory = {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "https://pictures.example.org/fandex/"},
    }
    with override_settings(STORAGES=storages(memory)):
        picture = store("in-memory.jpg", corpus.jpeg_with_exif(800, 600))
        assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
        for name in picture.storage_names():
            assert default_storage.exists(name)
            assert open_stored(name).size[0] > 0
            assert picture.url(name) == f"https://pictures.example.org/fandex/{name}"
        assert picture.srcset("webp").startswith("https://pictures.example.org/fandex/pictures/")
        pictures.delete_files(picture)
        assert not any(default_storage.exists(name) for name in picture.storage_names())
    assert files_in(media_root) == []


# --- Any input: a picture or a ValidationError, never a crash -----------------------------------

SEEDS = [
    corpus.png(48, 32),
    corpus.transparent_png(48, 32),
    corpus.jpeg_with_exif(48, 32, orientation=6),
    corpus.webp(48, 32),
    corpus.animated_gif(48, 32),
    corpus.mpo(48, 32),
    corpus.cmyk_jpeg(48, 32),
    corpus.png_with_metadata(48, 32),
]


@st.composite
def damaged_images(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def prepare_or_refuse(data: bytes) -> None:
    try:
        prepared = pictures.prepare(io.BytesIO(data))
    except ValidationError as error:
        assert error.code in MESSAGE_SAYS | {"colours": ""}
        return
    assert prepared.width > 0 and prepared.renditions
    Image.open(io.BytesIO(prepared.full)).load()


FUZZ = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow's notes on broken EXIF
@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly(data):
    prepare_or_refuse(data)


@pytest.mark.filterwarnings("ignore::UserWarning")
@FUZZ
@given(damaged_images())
def test_damaged_images_are_stored_or_refused_cleanly(data):
    prepare_or_refuse(data)
