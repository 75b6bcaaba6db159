"""The small core every layer may import: warehouse access, locks, the serving copy, secrets,
child processes.

Nothing here knows a channel, a dlt source, a dbt model or Dagster; it exists so that those
layers never reach into each other's internals for the few things they all need.
"""
