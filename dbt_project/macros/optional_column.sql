{#- Staging survives schema drift: a column the channel added is simply not selected, and a
    column it stopped sending becomes a typed null instead of a failed build. Keys are never
    optional; staging selects them directly so their loss fails loudly. -#}

{% macro relation_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{% macro optional_column(present, name, data_type, alias=none) -%}
    {%- if not execute or name in present -%}
        cast({{ name }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif %} as {{ alias or name }}
{%- endmacro %}
