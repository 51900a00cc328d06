"""Importers that fill Fandex from outside data sets.

bangumi     series from bangumi-data (a package: one module a stage)
progress    how an importer reports progress, and the bar a command draws
"""
