"""Dumps: the whole encyclopedia as one gzipped JSON Lines file, for anyone to
download (``manage.py export_dump``) and for a new site to start from
(``manage.py import_dump``).

A dump holds what readers see: every entry of every kind with the rows that tie
it to others, tags, aliases, streaming platforms and the pictures' metadata
and credits. It leaves out the history, users, the pictures' files and what is
made from the rest (rendered bodies, name keys, search documents). Entries and
other objects are named by their natural keys (an entry by its kind and slug, a
tag by its name, a picture by its storage name), never by id, so a dump loads
into any database. Backups (``entries.backups``) are the other way to move a
site: every row with its id, the history and the files.

The package, one module a concern, each importing only those above it:

    format  the file's layout, declared once: the header (schema version and the
            bangumi-data attribution), the line types in the order they come, which
            fields each carries, and how an object becomes a line (``record``)
    export  ``export_dump``: writes a dump, streaming in chunks so memory stays
            flat however many entries there are; ``publish`` puts one in the media
            storage for ``/about/data/``, ``latest_published`` finds it again
    load    ``import_dump``: reads a dump back in one transaction, idempotent,
            through the bulk history and search indexing the importers use
    views   the ``/about/data/`` page, which links the latest published dump

Bad input to ``import_dump`` raises ``DumpError`` naming the line; nothing is written.
"""

from .export import ExportReport, export_dump, latest_published, publish
from .format import SCHEMA_VERSION, DumpError
from .load import ImportReport, import_dump

__all__ = [
    "SCHEMA_VERSION",
    "DumpError",
    "ExportReport",
    "ImportReport",
    "export_dump",
    "import_dump",
    "latest_published",
    "publish",
]
