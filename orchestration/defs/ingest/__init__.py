"""Ingestion (dagster-dlt): one multi-asset per channel, one asset per dlt resource."""
