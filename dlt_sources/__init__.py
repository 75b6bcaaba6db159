"""dlt sources, one per channel, loading each channel's raw data into `raw_<slug>`.

Every row carries `channel` and `store_id` so that several shops union cleanly. Sources take
their clients' configuration as arguments (see `dlt_sources.common.config`), never from code,
and are shared by the CLI (`tributary ingest`) and the Dagster assets.
"""
