"""Uploaded images: checked, cleaned, re-encoded and stored with their renditions.

Nothing an uploader sends is stored as sent. ``prepare(upload)`` decides what
the file is from its content, refuses anything but a whole, plain JPEG, PNG,
WebP or GIF within the limits, re-encodes it without its metadata and makes its
renditions, in memory; ``store(prepared)`` writes the files and the ``Picture``
row. The steps are modules of their own because each is a concern one can read
and test alone, from the bottom up (each imports only those above it here):

- ``checks``: reading with the byte limit, the type from the content, the pixel
  and side limits, whole-file and nothing-after-the-end checks, the refusals.
- ``encoding``: clean-up (orientation, sRGB, alpha, no metadata), encoding as
  JPEG, PNG or WebP, the rendition widths and the renditions themselves.
- ``prepared``: ``prepare`` (checks, then encoding) and the ``Prepared`` it
  returns; ``clean_name`` for the uploader's file name.
- ``storage``: ``store`` and ``store_upload``, the generated names under
  ``PICTURES_DIR``, ``discarding_on_error`` and ``delete_files``.
- ``prune``: ``prune_unused``, deleting pictures nothing (no entry, gallery row
  or revision) refers to and stray files; ``manage.py prune_pictures`` prints it.
- ``responsive``: what a page needs to show a picture (srcsets, ``sizes`` for a
  cropped box, the fallback ``src``); the ``{% picture %}`` tag renders it.

Import from ``entries.pictures``, not from the modules: the names below are the
public ones.
"""

from .checks import ACCEPTED_FORMATS, ACCEPTED_TEXT, MAX_SIDE, max_bytes, max_pixels
from .encoding import JPEG_QUALITY, RENDITION_WIDTHS, WEBP_QUALITY
from .prepared import Prepared, clean_name, prepare
from .prune import PRUNE_MIN_AGE, PrunedPicture, PruneReport, pictures_in_revisions, prune_unused
from .responsive import cover_factor, largest_url, picture_context, scaled_sizes
from .storage import PICTURES_DIR, delete_files, discarding_on_error, store, store_upload

__all__ = [
    "ACCEPTED_FORMATS",
    "ACCEPTED_TEXT",
    "JPEG_QUALITY",
    "MAX_SIDE",
    "PICTURES_DIR",
    "PRUNE_MIN_AGE",
    "RENDITION_WIDTHS",
    "WEBP_QUALITY",
    "Prepared",
    "PruneReport",
    "PrunedPicture",
    "clean_name",
    "cover_factor",
    "delete_files",
    "discarding_on_error",
    "largest_url",
    "max_bytes",
    "max_pixels",
    "picture_context",
    "pictures_in_revisions",
    "prepare",
    "prune_unused",
    "scaled_sizes",
    "store",
    "store_upload",
]
