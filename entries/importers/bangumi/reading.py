"""Reading the file: bangumi-data, plain or gzip-compressed (told apart by the gzip
magic bytes, not the file name), checked at the top level only; the items are
``records``' concern."""

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GZIP_MAGIC = b"\x1f\x8b"
_VERSION_IN_NAME = re.compile(r"bangumi-data-(\d+\.\d+\.\d+)")


class BangumiFileError(Exception):
    """The file cannot be read as bangumi-data; nothing was imported."""


@dataclass
class BangumiData:
    """A bangumi-data document: its items, its site descriptions and a label for it."""

    items: list
    site_meta: dict
    label: str  # the release ("0.3.222") or else the file name

    @property
    def comment(self) -> str:
        return f"Imported from bangumi-data {self.label}"


def read_file(path: str | Path) -> BangumiData:
    """The bangumi-data document at ``path`` (JSON, or gzip-compressed JSON)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BangumiFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise BangumiFileError(f"{path} is a directory, not a bangumi-data file.") from None
    except OSError as error:
        raise BangumiFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as error:
            raise BangumiFileError(
                f"{path} is a damaged or truncated gzip file ({error})."
            ) from None
    if not raw.strip():
        raise BangumiFileError(f"{path} is empty.")
    try:
        document = json.loads(raw)
    except UnicodeDecodeError:
        raise BangumiFileError(f"{path} is neither gzip-compressed nor UTF-8 JSON.") from None
    except json.JSONDecodeError as error:
        raise BangumiFileError(
            f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise BangumiFileError(f"{path} is nested too deeply to be bangumi-data.") from None
    return parse_document(document, label=_release_label(path))


def parse_document(document: Any, *, label: str) -> BangumiData:
    """Check the top-level shape of a decoded bangumi-data document."""
    if not isinstance(document, dict):
        raise BangumiFileError(
            f'Expected a JSON object with "items" and "siteMeta", found a {_json_type(document)}.'
        )
    if "items" not in document:
        raise BangumiFileError('The file has no "items": it is not bangumi-data.')
    items = document["items"]
    if not isinstance(items, list):
        raise BangumiFileError(f'"items" must be a list, found a {_json_type(items)}.')
    site_meta = document.get("siteMeta", {})
    if not isinstance(site_meta, dict):
        raise BangumiFileError(f'"siteMeta" must be an object, found a {_json_type(site_meta)}.')
    return BangumiData(items=items, site_meta=site_meta, label=label)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _release_label(path: Path) -> str:
    """``0.3.222`` from ``bangumi-data-0.3.222.json.gz`` or from the npm package's
    ``package.json`` (``package/dist/data.json``); else the file name."""
    if match := _VERSION_IN_NAME.search(path.name):
        return match.group(1)
    package = path.parent.parent / "package.json"
    if path.parent.name == "dist" and package.is_file():
        try:
            meta = json.loads(package.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if isinstance(meta, dict) and meta.get("name") == "bangumi-data":
            version = meta.get("version")
            if isinstance(version, str) and version:
                return version
    return path.name
