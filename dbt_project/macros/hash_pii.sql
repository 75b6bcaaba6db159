{#- Marts carry contact data only as salted SHA-256 hex digests: equal inputs still join
    across channels, and nobody reading a mart can recover an address. -#}
{% macro hash_pii(expression) -%}
    {{ return(adapter.dispatch('hash_pii', 'tributary')(expression)) }}
{%- endmacro %}

{% macro default__hash_pii(expression) -%}
    case
        when {{ expression }} is not null
            then sha256('{{ var("pii_hash_salt") }}' || '|' || {{ expression }})
    end
{%- endmacro %}

{% macro postgres__hash_pii(expression) -%}
    case
        when {{ expression }} is not null
            then encode(
                sha256(convert_to('{{ var("pii_hash_salt") }}' || '|' || {{ expression }}, 'UTF8')),
                'hex'
            )
    end
{%- endmacro %}
