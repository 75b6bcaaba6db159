"""The fast path seen from Dagster: the refresh's reconciliation of it, as a check."""
