{#- Which sales channels this warehouse holds: env TRIBUTARY_CHANNELS, comma-separated
    (default: all). A brand that does not sell on a channel leaves it out; its staging models,
    sources and union branches then disappear instead of failing on raw tables that were
    never loaded. dbt_project.yml reads the same variable to disable the staging folders. -#}

{% macro enabled_channels() -%}
    {{ return(env_var('TRIBUTARY_CHANNELS', 'shopify,amazon,tiktok_shop').split(',')
        | map('trim') | list) }}
{%- endmacro %}

{% macro channel_enabled(slug) -%}
    {{ return(slug in enabled_channels()) }}
{%- endmacro %}

{#- `select * from <cte>` for each enabled channel, joined by `union all`; the CTEs are
    named after the channel slugs. -#}
{% macro union_channels(slugs) -%}
    {%- set enabled = [] -%}
    {%- for slug in slugs if channel_enabled(slug) -%}
        {%- do enabled.append(slug) -%}
    {%- endfor -%}
    {%- if not enabled -%}
        {{ exceptions.raise_compiler_error(
            "TRIBUTARY_CHANNELS enables none of " ~ slugs ~ "; got " ~ enabled_channels()
        ) }}
    {%- endif -%}
    {%- for slug in enabled %}
    select * from {{ slug }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
