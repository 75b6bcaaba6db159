{#- Normalisers shared by staging and identity resolution. Each returns null for a value it
    cannot normalise, so "unknown" is never confused with a real match. -#}

{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}

{% macro utc(expression) -%}
    {{ return(adapter.dispatch('utc', 'tributary')(expression)) }}
{%- endmacro %}

{% macro default__utc(expression) -%}
    cast(timezone('UTC', {{ expression }}) as timestamp)
{%- endmacro %}

{% macro epoch_utc(expression) -%}
    {{ utc('to_timestamp(' ~ expression ~ ')') }}
{%- endmacro %}

{#- GTIN-8, UPC-A (12), EAN-13 and GTIN-14 are one number space once left-padded to 14. -#}
{% macro gtin(expression) -%}
    case
        when length(regexp_replace({{ expression }}, '[^0-9]', '', 'g')) in (8, 12, 13, 14)
            then lpad(regexp_replace({{ expression }}, '[^0-9]', '', 'g'), 14, '0')
    end
{%- endmacro %}

{% macro email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}

{#- E.164: "+" and digits. International forms ("+44 7400…", "0044 7400…") keep their
    country code; national forms drop the trunk "0" and take the address's calling code.
    Masked numbers ("(+44)74*****96") are not phone numbers and give null. -#}
{% macro e164(phone, calling_code) -%}
    case
        when {{ phone }} like '%*%' then null
        when trim({{ phone }}) like '+%'
            then '+' || regexp_replace({{ phone }}, '[^0-9]', '', 'g')
        when regexp_replace({{ phone }}, '[^0-9]', '', 'g') like '00%'
            then '+' || substr(regexp_replace({{ phone }}, '[^0-9]', '', 'g'), 3)
        when {{ calling_code }} = '1'
            and length(regexp_replace({{ phone }}, '[^0-9]', '', 'g')) = 11
            and regexp_replace({{ phone }}, '[^0-9]', '', 'g') like '1%'
            then '+' || regexp_replace({{ phone }}, '[^0-9]', '', 'g')
        when length(regexp_replace({{ phone }}, '[^0-9]', '', 'g')) >= 6
            then '+' || {{ calling_code }}
                || regexp_replace(regexp_replace({{ phone }}, '[^0-9]', '', 'g'), '^0', '')
    end
{%- endmacro %}

{% macro name_postcode(name, postcode) -%}
    case
        when nullif(trim({{ name }}), '') is not null
            and nullif(trim({{ postcode }}), '') is not null
            then lower(regexp_replace(trim({{ name }}), '\s+', ' ', 'g'))
                || '|' || upper(regexp_replace({{ postcode }}, '\s', '', 'g'))
    end
{%- endmacro %}
