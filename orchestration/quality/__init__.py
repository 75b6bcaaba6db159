"""Great Expectations suites on the marts: what each checks, on which rows, with which limits.

Plain Python (no Dagster) so that a suite can be run and read on its own; the asset checks in
`orchestration/defs/quality/` run them against the warehouse after each dbt build.
"""
