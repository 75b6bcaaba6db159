"""Dagster definitions, discovered by `dg.load_from_defs_folder`: one module per concern.

Never define a `Definitions` object here: a module that does has its other assets ignored.
"""
