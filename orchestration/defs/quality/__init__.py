"""Data quality (Great Expectations): suites on the marts, run as Dagster asset checks."""
