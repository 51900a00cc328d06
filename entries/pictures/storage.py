"""Storing prepared pictures, and deleting their files.

``store(prepared)`` writes the files through Django's storage API under
generated names (``pictures/ab/<uuid>.jpg``) and creates the ``Picture`` row.
Use ``discarding_on_error()`` around a request that stores pictures and may
still fail afterwards (an admin save): files written inside it are deleted
again if the block raises, so a rolled-back save leaves no orphan file.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager, suppress

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from entries.models import Picture

from .prepared import Prepared, prepare

# Where ``store`` writes, in the default storage; ``prune_unused`` touches nothing outside it.
PICTURES_DIR = "pictures"

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
    base = f"{PICTURES_DIR}/{stem[:2]}/{stem}"
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
    """Delete a picture's files (after its row is gone; see ``prune_unused``)."""
    _delete(picture.storage_names())
