"""An upload prepared for storing: checked, cleaned, re-encoded, with its renditions.

``prepare(upload)`` runs the checks (``checks``) and the re-encoding
(``encoding``) in memory and writes nothing, so a form can check an upload and
still be refused for another reason without leaving a file behind. What it
returns, a ``Prepared``, is what ``storage.store`` writes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from entries.models import Picture

from .checks import checked
from .encoding import cleaned, encode, renditions


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


def prepare(upload, *, name: str | None = None) -> Prepared:
    """Check ``upload`` (a Django ``UploadedFile`` or any binary file object) and
    re-encode it. Raises ``ValidationError`` with a message for the uploader."""
    name = name if name is not None else getattr(upload, "name", "") or ""
    data, image = checked(upload)
    image = cleaned(image)
    has_alpha = image.mode == "RGBA"
    out_format = Picture.Format.PNG if has_alpha else Picture.Format.JPEG
    return Prepared(
        width=image.width,
        height=image.height,
        format=out_format,
        full=encode(image, out_format),
        renditions=renditions(image, out_format),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=clean_name(name),
    )


def clean_name(name: str) -> str:
    """The uploader's file name, kept for editors to recognise: no folders, no control
    characters, at most 255 characters. Never used as a storage name."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[-255:]
