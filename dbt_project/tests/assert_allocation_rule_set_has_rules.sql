-- The allocation rule set in force (TRIBUTARY_ALLOCATION_RULE_SET) must have rows: a misspelt
-- set would leave every listing without a rule, and the push would quietly write nothing.
-- Failing here skips inventory_push_targets in `dbt build`, and the push guard blocks.

select '{{ allocation_rule_set() }}' as rule_set
where not exists (
    select 1
    from {{ ref('allocation_rules') }}
    where rule_set = '{{ allocation_rule_set() }}'
)
