{#- Marts carry contact data only as salted SHA-256 hex digests: equal inputs still join
    across channels, and nobody reading a mart can recover an address. The salt is the
    installation's secret (core/secrets.py). It never appears in SQL (compiled SQL ends up in
    manifests, logs and the docs site): each session gets it as a variable from the
    environment (plugins/tributary_secrets.py), and a build without one fails. Unit tests,
    which check the logic on fixtures, hash with the fixed salt `test` so that their expected
    digests can be written down. -#}
{% macro hash_pii(expression) -%}
    {{ return(adapter.dispatch('hash_pii', 'tributary')(expression)) }}
{%- endmacro %}

{% macro default__hash_pii(expression) -%}
    case
        when {{ expression }} is not null
            then sha256({{ pii_salt() }} || '|' || {{ expression }})
    end
{%- endmacro %}

{% macro postgres__hash_pii(expression) -%}
    case
        when {{ expression }} is not null
            then encode(
                sha256(convert_to(
                    {{ pii_salt() }} || '|' || {{ expression }}, 'UTF8'
                )),
                'hex'
            )
    end
{%- endmacro %}

{#- The salt as SQL: the session's secret, or `test` inside a unit test. -#}
{% macro pii_salt() -%}
    {%- if model is defined and model.resource_type == 'unit_test' -%}
        'test'
    {%- else -%}
        {{ adapter.dispatch('session_pii_salt', 'tributary')() }}
    {%- endif -%}
{%- endmacro %}

{% macro default__session_pii_salt() -%}
    getvariable('tributary_pii_salt')
{%- endmacro %}

{% macro postgres__session_pii_salt() -%}
    current_setting('tributary.pii_salt')
{%- endmacro %}
