"""Transformation (dagster-dbt): every dbt model and seed an asset, every dbt test a check."""
