{#- Incremental models rebuild only what was loaded since their last build, and their tests
    check exactly those rows; a full refresh rebuilds and tests everything.

    Each channel has its own increment: its dlt pipeline loads one package after another, so
    its load stamps only grow, and the increment starts at the newest stamp already built for
    that channel (less var incremental_lookback_seconds, 0 by default). A channel the model
    has not seen yet comes whole. The starts are fetched once and inlined as constants, which
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

{#- The condition selecting an increment (a dict channel -> start): per channel, `column`
    past its start; channels without a start come whole. None selects everything. -#}
{% macro increment_condition(increment, column='loaded_at_epoch', channel='channel') -%}
    {%- if increment is none -%}
        true
    {%- else -%}
        (
        {%- for name, start in increment.items() %}
            ({{ channel }} = '{{ name }}' and {{ column }} > {{ start }}) or
        {%- endfor %}
            {{ channel }} not in ('{{ increment.keys() | join("', '") }}')
        )
    {%- endif -%}
{%- endmacro %}

{#- The filter selecting an increment (from increment_start); nothing for a full build. -#}
{% macro loaded_after(increment, column='loaded_at_epoch') -%}
    {%- if increment is not none -%}
        where {{ increment_condition(increment, column) }}
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: the audit trail of increments (append-only; created once per invocation,
    before models build side by side). -#}
{% macro create_increment_log() -%}
    create schema if not exists audit;
    create table if not exists audit.increments (
        model_name varchar, channel varchar, starts_after double, recorded_at timestamp
    );
    create table if not exists audit.consumed_loads (
        model_name varchar, channel varchar, loaded_at_epoch double, recorded_at timestamp
    )
{%- endmacro %}

{#- Whether the audit trail exists yet: on-run-start creates it, but compiling without
    running (sqlfluff, `dbt compile` on a new warehouse) must not fail on it. -#}
{% macro increment_log_exists() -%}
    {{ return(adapter.get_relation(
        database=target.database, schema='audit', identifier='increments'
    ) is not none) }}
{%- endmacro %}

{#- Pre-hook of an incremental model: log where this build's increment starts, one row per
    channel (channel '*', start -1: everything), so tests can check what it read against
    the raw loads. Insert-only, so parallel models never contend. -#}
{% macro record_increment_start() -%}
    {%- set increment = increment_start() -%}
    insert into audit.increments values
    {%- for channel, start in (increment or {'*': -1}).items() %}
        ('{{ this.identifier }}', '{{ channel }}', {{ start }}, {{ utc_now() }})
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The increment the latest build of `model_name` read, as logged; none (everything) after
    a full build or when nothing is logged. -#}
{% macro latest_increment(model_name) -%}
    {%- if not execute or not increment_log_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set logged = run_query(
        "select channel, starts_after from audit.increments where model_name = '"
        ~ model_name ~ "' and recorded_at = (select max(recorded_at) from audit.increments"
        ~ " where model_name = '" ~ model_name ~ "')"
    ) -%}
    {%- set increment = {} -%}
    {%- for row in logged.rows -%}
        {%- if row[0] == '*' -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do increment.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(increment if increment else none) }}
{%- endmacro %}

{#- The condition selecting, from a relation stamped per channel (raw tables included),
    what the latest build of `model_name` read. -#}
{% macro loaded_in_latest_build(model_name, column='loaded_at_epoch', channel='channel') -%}
    {{ increment_condition(latest_increment(model_name), column, channel) }}
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
    built. Every incremental model logs its own too, which scopes the staging tests. -#}
{% macro record_consumed_loads(inputs) -%}
    insert into audit.consumed_loads
    select '{{ this.identifier }}', channel, max(loaded_at_epoch), {{ utc_now() }}
    from (
        {%- for input in inputs %}
        select channel, loaded_at_epoch from {{ input }}
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as inputs
    group by channel
{%- endmacro %}

{#- Every incremental model stamps the rows it writes with the time of the build, which is
    how its tests find them. -#}
{% macro built_at() -%}
    {{ utc_now() }}
{%- endmacro %}

{#- Now, as a UTC timestamp without zone (how run_started_at and every audit row count). -#}
{% macro utc_now() -%}
    (current_timestamp at time zone 'UTC')
{%- endmacro %}

{#- The rows a test of `relation` should read, so that a build tests what it built:
    - an incremental model: the rows its latest build wrote (built_at; all after a full
      refresh);
    - another relation stamped with loaded_at_epoch (staging): per channel, the rows loaded
      past what every incremental model held when this invocation began: what it reads;
    - anything else, and everything in a full refresh: every row. -#}
{% macro rows_under_test(relation) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set incremental_models = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
        {%- do incremental_models.append(node.alias or node.name) -%}
    {%- endfor -%}
    {%- if relation.identifier in incremental_models -%}
        {{ return(
            "(select * from " ~ relation ~ " where built_at = (select max(built_at) from "
            ~ relation ~ ")) as built"
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
        "(select * from " ~ relation ~ " where "
        ~ increment_condition(held_before_this_run()) ~ ") as loaded"
    ) }}
{%- endmacro %}

{#- Per channel, the newest load stamp every incremental model held when this invocation
    began (the least among their latest record_consumed_loads logs written before it): the
    rows past it are the ones this build reads. None (everything) when nothing is logged. -#}
{% macro held_before_this_run() -%}
    {%- if not consumed_log_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set logged = run_query(
        "select channel, min(loaded_at_epoch) from (select model_name, channel,"
        ~ " max_by(loaded_at_epoch, recorded_at) as loaded_at_epoch from audit.consumed_loads"
        ~ " where recorded_at < cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')
        ~ "' as timestamp) group by model_name, channel) as held group by channel"
    ) -%}
    {%- set held = {} -%}
    {%- for row in logged.rows -%}
        {%- do held.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(held if held else none) }}
{%- endmacro %}

{% macro consumed_log_exists() -%}
    {{ return(adapter.get_relation(
        database=target.database, schema='audit', identifier='consumed_loads'
    ) is not none) }}
{%- endmacro %}

{#- dbt's hook for every generic test's relation: keep its `where` config, and narrow tests
    of incremental models to the rows the latest build wrote. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = rows_under_test(relation) -%}
    {%- if where -%}
        {{ return("(select * from " ~ tested ~ " where " ~ where ~ ") as dbt_subquery") }}
    {%- endif -%}
    {{ return(tested) }}
{%- endmacro %}
