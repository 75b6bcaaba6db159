{#- dbt's relationships test, with the parent narrowed to the keys the child holds before
    the anti-join. A refresh tests a few thousand new child rows; without the narrowing the
    warehouse hashes every parent key (all 741k customers) to look them up. -#}
{% macro default__test_relationships(model, column_name, to, field) %}

with child as (

    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null

),

parent as (

    select {{ field }} as to_field
    from {{ to }}
    where {{ field }} in (select child.from_field from child)

)

select child.from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null

{% endmacro %}
