{#- Rows an incremental run must (re)build: loaded since the newest row already built, less a
    lookback, so a load that committed out of order is still picked up. Rebuilding a row twice
    is harmless (delete+insert on the unique key); skipping one is not. -#}
{% macro loaded_since_last_build(column='loaded_at_epoch') -%}
    {%- if is_incremental() -%}
        where {{ column }} > (
            select coalesce(max(loaded_at_epoch), 0) - {{ var('incremental_lookback_seconds') }}
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}
