{#- Which rows of the allocation_rules seed apply: env TRIBUTARY_ALLOCATION_RULE_SET, `batch`
    by default. Buffers exist to absorb the sales a channel makes before it learns of stock
    moved elsewhere; how much that is depends on how fast stock reaches the channels, so a
    merchant running the fast path (seconds) can offer more than one relying on the
    15-minute refresh alone. One seed holds every set, so the rules stay in one place and the
    reactor reads the applied figures from inventory_push_targets like the batch push. -#}
{% macro allocation_rule_set() %}
    {{- return(env_var('TRIBUTARY_ALLOCATION_RULE_SET', 'batch')) -}}
{% endmacro %}
