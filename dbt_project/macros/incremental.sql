{#- Incremental marts rebuild only what was loaded since their last build, and their tests
    check exactly those rows; a full refresh rebuilds and tests everything.

    Each channel has its own increment: its dlt pipeline loads one package after another, so
    its load stamps only grow, and the increment starts at the newest stamp already built for
    that channel (less var incremental_lookback_seconds, 0 by default). A channel the mart has
    not seen yet comes whole. The starts are fetched once and inlined as constants, which
    lets the warehouse push the filter down to the raw scans. -#}

{% macro increment_start() -%}
    {#- A unit test has no `this` to read a cursor from: it builds in full. -#}
    {%- if not execute or model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set newest = run_query(
        'select channel, max(loaded_at_epoch) from ' ~ this ~ ' group by channel'
    ) -%}
    {%- set starts = {} -%}
    {%- for row in newest.rows if row[1] is not none -%}
        {%- do starts.update({row[0]: row[1] - var('incremental_lookback_seconds')}) -%}
    {%- endfor -%}
    {{ return(starts) }}
{%- endmacro %}

{#- The filter selecting an increment (from increment_start); nothing for a full build. -#}
{% macro loaded_after(increment, column='loaded_at_epoch') -%}
    {%- if increment is not none -%}
        where
        {%- for channel, start in increment.items() %}
            (channel = '{{ channel }}' and {{ column }} > {{ start }}) or
        {%- endfor %}
            channel not in ('{{ increment.keys() | join("', '") }}')
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: the log of where each incremental build started (an append-only audit trail;
    created once per invocation, before models build side by side). -#}
{% macro create_increment_log() -%}
    create schema if not exists audit;
    create table if not exists audit.increment_starts (
        model_name varchar, starts_after double, recorded_at timestamp
    );
    create table if not exists audit.consumed_loads (
        model_name varchar, channel varchar, loaded_at_epoch double, recorded_at timestamp
    )
{%- endmacro %}

{#- Pre-hook of an incremental mart: log where this build's increment starts (the earliest
    channel's start; -1: every row), so its tests can check the rows it wrote. Insert-only, so
    parallel models never contend. -#}
{% macro record_increment_start(increment=none) -%}
    {%- set increment = increment if increment is not none else increment_start() -%}
    {%- set start = increment.values() | min if increment else -1 -%}
    insert into audit.increment_starts
    values ('{{ this.identifier }}', {{ start }}, current_timestamp)
{%- endmacro %}

{#- For an incremental model that derives from other incremental models rather than from
    the loads themselves (dim_customers): per channel, the newest load stamp of its inputs
    it has consumed, as its post-hook record_consumed_loads logged it. The model reads what
    its inputs hold past these stamps; a failed build logs nothing, so the next one catches
    up. None in a full build, {} before the first log. -#}
{% macro consumed_loads() -%}
    {%- if not execute or model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set logged = run_query(
        "select channel, max_by(loaded_at_epoch, recorded_at) from audit.consumed_loads"
        ~ " where model_name = '" ~ this.identifier ~ "' group by channel"
    ) -%}
    {%- set stamps = {} -%}
    {%- for row in logged.rows -%}
        {%- do stamps.update({row[0]: row[1] - var('incremental_lookback_seconds')}) -%}
    {%- endfor -%}
    {{ return(stamps) }}
{%- endmacro %}

{#- Post-hook of such a model: log the newest stamp per channel its inputs held when it
    built. -#}
{% macro record_consumed_loads(inputs) -%}
    insert into audit.consumed_loads
    select '{{ this.identifier }}', channel, max(loaded_at_epoch), current_timestamp
    from (
        {%- for input in inputs %}
        select channel, loaded_at_epoch from {{ input }}
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as inputs
    group by channel
{%- endmacro %}

{#- The rows a test of `relation` should read, so that a build tests what it built:
    - an incremental mart: the rows its latest build wrote (every row after a full refresh);
    - another relation stamped with loaded_at_epoch (staging): the rows loaded since the
      previous build's increments began, a superset of what this build reads;
    - anything else, and everything in a full refresh: every row. -#}
{% macro rows_under_test(relation) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set incremental_marts = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
        {%- do incremental_marts.append(node.alias or node.name) -%}
    {%- endfor -%}
    {%- if relation.identifier in incremental_marts -%}
        {{ return(
            "(select * from " ~ relation ~ " where loaded_at_epoch > (select starts_after from "
            ~ "audit.increment_starts where model_name = '" ~ relation.identifier ~ "' "
            ~ "order by recorded_at desc limit 1)) as built"
        ) }}
    {%- endif -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set stamped = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation)
        if column.name | lower == 'loaded_at_epoch' -%}
        {%- do stamped.append(column.name) -%}
    {%- endfor -%}
    {%- if not stamped -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(
        "(select * from " ~ relation ~ " where loaded_at_epoch > coalesce(("
        ~ "select min(starts_after) from (select model_name, starts_after, row_number() over ("
        ~ "partition by model_name order by recorded_at desc) as recency from "
        ~ "audit.increment_starts) as latest where recency = 1), -1)) as loaded"
    ) }}
{%- endmacro %}

{#- dbt's hook for every generic test's relation: keep its `where` config, and narrow tests
    of incremental marts to the rows the latest build wrote. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = rows_under_test(relation) -%}
    {%- if where -%}
        {{ return("(select * from " ~ tested ~ " where " ~ where ~ ") as dbt_subquery") }}
    {%- endif -%}
    {{ return(tested) }}
{%- endmacro %}
