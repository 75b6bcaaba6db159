{#- A dlt load id as the epoch number the incremental models compare. On DuckDB a try_cast,
    because a cast that may fail is never pushed below other filters: with it, an increment
    filter waits until every row of a raw table has been normalised, instead of skipping the
    old rows at the scan. dlt writes every load id as an epoch; a row it did not write would
    get a null stamp, never enter an increment, and fail assert_order_lines_reconcile_to_raw,
    which counts every line. -#}
{% macro load_stamp(column='_dlt_load_id') -%}
    {{ return(adapter.dispatch('load_stamp', 'tributary')(column)) }}
{%- endmacro %}

{% macro default__load_stamp(column) -%}
    try_cast({{ column }} as double)
{%- endmacro %}

{% macro postgres__load_stamp(column) -%}
    cast({{ column }} as double precision)
{%- endmacro %}
