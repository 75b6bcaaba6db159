"""Dagster resources: what assets need from outside themselves (warehouse, channels, dbt).

Plain classes here; `orchestration/defs/resources.py` binds them into the code location, so an
asset module never builds its own connection or reads its own configuration.
"""
