{#- Fails with every combination of `columns` that appears more than once (nulls compare
    equal, so a blank store_id cannot hide a duplicate). -#}
{% test unique_combination(model, columns) %}

select
    {% for column in columns -%}
        coalesce(cast({{ column }} as varchar), '<null>') as {{ column }},
    {% endfor -%}
    count(*) as occurrences
from {{ model }}
group by {% for column in columns %}{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}
having count(*) > 1

{% endtest %}
