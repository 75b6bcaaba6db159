"""Reverse ETL: one stock-push asset per writable channel, its guard as an asset check."""
