"""
The secret key of a production process that was not given one.

``make serve`` must work on a fresh machine with nothing set, and every process
of one installation (the gunicorn workers, ``manage.py`` commands) must sign with
the same key, or sessions and password-reset links break between them. So the
first process makes a key and keeps it in a file that only its owner can read;
the others read it. Kept apart from the settings because it touches the disk.
"""

import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def load_or_create(path: Path) -> str:
    """The key kept in ``path``, made (once, mode 600) if the file does not exist."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    # Written to a private temporary file, then linked into place: the key file
    # is never world-readable (os.open applies 0o600 at creation, no chmod
    # afterwards), never seen half-written, and when two processes start at once
    # os.link lets exactly one of them win; the other reads the winner's key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot create the secret key file {path}: {error.strerror}. "
            "Set DJANGO_SECRET_KEY, or FANDEX_SECRET_KEY_FILE to a writable path."
        ) from None
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return _read(path)
    finally:
        temporary.unlink(missing_ok=True)
    print(
        f"Fandex: no DJANGO_SECRET_KEY set; made a new secret key and kept it in {path} "
        "(mode 600). Later starts reuse it.",
        file=sys.stderr,
    )
    return key


def _read(path: Path) -> str:
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot read the secret key file {path}: {error.strerror}."
        ) from None
    if not key:
        raise ImproperlyConfigured(
            f"The secret key file {path} is empty: delete it to make a new key, "
            "or set DJANGO_SECRET_KEY."
        )
    return key
