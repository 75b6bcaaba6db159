{#- on-run-end: the results of every build, run, test or seed invocation, kept in the
    warehouse beside what it built (audit.dbt_builds, one row per invocation).

    inventory_push_targets carries the invocation id that built it (build_id), so reverse
    ETL checks the results of exactly that build: a build that was killed before this hook
    ran has no row, a failed one has succeeded = false, and neither can be mistaken for
    another build's results (a results file on disk could be overwritten by `dbt docs` or
    another project). -#}
{% macro record_build(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'seed') -%}
        {%- set failed = [] -%}
        {%- for result in results if result.status in ('error', 'fail', 'runtime error') -%}
            {%- do failed.append(result.node.unique_id) -%}
        {%- endfor -%}
        create table if not exists audit.dbt_builds (
            build_id varchar,
            command varchar,
            started_at timestamp,
            finished_at timestamp,
            nodes integer,
            failed_nodes integer,
            failures varchar,
            succeeded boolean
        );
        insert into audit.dbt_builds values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp),
            {{ utc_now() }},
            {{ results | length }},
            {{ failed | length }},
            '{{ failed | join(", ") | replace("'", "''") }}',
            {{ 'true' if not failed else 'false' }}
        )
    {%- endif -%}
{%- endmacro %}
