"""Importers that fill Fandex from outside data sets (``bangumi`` for bangumi-data)."""
