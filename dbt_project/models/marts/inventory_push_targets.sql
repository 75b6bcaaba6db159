{#- The one input of reverse ETL: per channel listing, the quantity it should show.
    target = floor(available_to_sell x allocation_percent / 100) - buffer_units, raised to
    minimum_units, capped by maximum_units and by available_to_sell, never below 0 (the
    stock_target macro, which the fast path's reactor renders too), with the rows of the
    allocation rule set in force (allocation_rule_set: env TRIBUTARY_ALLOCATION_RULE_SET,
    `batch` by default). A listing
    is pushable only when it maps to a SKU with a stock position, is fulfilled by the
    merchant, and its channel has an allocation rule; otherwise the reason says why. -#}

with

listings as (

    select * from {{ ref('dim_channel_listings') }}

),

positions as (

    select * from {{ ref('fct_inventory_positions') }}

),

rules as (

    select * from {{ ref('allocation_rules') }}
    where rule_set = '{{ allocation_rule_set() }}'

),

with_rules as (

    select
        listings.*,
        positions.available_to_sell,
        positions.snapshot_at as stock_snapshot_at,
        coalesce(store_rules.buffer_units, channel_rules.buffer_units) as buffer_units,
        coalesce(store_rules.allocation_percent, channel_rules.allocation_percent)
            as allocation_percent,
        coalesce(store_rules.minimum_units, channel_rules.minimum_units, 0) as minimum_units,
        case
            when store_rules.channel is not null then store_rules.maximum_units
            else channel_rules.maximum_units
        end as maximum_units,
        coalesce(store_rules.channel, channel_rules.channel) is not null as has_rule
    from listings
    left join positions
        on listings.sku = positions.sku
    left join rules as store_rules
        on
            listings.channel = store_rules.channel
            and listings.store_id = store_rules.store_id
    left join rules as channel_rules
        on
            listings.channel = channel_rules.channel
            and channel_rules.store_id is null

),

judged as (

    select
        *,
        case
            when sku is null then 'unmapped'
            when fulfilled_by <> 'merchant' then 'marketplace_fulfilled'
            when available_to_sell is null then 'no_stock_position'
            when not has_rule then 'no_allocation_rule'
        end as not_pushable_reason
    from with_rules

),

targeted as (

    select
        *,
        case
            when not_pushable_reason is null
                then {{ stock_target(
                    'available_to_sell', 'allocation_percent', 'buffer_units',
                    'minimum_units', 'maximum_units'
                ) }}
        end as target_quantity
    from judged

)

select
    listing_key,
    channel,
    store_id,
    listing_id,
    seller_sku,
    product_id,
    variant_id,
    inventory_item_id,
    location_id,
    sku,
    mapping_method,
    fulfilled_by,
    not_pushable_reason is null as is_pushable,
    not_pushable_reason,
    cast(available_to_sell as integer) as available_to_sell,
    '{{ allocation_rule_set() }}' as allocation_rule_set,
    cast(buffer_units as integer) as buffer_units,
    cast(allocation_percent as decimal(5, 2)) as allocation_percent,
    cast(minimum_units as integer) as minimum_units,
    cast(maximum_units as integer) as maximum_units,
    cast(target_quantity as integer) as target_quantity,
    reported_quantity,
    cast(target_quantity - reported_quantity as integer) as quantity_difference,
    stock_snapshot_at,
    loaded_at_epoch as reported_loaded_at_epoch,
    '{{ invocation_id }}' as build_id
from targeted
