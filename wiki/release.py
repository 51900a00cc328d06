"""Which release of the code is running, for keys of caches that hold rendered pages.

A cached page is fresh for the data (the page cache's generation moves on with
every write) but belongs to the code that rendered it: after a deploy with new
templates, pages rendered by the old code must not be served. The page cache's
keys therefore carry the release: ``FANDEX_RELEASE`` when the deployment sets
one (a version or commit id), else a hash of the code and templates, the same on
every app server that runs the same files.
"""

import hashlib
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# What renders pages: the code, the templates, the static files they point at.
SOURCES = ("entries", "templates", "static", "wiki")
SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg", ".toml"}


def code_release() -> str:
    if release := os.environ.get("FANDEX_RELEASE", "").strip():
        return release
    digest = hashlib.blake2b(digest_size=8)
    for folder in SOURCES:
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
