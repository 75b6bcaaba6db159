{#- Layers land in schemas named after them (staging, intermediate, marts, rules), not in
    "<target>_<layer>": BI tools and reverse ETL read `marts.*` whatever the target is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
